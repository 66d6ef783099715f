/**
 * Calibration of the outcome statistics on simulated worlds whose truth the test knows: do the
 * intervals cover the truth, and how often does a world where nothing happened look "significant"?
 * Seeded (the simulator's mulberry32), so every run measures the same worlds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../functions/src/demo/simulate';
import { rollupEpic } from '../../shared/attribution';
import { computeOutcome } from '../../shared/outcome';
import type { KpiPoint, Outcome } from '../../shared/outcome-types';
import { addDays } from '../../shared/primitives';
import { Epic } from '../../shared/roadmap';
import { engagementWorld } from '../helpers/engagement-world';

const SHIP = '2026-10-06';
const W = 28;
const epic = Epic.parse({
  id: 'feature', title: 'Feature', themeId: 't', status: 'shipped', shippedAt: SHIP,
  signals: { events: ['Feature Used'] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1 }],
});

function outcomeOf(asOf: string, over: { rollup?: ReturnType<typeof rollupEpic> | null; kpis?: { name: string; points: KpiPoint[] }[] }): Outcome {
  return computeOutcome({ epic, asOf, windowDays: W, rollup: over.rollup ?? null, satisfaction: [], kpis: over.kpis ?? [], overlaps: [] });
}

const covers = (ci: [number, number] | null | undefined, x: number) => !!ci && ci[0] <= x && x <= ci[1];

describe('engagement: matched estimate on worlds with activity-selected adoption', () => {
  /** 200 worlds; each measured when every adopter has 14 days after first use, and on the day the window closes. */
  function run(effect: number) {
    let coveredLate = 0;
    let coveredAtClose = 0;
    let didAboveTruth = 0;
    const worlds = 200;
    for (let seed = 1; seed <= worlds; seed++) {
      const world = engagementWorld({ seed: 7000 + seed, users: 1000, shippedAt: SHIP, windowDays: W, effectPer14Days: effect, hazard: 0.03, gamma: 0.5 });
      const rollup = rollupEpic(world.users, { ...epic, shippedAt: SHIP }, W);
      const late = outcomeOf(world.lastDay, { rollup }).engagement!;
      const atClose = outcomeOf(addDays(SHIP, W - 1), { rollup }).engagement!;
      expect(late.matched).toBeGreaterThan(50);
      if (covers(late.ci95, effect)) coveredLate++;
      if (covers(atClose.ci95, effect)) coveredAtClose++;
      if (late.did! > effect) didAboveTruth++;
    }
    return { late: coveredLate / worlds, atClose: coveredAtClose / worlds, didAbove: didAboveTruth / worlds };
  }

  it('no effect: the interval covers 0 in ≥ 93% of 200 worlds (the descriptive did is above 0 in nearly all)', () => {
    const r = run(0);
    expect(r.late).toBeGreaterThanOrEqual(0.93);
    expect(r.atClose).toBeGreaterThanOrEqual(0.93);
    expect(r.didAbove).toBeGreaterThan(0.9); // why `did` carries no interval
  });

  it('planted effect of +1 active day per 14 days: covered in ≥ 93% of 200 worlds', () => {
    const r = run(1);
    expect(r.late).toBeGreaterThanOrEqual(0.93);
    expect(r.atClose).toBeGreaterThanOrEqual(0.93);
  });
});

describe('KPI lift: EWC test on autocorrelated daily series', () => {
  /** Daily values S−3W … S+W−1: AR(1) noise (φ, innovation sd) around `base`, plus a trend and a step at S. */
  function kpiSeries(seed: number, o: { phi: number; sd?: number; base?: number; slopePerDay?: number; step?: number }): KpiPoint[] {
    const rnd = prng(seed);
    const sd = o.sd ?? 0.001;
    let e = (rnd.normal() * sd) / Math.sqrt(1 - o.phi * o.phi); // stationary start
    const points: KpiPoint[] = [];
    for (let i = -3 * W; i < W; i++) {
      e = o.phi * e + sd * rnd.normal();
      points.push({ date: addDays(SHIP, i), value: (o.base ?? 0.03) + (o.slopePerDay ?? 0) * i + (i >= 0 ? (o.step ?? 0) : 0) + e });
    }
    return points;
  }
  const kpiOf = (points: KpiPoint[]) => outcomeOf(addDays(SHIP, W - 1), { kpis: [{ name: 'checkout_conversion', points }] }).kpis[0];

  /** 1,000 seeded series: share with p < 0.05, share whose ci95 covers the planted step, share with trendWarning. */
  function rates(phi: number, step: number) {
    let significant = 0;
    let covered = 0;
    let warned = 0;
    const n = 1000;
    for (let seed = 1; seed <= n; seed++) {
      const k = kpiOf(kpiSeries(seed, { phi, step }));
      if (k.pValue !== null && k.pValue < 0.05) significant++;
      if (covers(k.ci95, step)) covered++;
      if (k.trendWarning) warned++;
    }
    return { significant: significant / n, covered: covered / n, warned: warned / n };
  }
  let none06: ReturnType<typeof rates>;
  beforeAll(() => {
    none06 = rates(0.6, 0);
  });

  it('AR(1) φ = 0.6, no change: p < 0.05 in ≤ 8% of 1,000 series, and the placebo warns as rarely', () => {
    expect(none06.significant).toBeLessThanOrEqual(0.08);
    expect(none06.warned).toBeLessThanOrEqual(0.08);
    expect(none06.covered).toBeCloseTo(1 - none06.significant, 10);
  });

  it('no day-to-day correlation (φ = 0): still close to the nominal 5%', () => {
    const r = rates(0, 0);
    expect(r.significant).toBeLessThanOrEqual(0.07);
    expect(r.significant).toBeGreaterThanOrEqual(0.03); // not bought by a uselessly wide interval
  });

  it('a planted step of +0.004 (4 innovation sd) at φ = 0.6 is covered in ≥ 92% and found (p < 0.05) in > 95%', () => {
    const step = rates(0.6, 0.004);
    expect(step.covered).toBeGreaterThanOrEqual(0.92);
    expect(step.covered).toBeCloseTo(none06.covered, 10); // the interval moves with the data
    expect(step.significant).toBeGreaterThan(0.95);
  });

  it('a linear trend (0.15 innovation sd a day, φ = 0.6) with no change at launch raises trendWarning in ≥ 90% of 1,000 series', () => {
    let warned = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const k = kpiOf(kpiSeries(50_000 + seed, { phi: 0.6, slopePerDay: 0.00015 }));
      if (k.trendWarning) warned++;
    }
    expect(warned / 1000).toBeGreaterThanOrEqual(0.9);
  });
});
