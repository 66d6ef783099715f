/** POST /api/v1/plan — a proposal for the next iteration from capacity and measured outcomes (changes nothing). */
import type { z } from 'zod';
import type { PlanProposal, PlanRequest } from '../../../../../shared/planner';
import { api } from '../../../lib/api-client';

export type PlanInput = z.input<typeof PlanRequest>;

export function createPlan(input: PlanInput): Promise<PlanProposal> {
  return api<PlanProposal>('/plan', { method: 'POST', body: input });
}
