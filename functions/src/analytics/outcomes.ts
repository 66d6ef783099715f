/**
 * Outcome and impact use-cases: read rollups (never raw events), then the pure functions of
 * shared/ compute the figures. Cost depends on the number of epics and days, not on volume.
 */
import { computeImpact, type Impact } from '../../../shared/impact';
import { computeOutcome, findOverlaps } from '../../../shared/outcome';
import type { EpicRollup, KpiPoint, Outcome, SatisfactionDay } from '../../../shared/outcome-types';
import { addDays, dateRange, todayUtc } from '../../../shared/primitives';
import { DEFAULT_WINDOW_DAYS, windowsOf, type Epic, type Roadmap } from '../../../shared/roadmap';
import { badRequest, notFound } from '../errors';
import type { Services } from '../services';
import type { StoredEpicRollup } from '../store/analytics-store';
import { monthsBetween, TREND_DAYS } from './rollup';

/** KPI names an epic is measured on: its kpi targets, else every known KPI (at most 5). */
function kpiNamesOf(epic: Epic, known: string[]): string[] {
  const own = epic.targets.filter((t) => t.metric.startsWith('kpi:')).map((t) => t.metric.slice(4));
  return own.length ? own : known.slice(0, 5);
}

interface Context {
  roadmap: Roadmap;
  rollups: Map<string, StoredEpicRollup>;
  satisfaction: SatisfactionDay[];
  productActive: { date: string; activeUsers: number }[];
  kpis: Map<string, KpiPoint[]>;
  rolledUpAt: string | null;
}

async function loadContext(services: Services, from: string, to: string, kpiNames: string[], rollups: StoredEpicRollup[] | 'all'): Promise<Omit<Context, 'roadmap'>> {
  const months = monthsBetween(from, to);
  const [monthRollups, state, all] = await Promise.all([
    services.analytics.monthRollups(months),
    services.analytics.state(),
    rollups === 'all' ? services.analytics.allEpicRollups() : Promise.resolve(rollups),
  ]);
  const kpis = new Map(await Promise.all(kpiNames.map(async (n) => [n, await services.analytics.kpiSeries(n, from, to)] as const)));
  const map = new Map(all.map((r) => [`${r.epicId}#${r.windowDays}`, r]));
  return {
    rollups: map,
    satisfaction: monthRollups.flatMap((m) => m.satisfaction ?? []),
    productActive: monthRollups
      .flatMap((m) => Object.entries(m.active ?? {}).map(([date, activeUsers]) => ({ date, activeUsers })))
      .filter((x) => x.date >= from && x.date <= to)
      .sort((a, b) => a.date.localeCompare(b.date)),
    kpis,
    rolledUpAt: state.rolledUpAt ?? null,
  };
}

function outcomeOf(services: Services, ctx: Context, epic: Epic, asOf: string, windowDays: number, knownKpis: string[]): Outcome {
  const byWindow: Record<number, EpicRollup> = {};
  for (const w of windowsOf(epic)) {
    const r = ctx.rollups.get(`${epic.id}#${w}`);
    if (r) byWindow[w] = r;
  }
  return computeOutcome({
    epic,
    asOf,
    windowDays,
    rollup: byWindow[windowDays] ?? null,
    rollupsByWindow: byWindow,
    satisfaction: ctx.satisfaction,
    kpis: kpiNamesOf(epic, knownKpis).map((name) => ({ name, points: ctx.kpis.get(name) ?? [] })),
    overlaps: findOverlaps(epic, ctx.roadmap.epics, windowDays),
    rolledUpAt: ctx.rolledUpAt,
    now: services.now(),
  });
}

export function parseAsOf(services: Services, asOf: string | undefined): string {
  const today = todayUtc(services.now());
  if (!asOf) return today;
  if (asOf > today) throw badRequest(`asOf ${asOf} is in the future (today is ${today})`);
  return asOf;
}

export async function epicOutcome(services: Services, epicId: string, asOfParam?: string, windowDaysParam?: number): Promise<Outcome> {
  const asOf = parseAsOf(services, asOfParam);
  const doc = await services.roadmaps.get();
  const epic = doc?.roadmap.epics.find((e) => e.id === epicId);
  if (!doc || !epic) throw notFound('epic', epicId);
  const windowDays = windowDaysParam ?? DEFAULT_WINDOW_DAYS;
  const windows = windowsOf(epic);
  if (!windows.includes(windowDays)) {
    throw badRequest(
      `windowDays ${windowDays} is not measured for epic "${epic.id}": outcomes are measured over the default ${DEFAULT_WINDOW_DAYS} days and each target's windowDays; use one of ${windows.join(', ')}`,
      { allowed: windows },
    );
  }
  const knownKpis = await services.analytics.kpiNames();
  const S = epic.shippedAt ?? asOf;
  const maxW = Math.max(...windows);
  // the KPI placebo looks at the 2W days before the pre-window: KPI values from S − 3W
  const from = addDays(S, -3 * maxW);
  const to = addDays(S, maxW - 1) < asOf ? addDays(S, maxW - 1) : asOf;
  const rollups = (await Promise.all(windows.map((w) => services.analytics.epicRollup(epic.id, w)))).filter((r): r is StoredEpicRollup => r !== null);
  const ctx: Context = { roadmap: doc.roadmap, ...(await loadContext(services, from, to < from ? from : to, kpiNamesOf(epic, knownKpis), rollups)) };
  return outcomeOf(services, ctx, epic, asOf, windowDays, knownKpis);
}

/** Every shipped epic's outcome as of a day, from one read of all rollups. */
export async function allOutcomes(services: Services, asOfParam?: string): Promise<{ asOf: string; roadmap: Roadmap; outcomes: Outcome[]; ctx: Context }> {
  const asOf = parseAsOf(services, asOfParam);
  const doc = (await services.roadmaps.get())?.roadmap ?? { mission: { statement: '' }, themes: [], milestones: [], epics: [], stories: [] };
  const shipped = doc.epics.filter((e) => e.status === 'shipped' && e.shippedAt);
  let from = addDays(asOf, -TREND_DAYS);
  for (const e of shipped) {
    const pre = addDays(e.shippedAt!, -3 * Math.max(...windowsOf(e))); // KPI placebo: from S − 3W
    if (pre < from) from = pre;
  }
  const knownKpis = await services.analytics.kpiNames();
  const names = [...new Set(shipped.flatMap((e) => kpiNamesOf(e, knownKpis)))];
  const ctx: Context = { roadmap: doc, ...(await loadContext(services, from, asOf, names, 'all')) };
  return { asOf, roadmap: doc, outcomes: shipped.map((e) => outcomeOf(services, ctx, e, asOf, DEFAULT_WINDOW_DAYS, knownKpis)), ctx };
}

export async function impact(services: Services, asOfParam?: string): Promise<Impact> {
  const { asOf, roadmap, outcomes, ctx } = await allOutcomes(services, asOfParam);
  const latest = await services.reviews.latestOf(outcomes.map((o) => o.epicId));
  const trendFrom = addDays(asOf, -TREND_DAYS + 1);
  const activeByDate = new Map(ctx.productActive.map((p) => [p.date, p.activeUsers]));
  return computeImpact({
    roadmap,
    outcomes,
    asOf,
    productActive: dateRange(trendFrom, asOf).map((date) => ({ date, activeUsers: activeByDate.get(date) ?? 0 })),
    productSatisfaction: ctx.satisfaction.filter((s) => s.scope === 'product' && s.date >= trendFrom && s.date <= asOf),
    latestReviews: latest,
    rolledUpAt: ctx.rolledUpAt,
    now: services.now(),
  });
}
