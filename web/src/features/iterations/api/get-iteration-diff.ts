/** GET /api/v1/iterations/:id/diff?against= — what changed since `against`, with the outcome evidence behind each change. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { IterationDiff } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getIterationDiff(id: string, against: string, signal?: AbortSignal): Promise<IterationDiff> {
  return call(api.GET('/api/v1/iterations/{id}/diff', { params: { path: { id }, query: { against } }, signal })) as Promise<IterationDiff>;
}

export function useIterationDiff(id: string | null, against: string | null) {
  return useQuery({
    queryKey: keys.iterations.diff(id ?? '', against ?? ''),
    queryFn: ({ signal }) => getIterationDiff(id!, against!, signal),
    enabled: Boolean(id && against),
  });
}
