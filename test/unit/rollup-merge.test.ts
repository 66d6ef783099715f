/** The summable-rollup algebra the incremental rollup relies on (shared/rollup-merge.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollupEpic } from '../../shared/attribution';
import type { UserActivity } from '../../shared/outcome-types';
import { dayNumber } from '../../shared/primitives';
import { addSummable, canonicalJson, dayBlocks, decodeDays, diffSummable, encodeDays, flattenCells, flattenLeaves, truncateRollup, unflattenCells, unflattenLeaves } from '../../shared/rollup-merge';
import { decodeDays as decodeDaySet, encodeDays as encodeDaySet, toActivity, toCompact, unionActivity } from '../../shared/user-state';

const S = '2026-06-10';
const epic = { id: 'e', shippedAt: S, signals: { events: ['A Used'] } };
const day = fc.integer({ min: dayNumber(S) - 30, max: dayNumber(S) + 30 });
const user = fc.record({ active: fc.uniqueArray(day, { maxLength: 12 }), used: fc.uniqueArray(day, { maxLength: 4 }) }).map(({ active, used }): UserActivity => ({
  active: new Set([...active, ...used]),
  usage: new Map(used.length ? [['ev:A Used', new Set(used)]] : []),
}));
const W = 28;
const template = rollupEpic([], epic, W);
const blocks = dayBlocks(template as never, W);
/** as the rollup stores a shard's partial: the fixed shape's flat leaves (per-day differences) and the sparse matched cells */
const flat = (users: UserActivity[]) => {
  const { matched, ...fixed } = rollupEpic(users, epic, W);
  return { f: encodeDays(flattenLeaves({ ...fixed, matched: {} } as never), blocks, W), m: flattenCells(matched) };
};
const unflat = (p: { f: number[]; m: Record<string, number> }) => ({
  ...(unflattenLeaves(template as never, decodeDays(Float64Array.from(p.f), blocks, W)) as object),
  matched: unflattenCells(p.m),
});

describe('summable rollups', () => {
  it('the rollup of two disjoint groups is the leaf-wise sum of theirs (encoded), windowDays kept as a label', () => {
    fc.assert(
      fc.property(fc.array(user, { maxLength: 8 }), fc.array(user, { maxLength: 8 }), (a, b) => {
        const sum = addSummable(flat(a), flat(b));
        expect(canonicalJson(unflat(sum as never))).toBe(canonicalJson(rollupEpic([...a, ...b], epic, W)));
      }),
    );
  });

  it('a sparse delta (new − old states of changed users) applied to a partial gives the partial of the new states', () => {
    fc.assert(
      fc.property(fc.array(user, { maxLength: 6 }), fc.array(fc.tuple(user, user), { maxLength: 4 }), (others, changed) => {
        const before = [...others, ...changed.map(([o]) => o)];
        const after = [...others, ...changed.map(([o, f]) => unionActivity(o, f).next)];
        const delta = diffSummable(flat(changed.map(([o, f]) => unionActivity(o, f).next)), flat(changed.map(([o]) => o)));
        // equal as rollups (a cell every changed user left sums to zeros, which the merge drops)
        expect(canonicalJson(unflat(addSummable(flat(before), delta) as never))).toBe(canonicalJson(unflat(flat(after))));
        expect(addSummable(flat(before), delta).f).toEqual(flat(after).f);
      }),
    );
  });

  it('a full-window rollup cut to k+1 days equals the rollup through day S+k', () => {
    fc.assert(
      fc.property(fc.array(user, { maxLength: 8 }), fc.integer({ min: -2, max: W + 2 }), (users, k) => {
        const through = new Date((dayNumber(S) + k) * 86_400_000).toISOString().slice(0, 10);
        expect(canonicalJson(truncateRollup(rollupEpic(users, epic, W), k + 1))).toBe(canonicalJson(rollupEpic(users, epic, W, through)));
      }),
    );
  });

  it('compact user state round-trips and the union is idempotent', () => {
    fc.assert(
      fc.property(user, user, (a, b) => {
        expect(decodeDaySet(encodeDaySet(a.active))).toEqual([...a.active].sort((x, y) => x - y));
        const once = unionActivity(toActivity(toCompact(a)), b).next;
        const twice = unionActivity(once, b);
        expect(twice.changed).toBe(false);
        expect(toCompact(twice.next)).toEqual(toCompact(once));
      }),
    );
  });
});
