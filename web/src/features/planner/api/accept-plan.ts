/**
 * POST /api/v1/plan/accept — re-run the (deterministic) planner for the same request, apply its
 * proposal to the roadmap and open the next iteration.
 */
import type { PlanAccepted } from '../../../../../shared/planner';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';
import type { PlanInput } from './create-plan';

export type AcceptedPlan = PlanAccepted;

export async function acceptPlan(input: PlanInput & { iterationName?: string }): Promise<AcceptedPlan> {
  const accepted = await api<AcceptedPlan>('/plan/accept', { method: 'POST', body: input });
  invalidate('roadmap');
  invalidate('iterations');
  invalidate('impact');
  invalidate('calibration');
  return accepted;
}
