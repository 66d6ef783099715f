/** POST /api/v1/epics/:id/reviews — record a PM decision (double_down | iterate | keep | sunset) and a note. */
import type { z } from 'zod';
import type { Review, ReviewInput } from '../../../../../shared/review';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export type ReviewRequest = z.input<typeof ReviewInput>;

export async function createReview(epicId: string, input: ReviewRequest): Promise<Review> {
  const review = await api<Review>(`/epics/${encodeURIComponent(epicId)}/reviews`, { method: 'POST', body: input });
  invalidate(`reviews:${epicId}`);
  invalidate('impact');
  return review;
}
