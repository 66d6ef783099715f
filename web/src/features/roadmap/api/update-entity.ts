/** PATCH /api/v1/{themes,milestones,epics,stories}/:id — change fields (`null` removes an optional one). */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import { api, call } from '../../../lib/api-client';
import type { Collection, EntityPath, EntityTypes } from './entities';

export async function updateEntity<C extends Collection>(collection: C, id: string, patch: EntityTypes[C]['patch']): Promise<EntityTypes[C]['record']> {
  const path = `/api/v1/${collection}/{id}` as EntityPath;
  const updated = (await call(api.PATCH(path as '/api/v1/themes/{id}', { params: { path: { id } }, body: patch as EntityTypes['themes']['patch'] }))) as EntityTypes[C]['record'];
  await invalidate(keys.roadmap, ...(collection === 'epics' ? [keys.impact.all, keys.outcome.epic(id)] : []));
  return updated;
}
