/** POST /api/v1/epics/:id/ship — mark an epic shipped on a day (its outcome window starts then). */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Epic } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function shipEpic(id: string, shippedAt: string): Promise<Epic> {
  const epic = (await call(api.POST('/api/v1/epics/{id}/ship', { params: { path: { id } }, body: { shippedAt } }))) as Epic;
  await invalidate(keys.roadmap, keys.impact.all, keys.outcome.epic(id));
  return epic;
}
