/**
 * Incremental rollups (docs/key-layout.md "Incremental rollups"): the work of a run follows the
 * facts that are new since the last run, plus the epics whose definition changed, not history.
 *
 * - Ingest writes a change log (the new facts of each request) before the facts.
 * - The coordinator (`runRollup`, the minute tick) reads the change log from its cursor to
 *   now − LAG, groups the facts by user shard and runs one shard job per touched shard (AWS:
 *   messages on the worker's queue; locally in-process), then merges.
 * - A shard run keeps per-user state (days active, usage days) and per (epic window, shard) and
 *   (month, shard) summable partial rollups. Its result is committed as ONE journal item
 *   (conditional put of sequence r: the commit; a concurrent run loses and retries), then
 *   materialised idempotently: states and partials carry the sequence that wrote them and are
 *   only replaced by a later one. A crashed run's commit is finished by the next run or merge.
 * - An epic whose signals / ship date / windows changed has its partial recomputed from the
 *   shard's user states (history of that epic only).
 * - The merge sums the shards' partials: the per-epic rollup it writes equals
 *   rollupEpic(all users, epic, W, today) exactly (every numeric leaf is a sum over users).
 */
import { randomBytes } from 'node:crypto';
import { rollupEpic } from '../../../shared/attribution';
import type { EpicRollup, SatisfactionDay, UserActivity } from '../../../shared/outcome-types';
import { addDays, dateOfDay, todayUtc } from '../../../shared/primitives';
import { windowsOf, type Epic } from '../../../shared/roadmap';
import { addSummable, canonicalJson, dayBlocks, decodeDays, diffSummable, encodeDays, flattenCells, flattenLeaves, truncateRollup, unflattenCells, unflattenLeaves, type Summable } from '../../../shared/rollup-merge';
import { addFact, mergeFactsInto, toActivity, toCompact, unionActivity, type CompactFacts } from '../../../shared/user-state';
import { dayNumber } from '../../../shared/primitives';
import { shardOf } from '../ingest/pseudonymize';
import { hourOf } from '../ingest/change-log';
import type { Services } from '../services';
import type { MonthRollup, StoredEpicRollup } from '../store/analytics-store';
import { K } from '../store/keys';
import type { ChangeEntry, Cursor } from '../store/rollup-store';

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
/**
 * Bump when rollupEpic's output or the stored partials change meaning: every partial is then
 * recomputed from the user states. 4: changes of an epic partial stored as items of their own
 * (a version before it, rolled back to, sees another format and recomputes: it never misreads them).
 * 5: each epic partial has a head item (`H#…`: definition, sequence number, size) that shard runs
 * read instead of the partial; partials without one are recomputed.
 */
const ROLLUP_FORMAT = 5;
/** A fresh cursor (first run, re-seed) starts this far back: recent change-log entries are re-applied (a no-op when already in the facts). */
const SEED_MARGIN_MS = 10 * 60_000;
/** Journal parts stay under this many bytes (the item limit is 400 KB). */
const PART_BYTES = 300_000;
/** AWS: the merge job waits this long after the shard jobs are sent. */
const MERGE_DELAY_S = 20;

export interface RollupResult {
  ran: boolean;
  users: number;
  facts: number;
  epics: number;
  months: number;
  ms: number;
  /** shard jobs run (locally) or sent (AWS) */
  shards?: number;
  /** the change log is consumed up to this time (ISO) */
  cursor?: string;
}

type Survey = NonNullable<ChangeEntry['s']>[number];

/** Satisfaction sums per (date, scope, scale) from survey facts. */
export function satisfactionDays(responses: { d: string; scope: string; sc: 'csat' | 'nps'; s: number }[]): SatisfactionDay[] {
  const map = new Map<string, SatisfactionDay>();
  for (const r of responses) {
    const k = `${r.d}|${r.scope}|${r.sc}`;
    let x = map.get(k);
    if (!x) map.set(k, (x = { date: r.d, scope: r.scope, scale: r.sc, n: 0, sum: 0, sumSq: 0, promoters: 0, detractors: 0 }));
    addSatisfaction(x, Number(r.s), r.sc);
  }
  return [...map.values()].sort(bySatKey);
}

function addSatisfaction(x: { n: number; sum: number; sumSq: number; promoters: number; detractors: number }, s: number, sc: 'csat' | 'nps') {
  x.n++;
  x.sum += s;
  x.sumSq += s * s;
  if (sc === 'nps') {
    if (s >= 9) x.promoters++;
    else if (s <= 6) x.detractors++;
  }
}

const bySatKey = (a: SatisfactionDay, b: SatisfactionDay) => a.date.localeCompare(b.date) || a.scope.localeCompare(b.scope) || a.scale.localeCompare(b.scale);

/** Shard of a survey response (by message id; responses carry no user). FNV-1a. */
export function surveyShard(messageId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) h = Math.imul(h ^ messageId.charCodeAt(i), 0x01000193) >>> 0;
  return h % shards;
}

// ---------------------------------------------------------------------------------------
// epic definitions
// ---------------------------------------------------------------------------------------

interface EpicWindow {
  epic: { id: string; shippedAt: string; signals: Epic['signals'] };
  w: number;
  /** partial key (SK) within a shard */
  sk: string;
  /** definition signature: a partial computed under another one is recomputed */
  def: string;
  /** rollupEpic of no users: the shape the flat partial is laid into */
  template: EpicRollup;
  /** per-day blocks of the flat leaves (stored as day-over-day differences) */
  blocks: { offset: number; stride: number }[];
}

async function epicWindows(services: Services): Promise<EpicWindow[]> {
  const doc = (await services.roadmaps.get())?.roadmap;
  const out: EpicWindow[] = [];
  for (const e of doc?.epics ?? []) {
    if (e.status !== 'shipped' || !e.shippedAt) continue;
    for (const w of windowsOf(e)) {
      const epic = { id: e.id, shippedAt: e.shippedAt, signals: e.signals };
      const template = rollupEpic([], epic, w);
      const blocks = dayBlocks(template as never, w);
      out.push({ epic, w, sk: K.epicPartial(0, e.id, w).SK, def: `${ROLLUP_FORMAT}|${e.shippedAt}|${w}|${template.signalKey}|${flattenLeaves(template as never).length}`, template, blocks });
    }
  }
  return out;
}

/**
 * A shard's rollup of an epic window as stored: `f`, the flat numeric leaves of the fixed shape
 * (per-day arrays as day-over-day differences), and `m`, the matched-engagement cells, a sparse
 * record whose keys depend on the users (so they cannot be laid into a template). Both sum
 * leaf by leaf, so deltas and merges stay generic.
 */
type FlatEpicPartial = { f: number[]; m: Record<string, number> } & { [k: string]: Summable };
function flatRollup(users: Iterable<UserActivity>, ew: EpicWindow): FlatEpicPartial {
  return flatOf(rollupEpic(users, ew.epic, ew.w), ew);
}

/** An uncut rollup in the flat form partials and totals store. */
function flatOf({ matched, ...fixed }: EpicRollup, ew: Pick<EpicWindow, 'blocks' | 'w'>): FlatEpicPartial {
  return { f: encodeDays(flattenLeaves({ ...fixed, matched: {} } as never), ew.blocks, ew.w), m: flattenCells(matched) };
}

/** Bytes of a shard's stored epic partial (`j`) for these users (benchmarks: how partials grow with the users of a shard). */
export function epicPartialBytes(users: Iterable<UserActivity>, epic: EpicWindow['epic'], w: number): number {
  return epicStoredForms(users, epic, w).j.length;
}

/**
 * What the merge stores of an epic window for these users (benchmarks: item sizes at a million
 * users): the flat uncut sums (`j`, as in a partial or a total) and the rollup cut to `today`.
 */
export function epicStoredForms(users: Iterable<UserActivity>, epic: EpicWindow['epic'], w: number, today?: string): { j: string; rollup: EpicRollup } {
  const full = rollupEpic(users, epic, w);
  const rollup = truncateRollup(full, today ? dayNumber(today) - dayNumber(epic.shippedAt) + 1 : w);
  return { j: JSON.stringify(flatOf(full, { blocks: dayBlocks(rollupEpic([], epic, w) as never, w), w })), rollup };
}

// ---------------------------------------------------------------------------------------
// month partials: { a: { date: distinct active users }, s: { "date|scope|scale": sums } }
// ---------------------------------------------------------------------------------------

interface MonthPartial {
  a?: Record<string, number>;
  s?: Record<string, { n: number; sum: number; sumSq: number; promoters: number; detractors: number }>;
}

function monthOf(day: number) {
  return dateOfDay(day).slice(0, 7);
}

function addActiveDays(months: Map<string, MonthPartial>, days: Iterable<number>) {
  for (const d of days) {
    const date = dateOfDay(d);
    let m = months.get(date.slice(0, 7));
    if (!m) months.set(date.slice(0, 7), (m = {}));
    (m.a ??= {})[date] = ((m.a ?? {})[date] ?? 0) + 1;
  }
}

function addSurvey(months: Map<string, MonthPartial>, s: Survey) {
  let m = months.get(s.d.slice(0, 7));
  if (!m) months.set(s.d.slice(0, 7), (m = {}));
  const k = `${s.d}|${s.scope}|${s.sc}`;
  const x = ((m.s ??= {})[k] ??= { n: 0, sum: 0, sumSq: 0, promoters: 0, detractors: 0 });
  addSatisfaction(x, Number(s.s), s.sc);
}

// ---------------------------------------------------------------------------------------
// partials as stored: a base item and the deltas of later runs not yet folded into it
// ---------------------------------------------------------------------------------------

type Item = Record<string, any>;
interface PartialView {
  base?: Item;
  deltas: Item[];
}

/** A shard's partial items (bases and deltas) by partial SK. */
function groupPartials(items: Item[]): Map<string, PartialView> {
  const out = new Map<string, PartialView>();
  for (const i of items) {
    const sk = K.partialOfDelta(i.SK as string);
    let v = out.get(sk);
    if (!v) out.set(sk, (v = { deltas: [] }));
    if (sk === i.SK) v.base = i;
    else v.deltas.push(i);
  }
  return out;
}

/** The deltas that count: written after the base, computed under its definition (others are folded or void). */
function liveDeltas(v: PartialView | undefined): Item[] {
  const base = v?.base;
  return base ? v!.deltas.filter((d) => Number(d.seq) > Number(base.seq) && d.def === base.def) : [];
}

/** A partial's value (base + live deltas) and the sequence number of the latest run in it. */
function partialValue(v: PartialView): { seq: number; value: Summable } {
  const live = liveDeltas(v);
  let value = JSON.parse(v.base!.j as string) as Summable;
  for (const d of live) value = addSummable(value, JSON.parse(d.j as string) as Summable);
  return { seq: live.reduce((a, d) => Math.max(a, Number(d.seq)), Number(v.base!.seq)), value };
}

const keyOf = (i: Item) => ({ PK: i.PK as string, SK: i.SK as string });

// ---------------------------------------------------------------------------------------
// the journal
// ---------------------------------------------------------------------------------------

/** One record of a run's journal. */
type Rec =
  | { k: 'u'; id: string; v: CompactFacts }
  | { k: 's'; id: string; v: Omit<Survey, 'id'> }
  /** sparse delta of an epic partial (flat leaves) / month partial */
  | { k: 'd'; sk: string; def?: string; v: Summable; /** epic deltas: the `rseq` of the partial's head the run read (the last recompute it follows) */ rs?: number }
  /** full replacement of a partial */
  | { k: 'f'; sk: string; def?: string; v: Summable };

function toParts(recs: Rec[]): { j: string }[] {
  const parts: { j: string }[] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const r of recs) {
    const s = JSON.stringify(r);
    if (bytes + s.length > PART_BYTES && cur.length) {
      parts.push({ j: `[${cur.join(',')}]` });
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.length + 1;
  }
  if (cur.length) parts.push({ j: `[${cur.join(',')}]` });
  return parts;
}

/** Let queued I/O callbacks (other requests) run before the next piece of CPU-bound work. */
const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

/** Apply a committed run to states and partials; idempotent, and safe beside a later run. */
async function materialise(services: Services, shard: number, commit: { seq: number; runId: string }, recs?: Rec[], known?: Map<string, Item>): Promise<void> {
  const r = services.rollups;
  // a run's change of an epic partial is its own item (its size follows the change), folded into
  // the partial by the run that writes it once the pending changes reach this share of the
  // partial's size: the partial (whose size follows the shard's history) is rewritten once per
  // that many bytes of change, so the write units of a run follow the change
  const foldRatio = services.config.SEXTANT_ROLLUP_FOLD_RATIO;
  recs ??= (await r.parts(shard, commit.seq, commit.runId)).flatMap((p) => JSON.parse(p.j as string) as Rec[]);
  const { seq } = commit;
  await pool(recs, 16, async (rec) => {
    if (rec.k === 'u') return r.putStateIfOlder({ ...K.userState(shard, rec.id), ...rec.v }, seq);
    if (rec.k === 's') return r.putStateIfOlder({ ...K.surveyState(shard, rec.id), ...rec.v }, seq);
    const key = { PK: K.partialPartition(shard), SK: rec.sk };
    if (rec.k === 'd' && rec.sk.startsWith('E#')) {
      // an epic delta is its own item; it counts only beside a partial of its definition and an
      // older seq (liveDeltas). The run's own commit folds it and the pending ones into the
      // partial when they have grown to the fold ratio of its size, as its head tells (a hint:
      // the partial is read to fold it, and checked; a replay only writes the item)
      // the change is always its own item too: the merge adds the changes it has not applied yet
      // to its totals (a change folded here is void beside the partial, not for the merge)
      const j = JSON.stringify(rec.v);
      await r.putPartialDelta(shard, rec.sk, seq, rec.def, j, rec.rs);
      const head = known?.get(rec.sk);
      const pend = Number(head?.pend ?? 0) + j.length;
      const rseq = Number(head?.rseq ?? 0);
      if (head && head.def === rec.def && Number(head.seq) < seq && pend >= Number(head.bytes) * foldRatio) {
        const view = groupPartials(await r.partialWithDeltas(shard, rec.sk)).get(rec.sk);
        const base = view?.base;
        if (base && base.def === rec.def && Number(base.seq) < seq) {
          const pending = liveDeltas(view).filter((d) => Number(d.seq) < seq);
          let v = JSON.parse(base.j as string) as Summable;
          for (const d of pending) v = addSummable(v, JSON.parse(d.j as string) as Summable);
          const folded = JSON.stringify(addSummable(v, rec.v));
          if (await r.putPartial({ ...key, seq, def: rec.def, j: folded }, Number(base.seq))) {
            await r.putHead(shard, rec.sk, { seq, def: rec.def, bytes: folded.length, pend: 0, rseq });
            // folded deltas are void now (seq ≤ the partial's); those the merge had applied already
            // one total before the current one are deleted (`pv`: a merge still working from
            // the previous total may need the changes the current one added)
            const merged = Number((await r.total(rec.sk))?.pv?.[shard] ?? -1);
            await r.deleteKeys(view!.deltas.filter((d) => Number(d.seq) <= Math.min(seq, merged)).map(keyOf));
            return;
          }
        }
      }
      if (head && head.def === rec.def && Number(head.seq) < seq) await r.putHeadPending(shard, rec.sk, { seq: Number(head.seq), def: rec.def!, bytes: Number(head.bytes), pend, rseq });
      return;
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      // the run's own commit starts from the partials it read (a conflicting writer makes the put fail: re-read)
      const p = await r.partial(key);
      if (p && Number(p.seq) >= seq) {
        // a replay of the run that wrote it (a crash before its head): the head follows the partial
        if (Number(p.seq) === seq && rec.k === 'f' && rec.sk.startsWith('E#')) await r.putHead(shard, rec.sk, { seq, def: rec.def, bytes: String(p.j).length, pend: 0, rseq: seq });
        return;
      }
      let v: Summable;
      if (rec.k === 'f') v = rec.v;
      else v = addSummable((p ? JSON.parse(p.j as string) : {}) as Summable, rec.v);
      if (await r.putPartial({ ...key, seq, ...(rec.def ? { def: rec.def } : {}), j: JSON.stringify(v) }, p ? Number(p.seq) : undefined)) {
        // a recomputed epic partial voids its older deltas; its head (definition, size) follows it
        if (rec.k === 'f' && rec.sk.startsWith('E#')) {
          await r.putHead(shard, rec.sk, { seq, def: rec.def, bytes: String(JSON.stringify(v)).length, pend: 0, rseq: seq });
          await r.deleteKeys((await r.partialDeltas(shard, rec.sk)).filter((d) => Number(d.seq) <= seq).map(keyOf));
        }
        return;
      }
    }
    throw new Error(`partial ${rec.sk} of shard ${shard}: too many concurrent writers`);
  });
  await r.setHead(shard, seq);
}

/** Finish a committed-but-not-materialised run of the shard (a crash after its commit). */
async function settle(services: Services, shard: number): Promise<number> {
  const [c, mat] = await Promise.all([services.rollups.latestCommit(shard), services.rollups.head(shard)]);
  if (c && c.seq > mat) await materialise(services, shard, c);
  return c?.seq ?? 0;
}

// ---------------------------------------------------------------------------------------
// shard run
// ---------------------------------------------------------------------------------------

export interface ShardJob {
  shard: number;
  /** new facts per user of this shard */
  users?: Record<string, CompactFacts>;
  surveys?: Survey[];
  /** rebuild the shard's state from the durable facts (first run, shard count change, rebuild --fix) */
  seed?: boolean;
}

export interface ShardResult {
  committed: boolean;
  seq: number;
  users: number;
  recomputed: number;
  deltas: number;
}

/** Roll one shard up; retried when a concurrent run of the same shard commits first. */
/** What an in-process coordinator already holds (locally): the epic definitions, and the seed read once for every shard. */
export interface ShardContext {
  defs?: EpicWindow[];
  seed?: { months: string[]; users: Map<number, Map<string, UserActivity>>; surveys: Map<number, Map<string, Survey>> };
}

export async function runShard(services: Services, job: ShardJob, ctx: ShardContext = {}): Promise<ShardResult> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const r = await shardAttempt(services, job, attempt === 0 ? ctx : { seed: ctx.seed });
    if (r) return r;
  }
  throw new Error(`rollup shard ${job.shard}: lost the commit 8 times in a row`);
}

async function shardAttempt(services: Services, job: ShardJob, ctx: ShardContext): Promise<ShardResult | null> {
  const { rollups } = services;
  const { shard } = job;
  const last = await settle(services, shard);
  const seq = last + 1;
  // the heads of the shard's epic partials (definition and size), not the partials: a partial is
  // read only to fold changes into it
  const [defs, headItems] = await Promise.all([ctx.defs ?? epicWindows(services), rollups.heads(shard)]);
  const heads = new Map(headItems.map((h) => [(h.SK as string).slice(K.epicPartialHeadPrefix.length), h]));
  const recs: Rec[] = [];

  let all: Map<string, UserActivity> | undefined;
  const facts = new Map(Object.entries(job.users ?? {}).map(([u, f]) => [u, toActivity(f)]));
  const months = job.seed ? (ctx.seed?.months ?? (await seedMonths(services, defs))) : [];
  if (job.seed) {
    all = ctx.seed ? new Map(ctx.seed.users.get(shard) ?? []) : await seedUsers(services, shard, months);
    for (const [u, f] of facts) mergeFactsInto(all.get(u) ?? (all.set(u, { active: new Set(), usage: new Map() }), all.get(u)!), f);
  }

  // touched users: old state ∪ new facts
  const changed: { id: string; old: UserActivity; next: UserActivity; added: number[] }[] = [];
  if (!job.seed && facts.size) {
    const old = await rollups.userStates(shard, [...facts.keys()]);
    for (const [id, f] of facts) {
      const prev = toActivity(old.get(id) as CompactFacts | undefined);
      const u = unionActivity(prev, f);
      if (u.changed) changed.push({ id, old: prev, next: u.next, added: u.added });
    }
  }

  const stale = job.seed ? defs : defs.filter((d) => heads.get(d.sk)?.def !== d.def);
  if (stale.length && !all) {
    all = new Map((await rollups.allUserStates(shard)).map((i) => [(i.SK as string).slice(2), toActivity(i as never)]));
    for (const c of changed) all.set(c.id, c.next);
  }
  // one epic at a time, letting other work in (locally: ingest shares this thread)
  for (const d of stale) {
    recs.push({ k: 'f', sk: d.sk, def: d.def, v: flatRollup(all!.values(), d) });
    await yieldToOthers();
  }
  if (changed.length) {
    const next = changed.map((c) => c.next);
    const old = changed.map((c) => c.old);
    for (const d of defs) {
      if (stale.includes(d)) continue;
      const delta = diffSummable(flatRollup(next, d), flatRollup(old, d));
      if (delta !== undefined) recs.push({ k: 'd', sk: d.sk, def: d.def, v: delta, rs: Number(heads.get(d.sk)?.rseq ?? 0) });
      await yieldToOthers();
    }
    for (const c of changed) recs.push({ k: 'u', id: c.id, v: toCompact(c.next) });
  }

  // months: distinct active users per day, satisfaction sums (surveys counted once per message id)
  const monthDelta = new Map<string, MonthPartial>();
  if (job.seed) {
    for (const u of all!.values()) addActiveDays(monthDelta, u.active);
    const surveys = ctx.seed ? new Map(ctx.seed.surveys.get(shard) ?? []) : await seedSurveys(services, shard, months);
    for (const s of job.surveys ?? []) if (!surveys.has(s.id)) surveys.set(s.id, s);
    for (const s of surveys.values()) addSurvey(monthDelta, s);
    // replace every month partial and state item of the shard
    const keepUsers = new Set(all!.keys());
    const [oldUsers, oldSurveys, partialItems] = await Promise.all([rollups.allUserStates(shard), rollups.allSurveyStates(shard), rollups.partials(shard)]);
    const drop = [
      ...oldUsers.filter((i) => !keepUsers.has((i.SK as string).slice(2))),
      ...oldSurveys.filter((i) => !surveys.has((i.SK as string).slice(2))),
      ...partialItems.filter((p) => (p.SK as string).startsWith('M#') && !monthDelta.has((p.SK as string).slice(2))),
    ].map((i) => ({ PK: i.PK as string, SK: i.SK as string }));
    await rollups.deleteKeys(drop);
    await rollups.putStates([
      // seq of the previous run: a concurrent run that commits `seq` first still replaces them
      ...[...all!].map(([id, u]) => ({ ...K.userState(shard, id), ...toCompact(u), seq: last })),
      ...[...surveys.values()].map(({ id, ...v }) => ({ ...K.surveyState(shard, id), ...v, seq: last })),
    ]);
    for (const [m, v] of monthDelta) recs.push({ k: 'f', sk: K.monthPartial(shard, m).SK, v: v as Summable });
  } else {
    for (const c of changed) addActiveDays(monthDelta, c.added);
    const byId = new Map<string, Survey>();
    for (const s of job.surveys ?? []) if (!byId.has(s.id)) byId.set(s.id, s);
    if (byId.size) {
      const seen = await rollups.surveyStates(shard, [...byId.keys()]);
      for (const s of byId.values()) {
        if (seen.has(s.id)) continue;
        addSurvey(monthDelta, s);
        const { id, ...v } = s;
        recs.push({ k: 's', id, v });
      }
    }
    for (const [m, v] of monthDelta) recs.push({ k: 'd', sk: K.monthPartial(shard, m).SK, v: v as Summable });
  }

  const result = { seq: last, users: changed.length, recomputed: stale.length, deltas: recs.filter((r) => r.k === 'd').length };
  if (!recs.length) return { committed: false, ...result };
  const runId = randomBytes(6).toString('base64url');
  const parts = toParts(recs);
  await rollups.putParts(shard, seq, runId, parts);
  // the commit point; the loser's parts are dropped with this sequence's journal later
  if (!(await rollups.commit(shard, { seq, runId, parts: parts.length, at: new Date().toISOString() }))) return null;
  await materialise(services, shard, { seq, runId }, recs, heads);
  await rollups.dropJournal(shard, seq - 2);
  return { committed: true, ...result, seq };
}

/**
 * First day whose facts the rollup needs: the product-wide trend horizon and every shipped
 * epic's pre-window (what the full recomputation reads). Seeding covers it; a later epic whose
 * pre-window starts earlier makes the coordinator re-seed with the wider horizon.
 */
function horizonFrom(today: string, defs: EpicWindow[]): string {
  let from = addDays(today, -TREND_DAYS);
  for (const d of defs) if (addDays(d.epic.shippedAt, -d.w) < from) from = addDays(d.epic.shippedAt, -d.w);
  return from;
}

/** Months whose facts seed the user states: the horizon, through tomorrow (future-dated events). */
async function seedMonths(services: Services, defs: EpicWindow[]): Promise<string[]> {
  const today = todayUtc(services.now());
  return monthsBetween(horizonFrom(today, defs), addDays(today, 1));
}

/** Locally: read the facts of the horizon once and split them by shard (one read instead of one per shard). */
async function readSeed(services: Services, defs: EpicWindow[]): Promise<NonNullable<ShardContext['seed']>> {
  const n = services.config.SEXTANT_ROLLUP_SHARDS;
  const months = await seedMonths(services, defs);
  const all = new Map<string, UserActivity>();
  for (const month of months) await services.analytics.loadUserMonth(month, all);
  const users = new Map<number, Map<string, UserActivity>>();
  for (const [u, a] of all) {
    const s = shardOf(u, n);
    (users.get(s) ?? (users.set(s, new Map()), users.get(s)!)).set(u, a);
  }
  const surveys = new Map<number, Map<string, Survey>>();
  for (const month of months) {
    for (const x of await services.rollups.surveysOfMonth(month)) {
      const id = K.parseSurvey(x.SK).messageId;
      const s = surveyShard(id, n);
      (surveys.get(s) ?? (surveys.set(s, new Map()), surveys.get(s)!)).set(id, { id, d: x.d, scope: x.scope, sc: x.sc, s: Number(x.s) });
    }
  }
  return { months, users, surveys };
}

async function seedUsers(services: Services, shard: number, months: string[]): Promise<Map<string, UserActivity>> {
  const n = services.config.SEXTANT_ROLLUP_SHARDS;
  const users = new Map<string, UserActivity>();
  for (const month of months) {
    for (const sk of await services.rollups.userFactKeys(month, shard, n)) {
      const fact = K.parseUserFact(sk);
      if (shardOf(fact.user, n) === shard) addFact(users, fact);
    }
  }
  return users;
}

async function seedSurveys(services: Services, shard: number, months: string[]): Promise<Map<string, Survey>> {
  const n = services.config.SEXTANT_ROLLUP_SHARDS;
  const out = new Map<string, Survey>();
  for (const month of months) {
    for (const s of await services.rollups.surveysOfMonth(month)) {
      const id = K.parseSurvey(s.SK).messageId;
      if (surveyShard(id, n) === shard) out.set(id, { id, d: s.d, scope: s.scope, sc: s.sc, s: Number(s.s) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// merge
// ---------------------------------------------------------------------------------------

export interface MergeResult {
  epics: number;
  months: number;
  skipped: number;
}

/**
 * The per-epic and per-month rollups outcome and impact read. An epic window's total over all
 * shards is kept uncut (`ROLLUP/TOTAL#…`, with per shard the sequence number of the last change
 * it includes); the merge adds the changes written since (`#D<seq>` items above that number) and
 * cuts the total to today. A partial recomputed since (its head's `rseq`), a new definition or no
 * total yet: the epic is summed again from every shard's partial. The total is rewritten (only over
 * the version read: two merges never both add the same change) once the changes added to it reach
 * SEXTANT_ROLLUP_FOLD_RATIO × its size, as partials are; until then each merge adds them again,
 * so its reads follow the changes since and its writes follow the change. The rollup is put
 * only when its merge sequence (the sum over shards of the last change in it) or its cut moved.
 */
export async function mergeRollups(services: Services, computedAt = new Date(services.now()).toISOString(), ctx: { defs?: EpicWindow[]; settled?: Set<number> } = {}): Promise<MergeResult> {
  const r = services.rollups;
  const n = services.config.SEXTANT_ROLLUP_SHARDS;
  const shards = Array.from({ length: n }, (_, s) => s);
  // finish any run that crashed after its commit (shards this process just ran are settled)
  await pool(shards.filter((s) => !ctx.settled?.has(s)), 8, (s) => settle(services, s));
  const [defs, headItems, monthItems, totalItems] = await Promise.all([
    ctx.defs ?? epicWindows(services),
    Promise.all(shards.map((s) => r.heads(s))),
    Promise.all(shards.map((s) => r.monthPartials(s))),
    r.totals(),
  ]);
  const today = todayUtc(services.now());
  const hp = K.epicPartialHeadPrefix;
  const tp = K.rollupTotalPrefix;
  const heads = headItems.map((items) => new Map(items.map((h) => [(h.SK as string).slice(hp.length), h])));
  const totals = new Map(totalItems.map((t) => [(t.SK as string).slice(tp.length), t]));
  const bySk = new Map<string, { seq: number; def?: string; j: string }[]>();
  for (const items of monthItems) for (const p of items) (bySk.get(p.SK as string) ?? (bySk.set(p.SK as string, []), bySk.get(p.SK as string)!)).push(p as never);

  // the stored rollups' merge sequence and length: an epic whose rollup already holds every change
  // (and today's cut) is not written again (a read unit costs a twentieth of a write unit per byte)
  const stored = new Map((await services.analytics.allEpicRollups()).map((x) => [`${x.epicId}#${x.windowDays}`, x as StoredEpicRollup & { mergeSeq?: number }]));
  const foldRatio = services.config.SEXTANT_ROLLUP_FOLD_RATIO;
  let merged = 0;
  let skipped = 0;
  await pool(defs, 8, async (d) => {
    const hs = heads.map((m) => m.get(d.sk));
    if (hs.some((h) => h?.def !== d.def)) {
      skipped++;
      return;
    }
    const t = totals.get(d.sk);
    const prev = t && t.def === d.def && Array.isArray(t.v) && t.v.length === n ? (t.v as unknown[]).map(Number) : undefined;
    let resum = !prev || hs.some((h, s) => Number(h!.rseq ?? 0) > prev[s]);
    // the changes since the total; one written after a recompute of its partial that the heads
    // read above did not show yet (its `rs`) means the epic is summed again: the recompute
    // deleted the older changes and is itself no change item
    const found: Item[][] = [];
    if (!resum) for (const s of shards) found[s] = await r.deltasAfter(s, d.sk, prev![s]);
    if (!resum && found.some((ds, s) => ds.some((dl) => dl.def === d.def && Number(dl.rs ?? 0) > prev![s]))) resum = true;
    let total: Summable = { f: new Array<number>(flattenLeaves(d.template as never).length).fill(0), m: {} };
    const v: number[] = [];
    // bytes of the changes added to the stored total (the total is rewritten once they reach
    // the fold ratio of its stored size, as partials are: its writes follow the change)
    let pending = 0;
    if (resum) {
      for (const s of shards) {
        const view = groupPartials(await r.partialWithDeltas(s, d.sk)).get(d.sk);
        if (view?.base?.def !== d.def) {
          skipped++;
          return;
        }
        const pv = partialValue(view);
        total = addSummable(total, pv.value);
        v[s] = pv.seq;
      }
    } else {
      total = JSON.parse(t!.j as string) as Summable;
      for (const s of shards) {
        v[s] = prev![s];
        for (const dl of found[s]) {
          if (dl.def === d.def) {
            total = addSummable(total, JSON.parse(dl.j as string) as Summable);
            pending += String(dl.j).length;
          }
          v[s] = Math.max(v[s], Number(dl.seq));
        }
      }
    }
    const cells = (total as FlatEpicPartial).m;
    for (const k of Object.keys(cells)) if (cells[k] === 0) delete cells[k];
    const mergeSeq = v.reduce((a, x) => a + x, 0);
    merged++;
    const span = Math.max(0, Math.min(d.w, dayNumber(today) - dayNumber(d.epic.shippedAt) + 1));
    const was = stored.get(`${d.epic.id}#${d.w}`);
    // per shard, sequence numbers only grow: the same sum is the same changes
    if (!was || was.mergeSeq !== mergeSeq || was.series.length !== span || resum) {
      const flat = (total as FlatEpicPartial).f.map((x) => x ?? 0);
      const full = { ...(unflattenLeaves(d.template as never, decodeDays(flat, d.blocks, d.w)) as unknown as EpicRollup), matched: unflattenCells(cells) };
      // the rollup before the total: a crash in between makes the next merge add the same changes again
      await services.analytics.putEpicRollupsIfNewer([{ ...truncateRollup(full, span), computedAt, mergeSeq }]);
    }
    // `pv`: what the total it replaces included; folds delete the changes up to it (never those
    // of the current total, which a merge that read the previous total still adds)
    if (resum || pending > Number(t!.bytes) * foldRatio) {
      await r.putTotal(d.sk, { def: d.def, v, pv: prev ?? v.map(() => -1), j: JSON.stringify(total) }, t ? Number(t.ver) : undefined);
    }
  });

  const from = defs.reduce((f, d) => (addDays(d.epic.shippedAt, -d.w) < f ? addDays(d.epic.shippedAt, -d.w) : f), addDays(today, -TREND_DAYS));
  const months = new Set(monthsBetween(from, today));
  for (const sk of bySk.keys()) months.add(sk.slice(2));
  const monthRollups: (MonthRollup & { mergeSeq: number })[] = [];
  for (const month of [...months].sort()) {
    const ps = bySk.get(K.monthPartial(0, month).SK) ?? [];
    let acc: MonthPartial = {};
    for (const p of ps) acc = addSummable(acc as Summable, JSON.parse(p.j) as Summable) as MonthPartial;
    const active: Record<string, number> = {};
    for (const date of Object.keys(acc.a ?? {}).sort()) if (acc.a![date] > 0) active[date] = acc.a![date];
    const satisfaction = Object.entries(acc.s ?? {})
      .filter(([, x]) => x.n > 0)
      .map(([k, x]) => {
        const [date, scope, scale] = [k.slice(0, 10), k.slice(11, k.lastIndexOf('|')), k.slice(k.lastIndexOf('|') + 1) as 'csat' | 'nps'];
        return { date, scope, scale, n: x.n, sum: x.sum, sumSq: x.sumSq, promoters: x.promoters, detractors: x.detractors };
      })
      .sort(bySatKey);
    monthRollups.push({ month, active, satisfaction, mergeSeq: ps.reduce((a, p) => a + Number(p.seq), 0) });
  }

  // only what changed is written (a read unit costs a fifth of a write unit): the stored month rollups are read first
  const storedMonths = await services.analytics.monthRollups(monthRollups.map((m) => m.month));
  const same = (a: Record<string, unknown> | undefined, b: Record<string, unknown>) => {
    if (!a) return false;
    const { PK: _p, SK: _s, computedAt: _c, ...x } = a;
    const { computedAt: _d, ...y } = b;
    return canonicalJson(x) === canonicalJson(y);
  };
  const monthByKey = new Map(storedMonths.map((m) => [m.month, m as unknown as Record<string, unknown>]));
  await services.analytics.putMonthRollupsIfNewer(monthRollups.filter((m) => !same(monthByKey.get(m.month), m as never)));
  // rollups of epics that are no longer shipped, or of windows no longer used, are removed (and
  // their totals, heads, partials and changes)
  const keep = new Set(defs.map((d) => `${d.epic.id}#${d.w}`));
  const keepSk = new Set(defs.map((d) => d.sk));
  const goneTotals = totalItems.filter((t) => !keepSk.has((t.SK as string).slice(tp.length)));
  const goneRollups = [...stored.values()].filter((x) => !keep.has(`${x.epicId}#${x.windowDays}`));
  if (goneRollups.length) await services.analytics.deleteEpicRollups(goneRollups);
  if (goneTotals.length) await r.deleteKeys(goneTotals.map(keyOf));
  await pool(shards, 8, async (s) => {
    for (const sk of heads[s].keys()) if (!keepSk.has(sk)) await r.deleteKeys([...(await r.partialWithDeltas(s, sk)).map(keyOf), K.epicPartialHead(s, sk)]);
  });
  return { epics: merged, months: monthRollups.length, skipped };
}

// ---------------------------------------------------------------------------------------
// coordinator
// ---------------------------------------------------------------------------------------

/** Read the change log in [from, to) and group its facts by shard. */
async function readChanges(services: Services, from: number, to: number, shards: number) {
  const jobs = new Map<number, { users: Map<string, UserActivity>; surveys: Survey[] }>();
  const job = (s: number) => jobs.get(s) ?? (jobs.set(s, { users: new Map(), surveys: [] }), jobs.get(s)!);
  let facts = 0;
  const hours: string[] = [];
  for (let h = Math.floor(from / 3_600_000) * 3_600_000; h < to; h += 3_600_000) hours.push(hourOf(h));
  const partitions = Array.from({ length: services.config.SEXTANT_CHANGELOG_PARTITIONS }, (_, p) => p);
  const pages = await Promise.all(hours.flatMap((hour) => partitions.map((p) => services.rollups.changes(hour, p, from, to))));
  for (const entry of pages.flat()) {
    for (const [u, f] of Object.entries(entry.u ?? {})) {
      const a = toActivity(f);
      facts += a.active.size;
      const j = job(shardOf(u, shards));
      const cur = j.users.get(u);
      if (cur) mergeFactsInto(cur, a);
      else j.users.set(u, a);
    }
    for (const s of entry.s ?? []) {
      facts++;
      job(surveyShard(s.id, shards)).surveys.push(s);
    }
  }
  return { jobs, facts };
}

/**
 * The minute tick: consume the change log since the cursor, run (or, on AWS, send) one job per
 * touched shard — every shard when epic definitions changed or the state is (re)seeded — and
 * merge. `force` also reads the last LAG of the change log (tests, the CLI, "recompute now"; the
 * cursor still stops at now − LAG so a slow in-flight write is read again later, harmlessly);
 * `reseed` rebuilds every shard's state from the durable facts.
 */
export async function runRollup(services: Services, opts: { force?: boolean; reseed?: boolean } = {}): Promise<RollupResult> {
  const started = Date.now();
  const startedAt = new Date(services.now()).toISOString();
  const n = services.config.SEXTANT_ROLLUP_SHARDS;
  const lag = services.config.SEXTANT_CHANGELOG_LAG_MS;
  const [state, cur] = await Promise.all([services.analytics.state(), services.rollups.cursor()]);
  const gen = state.dirtyGen ?? 0;
  const defsChanged = gen > (state.rolledGen ?? 0) || !state.rolledUpAt;
  const defs = await epicWindows(services);
  const horizon = horizonFrom(todayUtc(services.now()), defs);
  const seed = opts.reseed || !cur || cur.shards !== n || !cur.coveredFrom || horizon < cur.coveredFrom;
  const wall = Date.now();
  const safe = wall - lag;
  const from = seed ? Math.min(cur?.cursor ?? wall, wall - SEED_MARGIN_MS) : cur!.cursor;
  const to = opts.force ? wall + 1 : safe;
  const { jobs, facts } = await readChanges(services, from, to, n);

  const all = seed || defsChanged;
  const shardJobs: ShardJob[] = [];
  for (let s = 0; s < n; s++) {
    const j = jobs.get(s);
    if (!j && !all) continue;
    shardJobs.push({ shard: s, users: Object.fromEntries([...(j?.users ?? [])].map(([u, a]) => [u, toCompact(a)])), surveys: j?.surveys ?? [], ...(seed ? { seed: true } : {}) });
  }
  const users = [...jobs.values()].reduce((a, j) => a + j.users.size, 0);
  const ran = shardJobs.length > 0 || !!opts.force;
  const next: Cursor = {
    cursor: Math.max(cur && !seed ? cur.cursor : from, Math.min(to, safe)),
    shards: n,
    coveredFrom: seed ? horizon : cur!.coveredFrom,
    seededAt: seed ? startedAt : cur!.seededAt,
  };

  if (services.fanOut) {
    // AWS: one message per shard job (chunked under the SQS size limit), then the merge, delayed
    // so the shard jobs are done; a tick within 2 minutes of a dispatch merges again (slow shards)
    if (shardJobs.length) await services.fanOut(chunkJobs(shardJobs).map((j) => ({ job: 'rollup-shard', ...j })));
    const recent = cur?.dispatchedAt !== undefined && wall - cur.dispatchedAt < 120_000;
    if (ran || recent) await services.fanOut([{ job: 'rollup-merge', computedAt: startedAt, gen }], MERGE_DELAY_S);
    if (shardJobs.length) next.dispatchedAt = wall;
    else if (cur?.dispatchedAt !== undefined) next.dispatchedAt = cur.dispatchedAt;
    await services.rollups.setCursor(cur?.v, next);
    return { ran, users, facts, epics: 0, months: 0, ms: Date.now() - started, shards: shardJobs.length, cursor: new Date(next.cursor).toISOString() };
  }

  const ctx: ShardContext = { defs, ...(seed ? { seed: await readSeed(services, defs) } : {}) };
  await pool(shardJobs, 4, (j) => runShard(services, j, ctx));
  await services.rollups.setCursor(cur?.v, next);
  if (!ran) return { ran: false, users: 0, facts: 0, epics: 0, months: 0, ms: Date.now() - started, shards: 0, cursor: new Date(next.cursor).toISOString() };
  const merged = await mergeRollups(services, startedAt, { defs, settled: new Set(shardJobs.map((j) => j.shard)) });
  const result: RollupResult = { ran: true, users, facts, epics: merged.epics, months: merged.months, ms: Date.now() - started, shards: shardJobs.length, cursor: new Date(next.cursor).toISOString() };
  await services.analytics.finishRollup(gen, startedAt, result as unknown as Record<string, unknown>);
  return result;
}

/** The merge job (AWS: sent after the shard jobs; a later tick's merge catches up on anything still running). */
export async function runMergeJob(services: Services, job: { computedAt?: string; gen?: number }): Promise<MergeResult> {
  const computedAt = job.computedAt ?? new Date(services.now()).toISOString();
  const merged = await mergeRollups(services, computedAt);
  await services.analytics.finishRollup(job.gen ?? 0, computedAt, merged as unknown as Record<string, unknown>);
  return merged;
}

/** Split shard jobs so each SQS message stays under ~200 KB. */
export function chunkJobs(jobs: ShardJob[], maxBytes = 200_000): ShardJob[] {
  const out: ShardJob[] = [];
  for (const j of jobs) {
    const users = Object.entries(j.users ?? {});
    const surveys = j.surveys ?? [];
    let cur: ShardJob = { shard: j.shard, users: {}, surveys: [], ...(j.seed ? { seed: true } : {}) };
    let bytes = 0;
    const flush = () => {
      out.push(cur);
      cur = { shard: j.shard, users: {}, surveys: [] };
      bytes = 0;
    };
    for (const [u, f] of users) {
      const size = u.length + JSON.stringify(f).length + 8;
      if (bytes + size > maxBytes) flush();
      cur.users![u] = f;
      bytes += size;
    }
    for (const s of surveys) {
      const size = JSON.stringify(s).length + 2;
      if (bytes + size > maxBytes) flush();
      cur.surveys!.push(s);
      bytes += size;
    }
    out.push(cur);
  }
  return out;
}

/**
 * A full recomputation from the durable facts (no state, no partials): what the incremental
 * rollups must equal. Reads every fact of every month in the horizon (tests, benchmarks).
 */
export async function recomputeFromFacts(services: Services): Promise<{ epics: EpicRollup[]; months: MonthRollup[] }> {
  const today = todayUtc(services.now());
  const defs = await epicWindows(services);
  const months = monthsBetween(horizonFrom(today, defs), today);
  const users = new Map<string, UserActivity>();
  for (const month of monthsBetween(horizonFrom(today, defs), addDays(today, 1))) await services.analytics.loadUserMonth(month, users);
  const epics = defs.map((d) => rollupEpic(users.values(), d.epic, d.w, today));
  const activeByDay = new Map<number, number>();
  for (const u of users.values()) for (const d of u.active) activeByDay.set(d, (activeByDay.get(d) ?? 0) + 1);
  const monthRollups: MonthRollup[] = [];
  for (const month of months) {
    const active: Record<string, number> = {};
    for (const [d, c] of [...activeByDay].sort(([a], [b]) => a - b)) if (monthOf(d) === month) active[dateOfDay(d)] = c;
    monthRollups.push({ month, active, satisfaction: satisfactionDays(await services.analytics.surveysOfMonth(month)) });
  }
  return { epics, months: monthRollups };
}
