/**
 * Property: after any sequence of ingest requests (duplicates, late events, conflicting
 * re-sends), crashes injected mid-ingest (then the client's retry) and mid-rollup, two rollup
 * runs at once, signal edits, new ships and un-ships, with the runs' changes folded into the
 * per-shard partials at once, sometimes or never, the incremental rollups equal a full
 * recomputation from the facts, and the outcomes computed from them are byte-for-byte equal.
 * Runs on dynalite and, in the conformance run, on DynamoDB Local.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { epicOutcome, impact } from '../../functions/src/analytics/outcomes';
import { mergeRollups, recomputeFromFacts, runRollup, runShard } from '../../functions/src/analytics/rollup';
import { ingest } from '../../functions/src/ingest/ingest';
import { pseudonymize } from '../../functions/src/ingest/pseudonymize';
import { addDays, dayNumber } from '../../shared/primitives';
import { toCompact } from '../../shared/user-state';
import { Roadmap } from '../../shared/roadmap';
import { canonicalJson } from '../../shared/rollup-merge';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-06-30';
const EPICS = ['e1', 'e2', 'e3'] as const;
const EVENTS = ['A Used', 'B Used', 'C Used', 'Page Viewed'];

interface EpicDef {
  shipped: boolean;
  shipDay: number;
  signals: string[];
}

function roadmapOf(defs: Record<string, EpicDef>) {
  return Roadmap.parse({
    mission: { statement: 'property' },
    themes: [{ id: 't', name: 'T' }],
    milestones: [],
    epics: EPICS.map((id) => ({
      id,
      title: id,
      themeId: 't',
      status: defs[id].shipped ? 'shipped' : 'planned',
      ...(defs[id].shipped ? { shippedAt: addDays(TODAY, -defs[id].shipDay) } : {}),
      signals: { events: defs[id].signals },
      targets: id === 'e2' ? [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 14 }] : [],
    })),
    stories: [],
  });
}

const event = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  user: fc.integer({ min: 0, max: 24 }),
  daysAgo: fc.integer({ min: 0, max: 45 }),
  kind: fc.constantFrom('track', 'track', 'track', 'epic', 'survey', 'identify'),
  name: fc.constantFrom(...EVENTS),
  score: fc.integer({ min: 1, max: 5 }),
});
type Ev = { id: number; user: number; daysAgo: number; kind: string; name: string; score: number };

function segment(e: Ev) {
  const base = { messageId: `m${e.id}`, userId: `u${e.user}`, timestamp: `${addDays(TODAY, -e.daysAgo)}T10:00:00.000Z` };
  if (e.kind === 'identify') return { ...base, type: 'identify' };
  if (e.kind === 'survey') return { ...base, type: 'track', event: 'Survey Responded', properties: { scale: 'csat', score: e.score, ...(e.user % 2 ? { epicId: 'e1' } : {}) } };
  if (e.kind === 'epic') return { ...base, type: 'track', event: 'Feature Used', properties: { epicId: EPICS[e.user % 3] } };
  return { ...base, type: 'track', event: e.name };
}

const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('ingest' as const), events: fc.array(event, { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('crash-ingest' as const), events: fc.array(event, { minLength: 1, maxLength: 12 }), after: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('rollup' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('crash-rollup' as const), after: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('two-rollups' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('signals' as const), epic: fc.constantFrom(...EPICS), signals: fc.subarray(EVENTS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ship' as const), epic: fc.constantFrom(...EPICS), shipped: fc.boolean(), shipDay: fc.integer({ min: 0, max: 30 }) }) },
);

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);

/** The process "dies" after `after` more writes: every later write fails until revived. */
function crashAfter(ctx: TestContext) {
  const doc = ctx.services.store.doc as unknown as { send: (cmd: { constructor: { name: string } }) => Promise<unknown> };
  const send = doc.send.bind(doc);
  let left = Infinity;
  doc.send = async (cmd) => {
    if (WRITES.has(cmd.constructor.name) && left-- <= 0) throw new Error('injected crash');
    return send(cmd);
  };
  return {
    arm: (n: number) => void (left = n),
    revive: async () => {
      await new Promise((r) => setTimeout(r, 100)); // let the dead run's in-flight work fail
      left = Infinity;
    },
  };
}

describe('incremental rollups equal a full recomputation', () => {
  let ctx: TestContext | undefined;
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  it('under duplicates, late and conflicting events, crashes, concurrent runs, signal edits and ships', async () => {
    await fc.assert(
      // fold ratio: 0 folds every change into its partial at once, 1 (the default) when the pending
      // changes reach the partial's size, 1e6 never (changes stay separate items)
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 14 }), fc.constantFrom('0', '1', '1000000'), async (ops, foldRatio) => {
        ctx = await createTestContext({ SEXTANT_ROLLUP_SHARDS: '4', SEXTANT_CHANGELOG_PARTITIONS: '3', SEXTANT_ROLLUP_FOLD_RATIO: foldRatio });
        const c = ctx;
        c.setNow(Date.parse(`${TODAY}T18:00:00Z`));
        const crash = crashAfter(c);
        const defs: Record<string, EpicDef> = {
          e1: { shipped: true, shipDay: 20, signals: ['A Used'] },
          e2: { shipped: true, shipDay: 5, signals: ['B Used', 'C Used'] },
          e3: { shipped: false, shipDay: 10, signals: ['C Used'] },
        };
        await c.services.roadmaps.replace(roadmapOf(defs));
        const send = (events: Ev[]) => ingest(c.services, { events: events.map(segment), endpoint: '/v1/batch' });
        for (const o of ops) {
          if (o.op === 'ingest') await send(o.events);
          else if (o.op === 'crash-ingest') {
            crash.arm(o.after);
            await send(o.events).catch(() => undefined);
            await crash.revive();
            await send(o.events); // the client's retry
          } else if (o.op === 'rollup') await runRollup(c.services, { force: true });
          else if (o.op === 'crash-rollup') {
            crash.arm(o.after);
            await runRollup(c.services, { force: true }).catch(() => undefined);
            await crash.revive();
          } else if (o.op === 'two-rollups') await Promise.all([runRollup(c.services, { force: true }), runRollup(c.services, { force: true })]);
          else {
            if (o.op === 'signals') defs[o.epic] = { ...defs[o.epic], signals: o.signals };
            else defs[o.epic] = { ...defs[o.epic], shipped: o.shipped, shipDay: o.shipDay };
            await c.services.roadmaps.replace(roadmapOf(defs), (await c.services.roadmaps.get())!.version);
            await c.services.markDirty();
          }
        }
        await runRollup(c.services, { force: true });

        // per-epic rollups: exactly rollupEpic(all users, epic, W, today)
        const full = await recomputeFromFacts(c.services);
        const stored = await c.services.analytics.allEpicRollups();
        const strip = ({ PK: _p, SK: _s, computedAt: _c, mergeSeq: _m, ...r }: Record<string, unknown>) => r;
        expect(stored.map((r) => canonicalJson(strip(r as never))).sort()).toEqual(full.epics.map((r) => canonicalJson(r)).sort());
        // month rollups: daily active users and satisfaction sums
        const months = await c.services.analytics.monthRollups(full.months.map((m) => m.month));
        const byMonth = new Map(months.map((m) => [m.month, m]));
        for (const m of full.months) {
          expect(byMonth.get(m.month)?.active ?? {}).toEqual(m.active);
          expect(byMonth.get(m.month)?.satisfaction ?? []).toEqual(m.satisfaction);
        }
        // outcomes, byte for byte: incremental vs the full recomputation written in their place
        const shipped = EPICS.filter((id) => defs[id].shipped);
        const incremental = JSON.stringify([await Promise.all(shipped.map((id) => epicOutcome(c.services, id))), await impact(c.services)]);
        const computedAt = stored[0]?.computedAt ?? '';
        await c.services.analytics.putEpicRollups(full.epics.map((r) => ({ ...r, computedAt })));
        await c.services.analytics.putMonthRollups(full.months);
        const recomputed = JSON.stringify([await Promise.all(shipped.map((id) => epicOutcome(c.services, id))), await impact(c.services)]);
        expect(incremental).toBe(recomputed);
        await c.close();
        ctx = undefined;
      }),
      // ROLLUP_PROPERTY_RUNS: a longer search than the suite's (e.g. 200 before changing the rollup)
      { numRuns: Number(process.env.ROLLUP_PROPERTY_RUNS ?? 8), endOnFailure: true },
    );
  }, Number(process.env.ROLLUP_PROPERTY_RUNS ?? 8) * 30_000);

  it('writes a run\'s change of an epic partial as an item of its own, and folds the pending ones into the partial once they reach its size', async () => {
    const partialItems = async (c: TestContext) => (await c.services.rollups.partials(0)).filter((i) => (i.SK as string).startsWith('E#e1#W28'));
    const day = (c: TestContext, user: number, daysAgo: number, id: number) =>
      ingest(c.services, { events: [segment({ id, user, daysAgo, kind: 'track', name: 'A Used', score: 1 })], endpoint: '/v1/batch' });
    // (a run's change here is one new user: tens of bytes beside a partial of hundreds, so the test folds at a tenth)
    // a folded change is deleted once the merge's total has moved past it twice (a merge that read
    // the previous total may still add it): a dozen runs, so some are
    const RUNS = 12;
    for (const ratio of ['1000000', '0.1']) {
      ctx = await createTestContext({ SEXTANT_ROLLUP_SHARDS: '1', SEXTANT_ROLLUP_FOLD_RATIO: ratio });
      const c = ctx;
      c.setNow(Date.parse(`${TODAY}T18:00:00Z`));
      await c.services.roadmaps.replace(roadmapOf({ e1: { shipped: true, shipDay: 20, signals: ['A Used'] }, e2: { shipped: false, shipDay: 5, signals: [] }, e3: { shipped: false, shipDay: 10, signals: [] } }));
      await day(c, 0, 10, 0);
      await runRollup(c.services, { force: true }); // seeds: the partial, no change items
      const seeded = await partialItems(c);
      expect(seeded.map((i) => i.SK)).toEqual(['E#e1#W28']);
      for (let k = 1; k <= RUNS; k++) {
        await day(c, k, 15 - k, k);
        await runRollup(c.services, { force: true });
      }
      const items = await partialItems(c);
      const base = items.find((i) => i.SK === 'E#e1#W28')!;
      const changes = items.filter((i) => i.SK !== 'E#e1#W28');
      if (ratio === '1000000') {
        // never folded: the partial is the seeded one, and every run left its change
        expect(base.seq).toBe(seeded[0].seq);
        expect(base.j).toBe(seeded[0].j);
        expect(changes).toHaveLength(RUNS);
        for (const ch of changes) expect(String(ch.j).length).toBeLessThan(String(base.j).length);
      } else {
        // folded: the partial moved on, fewer changes are pending than runs happened, and they are smaller than it
        expect(Number(base.seq)).toBeGreaterThan(Number(seeded[0].seq));
        expect(changes.length).toBeLessThan(RUNS);
        expect(changes.reduce((a, ch) => a + String(ch.j).length, 0)).toBeLessThan(String(base.j).length);
      }
      // either way the stored rollup is the full recomputation's
      const full = await recomputeFromFacts(c.services);
      const stored = await c.services.analytics.allEpicRollups();
      const strip = ({ PK: _p, SK: _s, computedAt: _c, mergeSeq: _m, ...r }: Record<string, unknown>) => r;
      expect(stored.map((r) => canonicalJson(strip(r as never)))).toEqual(full.epics.map((r) => canonicalJson(r)));
      await c.close();
      ctx = undefined;
    }
  }, 120_000);

  it('reads the partials\' heads and the changes since the last merge, never a partial, when nothing folds or is recomputed', async () => {
    const day = (c: TestContext, user: number, daysAgo: number, id: number) =>
      ingest(c.services, { events: [segment({ id, user, daysAgo, kind: 'track', name: 'A Used', score: 1 })], endpoint: '/v1/batch' });
    ctx = await createTestContext({ SEXTANT_ROLLUP_SHARDS: '2', SEXTANT_ROLLUP_FOLD_RATIO: '1000000' });
    const c = ctx;
    c.setNow(Date.parse(`${TODAY}T18:00:00Z`));
    await c.services.roadmaps.replace(roadmapOf({ e1: { shipped: true, shipDay: 20, signals: ['A Used'] }, e2: { shipped: true, shipDay: 5, signals: ['A Used'] }, e3: { shipped: false, shipDay: 10, signals: [] } }));
    await day(c, 0, 10, 0);
    await runRollup(c.services, { force: true }); // seeds: partials, heads, totals
    await day(c, 1, 9, 1);
    await runRollup(c.services, { force: true });
    const doc = c.services.store.doc as unknown as { send: (cmd: { constructor: { name: string }; input: Record<string, any> }) => Promise<unknown> };
    const send = doc.send.bind(doc);
    const reads: Record<string, any>[] = [];
    doc.send = async (cmd) => {
      if (['GetCommand', 'QueryCommand', 'BatchGetCommand'].includes(cmd.constructor.name)) reads.push(cmd.input);
      return send(cmd);
    };
    for (let k = 2; k <= 4; k++) {
      await day(c, k, 10 - k, k);
      await runRollup(c.services, { force: true });
    }
    doc.send = send;
    const partial = /^E#[^#]+#W\d+$/;
    const values = (i: Record<string, any>) => (i.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const wholePartition = (i: Record<string, any>) => String(values(i)[':pk']).startsWith('RPART#') && !(':p' in values(i)) && !(':a' in values(i));
    const readsPartial = reads.filter((i) => partial.test(String(i.Key?.SK)) || Object.values(values(i)).some((v) => partial.test(String(v))) || wholePartition(i));
    expect(readsPartial).toEqual([]);
    // what they read instead: the heads, and the changes above the totals' sequence numbers
    expect(reads.filter((i) => values(i)[':p'] === 'H#').length).toBeGreaterThan(0);
    expect(reads.filter((i) => /^E#[^#]+#W\d+#D\d{10}$/.test(String(values(i)[':a']))).length).toBeGreaterThan(0);
    const full = await recomputeFromFacts(c.services);
    const stored = await c.services.analytics.allEpicRollups();
    const strip = ({ PK: _p, SK: _s, computedAt: _c, mergeSeq: _m, ...r }: Record<string, unknown>) => r;
    expect(stored.map((r) => canonicalJson(strip(r as never)))).toEqual(full.epics.map((r) => canonicalJson(r)));
  }, 120_000);

  it('a merge whose heads predate a recompute of a partial sums the epic again when a later change says so', async () => {
    // a slow merge reads the heads, then a shard re-seeds (recomputing its partial and deleting
    // the changes it folded in, one of them not merged yet), then a run writes a new change:
    // adding only the changes it finds would lose the deleted one for good
    ctx = await createTestContext({ SEXTANT_ROLLUP_SHARDS: '1', SEXTANT_ROLLUP_FOLD_RATIO: '0' });
    const c = ctx;
    c.setNow(Date.parse(`${TODAY}T18:00:00Z`));
    await c.services.roadmaps.replace(roadmapOf({ e1: { shipped: true, shipDay: 20, signals: ['A Used'] }, e2: { shipped: false, shipDay: 5, signals: [] }, e3: { shipped: false, shipDay: 10, signals: [] } }));
    const use = async (user: number, daysAgo: number) => {
      await ingest(c.services, { events: [segment({ id: 100 + user, user, daysAgo, kind: 'track', name: 'A Used', score: 1 })], endpoint: '/v1/batch' });
      const d = dayNumber(TODAY) - daysAgo;
      return runShard(c.services, { shard: 0, users: { [pseudonymize(c.services.pseudonymKey, `u${user}`)]: toCompact({ active: new Set([d]), usage: new Map([['ev:A Used', new Set([d])]]) }) } });
    };
    await ingest(c.services, { events: [segment({ id: 0, user: 0, daysAgo: 10, kind: 'track', name: 'A Used', score: 1 })], endpoint: '/v1/batch' });
    await runRollup(c.services, { force: true }); // the total
    expect((await use(1, 9)).deltas).toBeGreaterThan(0); // a change, not merged yet
    const stale = await c.services.rollups.heads(0);
    expect((await runShard(c.services, { shard: 0, seed: true })).recomputed).toBeGreaterThan(0); // folds user 1 in, deletes the change
    expect((await use(2, 8)).deltas).toBeGreaterThan(0);
    const heads = c.services.rollups.heads.bind(c.services.rollups);
    c.services.rollups.heads = async () => stale;
    await mergeRollups(c.services);
    c.services.rollups.heads = heads;
    await mergeRollups(c.services);
    const full = await recomputeFromFacts(c.services);
    expect(full.epics[0].series.at(-1)!.adopters).toBe(3);
    const stored = await c.services.analytics.allEpicRollups();
    const strip = ({ PK: _p, SK: _s, computedAt: _c, mergeSeq: _m, ...r }: Record<string, unknown>) => r;
    expect(stored.map((r) => canonicalJson(strip(r as never)))).toEqual(full.epics.map((r) => canonicalJson(r)));
  }, 60_000);
});
