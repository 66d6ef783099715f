/** GET /api/v1/epics/:id/reviews — the PM decisions on an epic, newest first. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Review } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getReviews(epicId: string, signal?: AbortSignal): Promise<Review[]> {
  return call(api.GET('/api/v1/epics/{id}/reviews', { params: { path: { id: epicId } }, signal }));
}

export function useReviews(epicId: string) {
  return useQuery({ queryKey: keys.reviews(epicId), queryFn: ({ signal }) => getReviews(epicId, signal) });
}
