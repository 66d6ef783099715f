/**
 * The outcome of a shipped epic against its targets (DESIGN.md "Outcome definitions", binding).
 * Pure: takes the epic's rollup(s), the daily satisfaction aggregates and KPI values, and
 * returns the `Outcome` response shape.
 *
 * Days: S = ship day, W = window days, A = asOf. Window S … S+W−1, pre-window S−W … S−1;
 * only days ≤ A count, so the window measured is S … min(S+W−1, A).
 */
import { dateOfDay, dayNumber } from './primitives';
import { DEFAULT_WINDOW_DAYS, type Epic, type Target } from './roadmap';
import { keyedTargets, plannedOf } from './amendments';
import type { ChangeMoments, EpicRollup, EpicVerdict, KpiPoint, Outcome, SatisfactionDay, TargetResult } from './outcome-types';
import { HORIZON_DAYS, matchedEffect } from './engagement';
import { clipInterval, meanCi95, meanShiftEwc, momentsFromSums, momentsOf, npsCi95, npsOf, welch, wilson, type Interval, type Moments } from './stats';

/** Fewer active users (or satisfaction responses, for a satisfaction target) than this: insufficient data. */
export const MIN_SAMPLE = 30;
/** Fewer days with a KPI value than this on either side of launch: insufficient data for a KPI target. */
export const MIN_KPI_DAYS = 14;

export interface OverlapRef {
  epicId: string;
  title: string;
  shippedAt: string;
}

export interface ComputeOutcomeArgs {
  epic: Epic;
  /** last day counted, inclusive (YYYY-MM-DD) */
  asOf: string;
  /** the outcome's window W; default 28 */
  windowDays?: number;
  /** the epic's rollup for `windowDays` (ignored unless its epicId, shippedAt and windowDays match) */
  rollup: EpicRollup | null;
  /**
   * rollups for other window lengths, keyed by window days, for targets whose window differs
   * from `windowDays`. Adoption over Wt days can come from any rollup with window ≥ Wt (the
   * cumulative series is the same prefix); see `computeOutcome`.
   */
  rollupsByWindow?: Record<number, EpicRollup>;
  /** daily satisfaction aggregates: the `product` scope and this epic's scope (others are ignored) */
  satisfaction: SatisfactionDay[];
  /** daily KPI values, per KPI name */
  kpis: { name: string; points: KpiPoint[] }[];
  /** other epics of the theme shipped with overlapping windows (see `findOverlaps`) */
  overlaps: OverlapRef[];
  /** when the rollup was computed (ISO instant); sets `freshness` when given */
  rolledUpAt?: string | null;
  /** clock for `freshness.behindSeconds` (ms since epoch); default Date.now() */
  now?: number;
}

type Adoption = Outcome['adoption'];
type Satisfaction = Outcome['satisfaction'];
type KpiOutcome = Outcome['kpis'][number];
type Engagement = Outcome['engagement'];

/** Everything measured over one window length. */
interface Measurement {
  windowDays: number;
  /** last day counted (day number): min(S+W−1, A) */
  lastDay: number;
  adoption: Adoption;
  /** true when adoption came from a rollup (false: no rollup covers this window) */
  adoptionKnown: boolean;
  satisfaction: Satisfaction;
  npsCi95: Interval | null;
  kpis: KpiOutcome[];
  engagement: Engagement;
}

interface SatSums {
  n: number;
  sum: number;
  sumSq: number;
  promoters: number;
  detractors: number;
}

function sumSatisfaction(days: SatisfactionDay[], scope: string, scale: 'csat' | 'nps', from: number, to: number): SatSums {
  const s: SatSums = { n: 0, sum: 0, sumSq: 0, promoters: 0, detractors: 0 };
  if (to < from) return s;
  const fromDate = dateOfDay(from);
  const toDate = dateOfDay(to);
  for (const d of days) {
    if (d.scope !== scope || d.scale !== scale || d.date < fromDate || d.date > toDate) continue;
    s.n += d.n;
    s.sum += d.sum;
    s.sumSq += d.sumSq;
    s.promoters += d.promoters;
    s.detractors += d.detractors;
  }
  return s;
}

/** A rollup usable for this epic and window length. */
function matches(r: EpicRollup | null | undefined, epic: Epic, windowDays?: number): r is EpicRollup {
  return !!r && r.epicId === epic.id && r.shippedAt === epic.shippedAt && (windowDays === undefined || r.windowDays === windowDays);
}

/** The series/did entry for day `lastDay`, or the latest one before it when the rollup stops earlier. */
function entryAt<T extends { date: string }>(entries: T[], S: number, lastDay: number): T | null {
  if (lastDay < S || entries.length === 0) return null;
  const idx = Math.min(lastDay - S, entries.length - 1);
  const target = dateOfDay(lastDay);
  for (let i = idx; i >= 0; i--) if (entries[i].date <= target) return entries[i];
  return null;
}

function rateOf(adopters: number, activeUsers: number): number | null {
  return activeUsers > 0 ? adopters / activeUsers : null;
}

function meanN(m: Moments | null): { mean: number | null; n: number } {
  return { mean: m ? m.mean : null, n: m ? m.n : 0 };
}

function changeMoments(c: ChangeMoments): Moments | null {
  return momentsFromSums({ n: c.n, sum: c.sumChange, sumSq: c.sumChangeSq });
}

function measure(args: ComputeOutcomeArgs, W: number): Measurement {
  const { epic } = args;
  const S = dayNumber(epic.shippedAt!);
  const A = dayNumber(args.asOf);
  const lastDay = Math.min(S + W - 1, A);
  const preFrom = S - W;
  const preTo = Math.min(S - 1, A);

  // Adoption: the exact-window rollup first, else any rollup with a window ≥ W (same cumulative prefix).
  const exact = [args.rollup, args.rollupsByWindow?.[W]].find((r) => matches(r, epic, W)) ?? null;
  const candidates = [args.rollup, ...Object.values(args.rollupsByWindow ?? {})]
    .filter((r): r is EpicRollup => matches(r, epic) && r.windowDays >= W)
    .sort((x, y) => x.windowDays - y.windowDays);
  const adoptionRollup = exact ?? candidates[0] ?? null;
  const series = adoptionRollup
    ? adoptionRollup.series
        .filter((p) => dayNumber(p.date) <= lastDay)
        .map((p) => ({ date: p.date, adopters: p.adopters, activeUsers: p.activeUsers, rate: rateOf(p.adopters, p.activeUsers) }))
    : [];
  const at = adoptionRollup ? entryAt(adoptionRollup.series, S, lastDay) : null;
  const adopters = at?.adopters ?? 0;
  const activeUsers = at?.activeUsers ?? 0;
  const adoption: Adoption = {
    adopters,
    activeUsers,
    rate: rateOf(adopters, activeUsers),
    ci95: wilson(adopters, activeUsers),
    series,
  };

  // Satisfaction: the epic's own responses in the window; product-wide CSAT pre-window vs window.
  const csatSums = sumSatisfaction(args.satisfaction, epic.id, 'csat', S, lastDay);
  const csatM = momentsFromSums(csatSums);
  const npsSums = sumSatisfaction(args.satisfaction, epic.id, 'nps', S, lastDay);
  const productBefore = momentsFromSums(sumSatisfaction(args.satisfaction, 'product', 'csat', preFrom, preTo));
  const productAfter = momentsFromSums(sumSatisfaction(args.satisfaction, 'product', 'csat', S, lastDay));
  const productTest = welch(productBefore, productAfter);
  const satisfaction: Satisfaction = {
    csat: csatM ? { mean: csatM.mean, n: csatM.n, ci95: clipInterval(meanCi95(csatM), 1, 5) } : null,
    nps:
      npsSums.n > 0
        ? { score: npsOf(npsSums.promoters, npsSums.detractors, npsSums.n), n: npsSums.n, promoters: npsSums.promoters, detractors: npsSums.detractors }
        : null,
    productCsat:
      productBefore || productAfter
        ? { before: meanN(productBefore), after: meanN(productAfter), diff: productTest.diff, ci95: clipInterval(productTest.ci95, -4, 4), pValue: productTest.pValue }
        : null,
  };

  // KPIs: mean daily value pre-window vs window (one value per date; the last one given wins), with
  // EWC long-run variances per side (not DESIGN.md's Newey–West: see meanShiftEwc and the README);
  // placebo: the same test on the 2W days before the pre-window, split at S−2W.
  const kpis: KpiOutcome[] = args.kpis.map(({ name, points }) => {
    const byDay = new Map<number, number>();
    for (const p of points) {
      if (!Number.isFinite(p.value)) continue;
      const d = dayNumber(p.date);
      if (d >= S - 3 * W && d <= lastDay) byDay.set(d, p.value);
    }
    const days = [...byDay.keys()].filter((d) => d >= preFrom).sort((x, y) => x - y);
    const before = momentsOf(days.filter((d) => d <= preTo).map((d) => byDay.get(d)!));
    const after = momentsOf(days.filter((d) => d >= S).map((d) => byDay.get(d)!));
    const test = meanShiftEwc(days.map((d) => ({ day: d, value: byDay.get(d)! })), S);
    const placeboPoints = [...byDay.entries()].filter(([d]) => d < preFrom).map(([day, value]) => ({ day, value }));
    const placebo = placeboPoints.length > 0 ? meanShiftEwc(placeboPoints, S - 2 * W) : null;
    return {
      name,
      before: meanN(before),
      after: meanN(after),
      lift: test.lift,
      relativeLift: test.lift !== null && before && before.mean !== 0 ? test.lift / before.mean : null,
      ci95: test.ci95,
      pValue: test.pValue,
      placebo: placebo ? { lift: placebo.lift, ci95: placebo.ci95, pValue: placebo.pValue } : null,
      trendWarning: placebo?.pValue != null && placebo.pValue < 0.05,
      series: days.map((d) => ({ date: dateOfDay(d), value: byDay.get(d)! })),
    };
  });

  // Engagement needs the rollup of exactly this window (its pre-window is W days long): the DiD
  // (descriptive) and the matched estimate over the 14 days after each adopter's first use.
  let engagement: Engagement = null;
  const didAt = exact ? entryAt(exact.did, S, lastDay) : null;
  if (didAt && didAt.adopters.n + didAt.nonAdopters.n > 0) {
    const diff = welch(changeMoments(didAt.nonAdopters), changeMoments(didAt.adopters)).diff;
    const group = (c: ChangeMoments) => ({ before: c.n > 0 ? c.sumBefore / c.n : null, after: c.n > 0 ? c.sumAfter / c.n : null, n: c.n });
    const m = matchedEffect(exact!.matched, W, A - S);
    engagement = {
      adopters: group(didAt.adopters),
      nonAdopters: group(didAt.nonAdopters),
      did: diff,
      effect: m.effect,
      ci95: m.ci95,
      matched: m.matched,
      horizonDays: HORIZON_DAYS,
    };
  }

  return {
    windowDays: W,
    lastDay,
    adoption,
    adoptionKnown: adoptionRollup !== null,
    satisfaction,
    npsCi95: npsSums.n > 0 ? clipInterval(npsCi95(npsSums.promoters, npsSums.detractors, npsSums.n), -100, 100) : null,
    kpis,
    engagement,
  };
}

/** Actual value, its 95% CI and sample size of a target metric in a measurement. */
function actualOf(metric: string, m: Measurement): { actual: number | null; ci95: Interval | null; n: number } {
  const s = m.satisfaction;
  if (metric === 'adoption_rate') {
    if (!m.adoptionKnown) return { actual: null, ci95: null, n: 0 };
    return { actual: m.adoption.rate, ci95: m.adoption.ci95, n: m.adoption.activeUsers };
  }
  if (metric === 'csat') return { actual: s.csat?.mean ?? null, ci95: s.csat?.ci95 ?? null, n: s.csat?.n ?? 0 };
  if (metric === 'nps') return { actual: s.nps?.score ?? null, ci95: m.npsCi95, n: s.nps?.n ?? 0 };
  if (metric === 'satisfaction_lift') {
    const p = s.productCsat;
    return { actual: p?.diff ?? null, ci95: p?.ci95 ?? null, n: p ? Math.min(p.before.n, p.after.n) : 0 };
  }
  if (metric.startsWith('kpi:')) {
    const k = m.kpis.find((x) => x.name === metric.slice(4));
    return { actual: k?.lift ?? null, ci95: k?.ci95 ?? null, n: k ? Math.min(k.before.n, k.after.n) : 0 };
  }
  return { actual: null, ci95: null, n: 0 };
}

/**
 * Target status: `pending` while A < S+Wt−1; `unknown` when the actual is null; else `met` when
 * the point estimate satisfies `op value`, `missed` otherwise; `confident` when the 95% CI lies
 * wholly on the side of the status (met ≥: lo ≥ value; missed ≥: hi < value; met ≤: hi ≤ value;
 * missed ≤: lo > value).
 */
export function evaluateTarget(
  target: Target,
  actual: number | null,
  ci95: Interval | null,
  windowClosed: boolean,
): Pick<TargetResult, 'status' | 'confident'> {
  if (!windowClosed) return { status: 'pending', confident: false };
  if (actual === null) return { status: 'unknown', confident: false };
  const met = target.op === '>=' ? actual >= target.value : actual <= target.value;
  let confident = false;
  if (ci95) {
    const [lo, hi] = ci95;
    if (target.op === '>=') confident = met ? lo >= target.value : hi < target.value;
    else confident = met ? hi <= target.value : lo > target.value;
  }
  return { status: met ? 'met' : 'missed', confident };
}

const SATISFACTION_METRICS = new Set(['csat', 'nps', 'satisfaction_lift']);

function formatInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, noun: string): string {
  return `${formatInt(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function trimFixed(x: number, digits: number): string {
  return x.toFixed(digits).replace(/\.?0+$/, '') || '0';
}

function signed(s: string, x: number): string {
  return x > 0 ? `+${s}` : s;
}

function formatValue(metric: string, x: number, isTarget: boolean): string {
  if (metric === 'adoption_rate') return `${trimFixed(x * 100, 1)}%`;
  if (isTarget) return String(x);
  if (metric === 'csat') return x.toFixed(2);
  if (metric === 'nps') return trimFixed(x, 1);
  return signed(String(Number(x.toPrecision(3))), x);
}

function metricLabel(metric: string): string {
  if (metric === 'adoption_rate') return 'adoption';
  if (metric === 'csat') return 'CSAT';
  if (metric === 'nps') return 'NPS';
  if (metric === 'satisfaction_lift') return 'product CSAT change';
  return `${metric.slice(4)} lift`;
}

/** One target as a human phrase, e.g. "adoption 25.3% vs target ≥ 15% (n=1,630)". */
export function describeTarget(t: TargetResult): string {
  const op = t.op === '>=' ? '≥' : '≤';
  const actual = t.actual === null ? 'no data' : formatValue(t.metric, t.actual, false);
  const unit = t.metric.startsWith('kpi:') ? ' days' : '';
  const n = t.n !== undefined ? ` (n=${formatInt(t.n)}${unit})` : '';
  return `${metricLabel(t.metric)} ${actual} vs target ${op} ${formatValue(t.metric, t.value, true)}${n}`;
}

function verdictOf(
  epic: Epic,
  S: number,
  A: number,
  W: number,
  main: Measurement,
  targets: TargetResult[],
): { verdict: EpicVerdict; verdictReason: string } {
  const windowClose = S + W - 1;
  if (A < S) return { verdict: 'too_early', verdictReason: `ships on ${epic.shippedAt}, after ${dateOfDay(A)}` };
  if (A < windowClose) {
    return {
      verdict: 'too_early',
      verdictReason: `the ${W}-day window closes on ${dateOfDay(windowClose)} (day ${A - S + 1} of ${W})`,
    };
  }
  const pending = targets.filter((t) => t.status === 'pending');
  if (pending.length > 0) {
    const t = pending.reduce((x, y) => (y.windowDays > x.windowDays ? y : x));
    return {
      verdict: 'too_early',
      verdictReason: `the ${t.windowDays}-day window of the ${t.metric} target closes on ${dateOfDay(S + t.windowDays - 1)}`,
    };
  }
  if (main.adoption.activeUsers < MIN_SAMPLE) {
    return {
      verdict: 'insufficient_data',
      verdictReason: `only ${plural(main.adoption.activeUsers, 'active user')} in the window (need ≥ ${MIN_SAMPLE})`,
    };
  }
  for (const t of targets) {
    if (SATISFACTION_METRICS.has(t.metric) && (t.n ?? 0) < MIN_SAMPLE) {
      return {
        verdict: 'insufficient_data',
        verdictReason: `only ${plural(t.n ?? 0, 'response')} for the ${t.metric} target (need ≥ ${MIN_SAMPLE})`,
      };
    }
  }
  for (const t of targets) {
    if (t.metric.startsWith('kpi:') && t.actual !== null && (t.n ?? 0) < MIN_KPI_DAYS) {
      return {
        verdict: 'insufficient_data',
        verdictReason: `only ${plural(t.n ?? 0, 'day')} with a ${t.metric.slice(4)} value on one side of launch (need ≥ ${MIN_KPI_DAYS} before and after)`,
      };
    }
  }
  if (targets.length === 0) return { verdict: 'insufficient_data', verdictReason: 'no targets set' };
  const unknown = targets.filter((t) => t.status === 'unknown');
  if (unknown.length > 0) {
    return { verdict: 'insufficient_data', verdictReason: `no data for ${unknown.map((t) => t.metric).join(', ')}` };
  }
  const missed = targets.filter((t) => t.status === 'missed');
  if (missed.length === 0) {
    const what = targets.length === 1 ? 'target met' : `all ${targets.length} targets met`;
    return { verdict: 'met', verdictReason: `${what}: ${targets.map(describeTarget).join('; ')}` };
  }
  return {
    verdict: 'missed',
    verdictReason: `missed ${missed.length} of ${targets.length} target${targets.length === 1 ? '' : 's'}: ${missed.map(describeTarget).join('; ')}`,
  };
}

function emptyOutcome(epic: Epic, asOf: string, W: number, overlaps: OverlapRef[]): Outcome {
  return {
    epicId: epic.id,
    asOf,
    shippedAt: null,
    windowDays: W,
    windowEnd: null,
    verdict: 'not_shipped',
    verdictReason: epic.status === 'shipped' ? 'shipped without a ship date' : `not shipped (status: ${epic.status})`,
    confounded: overlaps.length > 0,
    overlaps,
    adoption: { adopters: 0, activeUsers: 0, rate: null, ci95: null, series: [] },
    satisfaction: { csat: null, nps: null, productCsat: null },
    kpis: [],
    engagement: null,
    targets: epic.targets.map((t) => ({ ...t, actual: null, status: 'pending' as const, confident: false })),
    distinctCounts: 'exact',
  };
}

/**
 * The outcome of an epic as of day A (DESIGN.md "Outcome definitions"):
 * adoption = adopters / active users over S … min(S+W−1, A) (Wilson CI) with its daily cumulative
 * series; epic CSAT mean (t CI) and NPS = 100·(promoters − detractors)/n in the window; product CSAT
 * window − pre-window (Welch); per KPI mean daily value window − pre-window (absolute, ÷ pre-window
 * mean, CI and p from EWC long-run variances per side — a deliberate deviation from the defined
 * Newey–West, whose false-positive rate is 19% at day-to-day correlation 0.6 (README) — placebo on
 * S−3W … S−W−1 split at S−2W, trendWarning when its p < 0.05);
 * engagement: descriptive DiD = mean change in active days of adopters − of non-adopters
 * among pre-window-active users, and the matched `effect` with its interval (shared/engagement.ts);
 * intervals clipped to their scale; targets over their own windows; verdict not_shipped →
 * too_early → insufficient_data → met (every target met) / missed.
 *
 * Choices where the design is silent:
 * - A target whose window Wt ≠ W is measured over Wt days: satisfaction and KPIs from the daily data,
 *   adoption from `rollupsByWindow[Wt]` or any rollup with window ≥ Wt (the cumulative series over
 *   [S, S+k] does not depend on W). Without one, its actual is null (`unknown` once closed).
 * - The verdict is `too_early` while any target is `pending` (a longer target window still open).
 * - `insufficient_data` also covers: no targets set, and a closed target with no data (`unknown`).
 * - A rollup that stops before min(S+W−1, A) is read at its last day (see `freshness`).
 */
export function computeOutcome(args: ComputeOutcomeArgs): Outcome {
  const { epic, asOf } = args;
  const W = args.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (epic.status !== 'shipped' || !epic.shippedAt) return withFreshness(emptyOutcome(epic, asOf, W, args.overlaps), args);

  const S = dayNumber(epic.shippedAt);
  const A = dayNumber(asOf);
  const cache = new Map<number, Measurement>();
  const measured = (w: number) => {
    let m = cache.get(w);
    if (!m) cache.set(w, (m = measure(args, w)));
    return m;
  };
  const main = measured(W);

  const judge = (t: Target) => {
    const { actual, ci95, n } = actualOf(t.metric, measured(t.windowDays));
    return { actual, ci95, n, ...evaluateTarget(t, actual, ci95, A >= S + t.windowDays - 1) };
  };
  const { targets, judged, amended } = judgeTargets(epic, judge);

  const outcome: Outcome = {
    epicId: epic.id,
    asOf,
    shippedAt: epic.shippedAt,
    windowDays: W,
    windowEnd: main.lastDay >= S ? dateOfDay(main.lastDay) : null,
    ...verdictOf(epic, S, A, W, main, judged),
    ...(amended ? { verdictAmended: verdictOf(epic, S, A, W, main, amended).verdict } : {}),
    confounded: args.overlaps.length > 0,
    overlaps: args.overlaps,
    adoption: main.adoption,
    satisfaction: main.satisfaction,
    kpis: main.kpis,
    engagement: main.engagement,
    targets,
    distinctCounts: 'exact',
  };
  return withFreshness(outcome, args);
}

/**
 * Each target judged against its planned value (DESIGN.md "Amended targets"): targets are paired
 * with the planned ones by metric; `status` is against the planned goal, `statusAmended` against
 * the current one when it differs; a target removed after ship is still judged (as planned), one
 * added after ship is judged as it is (nothing was planned). `amended` is the list judged as the
 * targets are now, when any target was changed after ship (else undefined).
 */
function judgeTargets(epic: Epic, judge: (t: Target) => Pick<TargetResult, 'actual' | 'ci95' | 'n' | 'status' | 'confident'>): { targets: TargetResult[]; judged: TargetResult[]; amended?: TargetResult[] } {
  const planned = plannedOf(epic);
  if (!planned) {
    const targets = epic.targets.map((t) => ({ ...t, ...judge(t) }));
    return { targets, judged: targets };
  }
  const current = keyedTargets(epic.targets);
  const plan = keyedTargets(planned);
  const amendments = epic.targetAmendments ?? [];
  const targets: TargetResult[] = [];
  // the verdict (and its reason, in words) reads the planned goals
  const judged: TargetResult[] = [];
  const amended: TargetResult[] = [];
  let changed = false;
  for (const key of new Set([...current.keys(), ...plan.keys()])) {
    const cur = current.get(key);
    const pl = plan.get(key);
    const shown = (cur ?? pl)!;
    const own = amendments.filter((a) => a.metric === shown.metric);
    const base = judge(pl ?? cur!);
    const differs = !!cur && !!pl && (cur.op !== pl.op || cur.value !== pl.value || cur.windowDays !== pl.windowDays);
    const now = differs ? judge(cur!) : base;
    if (differs || !cur || !pl) changed = true;
    targets.push({ ...shown, ...base, planned: pl ? { op: pl.op, value: pl.value, windowDays: pl.windowDays } : null, amendments: own, ...(differs ? { statusAmended: now.status } : {}) });
    judged.push({ ...(pl ?? cur)!, ...base });
    if (cur) amended.push({ ...cur, ...now });
  }
  return { targets, judged, ...(changed ? { amended } : {}) };
}

function withFreshness(outcome: Outcome, args: ComputeOutcomeArgs): Outcome {
  if (args.rolledUpAt === undefined) return outcome;
  const at = args.rolledUpAt === null ? NaN : Date.parse(args.rolledUpAt);
  const now = args.now ?? Date.now();
  return {
    ...outcome,
    freshness: {
      rolledUpAt: args.rolledUpAt,
      behindSeconds: Number.isFinite(at) ? Math.max(0, Math.round((now - at) / 1000)) : null,
    },
  };
}

/**
 * Other shipped epics of the same theme whose windows [S′, S′+W−1] overlap this epic's
 * [S, S+W−1] (i.e. |S′ − S| < W), ordered by ship day. Empty when this epic is not shipped.
 */
export function findOverlaps(
  epic: Pick<Epic, 'id' | 'themeId' | 'status' | 'shippedAt'>,
  allEpics: readonly Pick<Epic, 'id' | 'title' | 'themeId' | 'status' | 'shippedAt'>[],
  windowDays: number = DEFAULT_WINDOW_DAYS,
): OverlapRef[] {
  if (epic.status !== 'shipped' || !epic.shippedAt) return [];
  const S = dayNumber(epic.shippedAt);
  return allEpics
    .filter(
      (o) =>
        o.id !== epic.id &&
        o.themeId === epic.themeId &&
        o.status === 'shipped' &&
        !!o.shippedAt &&
        Math.abs(dayNumber(o.shippedAt) - S) < windowDays,
    )
    .map((o) => ({ epicId: o.id, title: o.title, shippedAt: o.shippedAt! }))
    .sort((x, y) => (x.shippedAt < y.shippedAt ? -1 : x.shippedAt > y.shippedAt ? 1 : x.epicId < y.epicId ? -1 : 1));
}
