/** POST /api/v1/people — invite a person by email with a role. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Person, RequestBody } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function invitePerson(input: RequestBody<'/api/v1/people', 'post'>): Promise<Person> {
  const created = await call(api.POST('/api/v1/people', { body: input }));
  await invalidate(keys.people);
  return created;
}
