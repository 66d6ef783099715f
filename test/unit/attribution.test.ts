import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollupEpic, signalKeyOf, usageKeysOf } from '../../shared/attribution';
import type { ChangeMoments, UserActivity } from '../../shared/outcome-types';
import { dayNumber } from '../../shared/primitives';

const SHIP = '2026-10-06';
const S = dayNumber(SHIP);
const epic = { id: 'virtual-try-on', shippedAt: SHIP, signals: { events: ['Try-On Started'] } };

/** A user from day offsets relative to the ship day. */
function user(active: number[], usage: Record<string, number[]> = {}): UserActivity {
  return {
    active: new Set(active.map((d) => S + d)),
    usage: new Map(Object.entries(usage).map(([k, ds]) => [k, new Set(ds.map((d) => S + d))])),
  };
}

const zero: ChangeMoments = { n: 0, sumBefore: 0, sumAfter: 0, sumChange: 0, sumChangeSq: 0 };

describe('usageKeysOf / signalKeyOf', () => {
  it('ev:<name> per signal event plus epic:<id>, deduplicated, never Survey Responded', () => {
    expect(usageKeysOf({ id: 'x', signals: { events: ['A', 'B', 'A', 'Survey Responded'] } })).toEqual(['ev:A', 'ev:B', 'epic:x']);
    expect(usageKeysOf({ id: 'x', signals: { events: [] } })).toEqual(['epic:x']);
    expect(usageKeysOf({ id: 'x' })).toEqual(['epic:x']);
  });

  it('signalKeyOf is stable under event order and changes when signals change', () => {
    const a = signalKeyOf({ id: 'x', signals: { events: ['B', 'A'] } });
    expect(a).toBe(signalKeyOf({ id: 'x', signals: { events: ['A', 'B'] } }));
    expect(a).toBe('["epic:x","ev:A","ev:B"]');
    expect(a).not.toBe(signalKeyOf({ id: 'x', signals: { events: ['A'] } }));
    expect(a).not.toBe(signalKeyOf({ id: 'y', signals: { events: ['A', 'B'] } }));
  });
});

describe('rollupEpic (hand-computed, W = 3)', () => {
  // pre-window: days −3 … −1; window: days 0 … 2
  const users = [
    user([-3, -1, 0, 2], { 'ev:Try-On Started': [2] }), // u1: pre 2, adopts on day 2
    user([-2, 1], { 'epic:virtual-try-on': [1] }), // u2: pre 1, adopts on day 1 via properties.epicId
    user([0]), // u3: new user, never adopts
    user([-1]), // u4: pre-window only
    user([1, 5], { 'ev:Try-On Started': [5] }), // u5: uses only after the window
    user([-4, 0], { 'ev:Other Thing': [0] }), // u6: active before the pre-window; other event is not usage
  ];
  const r = rollupEpic(users, epic, 3);

  it('identifies the rollup', () => {
    expect(r.epicId).toBe('virtual-try-on');
    expect(r.shippedAt).toBe(SHIP);
    expect(r.windowDays).toBe(3);
    expect(r.signalKey).toBe(signalKeyOf(epic));
  });

  it('series: cumulative distinct adopters and active users over [S, S+k]', () => {
    expect(r.series).toEqual([
      { date: '2026-10-06', adopters: 0, activeUsers: 3 }, // u1, u3, u6
      { date: '2026-10-07', adopters: 1, activeUsers: 5 }, // + u2, u5; u2 adopts
      { date: '2026-10-08', adopters: 2, activeUsers: 5 }, // u1 adopts
    ]);
  });

  it('did: per-user change in active days among pre-window-active users, adopters vs non-adopters', () => {
    // pre-active: u1 (pre 2), u2 (pre 1), u4 (pre 1); u6's only earlier day is before the pre-window
    expect(r.did[0]).toEqual({
      date: '2026-10-06',
      adopters: zero,
      nonAdopters: { n: 3, sumBefore: 4, sumAfter: 1, sumChange: -3, sumChangeSq: 3 },
    });
    expect(r.did[1]).toEqual({
      date: '2026-10-07',
      adopters: { n: 1, sumBefore: 1, sumAfter: 1, sumChange: 0, sumChangeSq: 0 },
      nonAdopters: { n: 2, sumBefore: 3, sumAfter: 1, sumChange: -2, sumChangeSq: 2 },
    });
    expect(r.did[2]).toEqual({
      date: '2026-10-08',
      adopters: { n: 2, sumBefore: 3, sumAfter: 3, sumChange: 0, sumChangeSq: 0 },
      nonAdopters: { n: 1, sumBefore: 1, sumAfter: 0, sumChange: -1, sumChangeSq: 1 },
    });
  });

  it('stops at throughDay (window crossing asOf)', () => {
    const partial = rollupEpic(users, epic, 3, '2026-10-07');
    expect(partial.series).toEqual(r.series.slice(0, 2));
    expect(partial.did).toEqual(r.did.slice(0, 2));
  });

  it('ship day today: one day of series', () => {
    const today = rollupEpic(users, epic, 28, SHIP);
    expect(today.series).toEqual([{ date: SHIP, adopters: 0, activeUsers: 3 }]);
    expect(today.did).toHaveLength(1);
  });

  it('throughDay before the ship day: empty rollup', () => {
    const before = rollupEpic(users, epic, 28, '2026-10-05');
    expect(before.series).toEqual([]);
    expect(before.did).toEqual([]);
  });

  it('no users: zeros for every window day', () => {
    const empty = rollupEpic([], epic, 3);
    expect(empty.series.map((s) => [s.adopters, s.activeUsers])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(empty.did.every((d) => d.adopters.n === 0 && d.nonAdopters.n === 0)).toBe(true);
  });

  it('a usage day counts as activity even if the active set missed it', () => {
    const odd = rollupEpic([user([], { 'epic:virtual-try-on': [1] })], epic, 3);
    expect(odd.series.map((s) => [s.adopters, s.activeUsers])).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
    ]);
  });

  it('handles users with far more active days than the window (probe path)', () => {
    const heavy = user(
      Array.from({ length: 200 }, (_, i) => i - 100),
      { 'ev:Try-On Started': Array.from({ length: 100 }, (_, i) => i + 1) },
    );
    const h = rollupEpic([heavy], epic, 3);
    expect(h.series.map((s) => [s.adopters, s.activeUsers])).toEqual([
      [0, 1],
      [1, 1],
      [1, 1],
    ]);
    // pre 3 days; after 1, 2, 3 days; adopter from day 1
    expect(h.did[0].nonAdopters).toEqual({ n: 1, sumBefore: 3, sumAfter: 1, sumChange: -2, sumChangeSq: 4 });
    expect(h.did[2].adopters).toEqual({ n: 1, sumBefore: 3, sumAfter: 3, sumChange: 0, sumChangeSq: 0 });
  });

  it('rejects a non-positive window', () => {
    expect(() => rollupEpic([], epic, 0)).toThrow(RangeError);
  });
});

/** The definitions, computed the slow, obvious way. */
function reference(users: UserActivity[], keys: string[], W: number, lastK: number) {
  const series = [];
  const did = [];
  for (let k = 0; k <= lastK; k++) {
    const inWin = (d: number) => d >= S && d <= S + k;
    const isAdopter = (u: UserActivity) => keys.some((key) => [...(u.usage.get(key) ?? [])].some(inWin));
    const isActive = (u: UserActivity) => [...u.active].some(inWin) || isAdopter(u);
    series.push({ adopters: users.filter(isAdopter).length, activeUsers: users.filter(isActive).length });
    const groups = { adopters: { ...zero }, nonAdopters: { ...zero } };
    for (const u of users) {
      const before = [...u.active].filter((d) => d >= S - W && d <= S - 1).length;
      if (before === 0) continue;
      const after = [...u.active].filter(inWin).length;
      const g = isAdopter(u) ? groups.adopters : groups.nonAdopters;
      g.n++;
      g.sumBefore += before;
      g.sumAfter += after;
      g.sumChange += after - before;
      g.sumChangeSq += (after - before) ** 2;
    }
    did.push(groups);
  }
  return { series, did };
}

describe('rollupEpic matches the definitions on random activity', () => {
  it('property: series and did equal the brute-force reference', () => {
    const keys = ['ev:Try-On Started', 'ev:Try-On Shared', 'epic:virtual-try-on', 'ev:Unrelated'];
    const dayArb = fc.integer({ min: -20, max: 20 });
    const userArb = fc.record({
      active: fc.array(dayArb, { maxLength: 30 }),
      usage: fc.array(fc.tuple(fc.constantFrom(...keys), fc.array(dayArb, { maxLength: 6 })), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(userArb, { maxLength: 25 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: -2, max: 12 }), { nil: undefined }),
        (raw, W, through) => {
          const users = raw.map((r) => {
            const usage = new Map<string, Set<number>>();
            for (const [k, ds] of r.usage) for (const d of ds) (usage.get(k) ?? usage.set(k, new Set()).get(k)!).add(S + d);
            // usage days are activity days
            const active = new Set([...r.active.map((d) => S + d), ...[...usage.values()].flatMap((s) => [...s])]);
            return { active, usage };
          });
          const e = { id: 'virtual-try-on', shippedAt: SHIP, signals: { events: ['Try-On Started', 'Try-On Shared'] } };
          const throughDay = through === undefined ? undefined : new Date((S + through) * 86_400_000).toISOString().slice(0, 10);
          const lastK = Math.min(W - 1, through ?? W - 1);
          const got = rollupEpic(users, e, W, throughDay);
          const want = reference(users, usageKeysOf(e), W, lastK);
          expect(got.series.map((s) => ({ adopters: s.adopters, activeUsers: s.activeUsers }))).toEqual(want.series);
          expect(got.did.map((d) => ({ adopters: d.adopters, nonAdopters: d.nonAdopters }))).toEqual(want.did);
        },
      ),
      { numRuns: 300 },
    );
  });
});
