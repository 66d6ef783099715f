/**
 * POST /api/v1/plan/accept — re-run the (deterministic) planner for the same request, apply its
 * proposal to the roadmap and open the next iteration.
 */
import type { z } from 'zod';
import type { PlanAccepted, PlanAcceptRequest } from '../../../../../shared/planner';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function acceptPlan(input: z.input<typeof PlanAcceptRequest>): Promise<PlanAccepted> {
  const accepted = await api<PlanAccepted>('/plan/accept', { method: 'POST', body: input });
  invalidate('roadmap');
  invalidate('iterations');
  invalidate('impact');
  invalidate('calibration');
  return accepted;
}
