/**
 * Summable rollups: every numeric leaf of a per-shard rollup (EpicRollup's series counts and
 * DiD moments, a month's daily active users and satisfaction sums) except the labels in
 * NUMERIC_LABELS (windowDays) is a sum over the shard's users, so shards are merged by adding leaves, and a run's change is a leaf-wise difference.
 * Generic over the shape (arrays by index, records by key; strings and booleans are labels and
 * must agree), so new summable fields of EpicRollup need no change here. Pure.
 */

export type Summable = number | string | boolean | null | undefined | Summable[] | { [k: string]: Summable };

const isRecord = (v: unknown): v is Record<string, Summable> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** a + b, leaf by leaf (a missing side counts as zero / absent). Labels are taken from whichever side has them. */
export function addSummable<T extends Summable>(a: T, b: Summable): T {
  if (b === undefined || b === null) return a;
  if (a === undefined || a === null) return clone(b) as T;
  if (typeof a === 'number' && typeof b === 'number') return (a + b) as T;
  if (Array.isArray(a)) {
    const out = a.slice() as Summable[];
    if (Array.isArray(b)) for (let i = 0; i < b.length; i++) out[i] = addSummable(out[i], b[i]);
    else if (isRecord(b)) for (const [k, v] of Object.entries(b)) out[Number(k)] = addSummable(out[Number(k)], v);
    return out as T;
  }
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, Summable> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = addSummable(out[k], v);
    return out as T;
  }
  return a;
}

function clone(v: Summable): Summable {
  if (Array.isArray(v)) return v.map(clone);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/**
 * Sparse difference next − prev: only numeric leaves that changed, as nested records (array
 * indices become record keys); undefined when nothing changed. `addSummable(prev, diff)` = next
 * for the numeric leaves.
 */
export function diffSummable(next: Summable, prev: Summable): Summable {
  if (typeof next === 'number' || typeof prev === 'number') {
    const d = (typeof next === 'number' ? next : 0) - (typeof prev === 'number' ? prev : 0);
    return d === 0 ? undefined : d;
  }
  const nextC = Array.isArray(next) || isRecord(next);
  const prevC = Array.isArray(prev) || isRecord(prev);
  if (!nextC && !prevC) return undefined;
  const keys = new Set<string>([...(nextC ? Object.keys(next as object) : []), ...(prevC ? Object.keys(prev as object) : [])]);
  const out: Record<string, Summable> = {};
  let any = false;
  for (const k of keys) {
    const d = diffSummable(nextC ? (next as Record<string, Summable>)[k] : undefined, prevC ? (prev as Record<string, Summable>)[k] : undefined);
    if (d !== undefined) {
      out[k] = d;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Sum of many summables (undefined when none). */
export function sumSummables<T extends Summable>(parts: Iterable<T>): T | undefined {
  let acc: T | undefined;
  for (const p of parts) acc = acc === undefined ? (clone(p) as T) : addSummable(acc, p);
  return acc;
}

/**
 * An epic rollup computed over the whole window (k = 0 … W−1), cut to the days through
 * `throughDay` (k ≤ throughDay − S): equal to computing it with that `throughDay`, because
 * every per-day value counts only days ≤ S+k. Every array of length W is a per-day array.
 */
export function truncateRollup<T extends { windowDays: number }>(full: T, days: number): T {
  const len = Math.max(0, Math.min(full.windowDays, days));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) out[k] = Array.isArray(v) && v.length === full.windowDays ? v.slice(0, len) : v;
  // through a day before the ship day nothing is measured: no matched cells either (as rollupEpic)
  if (len === 0 && 'matched' in out) out.matched = {};
  return out as T;
}

/** Canonical JSON (keys sorted): byte-for-byte comparison of rollups read back from the store. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isRecord(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/** Numeric fields that are labels, not sums over users (EpicRollup.windowDays). */
export const NUMERIC_LABELS: ReadonlySet<string> = new Set(['windowDays']);

/** The numeric leaves of a value, in traversal order (arrays by index, records in key order; labels skipped). */
export function flattenLeaves(v: Summable, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) for (const x of v) flattenLeaves(x, out);
  else if (isRecord(v)) for (const k of Object.keys(v)) if (!NUMERIC_LABELS.has(k)) flattenLeaves(v[k], out);
  return out;
}

/** Inverse of flattenLeaves: `template`'s shape and labels with the numbers of `leaves`. */
export function unflattenLeaves<T extends Summable>(template: T, leaves: ArrayLike<number>): T {
  let i = 0;
  const walk = (v: Summable): Summable => {
    if (typeof v === 'number') return leaves[i++] ?? 0;
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, NUMERIC_LABELS.has(k) ? v[k] : walk(v[k])]));
    return v;
  };
  return walk(template) as T;
}

/**
 * Per-day blocks of a flattened value: for every top-level array of length `days` (a per-day
 * array), its offset in the flat leaves and the number of leaves per day.
 */
export function dayBlocks(template: Record<string, Summable>, days: number): { offset: number; stride: number }[] {
  const out: { offset: number; stride: number }[] = [];
  let offset = 0;
  for (const k of Object.keys(template)) {
    if (NUMERIC_LABELS.has(k)) continue;
    const v = template[k];
    const n = flattenLeaves(v).length;
    if (Array.isArray(v) && v.length === days && days > 0 && n % days === 0) out.push({ offset, stride: n / days });
    offset += n;
  }
  return out;
}

/**
 * Day-over-day differences within per-day blocks (in place): a linear map, so encoded values
 * still add up, and cumulative per-day series become small numbers (a new user touches one
 * day, not every later day) — smaller partial items and sparser deltas.
 */
export function encodeDays(flat: number[], blocks: { offset: number; stride: number }[], days: number): number[] {
  for (const { offset, stride } of blocks) for (let k = days - 1; k >= 1; k--) for (let j = 0; j < stride; j++) flat[offset + k * stride + j] -= flat[offset + (k - 1) * stride + j];
  return flat;
}

export function decodeDays<T extends { [i: number]: number }>(flat: T, blocks: { offset: number; stride: number }[], days: number): T {
  for (const { offset, stride } of blocks) for (let k = 1; k < days; k++) for (let j = 0; j < stride; j++) flat[offset + k * stride + j] += flat[offset + (k - 1) * stride + j];
  return flat;
}

/**
 * Sparse cells (a record of number arrays whose keys depend on the users, e.g. EpicRollup's
 * matched-engagement cells) as scalar leaves `<cell>#<length>#<index>` (zeros left out), so a
 * delta may add a cell and sums stay leaf-wise.
 */
export function flattenCells(cells: Record<string, number[]> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cell, xs] of Object.entries(cells ?? {})) xs.forEach((x, i) => x !== 0 && (out[`${cell}#${xs.length}#${i}`] = x));
  return out;
}

/** Inverse of flattenCells; cells whose numbers all summed to zero (every user left them) are dropped. */
export function unflattenCells(leaves: Record<string, number> | undefined): Record<string, number[]> {
  const cells = new Map<string, number[]>();
  for (const [key, x] of Object.entries(leaves ?? {})) {
    if (x === 0) continue;
    const [cell, len, i] = key.split('#');
    if (!cells.has(cell)) cells.set(cell, new Array<number>(Number(len)).fill(0));
    cells.get(cell)![Number(i)] = x;
  }
  return Object.fromEntries([...cells.keys()].sort().map((k) => [k, cells.get(k)!]));
}
