/**
 * Load what a month's review is composed from (outcomes as of the month's end, reviews, themes,
 * the iterations around it) and compose it with the one pure function of shared/. Used by the
 * review route, its Markdown export and the digests.
 */
import { demandByEpic } from '../../../shared/demand';
import { dueMonth } from '../../../shared/digest';
import type { Iteration, IterationHeader } from '../../../shared/iteration';
import { composeMonthlyReview, monthBounds, reviewAsOf, type MonthlyReview } from '../../../shared/monthly-review';
import { todayUtc } from '../../../shared/primitives';
import type { Review } from '../../../shared/review';
import { allOutcomes, impact } from '../analytics/outcomes';
import { badRequest } from '../errors';
import type { Services } from '../services';

/** Base URL of the dashboard for links in messages: SEXTANT_BASE_URL, else the local server's address. */
export function baseUrlOf(s: Services): string {
  const url = s.config.SEXTANT_BASE_URL ?? s.publicUrl ?? `http://${s.config.HOST}:${s.config.PORT}`;
  return url.replace(/\/+$/, '');
}

/** The iteration the month started from (latest with asOf before it) and the one that closed it (latest with asOf in it). */
export function iterationsAround(headers: IterationHeader[], month: string): { previous?: IterationHeader; closing?: IterationHeader } {
  const { start, end } = monthBounds(month);
  const byAsOf = [...headers].sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.createdAt < b.createdAt ? -1 : 1));
  return {
    previous: byAsOf.filter((h) => h.asOf < start).at(-1),
    closing: byAsOf.filter((h) => h.asOf >= start && h.asOf <= end).at(-1),
  };
}

/** The review of `month` (default: the last completed month), as of its last day or today. */
export async function loadMonthlyReview(s: Services, monthParam?: string, opts: { asOf?: string } = {}): Promise<MonthlyReview> {
  const today = todayUtc(s.now());
  const month = monthParam ?? dueMonth(today);
  if (monthBounds(month).start > today) throw badRequest(`month ${month} has not started yet (today is ${today})`);
  const asOf = opts.asOf && opts.asOf < reviewAsOf(month, today) ? opts.asOf : reviewAsOf(month, today);
  const { start, end } = monthBounds(month);

  const [{ roadmap, outcomes }, portfolio, headers, asks] = await Promise.all([allOutcomes(s, asOf), impact(s, asOf), s.iterations.list(), s.asks.all()]);
  const shippedIds = roadmap.epics.filter((e) => e.status === 'shipped').map((e) => e.id);
  const allReviews = (await Promise.all(shippedIds.map((id) => s.reviews.list(id)))).flat();
  const asOfEnd = `${asOf}T23:59:59.999Z`;
  const latestReviews: Record<string, Review> = {};
  for (const r of allReviews) {
    if (r.createdAt > asOfEnd) continue;
    const prev = latestReviews[r.epicId];
    if (!prev || prev.createdAt < r.createdAt) latestReviews[r.epicId] = r;
  }
  const reviews = allReviews.filter((r) => r.createdAt.slice(0, 10) >= start && r.createdAt.slice(0, 10) <= end && r.createdAt <= asOfEnd);

  const around = iterationsAround(headers, month);
  const [previous, closing] = await Promise.all([
    around.previous ? s.iterations.get<Iteration>(around.previous.id) : null,
    around.closing ? s.iterations.get<Iteration>(around.closing.id) : null,
  ]);
  return composeMonthlyReview({
    month,
    asOf,
    today,
    baseUrl: baseUrlOf(s),
    roadmap,
    outcomes,
    latestReviews,
    reviews,
    themes: portfolio.themes,
    previous,
    closing,
    demand: demandByEpic(asks, asOf),
  });
}
