/**
 * POST /api/v1/plan/accept — re-run the (deterministic) planner for the same request, apply its
 * proposal to the roadmap and open the next iteration.
 */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { PlanAccepted, RequestBody } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function acceptPlan(input: RequestBody<'/api/v1/plan/accept', 'post'>): Promise<PlanAccepted> {
  const accepted = (await call(api.POST('/api/v1/plan/accept', { body: input }))) as PlanAccepted;
  await invalidate(keys.roadmap, keys.iterations.all, keys.impact.all, keys.calibration);
  return accepted;
}
