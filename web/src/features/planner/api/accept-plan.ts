/**
 * POST /api/v1/plan/accept — re-run the (deterministic) planner for the same request, apply its
 * proposal to the roadmap and open the next iteration.
 */
import type { Iteration } from '../../../../../shared/iteration';
import type { PlanProposal } from '../../../../../shared/planner';
import type { Roadmap } from '../../../../../shared/roadmap';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';
import type { PlanInput } from './create-plan';

export interface AcceptedPlan {
  proposal: PlanProposal;
  roadmap: Roadmap;
  iteration: Iteration;
}

export async function acceptPlan(input: PlanInput & { iterationName?: string }): Promise<AcceptedPlan> {
  const accepted = await api<AcceptedPlan>('/plan/accept', { method: 'POST', body: input });
  invalidate('roadmap');
  invalidate('iterations');
  invalidate('impact');
  invalidate('calibration');
  return accepted;
}
