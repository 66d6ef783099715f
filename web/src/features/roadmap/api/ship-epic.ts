/** POST /api/v1/epics/:id/ship — mark an epic shipped on a day (its outcome window starts then). */
import type { Epic } from '../../../../../shared/roadmap';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function shipEpic(id: string, shippedAt: string): Promise<Epic> {
  const epic = await api<Epic>(`/epics/${encodeURIComponent(id)}/ship`, { method: 'POST', body: { shippedAt } });
  invalidate('roadmap');
  invalidate('impact');
  invalidate(`outcome:${id}`);
  return epic;
}
