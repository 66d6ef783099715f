/**
 * Rollup items stored deflated: read back as written, plain items (written before) read as
 * they are, the attributes conditions read stay plain, and the item DynamoDB bills is smaller.
 */
import { describe, expect, it } from 'vitest';
import { rollupEpic } from '../../shared/attribution';
import { addDays, dayNumber } from '../../shared/primitives';
import type { UserActivity } from '../../shared/outcome-types';
import { packRollupItem, unpackRollupItem } from '../../functions/src/store/packed';
import { itemSize } from '../helpers/capacity';

const TODAY = '2026-06-30';

function users(n: number): UserActivity[] {
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const end = dayNumber(TODAY);
  return Array.from({ length: n }, () => {
    const u: UserActivity = { active: new Set(), usage: new Map() };
    for (let d = end - 60; d <= end; d++) {
      if (rand() >= 0.2) continue;
      u.active.add(d);
      if (rand() < 0.3) (u.usage.get('ev:A Used') ?? (u.usage.set('ev:A Used', new Set()), u.usage.get('ev:A Used')!)).add(d);
    }
    return u;
  });
}

describe('packed rollup items', () => {
  const rollup = rollupEpic(users(2_000), { id: 'e1', shippedAt: addDays(TODAY, -20), signals: { events: ['A Used'] } }, 28, TODAY);
  const item = { PK: 'ROLLUP', SK: 'EPIC#e1#W28', ...rollup, computedAt: `${TODAY}T10:00:00.000Z`, mergeSeq: 42 };

  it('reads back what was written, with the condition and key attributes plain', () => {
    const packed = packRollupItem(item);
    expect(Object.keys(packed).sort()).toEqual(['PK', 'SK', 'computedAt', 'epicId', 'mergeSeq', 'windowDays', 'z']);
    expect(packed.mergeSeq).toBe(42);
    expect(unpackRollupItem(packed)).toEqual(item);
  });

  it('reads an item written before packing as it is', () => {
    expect(unpackRollupItem(item)).toBe(item);
  });

  it('is billed for a third of the bytes or less', () => {
    expect(itemSize(packRollupItem(item))).toBeLessThan(itemSize(item) / 3);
  });
});
