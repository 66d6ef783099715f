/** PATCH /api/v1/{themes,milestones,epics,stories}/:id — change fields (`null` removes an optional one). */
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';
import type { Collection, EntityTypes } from './entities';

export async function updateEntity<C extends Collection>(collection: C, id: string, patch: Record<string, unknown>): Promise<EntityTypes[C]['record']> {
  const updated = await api<EntityTypes[C]['record']>(`/${collection}/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
  invalidate('roadmap');
  if (collection === 'epics') {
    invalidate('impact');
    invalidate(`outcome:${id}`);
  }
  return updated;
}
