/** GET /api/v1/impact?asOf= — the portfolio: headline, per theme, per shipped epic. */
import type { Impact } from '../../../shared/impact';
import { api } from '../lib/api-client';
import { useQuery } from '../lib/query';

export function getImpact(asOf: string | null, signal?: AbortSignal): Promise<Impact> {
  return api<Impact>('/impact', { query: { asOf }, signal });
}

export function useImpact(asOf: string | null) {
  return useQuery(`impact:${asOf ?? 'today'}`, (signal) => getImpact(asOf, signal));
}
