/**
 * The rollup job: per-user facts → per-epic rollups (adoption series, DiD sums) and per-month
 * rollups (daily active users, daily satisfaction sums). Everything is recomputed and written
 * with plain puts, so running it twice, or crashing half-way, is harmless. Changing an epic's
 * signals re-attributes history here, without re-ingesting.
 */
import { rollupEpic } from '../../../shared/attribution';
import type { SatisfactionDay, UserActivity } from '../../../shared/outcome-types';
import { addDays, dateOfDay, dayNumber, todayUtc } from '../../../shared/primitives';
import { windowsOf } from '../../../shared/roadmap';
import type { Services } from '../services';
import type { MonthRollup, StoredEpicRollup } from '../store/analytics-store';

/** Months (YYYY-MM) covering [from, to]. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number);
  const [ty, tm] = to.slice(0, 7).split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** How far back the product-wide trends reach. */
export const TREND_DAYS = 180;

export interface RollupResult {
  ran: boolean;
  users: number;
  facts: number;
  epics: number;
  months: number;
  ms: number;
}

/** Satisfaction sums per (date, scope, scale) from survey facts. */
export function satisfactionDays(responses: { d: string; scope: string; sc: 'csat' | 'nps'; s: number }[]): SatisfactionDay[] {
  const map = new Map<string, SatisfactionDay>();
  for (const r of responses) {
    const k = `${r.d}|${r.scope}|${r.sc}`;
    let x = map.get(k);
    if (!x) map.set(k, (x = { date: r.d, scope: r.scope, scale: r.sc, n: 0, sum: 0, sumSq: 0, promoters: 0, detractors: 0 }));
    const s = Number(r.s);
    x.n++;
    x.sum += s;
    x.sumSq += s * s;
    if (r.sc === 'nps') {
      if (s >= 9) x.promoters++;
      else if (s <= 6) x.detractors++;
    }
  }
  return [...map.values()].sort((a, b) => a.date.localeCompare(b.date) || a.scope.localeCompare(b.scope) || a.scale.localeCompare(b.scale));
}

/** Run the rollup when data changed since the last one (or always with `force`). */
export async function runRollup(services: Services, opts: { force?: boolean } = {}): Promise<RollupResult> {
  const started = Date.now();
  const startedAt = new Date(services.now()).toISOString();
  const state = await services.analytics.state();
  const gen = state.dirtyGen ?? 0;
  if (!opts.force && state.rolledUpAt && gen <= (state.rolledGen ?? 0)) return { ran: false, users: 0, facts: 0, epics: 0, months: 0, ms: 0 };

  const today = todayUtc(services.now());
  const doc = (await services.roadmaps.get())?.roadmap;
  const shipped = (doc?.epics ?? []).filter((e) => e.status === 'shipped' && e.shippedAt);
  let from = addDays(today, -TREND_DAYS);
  for (const e of shipped) {
    const maxW = Math.max(...windowsOf(e));
    const pre = addDays(e.shippedAt!, -maxW);
    if (pre < from) from = pre;
  }
  const months = monthsBetween(from, today);

  const users = new Map<string, UserActivity>();
  let facts = 0;
  for (const month of months) facts += await services.analytics.loadUserMonth(month, users);

  const computedAt = startedAt;
  const rollups: StoredEpicRollup[] = [];
  for (const e of shipped) {
    for (const w of windowsOf(e)) rollups.push({ ...rollupEpic(users.values(), { id: e.id, shippedAt: e.shippedAt!, signals: e.signals }, w, today), computedAt });
  }

  // product-wide: distinct active users per day, satisfaction sums per day
  const activeByDay = new Map<number, number>();
  for (const u of users.values()) for (const d of u.active) activeByDay.set(d, (activeByDay.get(d) ?? 0) + 1);
  const monthRollups: MonthRollup[] = [];
  for (const month of months) {
    const active: Record<string, number> = {};
    const first = dayNumber(`${month}-01`);
    for (let d = first; dateOfDay(d).startsWith(month); d++) {
      const n = activeByDay.get(d);
      if (n) active[dateOfDay(d)] = n;
    }
    monthRollups.push({ month, active, satisfaction: satisfactionDays(await services.analytics.surveysOfMonth(month)) });
  }

  await services.analytics.putEpicRollups(rollups);
  await services.analytics.putMonthRollups(monthRollups);
  // rollups of epics that are no longer shipped, or of windows no longer used, are removed
  const keep = new Set(rollups.map((r) => `${r.epicId}#${r.windowDays}`));
  const stale = (await services.analytics.allEpicRollups()).filter((r) => !keep.has(`${r.epicId}#${r.windowDays}`));
  if (stale.length) await services.analytics.deleteEpicRollups(stale);

  const result: RollupResult = { ran: true, users: users.size, facts, epics: shipped.length, months: months.length, ms: Date.now() - started };
  await services.analytics.finishRollup(gen, startedAt, result as unknown as Record<string, unknown>);
  return result;
}
