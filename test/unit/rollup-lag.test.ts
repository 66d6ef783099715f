/** RollupLagSeconds (functions/src/lambda/rollup-lag.ts): how long changes wait for a rollup that covers them. */
import { describe, expect, it } from 'vitest';
import { rollupLagSeconds } from '../../functions/src/lambda/rollup-lag';

const now = Date.parse('2026-11-29T12:00:00.000Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();

describe('rollup lag', () => {
  it('is 0 when every change is rolled up, and before any data', () => {
    expect(rollupLagSeconds({}, now)).toBe(0);
    expect(rollupLagSeconds({ dirtyGen: 4, rolledGen: 4, rolledUpAt: ago(30) }, now)).toBe(0);
  });

  it('is the age of the oldest pending change when no rollup ever finished', () => {
    expect(rollupLagSeconds({ dirtyGen: 1, dirtySince: ago(90) }, now)).toBe(90);
  });

  it('grows while rollups fail: changes wait since the last finished rollup', () => {
    expect(rollupLagSeconds({ dirtyGen: 9, rolledGen: 5, dirtySince: ago(3600), rolledUpAt: ago(1800) }, now)).toBe(1800);
  });

  it('stays near the tick interval under continuous ingest (dirtySince kept from before the last rollup)', () => {
    // changes arrived during the last rollup, so dirtySince was not cleared; the rollup that started 55 s ago covered the older ones
    expect(rollupLagSeconds({ dirtyGen: 120, rolledGen: 119, dirtySince: ago(7200), rolledUpAt: ago(55) }, now)).toBe(55);
  });

  it('never goes negative (clock skew between functions)', () => {
    expect(rollupLagSeconds({ dirtyGen: 2, rolledGen: 1, dirtySince: new Date(now + 5000).toISOString() }, now)).toBe(0);
  });

  it('for new events: the age of the change-log cursor, which stops moving when the coordinator does', () => {
    // a healthy tick: the cursor trails now by the change log's lag (15 s) plus up to a minute
    expect(rollupLagSeconds({}, now, now - 40_000)).toBe(40);
    // ticks failing for ten minutes
    expect(rollupLagSeconds({ dirtyGen: 3, rolledGen: 3 }, now, now - 600_000)).toBe(600);
    // the larger of the two waits counts
    expect(rollupLagSeconds({ dirtyGen: 9, rolledGen: 5, dirtySince: ago(3600), rolledUpAt: ago(1800) }, now, now - 60_000)).toBe(1800);
  });
});
