/** PATCH /api/v1/people/:id — change a role; DELETE — remove. Both take effect on the person's next request. */
import type { Person, PersonRole } from '../../../../../shared/people';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function changeRole(id: string, role: PersonRole): Promise<Person> {
  const updated = await api<Person>(`/people/${encodeURIComponent(id)}`, { method: 'PATCH', body: { role } });
  invalidate('people');
  return updated;
}

export async function removePerson(id: string): Promise<Person> {
  const removed = await api<Person>(`/people/${encodeURIComponent(id)}`, { method: 'DELETE' });
  invalidate('people');
  return removed;
}
