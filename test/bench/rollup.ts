/**
 * Rollup cost after a fixed increment (2,000 new events of 400 users through the real ingest) on top of 1×,
 * 4× and 16× the history (more users over the same 120 days, 30 shipped epics): run time,
 * items read, read and write units, requests, peak heap. Incremental rollups should cost the
 * same at every history size. Also: the fixed cost of a tick (the merge), and the units per
 * touched user, from which docs/deploy.md models a minute of the 10,000 events/s workload.
 *
 * History is loaded through the rollup's own shard runs (as if it had arrived through the
 * change log), which is what a long-running installation holds; the increment then goes
 * through ingest → change log → coordinator → shard runs → merge.
 */
import { randomBytes } from 'node:crypto';
import { mergeRollups, runRollup, runShard } from '../../functions/src/analytics/rollup';
import { ingest } from '../../functions/src/ingest/ingest';
import { pseudonymize, shardOf } from '../../functions/src/ingest/pseudonymize';
import { loadConfig } from '../../functions/src/config';
import { prng } from '../../functions/src/demo/simulate';
import { createServices, type Services } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import { addDays, dayNumber, todayUtc } from '../../shared/primitives';
import { Roadmap } from '../../shared/roadmap';
import { toCompact } from '../../shared/user-state';
import type { UserActivity } from '../../shared/outcome-types';

const DAYS = 120;
const EPICS = 30;
const SHARDS = 8;
const INCREMENT = 2_000;
/** users the increment comes from (the first of every population) */
const COHORT = 400;

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

async function runScale(users: number) {
  const today = todayUtc();
  const doc = roadmap(today);
  const store = await openStore({ kind: 'memory', table: 'sextant_bench_rollup', meter: true });
  const items = countItems(store);
  try {
    const config = loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', SEXTANT_ROLLUP_SHARDS: String(SHARDS), SEXTANT_CHANGELOG_LAG_MS: '0' });
    const services: Services = createServices(config, store, randomBytes(32));
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
    // the increment, identical at every history size: 2,000 events of the same 400 users (present
    // in every population) through ingest, today and a few late ones
    const inc = prng(11).next;
    const events = Array.from({ length: INCREMENT }, (_, i) => {
      const rand = inc;
      const user = `user-${Math.floor(rand() * COHORT)}`;
      const late = rand() < 0.05;
      const day = late ? addDays(today, -1 - Math.floor(rand() * 20)) : today;
      const epic = 1 + Math.floor(rand() * EPICS);
      return { type: 'track', messageId: `inc-${i}`, userId: user, event: rand() < 0.3 ? `Feature ${epic} Used` : 'Page Viewed', timestamp: `${day}T00:00:01.000Z` };
    });
    for (let i = 0; i < events.length; i += 100) await ingest(services, { events: events.slice(i, i + 100), endpoint: '/v1/batch' });
    const run = await measure(store, items, () => runRollup(services, { force: true }));
    const merge = await measure(store, items, () => mergeRollups(services));
    return {
      users,
      touchedUsers: run.result.users,
      facts: run.result.facts,
      rollup: { ms: run.ms, itemsRead: run.itemsRead, readUnits: run.readUnits, writeUnits: run.writeUnits, requests: run.requests, peakHeapMb: run.peakHeapMb },
      mergeOnly: { ms: merge.ms, itemsRead: merge.itemsRead, readUnits: merge.readUnits, writeUnits: merge.writeUnits },
    };
  } finally {
    await store.close();
  }
}

export async function benchRollup(opts: { users?: number } = {}) {
  const base = opts.users ?? 500;
  const x1 = await runScale(base);
  const x4 = await runScale(base * 4);
  const x16 = await runScale(base * 16);
  const ratio = (k: keyof typeof x1.rollup) => Math.round((x16.rollup[k] / x1.rollup[k]) * 100) / 100;
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
    ratio16to1: { ms: ratio('ms'), itemsRead: ratio('itemsRead'), readUnits: ratio('readUnits'), writeUnits: ratio('writeUnits'), peakHeapMb: ratio('peakHeapMb') },
    perTouchedUser: perTouched(x16),
  };
}
