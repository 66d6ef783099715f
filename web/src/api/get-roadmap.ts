/** GET /api/v1/roadmap — the whole roadmap document (read by the roadmap, outcome and planner pages). */
import type { Roadmap } from '../../../shared/roadmap';
import { api } from '../lib/api-client';
import { useQuery } from '../lib/query';

export const ROADMAP_KEY = 'roadmap';

export function getRoadmap(signal?: AbortSignal): Promise<Roadmap> {
  return api<Roadmap>('/roadmap', { signal });
}

export function useRoadmap() {
  return useQuery(ROADMAP_KEY, getRoadmap);
}
