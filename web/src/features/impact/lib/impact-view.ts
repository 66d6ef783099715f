/** From the impact response to what the page shows: trends, the sorted scoreboard, the misses. Pure. */
import type { Impact, ImpactEpic } from '../../../../../shared/impact';
import type { EpicVerdict } from '../../../../../shared/outcome-types';
import { describeGap, formatMetricValue, formatTargetValue, metricLabel } from '../../../lib/domain';

type Headline = Impact['headline'];

export interface Trend {
  /** the recent window's value */
  current: number | null;
  /** the window before it */
  previous: number | null;
  /** current − previous, relative to previous (null when either is missing) */
  relativeChange: number | null;
  /** current − previous */
  change: number | null;
}

function trendOf(current: number | null, previous: number | null): Trend {
  const change = current !== null && previous !== null ? current - previous : null;
  const relativeChange = change !== null && previous ? change / previous : null;
  return { current, previous, change, relativeChange };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Daily active users: the asOf day itself is dropped when it is today (it is still filling up);
 * the trend compares the mean of the last 28 complete days with the 28 before them.
 */
export function activeUsersTrend(headline: Pick<Headline, 'productActiveTrend'>, asOf: string, today: string, days = 28): Trend & { series: { date: string; activeUsers: number; avg7: number | null }[] } {
  let points = headline.productActiveTrend;
  if (points.length && points[points.length - 1].date >= today && asOf >= today) points = points.slice(0, -1);
  const values = points.map((p) => p.activeUsers);
  const series = points.map((p, i) => ({
    date: p.date,
    activeUsers: p.activeUsers,
    avg7: i >= 6 ? values.slice(i - 6, i + 1).reduce((a, b) => a + b, 0) / 7 : null,
  }));
  const current = values.length >= days ? mean(values.slice(-days)) : mean(values);
  const previous = values.length >= 2 * days ? mean(values.slice(-2 * days, -days)) : null;
  return { ...trendOf(current, previous), series };
}

/** Product CSAT: the pooled mean of the last `weeks` weeks of responses against the `weeks` before. */
export function csatTrend(headline: Pick<Headline, 'productCsatTrend'>, weeks = 4): Trend & { n: number } {
  const pts = headline.productCsatTrend;
  const pooled = (list: typeof pts) => {
    const n = list.reduce((s, p) => s + p.n, 0);
    return n > 0 ? list.reduce((s, p) => s + p.mean * p.n, 0) / n : null;
  };
  const recent = pts.slice(-weeks);
  const before = pts.length > weeks ? pts.slice(-2 * weeks, -weeks) : [];
  return { ...trendOf(pooled(recent), before.length ? pooled(before) : null), n: recent.reduce((s, p) => s + p.n, 0) };
}

// ---------------------------------------------------------------------------
// Scoreboard
// ---------------------------------------------------------------------------

export const SORT_KEYS = ['epic', 'verdict', 'adoption', 'satisfaction', 'kpi', 'decision'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** Missed first: what needs attention leads. */
const VERDICT_RANK: Record<EpicVerdict, number> = { missed: 0, met: 1, insufficient_data: 2, too_early: 3, not_shipped: 4 };
const DECISION_RANK: Record<string, number> = { sunset: 0, iterate: 1, keep: 2, double_down: 3 };

/** The missed target's shortfall relative to the target (−0.7 = 70% short); 0 when nothing missed. */
export function relativeGap(row: Pick<ImpactEpic, 'worstMiss'>): number {
  const w = row.worstMiss;
  if (!w) return 0;
  return w.target !== 0 ? w.gap / Math.abs(w.target) : w.gap;
}

/** The first KPI's relative lift (what the KPI column shows first). */
export function headlineKpi(row: Pick<ImpactEpic, 'kpiLifts'>) {
  return row.kpiLifts[0] ?? null;
}

function sortValue(row: ImpactEpic, key: SortKey): number | string | null {
  switch (key) {
    case 'epic':
      return row.title.toLowerCase();
    case 'verdict':
      // missed epics ordered by how badly they missed
      return VERDICT_RANK[row.verdict] * 10 + (row.verdict === 'missed' ? Math.max(-9.99, relativeGap(row)) + 9.99 : 0) / 10;
    case 'adoption':
      return row.adoptionRate;
    case 'satisfaction':
      return row.satisfactionChange;
    case 'kpi':
      return headlineKpi(row)?.relativeLift ?? headlineKpi(row)?.lift ?? null;
    case 'decision':
      if (row.decision) return DECISION_RANK[row.decision] ?? 5;
      return row.awaitingDecision ? -1 : null;
  }
}

/**
 * Sort scoreboard rows by a column. Rows without a value (no KPI, no decision, no rate) go
 * last in either direction; ties keep the newest shipped first, then the title.
 */
export function sortScoreboard(rows: readonly ImpactEpic[], key: SortKey, dir: SortDir): ImpactEpic[] {
  const factor = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * factor;
    const sa = a.shippedAt ?? '';
    const sb = b.shippedAt ?? '';
    if (sa !== sb) return sa < sb ? 1 : -1;
    return a.title.localeCompare(b.title);
  });
}

/** Default direction when a column is first clicked: figures high-to-low, words A–Z. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'epic' || key === 'verdict' || key === 'decision' ? 'asc' : 'desc';
}

/** Shipped epics that missed a target, worst (relative to target) first. */
export function missedEpics(rows: readonly ImpactEpic[]): ImpactEpic[] {
  return rows.filter((r) => r.verdict === 'missed').sort((a, b) => relativeGap(a) - relativeGap(b));
}

/** The KPI's pre-window mean, recovered from the absolute and relative lift (lift / relativeLift). */
export function kpiBaseline(k: { lift: number | null; relativeLift: number | null }): number | null {
  if (k.lift === null || k.relativeLift === null || k.relativeLift === 0) return null;
  return k.lift / k.relativeLift;
}

/** The baseline of the KPI a target metric (`kpi:<name>`) is about, when the epic measured it. */
function kpiBaselineOf(row: Pick<ImpactEpic, 'kpiLifts'>, metric: string): number | null | undefined {
  const k = row.kpiLifts.find((x) => `kpi:${x.name}` === metric);
  return k ? kpiBaseline(k) : undefined;
}

/** The worst-missed target in words, each figure in its metric's unit: "Adoption", "3.1%", "10%", "6.9 pp short (69% of target)". */
export function describeWorstMiss(row: Pick<ImpactEpic, 'worstMiss' | 'kpiLifts'>): { metric: string; actual: string; target: string; gap: string } | null {
  const w = row.worstMiss;
  if (!w) return null;
  const base = kpiBaselineOf(row, w.metric);
  return {
    metric: metricLabel(w.metric),
    actual: formatMetricValue(w.metric, w.actual, base),
    target: formatTargetValue(w.metric, w.target, base),
    gap: describeGap(w.metric, w.actual, w.target, base),
  };
}
