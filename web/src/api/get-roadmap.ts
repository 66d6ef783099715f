/** GET /api/v1/roadmap — the whole roadmap document (read by the roadmap, outcome and planner pages). */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../lib/api-client';
import { keys } from './keys';
import type { Roadmap } from './types';

export function getRoadmap(signal?: AbortSignal): Promise<Roadmap> {
  return call(api.GET('/api/v1/roadmap', { signal })) as Promise<Roadmap>;
}

export function useRoadmap() {
  return useQuery({ queryKey: keys.roadmap, queryFn: ({ signal }) => getRoadmap(signal) });
}
