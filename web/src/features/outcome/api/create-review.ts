/** POST /api/v1/epics/:id/reviews — record a PM decision (double_down | iterate | keep | sunset) and a note. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { RequestBody, Review } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export type ReviewRequest = RequestBody<'/api/v1/epics/{id}/reviews', 'post'>;

export async function createReview(epicId: string, input: ReviewRequest): Promise<Review> {
  const review = await call(api.POST('/api/v1/epics/{id}/reviews', { params: { path: { id: epicId } }, body: input }));
  await invalidate(keys.reviews(epicId), keys.impact.all);
  return review;
}
