import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prng } from '../../functions/src/demo/simulate';
import { rollupEpic, signalKeyOf, usageKeysOf } from '../../shared/attribution';
import { bucketDaysOf, matchedEffect, type MatchedCells } from '../../shared/engagement';
import type { ChangeMoments, UserActivity } from '../../shared/outcome-types';
import { addDays, dayNumber } from '../../shared/primitives';

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

// ---------------------------------------------------------------------------
// Matched engagement cells
// ---------------------------------------------------------------------------

/** Random users over days −35 … 45 (offsets from the ship day); usage days are activity days. */
function randomUsers(seed: number, count: number, useChance = 0.08): UserActivity[] {
  const rnd = prng(seed);
  const users: UserActivity[] = [];
  for (let i = 0; i < count; i++) {
    const p = 0.05 + 0.5 * rnd.next();
    const active = new Set<number>();
    const uses = new Set<number>();
    for (let d = -35; d <= 45; d++) {
      if (rnd.next() >= p) continue;
      active.add(S + d);
      if (rnd.next() < useChance) uses.add(S + d);
    }
    users.push({ active, usage: new Map(uses.size ? [[rnd.next() < 0.5 ? 'ev:Try-On Started' : 'epic:virtual-try-on', uses]] : []) });
  }
  return users;
}

/** The matched cells from their definition, user by user and day by day. */
function referenceCells(users: UserActivity[], W: number): MatchedCells {
  const cells: MatchedCells = {};
  const add = (key: string, len: number, at: number, y: number) => {
    const c = (cells[key] ??= new Array(len).fill(0));
    c[at] += 1;
    c[at + 1] += y;
    c[at + 2] += y * y;
  };
  const B = bucketDaysOf(W);
  for (const u of users) {
    const k = [...u.active].filter((d) => d >= S - W && d < S).length;
    if (k === 0) continue;
    const kc = Math.min(k, 15);
    const uses = [...u.usage.values()].flatMap((s) => [...s]).filter((d) => d >= S && d <= S + W - 1);
    const g = uses.length ? Math.min(...uses) - S : -1;
    for (let f = 0; f <= W - 1; f++) {
      if (!(u.active.has(S + f) || f === g) || (g !== -1 && f > g)) continue;
      const y = [...u.active].filter((d) => d > S + f && d <= S + f + 14).length;
      if (f === g) add(`${f}.${kc}`, 9, 0, y);
      else if (g === -1) add(`${f}.${kc}`, 9, 6, y);
      else if (g <= f + 14) add(`${f}.${kc}`, 9, 3, y);
      else add(`${f}.${kc}.${Math.floor(g / B)}`, 3, 0, y);
    }
  }
  return cells;
}

/** The matched effect straight from the definition (adopters, their controls, their means). */
function referenceEffect(users: UserActivity[], W: number, A: number): { effect: number | null; matched: number } {
  const info = users.map((u) => {
    const k = [...u.active].filter((d) => d >= S - W && d < S).length;
    const uses = [...u.usage.values()].flatMap((s) => [...s]).filter((d) => d >= S && d <= Math.min(S + W - 1, A));
    return { u, k: Math.min(k, 15), g: uses.length ? Math.min(...uses) : -1 };
  });
  const y = (u: UserActivity, f: number) => [...u.active].filter((d) => d > f && d <= f + 14).length;
  let sum = 0;
  let matched = 0;
  for (const a of info) {
    if (a.k === 0 || a.g === -1 || a.g + 14 > A) continue;
    const controls = info.filter((c) => c.k === a.k && c.g === -1 && c.u.active.has(a.g));
    if (controls.length === 0) continue;
    sum += y(a.u, a.g) - controls.reduce((s, c) => s + y(c.u, a.g), 0) / controls.length;
    matched++;
  }
  return { effect: matched ? sum / matched : null, matched };
}

function addCells(a: MatchedCells, b: MatchedCells): MatchedCells {
  const out: MatchedCells = Object.fromEntries(Object.entries(a).map(([k, v]) => [k, [...v]]));
  for (const [k, v] of Object.entries(b)) out[k] = out[k] ? out[k].map((x, i) => x + v[i]) : [...v];
  return out;
}

describe('rollupEpic: matched engagement cells', () => {
  const e = { id: 'virtual-try-on', shippedAt: SHIP, signals: { events: ['Try-On Started'] } };

  it('hand-computed: one adopter, one control, one later adopter, one soon adopter', () => {
    const users = [
      user([-5, -3, 0, 1, 2, 20], { 'ev:Try-On Started': [0] }), // k 2, adopts day 0: Y(0) = days 1, 2 = 2
      user([-4, -2, 0, 3, 14, 15]), // k 2, never: f 0 → Y 2 (3, 14; 15 is past 0+14); f 3 → Y 2 (14, 15); f 14, 15 too
      user([-1, 0, 16], { 'epic:virtual-try-on': [16] }), // k 1, first use day 16 ≥ 0 + 15: "later" on day 0 (Y 0)
      user([-1, 0, 5], { 'epic:virtual-try-on': [5] }), // k 1, first use day 5 ≤ 0 + 14: "soon" on day 0, adopter on 5
      user([0, 1], { 'epic:virtual-try-on': [1] }), // not active in the pre-window: not counted
    ];
    const m = rollupEpic(users, e, 28).matched!;
    expect(m).toEqual({
      '0.1': [0, 0, 0, 1, 1, 1, 0, 0, 0],
      '0.2': [1, 2, 4, 0, 0, 0, 1, 2, 4],
      '3.2': [0, 0, 0, 0, 0, 0, 1, 2, 4],
      '5.1': [1, 0, 0, 0, 0, 0, 0, 0, 0],
      '14.2': [0, 0, 0, 0, 0, 0, 1, 1, 1],
      '15.2': [0, 0, 0, 0, 0, 0, 1, 0, 0],
      '16.1': [1, 0, 0, 0, 0, 0, 0, 0, 0],
      '0.1.16': [1, 0, 0],
    });
  });

  it('property: cells equal the definition, do not depend on throughDay, and add up over disjoint users', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const users = randomUsers(seed, 40);
      const W = 3 + ((seed * 7) % 26); // 3 … 28
      const full = rollupEpic(users, e, W).matched!;
      expect(full).toEqual(referenceCells(users, W));
      expect(rollupEpic(users, e, W, addDays(SHIP, seed % 5)).matched).toEqual(full);
      const half = rollupEpic(users.slice(0, 17), e, W).matched!;
      const rest = rollupEpic(users.slice(17), e, W).matched!;
      expect(addCells(half, rest)).toEqual(full);
    }
  });

  it('property: the effect from the cells equals the definition for every asOf (W ≤ 28: exact)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const users = randomUsers(100 + seed, 60, 0.04);
      const W = 14 + seed * 2; // 16 … 30: 29 and 30 use 2-day buckets, exact once the window has closed
      const cells = rollupEpic(users, e, W).matched!;
      for (let off = 10; off <= W + 16; off += 3) {
        if (bucketDaysOf(W) > 1 && off < W - 1) continue;
        const got = matchedEffect(cells, W, off);
        const want = referenceEffect(users, W, S + off);
        expect(got.matched).toBe(want.matched);
        if (want.effect === null) expect(got.effect).toBeNull();
        else expect(got.effect).toBeCloseTo(want.effect, 10);
      }
    }
  });

  it('stays small: a 28-day window with 5,000 users is a few tens of KB; 180 days stays under 400 KB', () => {
    const many = randomUsers(7, 5000, 0.01);
    const size = (W: number) => JSON.stringify(rollupEpic(many, e, W)).length;
    expect(size(28)).toBeLessThan(100_000);
    expect(size(180)).toBeLessThan(400_000);
  });
});
