/** POST /api/v1/iterations — freeze the roadmap and every outcome as of a day. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Iteration, RequestBody } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export type IterationRequest = RequestBody<'/api/v1/iterations', 'post'>;

export async function createIteration(input: IterationRequest): Promise<Iteration> {
  const created = (await call(api.POST('/api/v1/iterations', { body: input }))) as Iteration;
  await invalidate(keys.iterations.all);
  return created;
}
