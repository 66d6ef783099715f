/** DELETE /api/v1/{themes,milestones,epics,stories}/:id — an epic's stories go with it; 409 while still referenced. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import { api, call } from '../../../lib/api-client';
import type { Collection, EntityPath } from './entities';

export async function deleteEntity(collection: Collection, id: string): Promise<void> {
  const path = `/api/v1/${collection}/{id}` as EntityPath;
  await call(api.DELETE(path as '/api/v1/themes/{id}', { params: { path: { id } } }));
  await invalidate(keys.roadmap, ...(collection === 'epics' ? [keys.impact.all] : []));
}
