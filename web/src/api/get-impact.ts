/** GET /api/v1/impact?asOf= — the portfolio: headline, per theme, per shipped epic. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../lib/api-client';
import { keys } from './keys';
import type { Impact } from './types';

export function getImpact(asOf: string | null, signal?: AbortSignal): Promise<Impact> {
  return call(api.GET('/api/v1/impact', { params: { query: asOf ? { asOf } : {} }, signal })) as Promise<Impact>;
}

/** how long an impact answer counts as fresh: a focused tab refetches an older one */
export const IMPACT_STALE_MS = 30_000;

export function useImpact(asOf: string | null) {
  return useQuery({
    queryKey: keys.impact.at(asOf),
    queryFn: ({ signal }) => getImpact(asOf, signal),
    staleTime: IMPACT_STALE_MS,
    refetchOnWindowFocus: true,
  });
}
