/** GET /api/v1/iterations/:id — one snapshot: the roadmap and every epic's outcome as of its day. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Iteration } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getIteration(id: string, signal?: AbortSignal): Promise<Iteration> {
  return call(api.GET('/api/v1/iterations/{id}', { params: { path: { id } }, signal })) as Promise<Iteration>;
}

export function useIteration(id: string | null) {
  return useQuery({ queryKey: keys.iterations.one(id ?? ''), queryFn: ({ signal }) => getIteration(id!, signal), enabled: id !== null });
}
