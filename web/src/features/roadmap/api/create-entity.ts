/** POST /api/v1/{themes,milestones,epics,stories} — create a theme, milestone, epic or story. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import { api, call } from '../../../lib/api-client';
import type { Collection, CollectionPath, EntityTypes } from './entities';

export async function createEntity<C extends Collection>(collection: C, input: EntityTypes[C]['input']): Promise<EntityTypes[C]['record']> {
  const path = `/api/v1/${collection}` as CollectionPath;
  const created = (await call(api.POST(path as '/api/v1/themes', { body: input as never }))) as EntityTypes[C]['record'];
  await invalidate(keys.roadmap, ...(collection === 'epics' ? [keys.impact.all] : []));
  return created;
}
