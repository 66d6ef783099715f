/** PATCH /api/v1/people/:id — change a role; DELETE — remove. Both take effect on the person's next request. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Person } from '../../../api/types';
import type { PersonRole } from '../../../../../shared/people';
import { api, call } from '../../../lib/api-client';

export async function changeRole(id: string, role: PersonRole): Promise<Person> {
  const updated = await call(api.PATCH('/api/v1/people/{id}', { params: { path: { id } }, body: { role } }));
  await invalidate(keys.people);
  return updated;
}

export async function removePerson(id: string): Promise<Person> {
  const removed = await call(api.DELETE('/api/v1/people/{id}', { params: { path: { id } } }));
  await invalidate(keys.people);
  return removed;
}
