/** PUT /api/v1/roadmap — import (replace) the whole document; an invalid one changes nothing. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { RequestBody, Roadmap } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

/** `doc` is a file the user picked: the server validates it (and answers 400 with the details). */
export async function importRoadmap(doc: unknown): Promise<Roadmap> {
  const stored = (await call(api.PUT('/api/v1/roadmap', { body: doc as RequestBody<'/api/v1/roadmap', 'put'> }))) as Roadmap;
  await invalidate(keys.roadmap, keys.impact.all, keys.outcome.all);
  return stored;
}
