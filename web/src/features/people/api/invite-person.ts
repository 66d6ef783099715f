/** POST /api/v1/people — invite a person by email with a role. */
import type { Person, PersonRole } from '../../../../../shared/people';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function invitePerson(input: { email: string; role: PersonRole }): Promise<Person> {
  const created = await api<Person>('/people', { method: 'POST', body: input });
  invalidate('people');
  return created;
}
