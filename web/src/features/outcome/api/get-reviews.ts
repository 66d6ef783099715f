/** GET /api/v1/epics/:id/reviews — the PM decisions on an epic, newest first. */
import type { Review } from '../../../../../shared/review';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getReviews(epicId: string, signal?: AbortSignal): Promise<Review[]> {
  return api<Review[]>(`/epics/${encodeURIComponent(epicId)}/reviews`, { signal });
}

export function useReviews(epicId: string) {
  return useQuery(`reviews:${epicId}`, (signal) => getReviews(epicId, signal));
}
