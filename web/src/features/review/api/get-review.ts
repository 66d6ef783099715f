/** GET /api/v1/review?month= — the month's review (the JSON the Markdown export is rendered from too). */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { MonthlyReview } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getReview(month: string | null, signal?: AbortSignal): Promise<MonthlyReview> {
  return call(api.GET('/api/v1/review', { params: { query: month ? { month } : {} }, signal })) as Promise<MonthlyReview>;
}

export function useReview(month: string | null) {
  return useQuery({ queryKey: keys.review(month), queryFn: ({ signal }) => getReview(month, signal) });
}
