/** GET /api/v1/review?month= — the month's review (the JSON the Markdown export is rendered from too). */
import type { MonthlyReview } from '../../../../../shared/monthly-review';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getReview(month: string | null, signal?: AbortSignal): Promise<MonthlyReview> {
  return api<MonthlyReview>('/review', { query: { month: month ?? undefined }, signal });
}

export function useReview(month: string | null) {
  return useQuery(`review:${month ?? 'default'}`, (signal) => getReview(month, signal));
}
