/** POST /api/v1/{themes,milestones,epics,stories} — create a theme, milestone, epic or story. */
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';
import type { Collection, EntityTypes } from './entities';

export async function createEntity<C extends Collection>(collection: C, input: EntityTypes[C]['input']): Promise<EntityTypes[C]['record']> {
  const created = await api<EntityTypes[C]['record']>(`/${collection}`, { method: 'POST', body: input });
  invalidate('roadmap');
  if (collection === 'epics') invalidate('impact');
  return created;
}
