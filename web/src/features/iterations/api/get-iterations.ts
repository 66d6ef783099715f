/** GET /api/v1/iterations — the iteration history (headers only), newest first. */
import type { IterationHeader } from '../../../../../shared/iteration';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

/** What the list returns of each snapshot (the roadmap and outcomes come with GET /iterations/:id). */
export type { IterationHeader };

export function getIterations(signal?: AbortSignal): Promise<IterationHeader[]> {
  return api<IterationHeader[]>('/iterations', { signal });
}

export function useIterations() {
  return useQuery('iterations', getIterations);
}
