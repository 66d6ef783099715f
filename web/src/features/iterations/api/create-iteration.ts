/** POST /api/v1/iterations — freeze the roadmap and every outcome as of a day. */
import type { z } from 'zod';
import type { Iteration, IterationInput } from '../../../../../shared/iteration';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export type IterationRequest = z.input<typeof IterationInput>;

export async function createIteration(input: IterationRequest): Promise<Iteration> {
  const created = await api<Iteration>('/iterations', { method: 'POST', body: input });
  invalidate('iterations');
  return created;
}
