/** The Markdown export: rendered in the browser by the same shared function the API's `format=markdown` uses. */
import { reviewMarkdown, type MonthlyReview } from '../../../../../shared/monthly-review';

export function downloadMarkdown(review: MonthlyReview) {
  const blob = new Blob([reviewMarkdown(review)], { type: 'text/markdown;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `sextant-review-${review.month}.md`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function copyMarkdown(review: MonthlyReview): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(reviewMarkdown(review));
    return true;
  } catch {
    return false;
  }
}
