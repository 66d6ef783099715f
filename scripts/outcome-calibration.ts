/**
 * Prints the calibration figures of README "Outcome statistics": coverage of the engagement
 * interval and false-positive rates of the KPI lift on seeded simulated worlds.
 * Run: npx tsx scripts/outcome-calibration.ts   (about a minute on one core)
 */
import { prng } from '../functions/src/demo/simulate';
import { rollupEpic } from '../shared/attribution';
import { matchedEffect } from '../shared/engagement';
import { meanShiftNeweyWest } from '../shared/stats';
import { engagementWorld } from '../test/helpers/engagement-world';

const SHIP = '2026-10-06';
const W = 28;
const epic = { id: 'feature', shippedAt: SHIP, signals: { events: ['Feature Used'] } };
const covers = (ci: [number, number] | null, x: number) => !!ci && ci[0] <= x && x <= ci[1];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

console.log('Engagement (200 worlds each, 1,000 users, hazard 0.03 per active day × (p/median)^γ)');
console.log('γ | effect | asOf | mean effect | mean riskSet | mean did | coverage (defined controls only) | coverage (ci95) | mean width');
for (const gamma of [0, 0.5, 1]) {
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

console.log('\nKPI lift, no change (1,000 series each, 28 + 28 days; placebo on the 56 days before)');
console.log('φ | p < 0.05, Newey–West | p < 0.05, Welch (independent days) | trendWarning');
for (const phi of [0, 0.3, 0.6, 0.8]) {
  let nw = 0;
  let wel = 0;
  let warn = 0;
  for (let seed = 1; seed <= 1000; seed++) {
    const ys = ar1(seed, 4 * W, phi);
    const pts = ys.map((value, day) => ({ day, value }));
    const main = meanShiftNeweyWest(pts.slice(2 * W), 3 * W);
    if (main.pValue! < 0.05) nw++;
    const placebo = meanShiftNeweyWest(pts.slice(0, 2 * W), W);
    if (placebo.pValue! < 0.05) warn++;
    const a = ys.slice(2 * W, 3 * W);
    const b = ys.slice(3 * W);
    const m = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const v = (x: number[]) => x.reduce((s, y) => s + (y - m(x)) ** 2, 0) / (x.length - 1);
    const t = (m(b) - m(a)) / Math.sqrt(v(a) / W + v(b) / W);
    if (Math.abs(t) > 2.006) wel++; // t(≈54) 97.5% quantile
  }
  console.log(`${phi} | ${pct(nw / 1000)} | ${pct(wel / 1000)} | ${pct(warn / 1000)}`);
}
let warned = 0;
for (let seed = 1; seed <= 1000; seed++) {
  const pts = ar1(50_000 + seed, 4 * W, 0.6, 0.1).map((value, day) => ({ day, value }));
  if (meanShiftNeweyWest(pts.slice(0, 2 * W), W).pValue! < 0.05) warned++;
}
console.log(`linear trend 0.1 σ/day, φ = 0.6, no change: trendWarning ${pct(warned / 1000)}`);
