/**
 * The impact portfolio (GET /api/v1/impact): per theme and per shipped epic, the figures
 * leadership sorts and charts, built from already computed outcomes. Pure.
 * Binding names (DESIGN.md "Shapes"): themes[].id, name, shippedEpics, metTargets;
 * epics[].id, title, themeId, verdict, adoptionRate.
 */
import { z } from 'zod';
import { dateOfDay, dayNumber } from './primitives';
import type { Roadmap } from './roadmap';
import { EpicVerdict, type Outcome, type SatisfactionDay } from './outcome-types';
import { meanCi95, momentsFromSums } from './stats';
import { describeAmendment } from './amendments';

const Ci95 = z.tuple([z.number(), z.number()]).nullable();

const ImpactKpiLift = z.object({
  name: z.string(),
  lift: z.number().nullable(),
  relativeLift: z.number().nullable(),
  ci95: Ci95,
  pValue: z.number().nullable(),
  /** the KPI was already moving before launch (placebo p < 0.05): the lift may be the trend */
  trendWarning: z.boolean().optional(),
});

const ImpactTheme = z.object({
  id: z.string(),
  name: z.string(),
  /** epics of the theme in the roadmap, any status */
  epics: z.number().int(),
  /** epics shipped on or before asOf */
  shippedEpics: z.number().int(),
  /** shipped epics with a `met` or `missed` verdict */
  evaluatedEpics: z.number().int(),
  metEpics: z.number().int(),
  missedEpics: z.number().int(),
  /** targets with status `met` / `missed` / `pending` across the theme's shipped epics */
  metTargets: z.number().int(),
  missedTargets: z.number().int(),
  pendingTargets: z.number().int(),
  /** mean of adoption rates of shipped epics whose window has closed (verdict not too_early) */
  meanAdoptionRate: z.number().nullable(),
  /** sums over those epics (a user active for two epics counts twice) */
  adopters: z.number().int(),
  activeUsers: z.number().int(),
  /** mean of those epics' product-CSAT change (window − pre-window) */
  satisfactionChange: z.number().nullable(),
  /** KPI lifts of those epics whose 95% CI lies wholly above 0 / below 0 */
  kpiLiftCount: z.number().int(),
  kpiDropCount: z.number().int(),
});

const ImpactEpic = z.object({
  id: z.string(),
  title: z.string(),
  themeId: z.string(),
  milestoneId: z.string().nullable(),
  shippedAt: z.string().nullable(),
  windowEnd: z.string().nullable(),
  verdict: EpicVerdict,
  verdictReason: z.string(),
  /** the verdict against the amended targets, when a target was changed after ship (`verdict` is against the planned ones) */
  verdictAmended: EpicVerdict.optional(),
  /** changes to targets after ship, in words: "target lowered from 10% to 3% on 2 Oct 2026 by …: …" */
  amendments: z.array(z.string()).optional(),
  confounded: z.boolean(),
  adoptionRate: z.number().nullable(),
  adoptionCi95: Ci95,
  adopters: z.number().int(),
  activeUsers: z.number().int(),
  csat: z.number().nullable(),
  csatN: z.number().int(),
  nps: z.number().nullable(),
  npsN: z.number().int(),
  satisfactionChange: z.number().nullable(),
  satisfactionCi95: Ci95,
  engagementDid: z.number().nullable(),
  kpiLifts: z.array(ImpactKpiLift),
  targetsMet: z.number().int(),
  targetsMissed: z.number().int(),
  targetsPending: z.number().int(),
  targetsTotal: z.number().int(),
  /** the missed target furthest from its target, relative to |target| (absolute when target is 0) */
  worstMiss: z
    .object({ metric: z.string(), actual: z.number(), target: z.number(), gap: z.number() })
    .nullable(),
  /** latest PM decision on this epic */
  decision: z.string().nullable(),
  decisionAt: z.string().nullable(),
  decisionBy: z.string().nullable(),
  /** evaluated (met / missed) and no decision recorded yet */
  awaitingDecision: z.boolean(),
});

export const Impact = z
  .object({
    asOf: z.string(),
    headline: z.object({
      shippedEpics: z.number().int(),
      evaluatedEpics: z.number().int(),
      metEpics: z.number().int(),
      missedEpics: z.number().int(),
      tooEarlyEpics: z.number().int(),
      insufficientDataEpics: z.number().int(),
      /** metEpics / evaluatedEpics; null when none evaluated */
      shareMeetingTargets: z.number().nullable(),
      targetsMet: z.number().int(),
      targetsMissed: z.number().int(),
      confoundedEpics: z.number().int(),
      awaitingDecision: z.number().int(),
      productActiveTrend: z.array(z.object({ date: z.string(), activeUsers: z.number().int() })),
      /** product-wide CSAT per ISO week (week = its Monday) */
      productCsatTrend: z.array(z.object({ week: z.string(), mean: z.number(), n: z.number().int(), ci95: Ci95 })),
    }),
    themes: z.array(ImpactTheme),
    epics: z.array(ImpactEpic),
    /** when the rollups behind these figures ran, and how many seconds ago (as on an outcome) */
    freshness: z.object({ rolledUpAt: z.string().nullable(), behindSeconds: z.number().nullable() }).optional(),
  })
  .meta({ id: 'Impact' });
export type Impact = z.infer<typeof Impact>;
export type ImpactEpic = z.infer<typeof ImpactEpic>;
export type ImpactTheme = z.infer<typeof ImpactTheme>;

export interface ComputeImpactArgs {
  roadmap: Roadmap;
  /** outcomes of the shipped epics, as of `asOf` */
  outcomes: Outcome[];
  asOf: string;
  productActive: { date: string; activeUsers: number }[];
  productSatisfaction: SatisfactionDay[];
  /** latest review per epic id */
  latestReviews: Record<string, { decision: string; createdAt: string; author: string }>;
  /** when the rollups ran (ISO instant, null before the first); sets `freshness` when given */
  rolledUpAt?: string | null;
  /** clock for `freshness.behindSeconds` (ms since epoch); default Date.now() */
  now?: number;
}

const EVALUATED = new Set<string>(['met', 'missed']);
const WINDOW_CLOSED = new Set<string>(['met', 'missed', 'insufficient_data']);

function meanOrNull(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Monday (YYYY-MM-DD) of the ISO week of a day number; day 0 (1970-01-01) was a Thursday. */
function weekStart(day: number): string {
  return dateOfDay(day - (((day + 3) % 7) + 7) % 7);
}

function worstMissOf(o: Outcome): ImpactEpic['worstMiss'] {
  let worst: ImpactEpic['worstMiss'] = null;
  let worstScore = -Infinity;
  for (const t of o.targets) {
    if (t.status !== 'missed' || t.actual === null) continue;
    // `status` is judged against the target as planned at ship: the gap is to that value
    const value = t.planned?.value ?? t.value;
    const gap = t.actual - value;
    const score = Math.abs(gap) / (value !== 0 ? Math.abs(value) : 1);
    if (score > worstScore) {
      worstScore = score;
      worst = { metric: t.metric, actual: t.actual, target: value, gap };
    }
  }
  return worst;
}

function epicRow(
  epic: Roadmap['epics'][number],
  o: Outcome | undefined,
  review: ComputeImpactArgs['latestReviews'][string] | undefined,
): ImpactEpic {
  const verdict = o?.verdict ?? 'insufficient_data';
  return {
    id: epic.id,
    title: epic.title,
    themeId: epic.themeId,
    milestoneId: epic.milestoneId ?? null,
    shippedAt: epic.shippedAt ?? null,
    windowEnd: o?.windowEnd ?? null,
    verdict,
    verdictReason: o?.verdictReason ?? 'outcome not computed',
    ...(o?.verdictAmended ? { verdictAmended: o.verdictAmended } : {}),
    ...(o?.targets.some((t) => t.amendments?.length) ? { amendments: o.targets.flatMap((t) => t.amendments ?? []).sort((a, b) => a.at.localeCompare(b.at)).map(describeAmendment) } : {}),
    confounded: o?.confounded ?? false,
    adoptionRate: o?.adoption.rate ?? null,
    adoptionCi95: o?.adoption.ci95 ?? null,
    adopters: o?.adoption.adopters ?? 0,
    activeUsers: o?.adoption.activeUsers ?? 0,
    csat: o?.satisfaction.csat?.mean ?? null,
    csatN: o?.satisfaction.csat?.n ?? 0,
    nps: o?.satisfaction.nps?.score ?? null,
    npsN: o?.satisfaction.nps?.n ?? 0,
    satisfactionChange: o?.satisfaction.productCsat?.diff ?? null,
    satisfactionCi95: o?.satisfaction.productCsat?.ci95 ?? null,
    engagementDid: o?.engagement?.did ?? null,
    kpiLifts: (o?.kpis ?? []).map((k) => ({ name: k.name, lift: k.lift, relativeLift: k.relativeLift, ci95: k.ci95, pValue: k.pValue, trendWarning: k.trendWarning })),
    targetsMet: o?.targets.filter((t) => t.status === 'met').length ?? 0,
    targetsMissed: o?.targets.filter((t) => t.status === 'missed').length ?? 0,
    targetsPending: o?.targets.filter((t) => t.status === 'pending').length ?? 0,
    targetsTotal: o?.targets.length ?? epic.targets.length,
    worstMiss: o ? worstMissOf(o) : null,
    decision: review?.decision ?? null,
    decisionAt: review?.createdAt ?? null,
    decisionBy: review?.author ?? null,
    awaitingDecision: EVALUATED.has(verdict) && !review,
  };
}

/**
 * The portfolio as of `asOf`: one row per epic shipped on or before asOf (newest first) from its
 * outcome; per theme, counts of shipped / evaluated (met or missed) / met epics and of met /
 * missed / pending targets, and — over epics whose window has closed — mean adoption rate, summed
 * adopters and active users, mean product-CSAT change and the number of KPI lifts with a 95% CI
 * wholly above (below) 0; headline: the same counts, share of evaluated epics meeting all targets,
 * the daily product active-user trend and the weekly product CSAT trend up to asOf.
 * A shipped epic without an outcome is listed as `insufficient_data` ("outcome not computed").
 */
export function computeImpact(args: ComputeImpactArgs): Impact {
  const { roadmap, asOf } = args;
  const A = dayNumber(asOf);
  const outcomes = new Map(args.outcomes.map((o) => [o.epicId, o]));
  const shipped = roadmap.epics
    .filter((e) => e.status === 'shipped' && !!e.shippedAt && dayNumber(e.shippedAt) <= A)
    .sort((x, y) => (x.shippedAt! > y.shippedAt! ? -1 : x.shippedAt! < y.shippedAt! ? 1 : x.id < y.id ? -1 : 1));
  const epics = shipped.map((e) => epicRow(e, outcomes.get(e.id), args.latestReviews[e.id]));

  const themes: ImpactTheme[] = roadmap.themes.map((theme) => {
    const rows = epics.filter((r) => r.themeId === theme.id);
    const closed = rows.filter((r) => WINDOW_CLOSED.has(r.verdict));
    const lifts = closed.flatMap((r) => r.kpiLifts);
    return {
      id: theme.id,
      name: theme.name,
      epics: roadmap.epics.filter((e) => e.themeId === theme.id).length,
      shippedEpics: rows.length,
      evaluatedEpics: rows.filter((r) => EVALUATED.has(r.verdict)).length,
      metEpics: rows.filter((r) => r.verdict === 'met').length,
      missedEpics: rows.filter((r) => r.verdict === 'missed').length,
      metTargets: rows.reduce((s, r) => s + r.targetsMet, 0),
      missedTargets: rows.reduce((s, r) => s + r.targetsMissed, 0),
      pendingTargets: rows.reduce((s, r) => s + r.targetsPending, 0),
      meanAdoptionRate: meanOrNull(closed.flatMap((r) => (r.adoptionRate === null ? [] : [r.adoptionRate]))),
      adopters: closed.reduce((s, r) => s + r.adopters, 0),
      activeUsers: closed.reduce((s, r) => s + r.activeUsers, 0),
      satisfactionChange: meanOrNull(closed.flatMap((r) => (r.satisfactionChange === null ? [] : [r.satisfactionChange]))),
      kpiLiftCount: lifts.filter((k) => k.ci95 !== null && k.ci95[0] > 0).length,
      kpiDropCount: lifts.filter((k) => k.ci95 !== null && k.ci95[1] < 0).length,
    };
  });

  const asOfDate = dateOfDay(A);
  const productActiveTrend = args.productActive
    .filter((p) => p.date <= asOfDate)
    .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
    .map((p) => ({ date: p.date, activeUsers: p.activeUsers }));

  const weeks = new Map<string, { n: number; sum: number; sumSq: number }>();
  for (const d of args.productSatisfaction) {
    if (d.scope !== 'product' || d.scale !== 'csat' || d.date > asOfDate || d.n <= 0) continue;
    const w = weekStart(dayNumber(d.date));
    const acc = weeks.get(w) ?? { n: 0, sum: 0, sumSq: 0 };
    acc.n += d.n;
    acc.sum += d.sum;
    acc.sumSq += d.sumSq;
    weeks.set(w, acc);
  }
  const productCsatTrend = [...weeks.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, s]) => ({ week, mean: s.sum / s.n, n: s.n, ci95: meanCi95(momentsFromSums(s)) }));

  const count = (v: string) => epics.filter((r) => r.verdict === v).length;
  const evaluated = epics.filter((r) => EVALUATED.has(r.verdict)).length;
  const met = count('met');
  return {
    asOf,
    headline: {
      shippedEpics: epics.length,
      evaluatedEpics: evaluated,
      metEpics: met,
      missedEpics: count('missed'),
      tooEarlyEpics: count('too_early'),
      insufficientDataEpics: count('insufficient_data'),
      shareMeetingTargets: evaluated > 0 ? met / evaluated : null,
      targetsMet: epics.reduce((s, r) => s + r.targetsMet, 0),
      targetsMissed: epics.reduce((s, r) => s + r.targetsMissed, 0),
      confoundedEpics: epics.filter((r) => r.confounded).length,
      awaitingDecision: epics.filter((r) => r.awaitingDecision).length,
      productActiveTrend,
      productCsatTrend,
    },
    themes,
    epics,
    ...(args.rolledUpAt === undefined ? {} : { freshness: freshnessOf(args.rolledUpAt, args.now ?? Date.now()) }),
  };
}

/** `freshness` of a response computed from rollups: when they ran and how many seconds ago. */
export function freshnessOf(rolledUpAt: string | null, now: number): { rolledUpAt: string | null; behindSeconds: number | null } {
  const at = rolledUpAt === null ? NaN : Date.parse(rolledUpAt);
  return { rolledUpAt, behindSeconds: Number.isFinite(at) ? Math.max(0, Math.round((now - at) / 1000)) : null };
}
