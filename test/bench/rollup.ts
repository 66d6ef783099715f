/**
 * Rollup cost of a fixed increment (2,000 new events of 400 users through the real ingest) on top of 1×,
 * 4× and 16× the history (more users over the same 120 days, 30 shipped epics): run time,
 * items read, read and write units, requests, peak heap. Incremental rollups should cost the
 * same at every history size. Also: the fixed cost of a tick (the merge), and the units per
 * touched user, from which docs/deploy.md models a minute of the 10,000 events/s workload.
 *
 * Steady state: WARMUP increments are consumed first (so the journal a run drops is one of an
 * increment, not of the history load), then MEASURED increments, each through its own forced
 * run; the figures are the mean per increment (a run's change of a partial is folded into the
 * partial every few runs: the mean carries those rewrites). Units, items read and requests come
 * from the capacity meter (test/helpers/capacity.ts: per item as DynamoDB bills it), also split by
 * partition family; the store's own meter would also count the capacity meter's re-reads.
 *
 * History is loaded through the rollup's own shard runs (as if it had arrived through the
 * change log), which is what a long-running installation holds; the increment then goes
 * through ingest → change log → coordinator → shard runs → merge.
 */
import { randomBytes } from 'node:crypto';
import { epicPartialBytes, epicStoredForms, mergeRollups, runRollup, runShard } from '../../functions/src/analytics/rollup';
import { K } from '../../functions/src/store/keys';
import { packRollupItem, packTotalItem } from '../../functions/src/store/packed';
import { ingest } from '../../functions/src/ingest/ingest';
import { epicOutcome } from '../../functions/src/analytics/outcomes';
import { startBackground } from '../../functions/src/local/background';
import { pseudonymize, shardOf } from '../../functions/src/ingest/pseudonymize';
import { loadConfig } from '../../functions/src/config';
import { prng } from '../../functions/src/demo/simulate';
import { createServices, type Services } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import { addDays, dayNumber, todayUtc } from '../../shared/primitives';
import { Roadmap } from '../../shared/roadmap';
import { toCompact } from '../../shared/user-state';
import type { UserActivity } from '../../shared/outcome-types';
import { itemSize, withCapacityMeter, writeUnits } from '../helpers/capacity';

const DAYS = 120;
const EPICS = 30;
const SHARDS = 8;
const INCREMENT = 2_000;
/** users the increment comes from (the first of every population) */
const COHORT = 400;
const WARMUP = Number(process.env.ROLLUP_BENCH_WARMUP ?? 2);
const MEASURED = Number(process.env.ROLLUP_BENCH_INCREMENTS ?? 8);
const FRESHNESS_SAMPLES = 3;

function roadmap(today: string) {
  const from = addDays(today, -DAYS);
  return Roadmap.parse({
    mission: { statement: 'bench' },
    themes: [{ id: 't', name: 'T' }],
    milestones: [],
    epics: Array.from({ length: EPICS }, (_, i) => ({
      id: `epic-${i + 1}`,
      title: `Epic ${i + 1}`,
      themeId: 't',
      status: 'shipped',
      shippedAt: addDays(from, 30 + i * 3),
      signals: { events: [`Feature ${i + 1} Used`] },
      targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }],
    })),
    stories: [],
  });
}

/** Count items returned by reads (the meter counts units, not items). */
function countItems(store: Store) {
  const doc = store.doc as unknown as { send: (c: unknown) => Promise<Record<string, any>> };
  const send = doc.send.bind(doc);
  const counter = { items: 0 };
  doc.send = async (cmd) => {
    const out = await send(cmd);
    if (Array.isArray(out?.Items)) counter.items += out.Items.length;
    else if (out?.Responses) for (const v of Object.values(out.Responses as Record<string, unknown[]>)) counter.items += v.length;
    else if (out?.Item) counter.items += 1;
    return out;
  };
  return counter;
}

async function measure<T>(store: Store, items: { items: number }, fn: () => Promise<T>) {
  const before = { ...store.meter!, items: items.items };
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return {
    result,
    ms: Math.round(ms),
    itemsRead: items.items - before.items,
    readUnits: Math.round((store.meter!.read - before.read) * 10) / 10,
    writeUnits: Math.round((store.meter!.write - before.write) * 10) / 10,
    requests: store.meter!.requests - before.requests,
    peakHeapMb: Math.round(((peak - base) / 1048576) * 10) / 10,
  };
}

/** A user's 120 days: active on ~15% of days, using a few epics' features after they ship. */
function history(rand: () => number, today: string, doc: Roadmap): UserActivity {
  const end = dayNumber(today);
  const u: UserActivity = { active: new Set(), usage: new Map() };
  const adopts = doc.epics.filter(() => rand() < 0.15);
  for (let d = end - DAYS; d < end; d++) {
    if (rand() >= 0.15) continue;
    u.active.add(d);
    for (const e of adopts) {
      if (d < dayNumber(e.shippedAt!) || rand() >= 0.5) continue;
      const k = `ev:${e.signals!.events![0]}`;
      (u.usage.get(k) ?? (u.usage.set(k, new Set()), u.usage.get(k)!)).add(d);
    }
  }
  return u;
}

/**
 * Freshness as the local server has it: the background scheduler (change-log lag 2 s, the local
 * default) on the same store; a single event of a new user for the last-shipped epic (in its
 * window); the time from ingest's response until that epic's outcome counts the new adopter.
 */
async function freshness(store: Store, secret: Buffer, today: string): Promise<number[]> {
  const config = loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', SEXTANT_ROLLUP_SHARDS: String(SHARDS) });
  const services = createServices(config, store, secret);
  const stop = startBackground(services);
  const out: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, config.SEXTANT_CHANGELOG_LAG_MS + 3_000)); // the first (idle) tick
    const epicId = `epic-${EPICS}`;
    for (let k = 0; k < FRESHNESS_SAMPLES; k++) {
      const before = (await epicOutcome(services, epicId)).adoption.adopters;
      await ingest(services, { events: [{ type: 'track', messageId: `fresh-${k}`, userId: `fresh-user-${k}`, event: `Feature ${EPICS} Used`, timestamp: `${today}T00:00:02.000Z` }], endpoint: '/v1/track' });
      const t = performance.now();
      while ((await epicOutcome(services, epicId)).adoption.adopters === before) {
        if (performance.now() - t > 60_000) throw new Error('freshness: the event did not show within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      out.push(Math.round(performance.now() - t));
      await new Promise((r) => setTimeout(r, 4_000)); // let the follow-up tick finish
    }
  } finally {
    await stop();
  }
  return out;
}

export async function runScale(users: number) {
  const today = todayUtc();
  const doc = roadmap(today);
  const store = await openStore({ kind: 'memory', table: 'sextant_bench_rollup', meter: true });
  const items = countItems(store);
  try {
    const config = loadConfig({
      SEXTANT_STORE: 'memory',
      SEXTANT_DEMO: '0',
      SEXTANT_ROLLUP_SHARDS: String(SHARDS),
      SEXTANT_CHANGELOG_LAG_MS: '0',
      ...(process.env.SEXTANT_ROLLUP_FOLD_RATIO ? { SEXTANT_ROLLUP_FOLD_RATIO: process.env.SEXTANT_ROLLUP_FOLD_RATIO } : {}),
    });
    const secret = randomBytes(32);
    const services: Services = createServices(config, store, secret);
    await services.roadmaps.replace(doc);
    await runRollup(services, { force: true }); // seeds the (empty) state and the cursor
    // history, through the shard runs
    const rand = prng(7).next;
    const jobs = new Map<number, Record<string, ReturnType<typeof toCompact>>>();
    for (let i = 0; i < users; i++) {
      const hash = pseudonymize(services.pseudonymKey, `user-${i}`);
      const s = shardOf(hash, SHARDS);
      (jobs.get(s) ?? (jobs.set(s, {}), jobs.get(s)!))[hash] = toCompact(history(rand, today, doc));
    }
    for (const [shard, all] of jobs) {
      const entries = Object.entries(all);
      for (let i = 0; i < entries.length; i += 1000) await runShard(services, { shard, users: Object.fromEntries(entries.slice(i, i + 1000)) });
    }
    await mergeRollups(services);
    // the increments, identical at every history size: 2,000 events of the same 400 users (present
    // in every population) through ingest, today (hour k) and a few late ones
    const increment = async (k: number) => {
      const inc = prng(11 + k).next;
      const events = Array.from({ length: INCREMENT }, (_, i) => {
        const rand = inc;
        const user = `user-${Math.floor(rand() * COHORT)}`;
        const late = rand() < 0.05;
        const day = late ? addDays(today, -1 - Math.floor(rand() * 20)) : today;
        const epic = 1 + Math.floor(rand() * EPICS);
        return { type: 'track', messageId: `inc-${k}-${i}`, userId: user, event: rand() < 0.3 ? `Feature ${epic} Used` : 'Page Viewed', timestamp: `${day}T00:00:01.000Z` };
      });
      for (let i = 0; i < events.length; i += 100) await ingest(services, { events: events.slice(i, i + 100), endpoint: '/v1/batch' });
    };
    for (let k = 0; k < WARMUP; k++) {
      await increment(k);
      await runRollup(services, { force: true });
    }
    // units, items and requests of the runs from the capacity meter (per item as DynamoDB bills;
    // its own re-reads of deleted items are off its books, not so on the store's meter)
    const cap = withCapacityMeter(store);
    type Run = { ms: number; peakHeapMb: number; itemsRead: number; readUnits: number; writeUnits: number; requests: number; result: Awaited<ReturnType<typeof runRollup>> };
    const metered = async <T,>(fn: () => Promise<T>) => {
      cap.reset();
      const m = await measure(store, items, fn);
      const t = cap.totals();
      return { ...m, itemsRead: t.itemsRead, readUnits: Math.round(t.rcu * 10) / 10, writeUnits: Math.round(t.wcu * 10) / 10, requests: t.requests, byFamily: t.byFamily };
    };
    // the merge's total rewrites (in the ROLLUP family beside the rollups): write units, counted apart
    const putTotal = services.rollups.putTotal.bind(services.rollups);
    let totalsWriteUnits = 0;
    services.rollups.putTotal = async (sk, item, prev) => {
      totalsWriteUnits += writeUnits({ ...K.rollupTotal(sk), ...packTotalItem(item), ver: (prev ?? 0) + 1 }); // as stored
      return putTotal(sk, item, prev);
    };
    const runs: Run[] = [];
    const families: Record<string, { writeUnits: number; readUnits: number }> = {};
    for (let k = WARMUP; k < WARMUP + MEASURED; k++) {
      await increment(k);
      const r = await metered(() => runRollup(services, { force: true }));
      runs.push(r);
      for (const [name, u] of Object.entries(r.byFamily)) {
        const f = (families[name] ??= { writeUnits: 0, readUnits: 0 });
        f.writeUnits += u.wcu / MEASURED;
        f.readUnits += u.rcu / MEASURED;
      }
    }
    for (const f of Object.values(families)) {
      f.writeUnits = Math.round(f.writeUnits);
      f.readUnits = Math.round(f.readUnits);
    }
    const merge = await metered(() => mergeRollups(services));
    cap.stop();
    const freshnessMs = await freshness(store, secret, today);
    const mean = (k: 'ms' | 'itemsRead' | 'readUnits' | 'writeUnits' | 'requests') => Math.round(runs.reduce((a, r) => a + r[k], 0) / runs.length);
    return {
      users,
      touchedUsers: Math.round(runs.reduce((a, r) => a + r.result.users, 0) / runs.length),
      facts: Math.round(runs.reduce((a, r) => a + r.result.facts, 0) / runs.length),
      rollup: {
        ms: mean('ms'),
        itemsRead: mean('itemsRead'),
        readUnits: mean('readUnits'),
        writeUnits: mean('writeUnits'),
        requests: mean('requests'),
        peakHeapMb: Math.max(...runs.map((r) => r.peakHeapMb)),
        writeUnitsPerRun: runs.map((r) => r.writeUnits),
      },
      // capacity meter (item sizes as DynamoDB bills them), mean per increment, by partition family
      families,
      totalsWriteUnits: Math.round(totalsWriteUnits / MEASURED),
      freshnessMs,
      mergeOnly: { ms: merge.ms, itemsRead: merge.itemsRead, readUnits: merge.readUnits, writeUnits: merge.writeUnits, families: Object.fromEntries(Object.entries(merge.byFamily).map(([k, u]) => [k, { writeUnits: Math.round(u.wcu), readUnits: Math.round(u.rcu) }])) },
    };
  } finally {
    await store.close();
  }
}

/**
 * How a shard's epic partial grows with the users in the shard (what the merge and the shard
 * runs read, and a fold rewrites): bytes of one epic partial (W = 28, shipped 30 days ago) for
 * the bench's users, 62 to 62,500 per shard (1 M monthly users over 16 shards).
 */
function partialGrowth() {
  const today = todayUtc();
  const doc = roadmap(today);
  const e = doc.epics[19];
  const epic = { id: e.id, shippedAt: e.shippedAt!, signals: e.signals };
  const rand = prng(7).next;
  const users: UserActivity[] = [];
  const out: Record<string, number> = {};
  for (const n of [62, 250, 1_000, 6_250, 62_500]) {
    while (users.length < n) users.push(history(rand, today, doc));
    out[n] = epicPartialBytes(users, epic, 28);
  }
  return out;
}

export async function benchRollup(opts: { users?: number } = {}) {
  const base = opts.users ?? 500;
  const x1 = await runScale(base);
  const x4 = await runScale(base * 4);
  const x16 = await runScale(base * 16);
  const ratio = (k: 'ms' | 'itemsRead' | 'readUnits' | 'writeUnits' | 'requests' | 'peakHeapMb') => Math.round((x16.rollup[k] / x1.rollup[k]) * 100) / 100;
  const perTouched = (x: typeof x1) => ({
    readUnits: Math.round(((x.rollup.readUnits - x.mergeOnly.readUnits) / x.touchedUsers) * 100) / 100,
    writeUnits: Math.round(((x.rollup.writeUnits - x.mergeOnly.writeUnits) / x.touchedUsers) * 100) / 100,
  });
  return {
    epics: EPICS,
    days: DAYS,
    shards: SHARDS,
    increment: INCREMENT,
    x1,
    x4,
    x16,
    warmup: WARMUP,
    measured: MEASURED,
    foldRatio: Number(process.env.SEXTANT_ROLLUP_FOLD_RATIO ?? 1),
    ratio16to1: { ms: ratio('ms'), itemsRead: ratio('itemsRead'), readUnits: ratio('readUnits'), writeUnits: ratio('writeUnits'), requests: ratio('requests'), peakHeapMb: ratio('peakHeapMb') },
    perTouchedUser: perTouched(x16),
    partialBytesByUsersPerShard: partialGrowth(),
  };
}

/**
 * `npm run bench -- rollup-sizes`: the items the merge reads and writes for each epic window at
 * 10 k, 100 k and 1 M monthly users (the bench's history model, 30 epics of 28-day windows), in
 * bytes as DynamoDB bills them: the per-epic total (`ROLLUP/TOTAL#…`, the flat uncut sums over
 * all users) and the per-epic rollup cut to today (`ROLLUP/EPIC#…`). With the units the merge
 * was measured to spend at 500–8,000 users (section `rollup`), they give the cost model of
 * docs/deploy.md at sizes no local store can hold. Also at the rollup bench's sizes, to check
 * the sizes against what the meter measured there.
 */
export async function benchRollupSizes() {
  const today = todayUtc();
  const doc = roadmap(today);
  const rand = prng(7).next;
  const users: UserActivity[] = [];
  const out: Record<string, unknown> = {};
  const shards = 16;
  for (const n of [500, 2_000, 8_000, 10_000, 100_000, 1_000_000]) {
    while (users.length < n) users.push(history(rand, today, doc));
    const t = performance.now();
    let totalBytes = 0;
    let rollupBytes = 0;
    let totalJ = 0;
    let plainBytes = 0;
    let rollupWrites = 0;
    for (const e of doc.epics) {
      const epic = { id: e.id, shippedAt: e.shippedAt!, signals: e.signals };
      const { j, rollup } = epicStoredForms(users, epic, 28, today);
      const v = Array.from({ length: shards }, () => 99_999);
      // as the stores write them: deflated (functions/src/store/packed.ts)
      totalBytes += itemSize({ ...K.rollupTotal(K.epicPartial(0, e.id, 28).SK), ...packTotalItem({ def: `5|${e.shippedAt}|28|${rollup.signalKey}|9999`, v, pv: v, j }), ver: 99_999 });
      const item = { ...K.epicRollup(e.id, 28), ...rollup, computedAt: new Date().toISOString(), mergeSeq: 9_999_999 };
      const packed = packRollupItem(item);
      rollupBytes += itemSize(packed);
      rollupWrites += writeUnits(packed);
      plainBytes += itemSize(item) + j.length;
      totalJ += j.length;
    }
    out[n] = {
      totalsBytes: totalBytes,
      rollupsBytes: rollupBytes,
      meanTotalKb: Math.round(totalBytes / doc.epics.length / 102.4) / 10,
      meanRollupKb: Math.round(rollupBytes / doc.epics.length / 102.4) / 10,
      // one consistent query of every total, one eventually consistent query of every rollup
      totalsReadUnits: Math.ceil(totalBytes / 4096),
      rollupsReadUnits: Math.ceil(rollupBytes / 4096) / 2,
      // every rollup put once (each is ≥ 1 KB): what a merge writes when every epic changed
      rollupsWriteUnits: rollupWrites,
      sumsBytes: totalJ,
      // both items unpacked, as before (rollup item + the total's sums)
      plainBytes,
      ms: Math.round(performance.now() - t),
    };
  }
  return { epics: doc.epics.length, windowDays: 28, days: DAYS, sizes: out };
}
