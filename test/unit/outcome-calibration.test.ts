/**
 * Calibration of the outcome statistics on simulated worlds whose truth the test knows: do the
 * intervals cover the truth, and how often does a world where nothing happened look "significant"?
 * Seeded (the simulator's mulberry32), so every run measures the same worlds.
 */
import { describe, expect, it } from 'vitest';
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

describe('KPI lift: Newey–West on autocorrelated daily series', () => {
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

  function rates(phi: number, step: number) {
    let significant = 0;
    let covered = 0;
    let warned = 0;
    let welchLike = 0;
    const n = 1000;
    for (let seed = 1; seed <= n; seed++) {
      const k = kpiOf(kpiSeries(seed, { phi, step }));
      if (k.pValue !== null && k.pValue < 0.05) significant++;
      if (covers(k.ci95, step)) covered++;
      if (k.trendWarning) warned++;
      // what independent days would claim: z-test of the means with iid standard errors
      const vals = kpiSeries(seed, { phi, step }).slice(2 * W).map((p) => p.value);
      const m0 = vals.slice(0, W).reduce((s, x) => s + x, 0) / W;
      const m1 = vals.slice(W).reduce((s, x) => s + x, 0) / W;
      const v0 = vals.slice(0, W).reduce((s, x) => s + (x - m0) ** 2, 0) / (W - 1);
      const v1 = vals.slice(W).reduce((s, x) => s + (x - m1) ** 2, 0) / (W - 1);
      if (Math.abs(m1 - m0 - step) / Math.sqrt(v0 / W + v1 / W) > 2.0) welchLike++;
    }
    return { significant: significant / n, covered: covered / n, warned: warned / n, welchLike: welchLike / n };
  }

  it('AR(1) φ = 0.6, no change: far fewer false "significant" lifts than independent-days errors give', () => {
    const r = rates(0.6, 0);
    // The binding definition (Bartlett, 7 lags, n/(n−2), t(n−2)) on 28 + 28 days; see README for the figures.
    expect(r.significant).toBeLessThan(r.welchLike / 1.5);
    expect(r.significant).toBeLessThanOrEqual(0.2);
    expect(r.covered).toBeCloseTo(1 - r.significant, 10);
  });

  it('a planted step of +0.004 is covered exactly as often as 0 is in the no-change worlds (same noise)', () => {
    const none = rates(0.6, 0);
    const step = rates(0.6, 0.004);
    expect(step.covered).toBeCloseTo(none.covered, 10);
    expect(step.significant).toBeGreaterThan(0.9);
  });

  it('a linear trend with no change at launch raises trendWarning in ≥ 90% of 1,000 series', () => {
    let warned = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const k = kpiOf(kpiSeries(50_000 + seed, { phi: 0.6, slopePerDay: 0.0001 }));
      if (k.trendWarning) warned++;
    }
    expect(warned / 1000).toBeGreaterThanOrEqual(0.9);
  });
});
