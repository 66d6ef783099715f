/** DELETE /api/v1/{themes,milestones,epics,stories}/:id — an epic's stories go with it; 409 while still referenced. */
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';
import type { Collection } from './entities';

export async function deleteEntity(collection: Collection, id: string): Promise<void> {
  await api<void>(`/${collection}/${encodeURIComponent(id)}`, { method: 'DELETE' });
  invalidate('roadmap');
  if (collection === 'epics') invalidate('impact');
}
