/** GET /api/v1/iterations — the iteration history (headers only), newest first. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { IterationHeader } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getIterations(signal?: AbortSignal): Promise<IterationHeader[]> {
  return call(api.GET('/api/v1/iterations', { signal }));
}

export function useIterations() {
  return useQuery({ queryKey: keys.iterations.all, queryFn: ({ signal }) => getIterations(signal) });
}
