/** GET /api/v1/iterations — the iteration history (headers only), newest first. */
import type { IterationHeader } from '../../../../../shared/iteration';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getIterations(signal?: AbortSignal): Promise<IterationHeader[]> {
  return api<IterationHeader[]>('/iterations', { signal });
}

export function useIterations() {
  return useQuery('iterations', getIterations);
}
