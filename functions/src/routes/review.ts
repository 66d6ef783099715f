/** The monthly review: one page for leadership, as JSON or as Markdown. */
import { MonthlyReview, ReviewQuery, reviewMarkdown } from '../../../shared/monthly-review';
import { loadMonthlyReview } from '../digests/review-data';
import { endpoint, type Router } from '../http';

export function reviewRoutes(r: Router) {
  endpoint(
    r,
    {
      method: 'get',
      path: '/review',
      summary: "A month's review: what shipped and each verdict, themes that moved the product, decisions, what changed since the previous iteration and why, what is planned next (`format=markdown` for Markdown)",
      tags: ['Review'],
      auth: 'viewer',
      query: ReviewQuery,
      responses: { 200: { description: 'The review (default: the last completed month)', schema: MonthlyReview } },
    },
    async (c, { query }) => {
      const review = await loadMonthlyReview(c.get('services'), query.month);
      if (query.format === 'markdown') {
        c.header('Content-Type', 'text/markdown; charset=utf-8');
        c.header('Content-Disposition', `inline; filename="sextant-review-${review.month}.md"`);
        return c.body(reviewMarkdown(review));
      }
      return c.json(review);
    },
  );
}
