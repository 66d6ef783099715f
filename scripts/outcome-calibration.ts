/**
 * Prints the calibration figures of README "Outcome statistics": coverage of the engagement
 * interval and false-positive rates of the KPI lift on seeded simulated worlds.
 * Run: npx tsx scripts/outcome-calibration.ts   (about a minute on one core)
 * (`--kpi`: only the KPI part, a few seconds)
 */
import { prng } from '../functions/src/demo/simulate';
import { rollupEpic } from '../shared/attribution';
import { matchedEffect } from '../shared/engagement';
import { meanShiftEwc, meanShiftNeweyWest, momentsOf, welch } from '../shared/stats';
import { engagementWorld } from '../test/helpers/engagement-world';

const SHIP = '2026-10-06';
const W = 28;
const epic = { id: 'feature', shippedAt: SHIP, signals: { events: ['Feature Used'] } };
const covers = (ci: [number, number] | null, x: number) => !!ci && ci[0] <= x && x <= ci[1];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const kpiOnly = process.argv.includes('--kpi');
if (!kpiOnly) console.log('Engagement (200 worlds each, 1,000 users, hazard 0.03 per active day × (p/median)^γ)');
if (!kpiOnly) console.log('γ | effect | asOf | mean effect | mean riskSet | mean did | coverage (defined controls only) | coverage (ci95) | mean width');
for (const gamma of kpiOnly ? [] : [0, 0.5, 1]) {
  for (const effect of [0, 1]) {
    const acc = { late: { cov: 0, covD: 0, e: 0, r: 0, w: 0 }, close: { cov: 0, covD: 0, e: 0, r: 0, w: 0 } };
    let did = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const world = engagementWorld({ seed: 7000 + seed, users: 1000, shippedAt: SHIP, windowDays: W, effectPer14Days: effect, hazard: 0.03, gamma });
      const r = rollupEpic(world.users, epic, W);
      const last = r.did[r.did.length - 1];
      did += last.adopters.sumChange / last.adopters.n - last.nonAdopters.sumChange / last.nonAdopters.n;
      for (const [name, off] of [['late', W - 1 + 14], ['close', W - 1]] as const) {
        const m = matchedEffect(r.matched, W, off);
        const a = acc[name];
        if (covers(m.ci95, effect)) a.cov++;
        if (covers(m.definedCi95, effect)) a.covD++;
        a.e += m.effect ?? NaN;
        a.r += m.riskSet.effect ?? NaN;
        a.w += m.ci95 ? m.ci95[1] - m.ci95[0] : NaN;
      }
    }
    for (const [name, a] of Object.entries(acc)) {
      console.log(`${gamma} | +${effect} | ${name === 'late' ? 'S+W−1+14' : 'S+W−1'} | ${(a.e / 200).toFixed(2)} | ${(a.r / 200).toFixed(2)} | ${(did / 200).toFixed(2)} | ${pct(a.covD / 200)} | ${pct(a.cov / 200)} | ${(a.w / 200).toFixed(2)}`);
    }
  }
}

/** AR(1) (unit innovations, stationary start) plus a slope per day. */
function ar1(seed: number, n: number, phi: number, slope = 0): number[] {
  const rnd = prng(seed);
  let e = rnd.normal() / Math.sqrt(1 - phi * phi);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    e = phi * e + rnd.normal();
    out.push(slope * i + e);
  }
  return out;
}

type Test = (pts: { day: number; value: number }[], split: number) => { pValue: number | null; ci95: [number, number] | null };
const tests: [string, Test][] = [
  ['EWC (used)', meanShiftEwc],
  ['Newey–West (defined)', (p, s) => meanShiftNeweyWest(p, s)],
  ['Welch (independent days)', (p, s) => welch(momentsOf(p.filter((x) => x.day < s).map((x) => x.value)), momentsOf(p.filter((x) => x.day >= s).map((x) => x.value)))],
];
const N = 1000;
/** Over N seeded series of 4W days: share of the main test (days 2W … 4W−1 split at 3W) with p < 0.05
 * and covering `step`, and of the placebo (days 0 … 2W−1 split at W) with p < 0.05. */
function rates(make: (seed: number) => number[], step: number, seed0 = 0) {
  const r = tests.map(() => ({ sig: 0, cov: 0, warn: 0 }));
  for (let seed = 1; seed <= N; seed++) {
    const pts = make(seed0 + seed).map((value, day) => ({ day, value }));
    tests.forEach(([, test], k) => {
      const main = test(pts.slice(2 * W), 3 * W);
      if (main.pValue! < 0.05) r[k].sig++;
      if (covers(main.ci95, step)) r[k].cov++;
      if (test(pts.slice(0, 2 * W), W).pValue! < 0.05) r[k].warn++;
    });
  }
  return r.map((x) => ({ sig: x.sig / N, cov: x.cov / N, warn: x.warn / N }));
}
const plant = (ys: number[], step: number) => ys.map((y, i) => (i >= 3 * W ? y + step : y));
const cols = tests.map(([name]) => name).join(' | ');

console.log(`\nKPI lift, no change (${N} AR(1) series each, 28 + 28 days; placebo on the 56 days before): share with p < 0.05`);
console.log(`φ | ${cols} | trendWarning: ${cols}`);
for (const phi of [0, 0.3, 0.6, 0.8]) {
  const r = rates((seed) => ar1(seed, 4 * W, phi), 0);
  console.log(`${phi} | ${r.map((x) => pct(x.sig)).join(' | ')} | ${r.map((x) => pct(x.warn)).join(' | ')}`);
}
console.log(`\nPlanted step (σ = innovation sd; long-run sd of the difference of means at φ = 0.6 ≈ 0.67σ): coverage of the step / p < 0.05`);
for (const [phi, step] of [[0.6, 1.5], [0.6, 2.5], [0.6, 4], [0.3, 1]] as const) {
  const r = rates((seed) => plant(ar1(seed, 4 * W, phi), step), step);
  console.log(`φ = ${phi}, step ${step}σ | ${r.map((x) => `${pct(x.cov)} / ${pct(x.sig)}`).join(' | ')}`);
}
console.log('\nLinear trend, no change at launch (φ = 0.6): trendWarning');
for (const slope of [0.05, 0.1, 0.15, 0.2]) {
  const r = rates((seed) => ar1(50_000 + seed, 4 * W, 0.6, slope), 0);
  console.log(`${slope} σ/day | ${r.map((x) => pct(x.warn)).join(' | ')}`);
}
console.log('\nOther noise, no change: share with p < 0.05');
const others: [string, (seed: number) => number[]][] = [
  ['AR(2) 0.4, 0.3', (seed) => {
    const rnd = prng(seed);
    const e = [0, 0];
    for (let i = 0; i < 100 + 4 * W; i++) e.push(0.4 * e[e.length - 1] + 0.3 * e[e.length - 2] + rnd.normal());
    return e.slice(-4 * W);
  }],
  ['AR(1) 0.6 + day-of-week pattern (weekend −1.5σ)', (seed) => ar1(seed, 4 * W, 0.6).map((y, i) => y + [0, 0.75, 0.75, 0.75, 0.75, -1.5, -1.5][i % 7])],
  ['AR(1) 0.6, sd ×2 after launch', (seed) => ar1(seed, 4 * W, 0.6).map((y, i) => (i >= 3 * W ? 2 * y : y))],
  ['AR(1) 0.9 + equal daily noise', (seed) => {
    const rnd = prng(90_000 + seed);
    return ar1(seed, 4 * W, 0.9).map((y) => y * Math.sqrt(1 - 0.81) + rnd.normal());
  }],
];
for (const [name, make] of others) console.log(`${name} | ${rates(make, 0).map((x) => pct(x.sig)).join(' | ')}`);
console.log('\nThe minimum for a KPI target, 14 + 14 days, no change: share with p < 0.05');
for (const phi of [0, 0.3, 0.6, 0.8]) {
  const hits = tests.map(() => 0);
  for (let seed = 1; seed <= N; seed++) {
    const pts = ar1(seed, 28, phi).map((value, day) => ({ day, value }));
    tests.forEach(([, test], k) => {
      if (test(pts, 14).pValue! < 0.05) hits[k]++;
    });
  }
  console.log(`φ = ${phi} | ${hits.map((h) => pct(h / N)).join(' | ')}`);
}
