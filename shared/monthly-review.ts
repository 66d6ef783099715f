/**
 * The monthly review: one page a leadership reader takes in within two minutes — what shipped
 * and each verdict, the themes that moved the product, the decisions taken, what changed
 * since the previous iteration and why, what is planned next and the capacity it uses.
 *
 * One composition (`composeMonthlyReview`), three renderings: the API's JSON (and the web page
 * drawn from it), the Markdown export (`reviewMarkdown`), and the digests (shared/digest.ts).
 * Pure: no AWS, Hono or React imports.
 */
import { z } from 'zod';
import { DemandSummary } from './asks';
import { describeDemand } from './demand';
import { addDays, isoDate } from './primitives';
import type { Impact } from './impact';
import { describeTargetResult, diffIterations, formatNumber, formatPercent, summarizeOutcome, type Iteration } from './iteration';
import { EpicVerdict, type Outcome } from './outcome-types';
import type { Review } from './review';
import type { Roadmap } from './roadmap';

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const Month = z.string().regex(MONTH, 'month must be YYYY-MM');

/** GET /api/v1/review query. */
export const ReviewQuery = z
  .object({ month: Month.optional(), format: z.enum(['json', 'markdown']).optional() })
  .strict();

/** First and last day of a month. */
export function monthBounds(month: string): { start: string; end: string } {
  const [y, m] = month.split('-').map(Number);
  const start = `${month}-01`;
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(next, -1) };
}

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** "October 2026". */
export function monthTitle(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The day a review of `month` is evaluated as of: its last day, or today while it runs. */
export function reviewAsOf(month: string, today: string): string {
  const { end } = monthBounds(month);
  return end < today ? end : today;
}

const Link = z.string();
const IterationRef = z.object({ id: z.string(), name: z.string(), asOf: z.string(), link: Link });

export const ReviewTarget = z.object({
  metric: z.string(),
  /** "adoption 3.1% vs target 10% (missed)" */
  text: z.string(),
  status: z.enum(['met', 'missed', 'pending', 'unknown']),
  confident: z.boolean(),
});

export const ReviewEpic = z
  .object({
    epicId: z.string(),
    title: z.string(),
    themeId: z.string(),
    themeName: z.string(),
    shippedAt: z.string(),
    /** the day the measurement window closes (verdict ready): ship day + window − 1 */
    windowCloses: z.string(),
    verdict: EpicVerdict,
    /** `met` / `missed`: true when every deciding target's 95% CI lies wholly on its side */
    confident: z.boolean().nullable(),
    /** "met (confident)", "missed (not conclusive)", "too early: window closes 2026-11-29" */
    verdictText: z.string(),
    adoptionRate: z.number().nullable(),
    /** the adoption target, for the chart */
    adoptionTarget: z.number().nullable(),
    targets: z.array(ReviewTarget),
    decision: z.string().nullable(),
    link: Link,
  })
  .meta({ id: 'ReviewEpic' });
export type ReviewEpic = z.infer<typeof ReviewEpic>;

export const MonthlyReview = z
  .object({
    month: Month,
    title: z.string(),
    asOf: isoDate,
    /** true while the month is still running (asOf is today) */
    partial: z.boolean(),
    link: Link,
    /** one sentence: shipped, verdicts, changes */
    headline: z.string(),
    /** epics shipped during the month, with their verdict as of asOf */
    shipped: z.array(ReviewEpic),
    /** epics whose measurement window closed during the month: the verdicts that became ready */
    verdicts: z.array(ReviewEpic),
    themes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        shippedEpics: z.number().int(),
        metEpics: z.number().int(),
        missedEpics: z.number().int(),
        meanAdoptionRate: z.number().nullable(),
        satisfactionChange: z.number().nullable(),
        kpiLiftCount: z.number().int(),
        /** at least one of its epics met every target (the KPI and satisfaction figures are context) */
        moved: z.boolean(),
        summary: z.string(),
      }),
    ),
    decisions: z.array(
      z.object({ epicId: z.string(), title: z.string(), decision: z.string(), note: z.string(), author: z.string(), at: z.string(), link: Link }),
    ),
    changes: z.object({
      from: IterationRef.nullable(),
      to: IterationRef.nullable(),
      /** true when `to` is today's roadmap, not a stored iteration */
      live: z.boolean(),
      items: z.array(z.object({ epicId: z.string(), title: z.string(), kind: z.string(), detail: z.string(), evidence: z.string().nullable(), link: Link })),
      counts: z.record(z.string(), z.number().int()),
    }),
    next: z.object({
      milestone: z.object({ id: z.string(), name: z.string(), start: z.string(), end: z.string() }).nullable(),
      epics: z.array(
        z.object({
          epicId: z.string(),
          title: z.string(),
          themeName: z.string(),
          status: z.string(),
          engineeringWeeks: z.number(),
          designWeeks: z.number(),
          followUpOf: z.string().nullable(),
          /** the customer demand behind it (asks linked to it by the month's end), when there is any */
          demand: DemandSummary.optional(),
          link: Link,
        }),
      ),
      engineeringWeeks: z.number(),
      designWeeks: z.number(),
      /** "3 epics, 14 engineering + 6 design weeks" */
      summary: z.string(),
    }),
  })
  .meta({ id: 'MonthlyReview' });
export type MonthlyReview = z.infer<typeof MonthlyReview>;

export interface ComposeReviewInput {
  month: string;
  /** evaluated as of (use reviewAsOf) */
  asOf: string;
  today: string;
  /** base URL of the dashboard, without a trailing slash: every item links back to its page */
  baseUrl: string;
  /** the roadmap as of now */
  roadmap: Roadmap;
  /** every shipped epic's outcome as of `asOf` */
  outcomes: Outcome[];
  /** latest review per epic as of `asOf` */
  latestReviews: Record<string, Review>;
  /** reviews recorded during the month */
  reviews: Review[];
  /** the portfolio's themes as of `asOf` */
  themes: Impact['themes'];
  /** the iteration the month started from (latest taken before the month) */
  previous: Iteration | null;
  /** the iteration that closed the month (latest taken during it), or null: today's roadmap stands in */
  closing: Iteration | null;
  /** customer demand per epic as of `asOf` (epics with asks only) */
  demand?: Record<string, DemandSummary>;
}

const DECISION_WORDS: Record<string, string> = { double_down: 'double down', iterate: 'iterate', keep: 'keep', sunset: 'sunset' };
export const decisionWords = (d: string) => DECISION_WORDS[d] ?? d;

/** Confidence of a measured verdict: every deciding target's CI lies wholly on its side. */
function verdictConfidence(o: Outcome): boolean | null {
  if (o.verdict === 'met') return o.targets.length > 0 && o.targets.every((t) => t.status === 'met' && t.confident);
  if (o.verdict === 'missed') {
    const missed = o.targets.filter((t) => t.status === 'missed');
    return missed.length > 0 && missed.every((t) => t.confident);
  }
  return null;
}

function verdictText(o: Outcome, confident: boolean | null, windowCloses: string): string {
  switch (o.verdict) {
    case 'met':
    case 'missed':
      return `${o.verdict} (${confident ? 'confident' : 'not conclusive'})`;
    case 'too_early':
      return `too early: window closes ${windowCloses}`;
    case 'insufficient_data':
      return 'insufficient data';
    default:
      return 'not shipped';
  }
}

const pp = (x: number) => `${x > 0 ? '+' : ''}${formatNumber(x)}`;

/** Compose the month's review. Pure: every figure comes from the inputs. */
export function composeMonthlyReview(input: ComposeReviewInput): MonthlyReview {
  const { month, asOf, baseUrl, roadmap } = input;
  const { start, end } = monthBounds(month);
  const link = (path: string) => `${baseUrl}${path}`;
  const themeName = new Map(roadmap.themes.map((t) => [t.id, t.name]));
  const epics = new Map(roadmap.epics.map((e) => [e.id, e]));

  const reviewEpic = (o: Outcome): ReviewEpic => {
    const epic = epics.get(o.epicId)!;
    const windowCloses = addDays(o.shippedAt!, o.windowDays - 1);
    const confident = verdictConfidence(o);
    const summary = summarizeOutcome(o, input.latestReviews[o.epicId]);
    const adoptionTarget = epic.targets.find((t) => t.metric === 'adoption_rate')?.value ?? null;
    return {
      epicId: o.epicId,
      title: epic.title,
      themeId: epic.themeId,
      themeName: themeName.get(epic.themeId) ?? epic.themeId,
      shippedAt: o.shippedAt!,
      windowCloses,
      verdict: o.verdict,
      confident,
      verdictText: verdictText(o, confident, windowCloses),
      adoptionRate: o.adoption.rate,
      adoptionTarget,
      targets: summary.targets.map((t) => ({ metric: t.metric, text: describeTargetResult(t), status: t.status, confident: t.confident })),
      decision: summary.decision,
      link: link(`/epics/${encodeURIComponent(o.epicId)}`),
    };
  };

  const measured = input.outcomes.filter((o) => o.shippedAt && epics.has(o.epicId));
  const byShip = (a: Outcome, b: Outcome) => (a.shippedAt! < b.shippedAt! ? -1 : a.shippedAt! > b.shippedAt! ? 1 : a.epicId < b.epicId ? -1 : 1);
  const shipped = measured.filter((o) => o.shippedAt! >= start && o.shippedAt! <= end).sort(byShip).map(reviewEpic);
  const verdicts = measured
    .filter((o) => {
      const closes = addDays(o.shippedAt!, o.windowDays - 1);
      return closes >= start && closes <= end && closes <= asOf;
    })
    .sort(byShip)
    .map(reviewEpic);

  const themes = input.themes
    .filter((t) => t.shippedEpics > 0)
    .map((t) => {
      const moved = t.metEpics > 0;
      const parts = [t.evaluatedEpics === 1 ? `${t.metEpics} of 1 measured epic met its targets` : `${t.metEpics} of ${t.evaluatedEpics} measured epics met their targets`];
      if (t.meanAdoptionRate !== null) parts.push(`mean adoption ${formatPercent(t.meanAdoptionRate)}`);
      if (t.satisfactionChange !== null) parts.push(`product CSAT ${pp(t.satisfactionChange)}`);
      if (t.kpiLiftCount > 0) parts.push(`${t.kpiLiftCount} KPI lift${t.kpiLiftCount === 1 ? '' : 's'} with confidence`);
      return {
        id: t.id,
        name: t.name,
        shippedEpics: t.shippedEpics,
        metEpics: t.metEpics,
        missedEpics: t.missedEpics,
        meanAdoptionRate: t.meanAdoptionRate,
        satisfactionChange: t.satisfactionChange,
        kpiLiftCount: t.kpiLiftCount,
        moved,
        summary: parts.join('; '),
      };
    })
    .sort((a, b) => Number(b.moved) - Number(a.moved) || b.metEpics - a.metEpics || (b.meanAdoptionRate ?? -1) - (a.meanAdoptionRate ?? -1) || (a.id < b.id ? -1 : 1));

  const decisions = input.reviews
    .filter((r) => r.createdAt.slice(0, 10) >= start && r.createdAt.slice(0, 10) <= end)
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
    .map((r) => ({
      epicId: r.epicId,
      title: epics.get(r.epicId)?.title ?? r.epicId,
      decision: r.decision,
      note: r.note,
      author: r.author,
      at: r.createdAt.slice(0, 10),
      link: link(`/epics/${encodeURIComponent(r.epicId)}`),
    }));

  // what changed: the iteration the month started from → the one that closed it (or today's roadmap)
  const closing: Iteration = input.closing ?? {
    id: 'live',
    name: `Roadmap as of ${asOf}`,
    asOf,
    createdAt: `${asOf}T00:00:00.000Z`,
    author: 'sextant',
    roadmap,
    outcomes: measured.map((o) => summarizeOutcome(o, input.latestReviews[o.epicId])),
  };
  const ref = (it: Iteration) => ({ id: it.id, name: it.name, asOf: it.asOf, link: link(it.id === 'live' ? '/roadmap' : `/iterations/${encodeURIComponent(it.id)}`) });
  const diff = input.previous ? diffIterations(input.previous, closing) : null;
  const changes = {
    from: input.previous ? ref(input.previous) : null,
    to: ref(closing),
    live: input.closing === null,
    items: (diff?.changes ?? []).map((c) => ({
      epicId: c.epicId,
      title: c.title,
      kind: c.kind,
      detail: c.detail,
      evidence: c.evidence ?? null,
      link: link(`/epics/${encodeURIComponent(c.epicId)}`),
    })),
    counts: diff ? Object.fromEntries(Object.entries(diff.summary).filter(([k, v]) => k !== 'total' && v > 0)) : {},
  };

  // what is planned next: the milestone after the month, as planned when the month closed
  // (the closing iteration's roadmap), else today's roadmap
  const plan = input.closing?.roadmap ?? roadmap;
  const nextStart = addDays(end, 1);
  const nextMs = [...plan.milestones].sort((a, b) => (a.start < b.start ? -1 : 1)).find((m) => m.end >= nextStart) ?? null;
  const nextEpics = nextMs
    ? plan.epics
        .filter((e) => e.milestoneId === nextMs.id && e.status !== 'cancelled')
        .map((e) => ({
          epicId: e.id,
          title: e.title,
          themeName: themeName.get(e.themeId) ?? e.themeId,
          status: e.status,
          engineeringWeeks: e.estimate?.effortWeeks.engineering ?? 0,
          designWeeks: e.estimate?.effortWeeks.design ?? 0,
          followUpOf: e.followUpOf ?? null,
          ...(input.demand?.[e.id] ? { demand: input.demand[e.id] } : {}),
          link: link(`/epics/${encodeURIComponent(e.id)}`),
        }))
    : [];
  const eng = nextEpics.reduce((s, e) => s + e.engineeringWeeks, 0);
  const design = nextEpics.reduce((s, e) => s + e.designWeeks, 0);
  const next = {
    milestone: nextMs ? { id: nextMs.id, name: nextMs.name, start: nextMs.start, end: nextMs.end } : null,
    epics: nextEpics,
    engineeringWeeks: eng,
    designWeeks: design,
    summary: nextMs
      ? `${nextEpics.length} epic${nextEpics.length === 1 ? '' : 's'} in ${nextMs.name}, ${formatNumber(eng)} engineering + ${formatNumber(design)} design weeks`
      : 'no milestone planned after this month',
  };

  const met = verdicts.filter((v) => v.verdict === 'met').length;
  const missed = verdicts.filter((v) => v.verdict === 'missed').length;
  const headline = [
    `${shipped.length} epic${shipped.length === 1 ? '' : 's'} shipped`,
    `${verdicts.length} verdict${verdicts.length === 1 ? '' : 's'} ready (${met} met, ${missed} missed)`,
    `${decisions.length} decision${decisions.length === 1 ? '' : 's'}`,
    `${changes.items.length} roadmap change${changes.items.length === 1 ? '' : 's'}`,
  ].join(' · ');

  return {
    month,
    title: `${monthTitle(month)} review`,
    asOf,
    partial: asOf < end,
    link: link(`/review?month=${month}`),
    headline,
    shipped,
    verdicts,
    themes,
    decisions,
    changes,
    next,
  };
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

/** Escape what Markdown would read as markup in a table cell or list item. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]|<>])/g, '\\$1').replace(/\n+/g, ' ');
}

const mdLink = (text: string, url: string) => `[${mdEscape(text)}](${url})`;

/** The review as Markdown, for pasting into a doc or a chat. */
export function reviewMarkdown(r: MonthlyReview): string {
  const out: string[] = [];
  out.push(`# ${mdEscape(r.title)}`, '');
  out.push(`${r.headline}. As of ${r.asOf}${r.partial ? ' (month in progress)' : ''}. ${mdLink('Open in Sextant', r.link)}`, '');

  out.push('## What shipped', '');
  if (r.shipped.length === 0) out.push('Nothing shipped this month.', '');
  else {
    out.push('| epic | theme | shipped | verdict |', '|---|---|---|---|');
    for (const e of r.shipped) out.push(`| ${mdLink(e.title, e.link)} | ${mdEscape(e.themeName)} | ${e.shippedAt} | ${mdEscape(e.verdictText)} |`);
    out.push('');
  }

  out.push('## Verdicts ready this month', '');
  if (r.verdicts.length === 0) out.push('No measurement window closed this month.', '');
  else {
    for (const e of r.verdicts) {
      out.push(`- **${mdLink(e.title, e.link)}**: ${mdEscape(e.verdictText)}${e.decision ? ` · decision: ${decisionWords(e.decision)}` : ''}`);
      for (const t of e.targets) out.push(`  - ${mdEscape(t.text)}${t.status === 'met' || t.status === 'missed' ? (t.confident ? ', confident' : ', not conclusive') : ''}`);
    }
    out.push('');
  }

  out.push('## Themes that moved the product', '');
  const moved = r.themes.filter((t) => t.moved);
  if (moved.length === 0) out.push('No theme moved the product measurably yet.', '');
  else {
    for (const t of moved) out.push(`- **${mdEscape(t.name)}**: ${mdEscape(t.summary)}`);
    out.push('');
  }

  out.push('## Decisions taken', '');
  if (r.decisions.length === 0) out.push('No decisions recorded this month.', '');
  else {
    for (const d of r.decisions) out.push(`- ${d.at} ${mdLink(d.title, d.link)}: **${decisionWords(d.decision)}**${d.note ? ` — ${mdEscape(d.note)}` : ''} (${mdEscape(d.author)})`);
    out.push('');
  }

  out.push('## What changed since the previous iteration', '');
  if (!r.changes.from) out.push('No earlier iteration to compare with.', '');
  else if (r.changes.items.length === 0) out.push(`No change from ${mdLink(r.changes.from.name, r.changes.from.link)}.`, '');
  else {
    out.push(`From ${mdLink(r.changes.from.name, r.changes.from.link)} to ${mdLink(r.changes.to!.name, r.changes.to!.link)}:`, '');
    for (const c of r.changes.items) out.push(`- ${mdLink(c.title, c.link)} — ${c.kind}: ${mdEscape(c.detail)}${c.evidence ? `. Why: ${mdEscape(c.evidence)}` : ''}`);
    out.push('');
  }

  out.push('## Planned next', '');
  out.push(`${mdEscape(r.next.summary)}.`, '');
  for (const e of r.next.epics) {
    out.push(`- ${mdLink(e.title, e.link)} (${mdEscape(e.themeName)}, ${e.status.replace('_', ' ')}): ${formatNumber(e.engineeringWeeks)} eng + ${formatNumber(e.designWeeks)} design weeks${e.followUpOf ? `, follow-up of ${e.followUpOf}` : ''}${e.demand ? `; ${describeDemand(e.demand)}` : ''}`);
  }
  if (r.next.epics.length) out.push('');
  return out.join('\n');
}
