/**
 * The matched engagement comparison (DESIGN.md "Outcome definitions", adopters vs non-adopters):
 * the sums a rollup keeps per cell, and the estimate and interval computed from them. Pure.
 *
 * Days are offsets from the ship day S. A pre-window-active user has k = active days in
 * [S−W, S−1] capped at 15 (k ≥ 1) and a first use g in the window (or none). For each window
 * day f and each such user active on f (or first using the epic on f) with f ≤ g, the user's
 * outcome is Y = active days in f+1 … f+14. The rollup stores, per (f, k), sums (count, ΣY, ΣY²)
 * of four disjoint groups of users:
 * - adopters: g = f (the adopter's own first-use day);
 * - soon: f < g ≤ f+14 (never a control: once f+14 ≤ A they have adopted by A);
 * - later (per bucket of g): f+15 ≤ g ≤ S+W−1 (a control while A < g);
 * - never: no use in the window (a control for every A).
 * Every stored leaf is a plain sum over users, independent of today and asOf, so rollups of
 * disjoint sets of users add up (and subtract) cell by cell.
 */
import { tQuantile, type Interval } from './stats';

/** Days after first use over which engagement is compared. */
export const HORIZON_DAYS = 14;
/** Pre-window active days are capped at this value for matching. */
export const MAX_PRE_ACTIVE_DAYS = 15;

/**
 * Sparse cells: `"f.k"` → [adopters n, ΣY, ΣY², soon n, ΣY, ΣY², never n, ΣY, ΣY²];
 * `"f.k.b"` → [n, ΣY, ΣY²] of users whose first use falls in bucket b (first use g with
 * ⌊g / bucketDays⌋ = b, g ≥ f+15). Keys are day offsets from the ship day.
 */
export type MatchedCells = Record<string, number[]>;

/**
 * Width in days of the first-use buckets of later adopters: 1 (exact for every asOf) up to
 * W = 28; wider for longer windows so that the stored cells stay bounded (≈ W²·15/(2·width)
 * ≤ ~6,000). With width > 1, an asOf inside the window uses as controls the users with no use
 * through the end of the bucket holding asOf+1 (a subset of the defined controls); once the
 * window has closed the controls are exactly the users with no use in the window.
 */
export function bucketDaysOf(windowDays: number): number {
  return Math.max(1, Math.ceil((windowDays * windowDays) / 784));
}

/** Accumulates one rollup's cells (numeric keys while accumulating; `cells()` gives the record). */
export class MatchedCellsBuilder {
  /** dense (f, capped k) × 9 sums; W·16·9 numbers */
  private readonly byF: Float64Array;
  private readonly later = new Map<number, number[]>();
  constructor(
    private readonly bucketDays: number,
    private readonly windowDays: number,
  ) {
    this.byF = new Float64Array(windowDays * 16 * 9);
  }

  private addF(key: number, offset: number, y: number): void {
    const at = key * 9 + offset;
    this.byF[at] += 1;
    this.byF[at + 1] += y;
    this.byF[at + 2] += y * y;
  }

  private static add(map: Map<number, number[]>, key: number, len: number, offset: number, y: number): void {
    let c = map.get(key);
    if (!c) map.set(key, (c = new Array<number>(len).fill(0)));
    c[offset] += 1;
    c[offset + 1] += y;
    c[offset + 2] += y * y;
  }

  /**
   * One pre-window-active user: `k` pre-window active days (≥ 1), first use `g` (offset, or −1),
   * sorted offsets of active days from 0 (the ship day) through W−1+14.
   */
  addUser(k: number, g: number, activeOffsets: readonly number[]): void {
    const W = this.windowDays;
    const kc = Math.min(k, MAX_PRE_ACTIVE_DAYS);
    const lastF = g === -1 ? W - 1 : g - 1;
    const len = activeOffsets.length;
    let lo = 0; // index of the first active day > f
    let hi = 0; // index of the first active day > f + HORIZON
    // active days f of the window before the first use, then the first-use day itself (it counts
    // even if not listed as active)
    for (let i = 0; i <= len; i++) {
      let f: number;
      if (i < len && activeOffsets[i] <= lastF) f = activeOffsets[i];
      else if (g !== -1) {
        f = g;
        i = len;
      } else break;
      while (lo < len && activeOffsets[lo] <= f) lo++;
      if (hi < lo) hi = lo;
      while (hi < len && activeOffsets[hi] <= f + HORIZON_DAYS) hi++;
      const y = hi - lo;
      const key = f * 16 + kc;
      if (g === f) this.addF(key, 0, y);
      else if (g === -1) this.addF(key, 6, y);
      else if (g <= f + HORIZON_DAYS) this.addF(key, 3, y);
      else MatchedCellsBuilder.add(this.later, key * 4096 + Math.floor(g / this.bucketDays), 3, 0, y);
    }
  }

  /** The sparse cells as stored: `"f.k"` and `"f.k.b"` keys. */
  cells(): MatchedCells {
    const out: MatchedCells = {};
    const fk = (key: number) => `${Math.floor(key / 16)}.${key % 16}`;
    for (let key = 0; key * 9 < this.byF.length; key++) {
      const v = this.byF.subarray(key * 9, key * 9 + 9);
      if (v[0] || v[3] || v[6]) out[fk(key)] = Array.from(v);
    }
    for (const [key, v] of [...this.later].sort((a, b) => a[0] - b[0])) out[`${fk(Math.floor(key / 4096))}.${key % 4096}`] = v;
    return out;
  }
}

export interface MatchedEstimate {
  /** mean over matched adopters of (own active days in f+1 … f+14 − their controls' mean) */
  effect: number | null;
  /** 95% interval (see `matchedEffect`) */
  ci95: Interval | null;
  /** adopters with ≥ 1 control */
  matched: number;
  /** the interval of the estimate with the defined controls alone (before the union) */
  definedCi95: Interval | null;
  /** the same estimate with risk-set controls (all users not yet adopted on f) */
  riskSet: { effect: number | null; ci95: Interval | null; matched: number };
}

interface Sums {
  n: number;
  sum: number;
  sumSq: number;
}

interface Accumulated {
  matched: number;
  sumEff: number;
  sumEffSq: number;
  /** per capped k: Σ over cells of adopters·(control sd/√m) — the Cauchy–Schwarz bound's root */
  controlRoot: Map<number, number>;
}

function varianceOf(s: Sums): number | null {
  if (s.n < 2) return null;
  return Math.max(0, (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1));
}

function finish(acc: Accumulated): { effect: number | null; ci95: Interval | null; matched: number } {
  const M = acc.matched;
  if (M === 0) return { effect: null, ci95: null, matched: 0 };
  const effect = acc.sumEff / M;
  if (M < 2) return { effect, ci95: null, matched: M };
  const adopterVar = Math.max(0, (acc.sumEffSq - M * effect * effect) / (M - 1)) / M;
  let controlVar = 0;
  for (const root of acc.controlRoot.values()) controlVar += (root / M) ** 2;
  const se = Math.sqrt(adopterVar + controlVar);
  if (!(se > 0)) return { effect, ci95: null, matched: M };
  const half = tQuantile(0.975, M - 1) * se;
  return { effect, ci95: [effect - half, effect + half], matched: M };
}

function accumulate(acc: Accumulated, kc: number, a: Sums, c: Sums, fallbackVar: number): void {
  if (a.n === 0 || c.n === 0) return;
  const mean = c.sum / c.n;
  acc.matched += a.n;
  acc.sumEff += a.sum - a.n * mean;
  acc.sumEffSq += a.sumSq - 2 * mean * a.sum + a.n * mean * mean;
  const v = varianceOf(c) ?? fallbackVar;
  acc.controlRoot.set(kc, (acc.controlRoot.get(kc) ?? 0) + a.n * Math.sqrt(v / c.n));
}

/**
 * The matched engagement estimate as of day offset `asOfOffset` (A − S) for a window of W days:
 * for each adopter with first use f ≤ min(W−1, A−S) and f + 14 ≤ A − S, effect_a = Y_a − the mean
 * Y of the controls in its cell (same f, same capped k, no use in the window up to A); `effect`
 * = mean of effect_a over adopters with ≥ 1 control.
 *
 * Interval: the variance of the mean is the sample variance of effect_a over the M adopters ÷ M
 * (adopters are independent users; cell-to-cell spread only widens it) plus the variance of the
 * control means, bounded with Cauchy–Schwarz within each k (a control user appears on several
 * days f, so its cells are correlated; users of different k are disjoint); t with M − 1 df.
 * Controls that have not adopted by A are selected on low activity after f (an active user gets
 * more chances to adopt), which biases `effect` upwards; risk-set controls (not adopted on or
 * before f) are free of that selection but are diluted by later adopters when the feature works.
 * The two bracket the truth, so `ci95` is the union of both intervals (see README, calibration).
 */
export function matchedEffect(cells: MatchedCells | undefined, windowDays: number, asOfOffset: number): MatchedEstimate {
  const empty: MatchedEstimate = { effect: null, ci95: null, definedCi95: null, matched: 0, riskSet: { effect: null, ci95: null, matched: 0 } };
  if (!cells) return empty;
  const W = windowDays;
  const bucketDays = bucketDaysOf(W);
  const lastF = Math.min(W - 1, asOfOffset - HORIZON_DAYS);
  if (lastF < 0) return empty;
  // controls still without use as of A: never, or first use in a bucket that starts after A
  const lastWindowDay = Math.min(W - 1, asOfOffset);

  // gather per (f, k): adopters, soon, never, later-valid, later-all
  interface Cell { a: Sums; soon: Sums; never: Sums; laterValid: Sums; laterAll: Sums }
  const byCell = new Map<string, Cell>();
  const zero = (): Sums => ({ n: 0, sum: 0, sumSq: 0 });
  const cellOf = (key: string): Cell => {
    let c = byCell.get(key);
    if (!c) byCell.set(key, (c = { a: zero(), soon: zero(), never: zero(), laterValid: zero(), laterAll: zero() }));
    return c;
  };
  const addTo = (s: Sums, v: number[], i: number) => {
    s.n += v[i];
    s.sum += v[i + 1];
    s.sumSq += v[i + 2];
  };
  for (const [key, v] of Object.entries(cells)) {
    const parts = key.split('.');
    const f = Number(parts[0]);
    if (!(f <= lastF)) continue;
    const fk = `${parts[0]}.${parts[1]}`;
    if (parts.length === 2) {
      const c = cellOf(fk);
      addTo(c.a, v, 0);
      addTo(c.soon, v, 3);
      addTo(c.never, v, 6);
    } else {
      const c = cellOf(fk);
      addTo(c.laterAll, v, 0);
      if (Number(parts[2]) * bucketDays > lastWindowDay) addTo(c.laterValid, v, 0);
    }
  }

  // pooled control variance: the fallback for a cell with a single control
  const pooled = zero();
  for (const c of byCell.values()) {
    addTo(pooled, [c.never.n, c.never.sum, c.never.sumSq], 0);
    addTo(pooled, [c.laterAll.n, c.laterAll.sum, c.laterAll.sumSq], 0);
  }
  const pooledVar = varianceOf(pooled) ?? 0;

  const defined: Accumulated = { matched: 0, sumEff: 0, sumEffSq: 0, controlRoot: new Map() };
  const risk: Accumulated = { matched: 0, sumEff: 0, sumEffSq: 0, controlRoot: new Map() };
  for (const [fk, c] of byCell) {
    if (c.a.n === 0) continue;
    const kc = Number(fk.split('.')[1]);
    const controls = { n: c.never.n + c.laterValid.n, sum: c.never.sum + c.laterValid.sum, sumSq: c.never.sumSq + c.laterValid.sumSq };
    accumulate(defined, kc, c.a, controls, pooledVar);
    const riskSet = {
      n: c.never.n + c.laterAll.n + c.soon.n,
      sum: c.never.sum + c.laterAll.sum + c.soon.sum,
      sumSq: c.never.sumSq + c.laterAll.sumSq + c.soon.sumSq,
    };
    accumulate(risk, kc, c.a, riskSet, pooledVar);
  }
  const d = finish(defined);
  const r = finish(risk);
  let ci95: Interval | null = d.ci95;
  if (d.ci95 && r.ci95) ci95 = [Math.min(d.ci95[0], r.ci95[0]), Math.max(d.ci95[1], r.ci95[1])];
  if (ci95) ci95 = [Math.max(-HORIZON_DAYS, ci95[0]), Math.min(HORIZON_DAYS, ci95[1])];
  return { effect: d.effect, ci95, definedCi95: d.ci95, matched: d.matched, riskSet: r };
}
