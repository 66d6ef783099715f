/** The benchmark harness's median-of-N and spread over repeated runs (test/bench/stats.ts). */
import { describe, expect, it } from 'vitest';
import { median, medianAndSpread } from '../bench/stats';

describe('median and spread of repeated benchmark runs', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('every numeric figure, nested or in arrays, becomes its median and min … max; other values come from the first run', () => {
    const runs = [
      { epics: 30, small: { outcomeMs: 20, impactMs: 96 }, ratio: 0.7, label: 'a', list: [1, 10] },
      { epics: 30, small: { outcomeMs: 14, impactMs: 87 }, ratio: 1.2, label: 'b', list: [3, 30] },
      { epics: 30, small: { outcomeMs: 17, impactMs: 120 }, ratio: 0.91, label: 'c', list: [2, 20] },
    ];
    expect(medianAndSpread(runs)).toEqual({
      median: { epics: 30, small: { outcomeMs: 17, impactMs: 96 }, ratio: 0.91, label: 'a', list: [2, 20] },
      spread: { epics: [30, 30], small: { outcomeMs: [14, 20], impactMs: [87, 120] }, ratio: [0.7, 1.2], label: 'a', list: [[1, 3], [10, 30]] },
    });
  });
});
