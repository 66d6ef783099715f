/**
 * Attribution: which users adopted an epic, and the per-window-day rollup the outcome is
 * computed from (DESIGN.md "Outcome definitions"). Pure.
 *
 * Days are day numbers (days since 1970-01-01 UTC); S is the ship day, W the window length.
 * Window: S … S+W−1. Pre-window: S−W … S−1.
 */
import { dateOfDay, dayNumber } from './primitives';
import type { ChangeMoments, EpicRollup, UserActivity } from './outcome-types';
import { SURVEY_EVENT } from './ingest';
import { bucketDaysOf, HORIZON_DAYS, MatchedCellsBuilder } from './engagement';

/** What `usageKeysOf` needs of an epic. */
export interface EpicSignalsRef {
  id: string;
  signals?: { events?: readonly string[] };
}

/**
 * Usage keys of an epic: `ev:<name>` for each of `signals.events` (except `Survey Responded`,
 * which is satisfaction, never usage) plus `epic:<epic.id>` (events whose properties.epicId
 * names the epic). Deduplicated, in signal order.
 */
export function usageKeysOf(epic: EpicSignalsRef): string[] {
  const keys = new Set<string>();
  for (const name of epic.signals?.events ?? []) if (name !== SURVEY_EVENT) keys.add(`ev:${name}`);
  keys.add(`epic:${epic.id}`);
  return [...keys];
}

/** Stable signature of an epic's usage keys: the sorted keys as a JSON array (order-insensitive). */
export function signalKeyOf(epic: EpicSignalsRef): string {
  return JSON.stringify(usageKeysOf(epic).sort());
}

/** Earliest day of `days` in [from, to], or −1. O(min(|days|, to − from + 1)). */
function firstDayIn(days: Set<number>, from: number, to: number): number {
  const span = to - from + 1;
  if (days.size <= span) {
    let best = -1;
    for (const d of days) if (d >= from && d <= to && (best === -1 || d < best)) best = d;
    return best;
  }
  for (let d = from; d <= to; d++) if (days.has(d)) return d;
  return -1;
}

/** Number of days of `days` in [from, to]. O(min(|days|, span)). */
function countDaysIn(days: Set<number>, from: number, to: number): number {
  let count = 0;
  if (days.size <= to - from + 1) {
    for (const d of days) if (d >= from && d <= to) count++;
  } else {
    for (let d = from; d <= to; d++) if (days.has(d)) count++;
  }
  return count;
}

/** Offsets (d − from) of the days of `days` in [from, to], ascending. */
function offsetsIn(days: Set<number>, from: number, to: number): number[] {
  const out: number[] = [];
  if (days.size <= to - from + 1) {
    for (const d of days) if (d >= from && d <= to) out.push(d - from);
    if (out.length > 1) out.sort((x, y) => x - y);
  } else {
    for (let d = from; d <= to; d++) if (days.has(d)) out.push(d - from);
  }
  return out;
}

/** Range-add accumulators (difference arrays) for one group's ChangeMoments over window days. */
class MomentsByDay {
  readonly n: Float64Array;
  readonly sumBefore: Float64Array;
  readonly sumAfter: Float64Array;
  readonly sumChange: Float64Array;
  readonly sumChangeSq: Float64Array;
  constructor(len: number) {
    this.n = new Float64Array(len + 1);
    this.sumBefore = new Float64Array(len + 1);
    this.sumAfter = new Float64Array(len + 1);
    this.sumChange = new Float64Array(len + 1);
    this.sumChangeSq = new Float64Array(len + 1);
  }
  /** one user with `before` pre-window days and `after` window days, for days k in [from, to) */
  add(from: number, to: number, before: number, after: number): void {
    const change = after - before;
    this.n[from] += 1;
    this.n[to] -= 1;
    this.sumBefore[from] += before;
    this.sumBefore[to] -= before;
    this.sumAfter[from] += after;
    this.sumAfter[to] -= after;
    this.sumChange[from] += change;
    this.sumChange[to] -= change;
    this.sumChangeSq[from] += change * change;
    this.sumChangeSq[to] -= change * change;
  }
  /** prefix sums: the moments at each day k */
  resolve(len: number): ChangeMoments[] {
    const out: ChangeMoments[] = [];
    const acc: ChangeMoments = { n: 0, sumBefore: 0, sumAfter: 0, sumChange: 0, sumChangeSq: 0 };
    for (let k = 0; k < len; k++) {
      acc.n += this.n[k];
      acc.sumBefore += this.sumBefore[k];
      acc.sumAfter += this.sumAfter[k];
      acc.sumChange += this.sumChange[k];
      acc.sumChangeSq += this.sumChangeSq[k];
      out.push({ ...acc });
    }
    return out;
  }
}

/**
 * Rollup of one epic over a window of `windowDays` from its ship day S, for k = 0 … W−1
 * (stopping at `throughDay` when given):
 * - series[k]: adopters = distinct users with usage on any of the epic's keys in [S, S+k];
 *   activeUsers = distinct users with any activity in [S, S+k] (a usage day counts as activity);
 * - did[k]: among users active in the pre-window [S−W, S−1], each user's change =
 *   (active days in [S, S+k]) − (active days in the pre-window), summed separately for
 *   adopters (usage in [S, S+k]) and non-adopters.
 * - matched: the sums of the matched engagement comparison (see shared/engagement.ts), over the
 *   whole window and 14 days after it whatever `throughDay` is, so they are plain sums over users
 *   that add up across disjoint sets of users and never depend on today.
 * Cost O(users × (keys + min(days per user, W))): each user's first usage and first activity in
 * the window are found once, and the per-day DiD sums are range-added over the few intervals on
 * which a user's (adopter, active days) pair is constant.
 */
export function rollupEpic(
  users: Iterable<UserActivity>,
  epic: EpicSignalsRef & { shippedAt: string },
  windowDays: number,
  throughDay?: string,
): EpicRollup {
  if (!Number.isInteger(windowDays) || windowDays < 1) throw new RangeError(`windowDays must be a positive integer, got ${windowDays}`);
  const S = dayNumber(epic.shippedAt);
  const W = windowDays;
  const lastK = throughDay === undefined ? W - 1 : Math.min(W - 1, dayNumber(throughDay) - S);
  const base = { epicId: epic.id, shippedAt: epic.shippedAt, windowDays: W, signalKey: signalKeyOf(epic) };
  if (lastK < 0) return { ...base, series: [], did: [], matched: {} };

  const len = lastK + 1; // days in the rollup
  const end = S + lastK;
  const keys = usageKeysOf(epic);
  const firstActiveAt = new Int32Array(len);
  const firstUseAt = new Int32Array(len);
  const adopters = new MomentsByDay(len);
  const nonAdopters = new MomentsByDay(len);
  const matched = new MatchedCellsBuilder(bucketDaysOf(W), W);
  const windowEnd = S + W - 1;

  for (const user of users) {
    let firstUse = -1;
    for (const key of keys) {
      const days = user.usage.get(key);
      if (!days || days.size === 0) continue;
      const d = firstDayIn(days, S, firstUse === -1 ? end : firstUse - 1);
      if (d !== -1) firstUse = d;
    }
    if (firstUse !== -1) firstUseAt[firstUse - S]++;
    const before = countDaysIn(user.active, S - W, S - 1);
    let horizonOffsets: number[] | null = null;
    if (before > 0) {
      // first use over the whole window (not only through `throughDay`): a sum independent of today
      let g = firstUse;
      if (g === -1 && end < windowEnd) {
        for (const key of keys) {
          const days = user.usage.get(key);
          if (!days || days.size === 0) continue;
          const d = firstDayIn(days, end + 1, g === -1 ? windowEnd : g - 1);
          if (d !== -1 && (g === -1 || d < g)) g = d;
        }
      }
      horizonOffsets = offsetsIn(user.active, S, windowEnd + HORIZON_DAYS);
      matched.addUser(before, g === -1 ? -1 : g - S, horizonOffsets);
    }
    // Window days are listed only for pre-window-active users (the DiD needs them); others
    // need just their first active day.
    // the window days through `end`: a prefix of the offsets listed for the matched cells
    let activeOffsets: number[] | null = null;
    if (horizonOffsets) {
      let cut = horizonOffsets.length;
      while (cut > 0 && horizonOffsets[cut - 1] > lastK) cut--;
      activeOffsets = cut === horizonOffsets.length ? horizonOffsets : horizonOffsets.slice(0, cut);
    }
    let firstActive = activeOffsets
      ? activeOffsets.length > 0 ? S + activeOffsets[0] : -1
      : firstDayIn(user.active, S, firstUse === -1 ? end : firstUse);
    if (firstActive === -1 || (firstUse !== -1 && firstUse < firstActive)) firstActive = firstUse;
    if (firstActive !== -1) firstActiveAt[firstActive - S]++;
    if (!activeOffsets) continue;

    // Walk the window days in intervals where (adopter?, active days so far) is constant.
    const useK = firstUse === -1 ? len : firstUse - S;
    let k = 0;
    let after = 0;
    let i = 0;
    while (k < len) {
      while (i < activeOffsets.length && activeOffsets[i] <= k) {
        after++;
        i++;
      }
      const isAdopter = k >= useK;
      let next = len;
      if (i < activeOffsets.length) next = Math.min(next, activeOffsets[i]);
      if (!isAdopter) next = Math.min(next, useK);
      (isAdopter ? adopters : nonAdopters).add(k, next, before, after);
      k = next;
    }
  }

  const series: EpicRollup['series'] = [];
  let cumActive = 0;
  let cumAdopters = 0;
  for (let k = 0; k < len; k++) {
    cumActive += firstActiveAt[k];
    cumAdopters += firstUseAt[k];
    series.push({ date: dateOfDay(S + k), adopters: cumAdopters, activeUsers: cumActive });
  }
  const a = adopters.resolve(len);
  const na = nonAdopters.resolve(len);
  const did = series.map((s, k) => ({ date: s.date, adopters: a[k], nonAdopters: na[k] }));
  return { ...base, series, did, matched: matched.cells() };
}
