/** PATCH /api/v1/{themes,milestones,epics,stories}/:id — change fields (`null` removes an optional one). */
import { keys } from '../../../api/keys';
import { queryClient } from '../../../api/query-client';
import { api, call } from '../../../lib/api-client';
import type { Collection, EntityPath, EntityTypes } from './entities';

export async function updateEntity<C extends Collection>(collection: C, id: string, patch: EntityTypes[C]['patch']): Promise<EntityTypes[C]['record']> {
  const path = `/api/v1/${collection}/{id}` as EntityPath;
  const updated = (await call(api.PATCH(path as '/api/v1/themes/{id}', { params: { path: { id } }, body: patch as EntityTypes['themes']['patch'] }))) as EntityTypes[C]['record'];
  void queryClient.invalidateQueries({ queryKey: keys.roadmap });
  if (collection === 'epics') {
    void queryClient.invalidateQueries({ queryKey: keys.impact.all });
    void queryClient.invalidateQueries({ queryKey: keys.outcome.epic(id) });
  }
  return updated;
}
