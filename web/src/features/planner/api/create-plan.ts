/** POST /api/v1/plan — a proposal for the next iteration from capacity and measured outcomes (changes nothing). */
import type { PlanProposal, RequestBody } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export type PlanInput = RequestBody<'/api/v1/plan', 'post'>;

export function createPlan(input: PlanInput): Promise<PlanProposal> {
  return call(api.POST('/api/v1/plan', { body: input }));
}
