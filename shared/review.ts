/** A product manager's decision on a shipped epic's outcome. Pure. */
import { z } from 'zod';

export const DECISIONS = ['double_down', 'iterate', 'keep', 'sunset'] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

export const ReviewInput = z
  .object({
    decision: Decision,
    note: z.string().trim().max(4000).default(''),
    // no `author`: the server records the signed-in person (or the key's name); a body naming
    // one is refused with 400 (strict), so a review can never be put in someone else's name
  })
  .strict()
  .meta({ id: 'ReviewInput' });

export const Review = z
  .object({
    id: z.string(),
    epicId: z.string(),
    decision: Decision,
    note: z.string(),
    author: z.string(),
    createdAt: z.string(),
    /** snapshot of the verdict and headline figures when the decision was recorded */
    verdict: z.string().optional(),
    adoptionRate: z.number().nullable().optional(),
  })
  .meta({ id: 'Review' });
export type Review = z.infer<typeof Review>;
