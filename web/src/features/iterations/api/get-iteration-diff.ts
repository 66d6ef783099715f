/** GET /api/v1/iterations/:id/diff?against= — what changed since `against`, with the outcome evidence behind each change. */
import type { IterationDiff } from '../../../../../shared/iteration';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getIterationDiff(id: string, against: string, signal?: AbortSignal): Promise<IterationDiff> {
  return api<IterationDiff>(`/iterations/${encodeURIComponent(id)}/diff`, { query: { against }, signal });
}

export function useIterationDiff(id: string | null, against: string | null) {
  return useQuery(id && against ? `iteration:${id}:diff:${against}` : null, (signal) => getIterationDiff(id!, against!, signal));
}
