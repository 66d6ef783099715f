import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import ewcFixtures from '../helpers/ewc-fixtures.json';
import nwFixtures from '../helpers/newey-west-fixtures.json';
import {
  clipInterval,
  ewcTerms,
  lnGamma,
  meanShiftEwc,
  meanShiftNeweyWest,
  mean,
  meanCi95,
  momentsFromSums,
  momentsOf,
  normalCdf,
  normalQuantile,
  npsCi95,
  npsOf,
  regularizedBeta,
  tCdf,
  tPdf,
  tQuantile,
  tSurvival,
  variance,
  welch,
  wilson,
} from '../../shared/stats';

// jstat ships no type declarations; load it through require and type the few calls we use.
interface JStat {
  studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number; pdf(x: number, dof: number): number };
  ibeta(x: number, a: number, b: number): number;
  gammaln(x: number): number;
  normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
}
const jstatModule = createRequire(import.meta.url)('jstat') as { jStat?: JStat } & JStat;
const jStat: JStat = jstatModule.jStat ?? jstatModule;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('moments', () => {
  it('mean and sample variance of a sample (textbook 2,4,4,4,5,5,7,9)', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 14);
    expect(momentsOf(xs)).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
  });

  it('returns null rather than NaN for empty and single samples', () => {
    expect(mean([])).toBeNull();
    expect(variance([])).toBeNull();
    expect(variance([3])).toBeNull();
    expect(momentsOf([])).toBeNull();
    expect(momentsOf([3])).toEqual({ n: 1, mean: 3, variance: 0 });
    expect(momentsFromSums({ n: 0, sum: 0, sumSq: 0 })).toBeNull();
    expect(momentsFromSums({ n: 1, sum: 4, sumSq: 16 })).toEqual({ n: 1, mean: 4, variance: 0 });
  });

  it('moments from sums: (Σx² − (Σx)²/n)/(n − 1)', () => {
    expect(momentsFromSums({ n: 8, sum: 40, sumSq: 232 })).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
  });

  it('treats cancellation noise on constant data as zero variance', () => {
    const x = 0.031;
    const m = momentsFromSums({ n: 3, sum: 3 * x, sumSq: 3 * x * x });
    expect(m?.variance).toBe(0);
    expect(momentsOf([x, x, x])?.variance).toBe(0);
  });
});

describe('special functions', () => {
  it('lnGamma matches factorials and Γ(½) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(rel(lnGamma(171), jStat.gammaln(171))).toBeLessThan(1e-12);
  });

  it('regularized incomplete beta equals the binomial tail I_0.3(2,5) = P(Bin(6,0.3) ≥ 2) = 0.579825', () => {
    expect(regularizedBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 13);
    expect(regularizedBeta(0, 2, 5)).toBe(0);
    expect(regularizedBeta(1, 2, 5)).toBe(1);
    // symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
    expect(regularizedBeta(0.7, 3.5, 0.5) + regularizedBeta(0.3, 0.5, 3.5)).toBeCloseTo(1, 13);
  });

  it('regularized incomplete beta agrees with scipy.special.betainc (and jstat, which is less precise)', () => {
    const grid: [number, number, number, number][] = [
      [0.1, 0.5, 0.5, 0.20483276469913345],
      [0.5, 10, 0.5, 0.00023344743474862207],
      [0.9, 2.5, 7, 0.9999984479014957],
      [0.99, 50, 0.5, 0.3173043978741973],
      [0.2, 1, 1, 0.2],
    ];
    for (const [x, a, b, scipy] of grid) {
      expect(rel(regularizedBeta(x, a, b), scipy)).toBeLessThan(1e-13);
      expect(Math.abs(regularizedBeta(x, a, b) - jStat.ibeta(x, a, b))).toBeLessThan(1e-8);
    }
  });

  it('rejects invalid beta parameters', () => {
    expect(() => regularizedBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('normal distribution', () => {
  it('Φ and Φ⁻¹ at textbook points', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-10)).toBeCloseTo(7.619853024160527e-24, 35);
    expect(rel(normalCdf(-10), 7.619853024160527e-24)).toBeLessThan(1e-12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe('Student t distribution', () => {
  it('quantiles match printed tables to 9 significant digits', () => {
    const table: [number, number, number][] = [
      [0.975, 10, 2.228138852],
      [0.975, 1, 12.70620474],
      [0.975, 2, 4.30265273],
      [0.995, 5, 4.032142984],
      [0.95, 20, 1.724718243],
      [0.975, 30, 2.042272456],
      [0.975, 120, 1.979930405],
      [0.975, 54, 2.004879288],
    ];
    for (const [p, df, t] of table) expect(rel(tQuantile(p, df), t)).toBeLessThan(5e-10);
  });

  it('quantiles for fractional df and far tails (scipy.stats.t.ppf reference)', () => {
    expect(rel(tQuantile(0.975, 2.5), 3.5746548420036817)).toBeLessThan(1e-10);
    expect(rel(tQuantile(0.999, 3.7), 7.795183875029165)).toBeLessThan(1e-10);
    expect(rel(tQuantile(1e-6, 4), -41.577854150450975)).toBeLessThan(1e-10);
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-tQuantile(0.975, 10), 13);
    expect(tQuantile(0, 3)).toBe(-Infinity);
    expect(tQuantile(1, 3)).toBe(Infinity);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
  });

  it('CDF matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-50, -3, -1, -0.2, 0, 0.4, 1, 2.5, 100]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
  });

  it('CDF, survival and density agree with jstat and scipy', () => {
    // [t, df, scipy.stats.t.cdf, scipy.stats.t.pdf]
    const cases: [number, number, number, number][] = [
      [2.5, 7.3, 0.9801748826671998, 0.02960222017301323],
      [-40, 4, 1.1670081613006339e-6, 1.16458270495579e-7],
      [0.3, 1000, 0.617880247916378, 0.3812760954732366],
      [1.2, 0.7, 0.7499623130776072, 0.11396404915077536],
      [-3, 25.4, 0.002987710081904026, 0.007208920455860859],
    ];
    for (const [t, df, cdf, pdf] of cases) {
      expect(rel(tCdf(t, df), cdf)).toBeLessThan(1e-10);
      expect(Math.abs(tCdf(t, df) - jStat.studentt.cdf(t, df))).toBeLessThan(1e-7);
      expect(tSurvival(t, df) + tCdf(t, df)).toBeCloseTo(1, 14);
      expect(rel(tPdf(t, df), pdf)).toBeLessThan(1e-10);
      // jstat's density is less precise for fractional df
      expect(rel(tPdf(t, df), jStat.studentt.pdf(t, df))).toBeLessThan(1e-7);
    }
    expect(tCdf(Infinity, 3)).toBe(1);
    expect(tCdf(-Infinity, 3)).toBe(0);
  });

  it('quantile inverts the CDF for integer and fractional df, and matches jstat.studentt.inv', () => {
    for (const df of [0.5, 1, 1.5, 3, 6.047, 25.4, 99, 5000, 1e6]) {
      for (const p of [1e-9, 0.001, 0.025, 0.2, 0.6, 0.975, 0.9999]) {
        const t = tQuantile(p, df);
        const back = p < 0.5 ? tCdf(t, df) : 1 - tSurvival(t, df);
        expect(rel(back, p)).toBeLessThan(1e-9);
        if (df >= 1 && p >= 0.001 && p <= 0.9999) expect(rel(t, jStat.studentt.inv(p, df))).toBeLessThan(1e-6);
      }
    }
  });

  it('rejects df ≤ 0 and p outside [0, 1]', () => {
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => tQuantile(1.2, 3)).toThrow(RangeError);
    expect(() => tCdf(1, -1)).toThrow(RangeError);
  });
});

describe('welch', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False) on raw samples (diff = b − a)', () => {
    const a = momentsOf([2, 4, 4, 4, 5, 5, 7, 9]);
    const b = momentsOf([1, 3, 3, 8, 10, 12]);
    const r = welch(a, b);
    expect(r.diff).toBeCloseTo(37 / 6 - 5, 14);
    expect(r.t).toBeCloseTo(0.593366464366411, 12);
    expect(r.df).toBeCloseTo(6.7401068425913016, 12);
    expect(r.pValue).toBeCloseTo(0.5722998098175694, 10);
    expect(r.ci95![0]).toBeCloseTo(-3.5192056358574284, 9);
    expect(r.ci95![1]).toBeCloseTo(5.852538969190762, 9);
  });

  it('computes se, Welch–Satterthwaite df, CI and p from moments (hand values, jstat for t)', () => {
    const r = welch({ n: 10, mean: 1, variance: 4 }, { n: 20, mean: 2, variance: 9 });
    // se² = 4/10 + 9/20 = 0.85; df = 0.85² / (0.4²/9 + 0.45²/19)
    expect(r.diff).toBe(1);
    expect(r.se).toBeCloseTo(Math.sqrt(0.85), 14);
    const df = 0.85 ** 2 / (0.4 ** 2 / 9 + 0.45 ** 2 / 19);
    expect(r.df).toBeCloseTo(df, 12);
    expect(r.df).toBeCloseTo(25.408226221079694, 12);
    const half = jStat.studentt.inv(0.975, df) * Math.sqrt(0.85);
    expect(r.ci95![0]).toBeCloseTo(1 - half, 6);
    expect(r.ci95![1]).toBeCloseTo(1 + half, 6);
    expect(r.pValue).toBeCloseTo(2 * (1 - jStat.studentt.cdf(1 / Math.sqrt(0.85), df)), 8);
    expect(r.pValue).toBeCloseTo(0.28826066267338735, 10);
  });

  it('accepts sums {n, sum, sumSq} as well as moments', () => {
    const fromSums = welch({ n: 8, sum: 40, sumSq: 232 }, { n: 6, sum: 37, sumSq: 327 });
    const fromRaw = welch(momentsOf([2, 4, 4, 4, 5, 5, 7, 9]), momentsOf([1, 3, 3, 8, 10, 12]));
    expect(fromSums.df).toBeCloseTo(fromRaw.df!, 10);
    expect(fromSums.pValue).toBeCloseTo(fromRaw.pValue!, 10);
  });

  it('keeps a tiny p-value accurate (equal groups of 28 days, df = 54)', () => {
    const v = 28e-6 / 27;
    const r = welch({ n: 28, mean: 0.03, variance: v }, { n: 28, mean: 0.036, variance: v });
    expect(r.df).toBeCloseTo(54, 10);
    expect(r.ci95![0]).toBeCloseTo(0.005454340972007211, 12);
    expect(r.ci95![1]).toBeCloseTo(0.006545659027992786, 12);
    expect(rel(r.pValue!, 1.1369825110009678e-28)).toBeLessThan(1e-6);
  });

  it('is null-safe: empty groups, single observations, no spread', () => {
    const none = welch(null, { n: 5, mean: 1, variance: 1 });
    expect(none).toEqual({ diff: null, se: null, df: null, t: null, ci95: null, pValue: null });
    expect(welch({ n: 0, sum: 0, sumSq: 0 }, { n: 3, sum: 3, sumSq: 5 }).diff).toBeNull();
    const single = welch({ n: 1, mean: 2, variance: 0 }, { n: 10, mean: 3, variance: 1 });
    expect(single.diff).toBe(1);
    expect(single.ci95).toBeNull();
    expect(single.pValue).toBeNull();
    const flat = welch({ n: 5, mean: 2, variance: 0 }, { n: 5, mean: 3, variance: 0 });
    expect(flat.diff).toBe(1);
    expect(flat.se).toBeNull();
    expect(flat.ci95).toBeNull();
    expect(flat.pValue).toBeNull();
    for (const v of Object.values(flat)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });

  it('with no spread in one group, df is the other group’s n − 1', () => {
    const r = welch({ n: 5, mean: 2, variance: 0 }, { n: 9, mean: 3, variance: 4 });
    expect(r.df).toBeCloseTo(8, 12);
    expect(r.se).toBeCloseTo(Math.sqrt(4 / 9), 14);
  });
});

describe('meanCi95', () => {
  it('x̄ ± t_{0.975,n−1}·s/√n', () => {
    // scores 4, 5, 3: mean 4, s² = 1
    const ci = meanCi95({ n: 3, sum: 12, sumSq: 50 })!;
    expect(ci[0]).toBeCloseTo(1.5158622882496702, 12);
    expect(ci[1]).toBeCloseTo(6.48413771175033, 12);
  });

  it('is null for n < 2 and for no spread', () => {
    expect(meanCi95({ n: 1, sum: 5, sumSq: 25 })).toBeNull();
    expect(meanCi95({ n: 0, sum: 0, sumSq: 0 })).toBeNull();
    expect(meanCi95({ n: 4, sum: 20, sumSq: 100 })).toBeNull();
    expect(meanCi95(null)).toBeNull();
  });
});

describe('wilson', () => {
  it('matches the textbook Wilson score intervals', () => {
    const [lo0, hi0] = wilson(0, 10)!;
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775327998628892, 12);
    const [lo5, hi5] = wilson(5, 10)!;
    expect(lo5).toBeCloseTo(0.236593090512564, 12);
    expect(hi5).toBeCloseTo(0.7634069094874361, 12);
    const [lo, hi] = wilson(412, 1630)!;
    expect(lo).toBeCloseTo(0.2322609558727226, 12);
    expect(hi).toBeCloseTo(0.2744231255914787, 12);
  });

  it('stays inside [0, 1] and is null for n = 0 or impossible counts', () => {
    const [lo, hi] = wilson(10, 10)!;
    expect(hi).toBe(1);
    expect(lo).toBeCloseTo(0.7224672001371107, 12);
    expect(wilson(1, 1)![1]).toBe(1);
    expect(wilson(0, 0)).toBeNull();
    expect(wilson(3, 2)).toBeNull();
  });
});

describe('nps', () => {
  it('100·(promoters − detractors)/n', () => {
    expect(npsOf(5, 2, 10)).toBe(30);
    expect(npsOf(0, 4, 4)).toBe(-100);
    expect(npsOf(1, 0, 1)).toBe(100);
    expect(npsOf(0, 0, 0)).toBeNull();
  });

  it('CI on the +100/0/−100 scores', () => {
    const [lo, hi] = npsCi95(5, 2, 10)!;
    expect(lo).toBeCloseTo(-28.893374158648655, 9);
    expect(hi).toBeCloseTo(88.89337415864865, 9);
    expect(npsCi95(1, 0, 1)).toBeNull();
    expect(npsCi95(0, 0, 0)).toBeNull();
    expect(npsCi95(3, 0, 3)).toBeNull(); // all promoters: no spread
  });
});

describe('meanShiftNeweyWest', () => {
  const series = (values: number[], from = 20_000) => values.map((value, i) => ({ day: from + i, value }));

  it.each(nwFixtures.cases)('agrees with statsmodels OLS + HAC(7, corrected), t(n−2): $name', (c) => {
    const r = meanShiftNeweyWest(series(c.values), 20_000 + c.nBefore);
    expect(r.lift! - c.lift).toBeCloseTo(0, 12);
    expect(r.se! / c.se).toBeCloseTo(1, 10);
    expect(r.df).toBe(c.values.length - 2);
    expect(r.pValue! / c.pValue).toBeCloseTo(1, 8);
    expect(r.ci95![0] - c.ci95[0]).toBeCloseTo(0, 10);
    expect(r.ci95![1] - c.ci95[1]).toBeCloseTo(0, 10);
  });

  it('agrees with a plain matrix implementation, (XᵀX)⁻¹ Ω (XᵀX)⁻¹ · n/(n−2), on a series with gaps (lags in days)', () => {
    // days 0 … 39 without 5, 6, 22; split at day 20
    const days = Array.from({ length: 40 }, (_, d) => d).filter((d) => ![5, 6, 22].includes(d));
    const values = days.map((d) => Math.sin(d / 3) + (d >= 20 ? 0.8 : 0) + ((d * 37) % 11) / 10);
    const X = days.map((d) => [1, d >= 20 ? 1 : 0]);
    const n = days.length;
    const xtx = [[0, 0], [0, 0]];
    const xty = [0, 0];
    for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) {
      xty[a] += X[i][a] * values[i];
      for (let b = 0; b < 2; b++) xtx[a][b] += X[i][a] * X[i][b];
    }
    const det = xtx[0][0] * xtx[1][1] - xtx[0][1] * xtx[1][0];
    const inv = [[xtx[1][1] / det, -xtx[0][1] / det], [-xtx[1][0] / det, xtx[0][0] / det]];
    const beta = [inv[0][0] * xty[0] + inv[0][1] * xty[1], inv[1][0] * xty[0] + inv[1][1] * xty[1]];
    const e = values.map((y, i) => y - beta[0] - beta[1] * X[i][1]);
    const omega = [[0, 0], [0, 0]];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const lag = Math.abs(days[i] - days[j]);
      if (lag > 7) continue;
      const w = 1 - lag / 8;
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) omega[a][b] += w * X[i][a] * e[i] * e[j] * X[j][b];
    }
    const v = [0, 1].map((a) => [0, 1].map((b) => [0, 1].reduce((s, p) => s + [0, 1].reduce((t, q) => t + inv[a][p] * omega[p][q] * inv[q][b], 0), 0)));
    const se = Math.sqrt((v[1][1] * n) / (n - 2));
    const r = meanShiftNeweyWest(days.map((d, i) => ({ day: d, value: values[i] })), 20);
    expect(r.lift).toBeCloseTo(beta[1], 12);
    expect(r.se! / se).toBeCloseTo(1, 12);
  });

  it('null where undefined: an empty side, fewer than 3 days, no variation', () => {
    expect(meanShiftNeweyWest(series([1, 2, 3]), 20_000)).toMatchObject({ lift: null, se: null, pValue: null });
    expect(meanShiftNeweyWest(series([1, 2]), 20_001)).toMatchObject({ lift: 1, se: null, ci95: null, pValue: null });
    expect(meanShiftNeweyWest(series([1, 1, 2, 2]), 20_002)).toMatchObject({ lift: 1, se: null, ci95: null, pValue: null });
    expect(meanShiftNeweyWest(series([-1.7e308, -1.7e308, 1.7e308, 1.7e308]), 20_002)).toMatchObject({ lift: null, se: null });
    // the store's smallest magnitudes still give an interval
    expect(meanShiftNeweyWest(series([1e-130, 3e-130, 2e-130, 5e-130, 4e-130]), 20_002).ci95).not.toBeNull();
  });
});

describe('meanShiftEwc', () => {
  const series = (values: number[], from = 20_000) => values.map((value, i) => ({ day: from + i, value }));

  it('ν = ⌊0.4·m^(2/3)⌋ cosine terms per side, between 1 and m − 1', () => {
    expect([2, 3, 5, 14, 27, 28, 56, 90].map(ewcTerms)).toEqual([1, 1, 1, 2, 3, 3, 5, 8]);
  });

  it.each(ewcFixtures.cases)('agrees with numpy/scipy (type-II DCT per side, Welch–Satterthwaite df, scipy t): $name', (c) => {
    const r = meanShiftEwc(c.values.map((value, i) => ({ day: 20_000 + c.days[i], value })), 20_000 + c.splitDay);
    expect(r.lift! - c.lift).toBeCloseTo(0, 12);
    expect(r.terms).toEqual(c.terms);
    expect(r.se! / c.se).toBeCloseTo(1, 10);
    expect(r.df! / c.df).toBeCloseTo(1, 10);
    expect(r.pValue! / c.pValue).toBeCloseTo(1, 10);
    expect((r.ci95![0] - c.ci95[0]) / c.se).toBeCloseTo(0, 10);
    expect((r.ci95![1] - c.ci95[1]) / c.se).toBeCloseTo(0, 10);
  });

  it('takes days in any order and ignores non-finite values; a side\'s shift in level does not change its variance', () => {
    const values = Array.from({ length: 40 }, (_, d) => Math.sin(d / 3) + ((d * 37) % 11) / 10);
    const pts = values.map((value, d) => ({ day: d, value }));
    const a = meanShiftEwc(pts, 20);
    const b = meanShiftEwc([...pts].reverse().concat([{ day: 50, value: Number.NaN }]), 20);
    expect(b).toEqual(a);
    const shifted = meanShiftEwc(pts.map((p) => (p.day >= 20 ? { ...p, value: p.value + 5 } : p)), 20);
    expect(shifted.lift! - a.lift!).toBeCloseTo(5, 12);
    expect(shifted.se! / a.se!).toBeCloseTo(1, 12);
  });

  it('null where undefined: an empty side, a side with one value, no variation', () => {
    expect(meanShiftEwc(series([1, 2, 3]), 20_000)).toMatchObject({ lift: null, se: null, pValue: null, terms: null });
    expect(meanShiftEwc(series([1, 2, 3]), 20_002)).toMatchObject({ lift: 1.5, se: null, ci95: null, pValue: null });
    expect(meanShiftEwc(series([1, 1, 2, 2]), 20_002)).toMatchObject({ lift: 1, se: null, ci95: null, pValue: null, terms: [1, 1] });
    expect(meanShiftEwc(series([-1.7e308, -1.7e308, 1.7e308, 1.7e308]), 20_002)).toMatchObject({ lift: null, se: null });
    // one side constant: the other side's variance and terms carry the test
    const r = meanShiftEwc(series([5, 5, 5, 5, 5, 1, 2, 3, 2, 1, 3]), 20_005);
    expect(r.df).toBeCloseTo(1, 12);
    expect(r.ci95).not.toBeNull();
    expect(meanShiftEwc(series([1e-130, 3e-130, 2e-130, 5e-130, 4e-130]), 20_002).ci95).not.toBeNull();
  });
});

describe('clipInterval', () => {
  it('clips to the scale and keeps null', () => {
    expect(clipInterval([0.5, 6.5], 1, 5)).toEqual([1, 5]);
    expect(clipInterval([-1270, 1270], -100, 100)).toEqual([-100, 100]);
    expect(clipInterval([2, 3], 1, 5)).toEqual([2, 3]);
    expect(clipInterval([6, 7], 1, 5)).toEqual([5, 5]);
    expect(clipInterval(null, 0, 1)).toBeNull();
  });
});
