/** GET /api/v1/iterations/:id — one snapshot: the roadmap and every epic's outcome as of its day. */
import type { Iteration } from '../../../../../shared/iteration';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getIteration(id: string, signal?: AbortSignal): Promise<Iteration> {
  return api<Iteration>(`/iterations/${encodeURIComponent(id)}`, { signal });
}

export function useIteration(id: string | null) {
  return useQuery(id ? `iteration:${id}` : null, (signal) => getIteration(id!, signal));
}
