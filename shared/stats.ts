/**
 * Statistics for outcome measurement: moments, Student t distribution, Welch's
 * unequal-variance t interval/test, Wilson score interval, NPS, a mean shift for autocorrelated
 * daily series (Newey–West as DESIGN.md defines it, and the EWC test the outcome uses), clipping
 * to a scale. Pure, dependency-free.
 *
 * Null convention: where a quantity is undefined for the data (no observations, a single
 * observation, no spread) the functions return `null`, never NaN or ±Infinity, so a
 * result can go straight into JSON and a chart.
 */

/** Sample summary: `variance` is the sample variance (n − 1 denominator), 0 when n = 1. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/** Streaming sums of a sample: count, Σx and Σx². */
export interface SumMoments {
  n: number;
  sum: number;
  sumSq: number;
}

export type MomentsLike = Moments | SumMoments;

export type Interval = [number, number];

/** Two-sided 95% confidence level used throughout. */
export const CONFIDENCE = 0.95;
const Q975 = 0.975;
/** Φ⁻¹(0.975), the normal 97.5% quantile. */
export const Z975 = 1.959963984540054;

// ---------------------------------------------------------------------------
// Moments
// ---------------------------------------------------------------------------

function isConstant(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}

/** Arithmetic mean Σx/n (exactly x for constant data); null for an empty sample. */
export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  if (isConstant(xs)) return xs[0];
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance Σ(x − x̄)²/(n − 1) (two-pass; exactly 0 for constant data); null when n < 2. */
export function variance(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  if (isConstant(xs)) return 0;
  const m = mean(xs)!;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return ss / (xs.length - 1);
}

/** Moments {n, mean, sample variance} of a sample (variance 0 when n = 1); null when empty. */
export function momentsOf(xs: readonly number[]): Moments | null {
  const m = mean(xs);
  if (m === null) return null;
  return { n: xs.length, mean: m, variance: variance(xs) ?? 0 };
}

/**
 * Moments from sums: mean = Σx/n, variance = (Σx² − (Σx)²/n)/(n − 1); null when n = 0.
 * Rounding can leave a tiny (even negative) remainder for data with no spread; anything
 * within floating-point cancellation error of Σx²/n is treated as exactly 0.
 */
export function momentsFromSums(s: SumMoments): Moments | null {
  if (!(s.n > 0) || !Number.isFinite(s.sum) || !Number.isFinite(s.sumSq)) return null;
  const m = s.sum / s.n;
  if (s.n < 2) return { n: s.n, mean: m, variance: 0 };
  const ss = s.sumSq - (s.sum * s.sum) / s.n;
  const noise = 64 * Number.EPSILON * Math.abs(s.sumSq);
  return { n: s.n, mean: m, variance: ss <= noise ? 0 : ss / (s.n - 1) };
}

function toMoments(m: MomentsLike | null | undefined): Moments | null {
  if (!m) return null;
  if ('sum' in m) return momentsFromSums(m);
  if (!(m.n > 0) || !Number.isFinite(m.mean) || !Number.isFinite(m.variance)) return null;
  return { n: m.n, mean: m.mean, variance: m.n < 2 ? 0 : Math.max(0, m.variance) };
}

// ---------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ≈ 1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const CF_EPS = 1e-16;
const CF_TINY = 1e-300;
const CF_MAX_ITER = 100_000;

/** Continued fraction of I_x(a, b) (modified Lentz), valid for x < (a + 1)/(a + b + 2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b) = B(x; a, b)/B(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
 * `y` = 1 − x may be passed when it is known more precisely than 1 − x.
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) throw new RangeError(`regularizedBeta(${x}, ${a}, ${b}): need a, b > 0`);
  if (x <= 0) return 0;
  if (y <= 0 || x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) (series or continued fraction). */
function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < CF_MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * CF_EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a;
  let c = 1 / CF_TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < CF_MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = b + an / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) break;
  }
  return Math.exp(lnFront) * h;
}

// ---------------------------------------------------------------------------
// Normal distribution
// ---------------------------------------------------------------------------

/** Upper tail P(Z > z) of the standard normal, accurate far into both tails. */
function normalSurvival(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const tail = 0.5 * upperGammaQ(0.5, (z * z) / 2); // P(Z > |z|) = ½·erfc(|z|/√2)
  return z >= 0 ? tail : 1 - tail;
}

/** Standard normal CDF Φ(z) = ½·erfc(−z/√2), with erfc(u) = Q(½, u²). */
export function normalCdf(z: number): number {
  return normalSurvival(-z);
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation + one Halley step). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley refinement against the accurate CDF (tail-aware to keep precision near 0 and 1).
  const e = x < 0 ? normalCdf(x) - p : 1 - p - normalSurvival(x); // Φ(x) − p
  const u = e / normalPdf(x);
  if (Number.isFinite(u)) x = x - u / (1 + (x * u) / 2);
  return x;
}

// ---------------------------------------------------------------------------
// Student t distribution
// ---------------------------------------------------------------------------

function checkDf(df: number, fn: string): void {
  if (!(df > 0)) throw new RangeError(`${fn}: degrees of freedom must be > 0, got ${df}`);
}

/** Upper tail P(T > t) of Student's t with df degrees of freedom: ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0. */
export function tSurvival(t: number, df: number): number {
  checkDf(df, 'tSurvival');
  if (Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalSurvival(t);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  let half: number;
  if (!Number.isFinite(t2)) half = 0;
  else {
    const denom = df + t2;
    half = 0.5 * regularizedBeta(df / denom, df / 2, 0.5, t2 / denom);
  }
  return t >= 0 ? half : 1 - half;
}

/** Student t CDF P(T ≤ t) with df > 0 degrees of freedom (df may be fractional or Infinity). */
export function tCdf(t: number, df: number): number {
  return tSurvival(-t, df);
}

/** Student t density. */
export function tPdf(t: number, df: number): number {
  checkDf(df, 'tPdf');
  if (df === Infinity) return normalPdf(t);
  const lnC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile: the t with P(T ≤ t) = p. Solved on the smaller tail with safeguarded
 * Newton steps inside a bisection bracket, so it converges for any df > 0 and p in (0, 1).
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df, 'tQuantile');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`tQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  const q = p < 0.5 ? p : 1 - p; // target upper-tail probability, ≤ ½
  const sign = p < 0.5 ? -1 : 1;
  const f = (t: number) => tSurvival(t, df) - q; // decreasing in t

  // Bracket [lo, hi] with f(lo) > 0 ≥ f(hi).
  let lo = 0;
  let hi = 1;
  while (f(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return sign * Infinity;
  }
  // Cornish–Fisher start from the normal quantile, clipped into the bracket.
  const z = normalQuantile(1 - q);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!(t > lo && t < hi)) t = hi / lo > 4 && lo > 0 ? Math.sqrt(lo * hi) : (lo + hi) / 2;

  for (let i = 0; i < 200; i++) {
    const ft = f(t);
    if (ft === 0) break;
    if (ft > 0) lo = t;
    else hi = t;
    const pdf = tPdf(t, df);
    let next = pdf > 0 ? t + ft / pdf : NaN; // Newton: t − f/f′ with f′ = −pdf
    if (!(next > lo && next < hi)) next = hi / lo > 4 && lo > 0 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return sign * t;
}

// ---------------------------------------------------------------------------
// Intervals and tests
// ---------------------------------------------------------------------------

/**
 * t-based 95% CI of a mean: x̄ ± t_{0.975, n−1}·s/√n. Null when n < 2 or the sample has no
 * spread (s = 0): a zero-width interval would claim certainty the data cannot support.
 */
export function meanCi95(m: MomentsLike | null | undefined): Interval | null {
  const mm = toMoments(m);
  if (!mm || mm.n < 2 || !(mm.variance > 0)) return null;
  const half = tQuantile(Q975, mm.n - 1) * Math.sqrt(mm.variance / mm.n);
  return [mm.mean - half, mm.mean + half];
}

export interface WelchResult {
  /** b.mean − a.mean (a = before/control, b = after/treatment); null when either group is empty */
  diff: number | null;
  /** standard error √(s_a²/n_a + s_b²/n_b) */
  se: number | null;
  /** Welch–Satterthwaite degrees of freedom */
  df: number | null;
  /** t statistic diff/se */
  t: number | null;
  ci95: Interval | null;
  /** two-sided p-value of H0: equal means */
  pValue: number | null;
}

/**
 * Welch's unequal-variance t: diff = mean_b − mean_a, se = √(s_a²/n_a + s_b²/n_b),
 * df = se⁴ / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)), CI = diff ± t_{0.975,df}·se,
 * p = 2·P(T_df > |diff/se|). `diff` needs n ≥ 1 in both groups; se/df/t/CI/p need n ≥ 2 in
 * both and a positive variance in at least one, and are null otherwise.
 */
export function welch(a: MomentsLike | null | undefined, b: MomentsLike | null | undefined): WelchResult {
  const ma = toMoments(a);
  const mb = toMoments(b);
  const empty: WelchResult = { diff: null, se: null, df: null, t: null, ci95: null, pValue: null };
  if (!ma || !mb) return empty;
  const diff = mb.mean - ma.mean;
  if (ma.n < 2 || mb.n < 2) return { ...empty, diff };
  const va = ma.variance / ma.n;
  const vb = mb.variance / mb.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return { ...empty, diff };
  const se = Math.sqrt(se2);
  // the same formula on the shares of se² (in [0, 1]): se2² underflows to 0 for tiny values (1e-130)
  const ra = va / se2;
  const rb = vb / se2;
  const df = 1 / ((ra * ra) / (ma.n - 1) + (rb * rb) / (mb.n - 1));
  const t = diff / se;
  const half = tQuantile(Q975, df) * se;
  const pValue = Math.min(1, 2 * tSurvival(Math.abs(t), df));
  return { diff, se, df, t, ci95: [diff - half, diff + half], pValue };
}

/**
 * Wilson score 95% interval for a proportion s/n:
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(0.975). Null when n = 0.
 */
export function wilson(successes: number, n: number): Interval | null {
  if (!(n > 0) || !Number.isFinite(n) || !(successes >= 0) || successes > n) return null;
  const z = Z975;
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // At p̂ = 0 (1) the exact lower (upper) bound is 0 (1); pin it against rounding.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}

/** Net Promoter Score 100·(promoters − detractors)/n (promoters 9–10, detractors 0–6); null when n = 0. */
export function npsOf(promoters: number, detractors: number, n: number): number | null {
  if (!(n > 0)) return null;
  return (100 * (promoters - detractors)) / n;
}

/**
 * 95% CI of an NPS: each response scored +100 (promoter), 0 (passive) or −100 (detractor),
 * NPS is their mean, CI t-based on those scores (null when n < 2 or all responses alike).
 */
export function npsCi95(promoters: number, detractors: number, n: number): Interval | null {
  return meanCi95({ n, sum: 100 * (promoters - detractors), sumSq: 10_000 * (promoters + detractors) });
}

// ---------------------------------------------------------------------------
// Mean shift with Newey–West (HAC) standard errors
// ---------------------------------------------------------------------------

/** Lags of the Newey–West estimator used for daily KPI series. */
export const NEWEY_WEST_LAGS = 7;

export interface MeanShiftResult {
  /** mean after − mean before (the OLS slope of y on the after-indicator); null when a side is empty */
  lift: number | null;
  /** Newey–West standard error of `lift` */
  se: number | null;
  /** degrees of freedom n − 2 */
  df: number | null;
  ci95: Interval | null;
  /** two-sided p-value of H0: lift = 0 */
  pValue: number | null;
}

/**
 * Mean shift of a daily series at `splitDay`: the regression y_t = a + lift·[t ≥ splitDay] by OLS
 * (so lift = mean after − mean before) with Newey–West standard errors: Bartlett kernel with
 * `lags` lags (weights 1 − l/(lags+1)), small-sample factor n/(n − 2), t with n − 2 df.
 * `day` is a day number; the lag between two observations is their distance in days, so a
 * missing day is a gap, not a shift (on a complete daily series this is the usual index lag).
 * se, CI and p are null when n < 3 or the variance estimate is not positive.
 * This is DESIGN.md's definition; the outcome uses `meanShiftEwc`, because this test calls 11–19%
 * of no-change series significant at day-to-day correlation 0–0.6 (README "KPI lift").
 */
export function meanShiftNeweyWest(points: readonly { day: number; value: number }[], splitDay: number, lags: number = NEWEY_WEST_LAGS): MeanShiftResult {
  const empty: MeanShiftResult = { lift: null, se: null, df: null, ci95: null, pValue: null };
  const obs = points.filter((p) => Number.isFinite(p.value)).slice().sort((a, b) => a.day - b.day);
  const before = obs.filter((p) => p.day < splitDay).map((p) => p.value);
  const after = obs.filter((p) => p.day >= splitDay).map((p) => p.value);
  const m0 = mean(before);
  const m1 = mean(after);
  if (m0 === null || m1 === null || !Number.isFinite(m1 - m0)) return empty;
  const lift = m1 - m0;
  const n = obs.length;
  const n1 = after.length;
  const n0 = before.length;
  if (n < 3) return { ...empty, lift };
  // scores u_t = x_t·e_t with x_t = (1, D_t), e_t the residual (value − its side's mean)
  const u0 = obs.map((p) => p.value - (p.day >= splitDay ? m1 : m0));
  const u1 = obs.map((p, i) => (p.day >= splitDay ? u0[i] : 0));
  let s00 = 0;
  let s01 = 0;
  let s11 = 0;
  for (let i = 0; i < n; i++) {
    s00 += u0[i] * u0[i];
    s01 += u0[i] * u1[i];
    s11 += u1[i] * u1[i];
    for (let j = i - 1; j >= 0 && obs[i].day - obs[j].day <= lags; j--) {
      const l = obs[i].day - obs[j].day;
      if (l === 0) continue;
      const w = 1 - l / (lags + 1);
      s00 += 2 * w * u0[i] * u0[j];
      s01 += w * (u0[i] * u1[j] + u1[i] * u0[j]);
      s11 += 2 * w * u1[i] * u1[j];
    }
  }
  // (X'X)⁻¹ = 1/(n0·n1)·[[n1, −n1], [−n1, n]]; Var(lift) = row 2 of it · Ω · its column 2
  const c0 = -n1 / (n0 * n1);
  const c1 = n / (n0 * n1);
  const varLift = ((c0 * c0 * s00 + 2 * c0 * c1 * s01 + c1 * c1 * s11) * n) / (n - 2);
  if (!(varLift > 0) || !Number.isFinite(varLift)) return { ...empty, lift, df: n - 2 };
  const se = Math.sqrt(varLift);
  const df = n - 2;
  const half = tQuantile(Q975, df) * se;
  const pValue = Math.min(1, 2 * tSurvival(Math.abs(lift / se), df));
  return { lift, se, df, ci95: [lift - half, lift + half], pValue };
}

// ---------------------------------------------------------------------------
// Mean shift with autocorrelation-robust (EWC) long-run variances per side
// ---------------------------------------------------------------------------

/**
 * Cosine terms ν of the equal-weighted cosine (EWC) long-run variance for a side with m days:
 * ⌊0.4·m^(2/3)⌋ (Lazarus, Lewis, Stock & Watson 2018, "HAR inference: recommendations for
 * practice"), at least 1 and at most m − 1. 3 at 28 days, 2 at 14, 5 at 56.
 */
export function ewcTerms(m: number): number {
  return Math.max(1, Math.min(m - 1, Math.floor(0.4 * Math.cbrt(m * m))));
}

export interface MeanShiftEwcResult extends MeanShiftResult {
  /** Welch–Satterthwaite degrees of freedom (V₀ + V₁)² / (V₀²/ν₀ + V₁²/ν₁) */
  df: number | null;
  /** cosine terms used on each side (before, after) */
  terms: [number, number] | null;
}

/**
 * The variance of the mean of one side's values (sorted by day) from the EWC long-run variance:
 * residuals e_i = y_i − ȳ, Λ_j = √(2/m)·Σ_i cos(π·j·(k_i + ½)/T)·e_i for j = 1 … ν, where k_i is
 * the day's offset from the side's first day and T the side's span in days (on a complete series
 * k_i = i and T = m: LLSW's type-II cosines), Ω = Σ_j Λ_j² / ν, Var(ȳ) = Ω / m.
 */
function ewcMeanVariance(side: readonly { day: number; value: number }[], m0: number, nu: number): number {
  const m = side.length;
  const first = side[0].day;
  const span = side[m - 1].day - first + 1;
  let omega = 0;
  for (let j = 1; j <= nu; j++) {
    let lambda = 0;
    for (const p of side) lambda += Math.cos((Math.PI * j * (p.day - first + 0.5)) / span) * (p.value - m0);
    lambda *= Math.sqrt(2 / m);
    omega += lambda * lambda;
  }
  return omega / nu / m;
}

/**
 * Mean shift of a daily series at `splitDay` (lift = mean of the days ≥ splitDay − mean of the
 * days before) with an interval that holds when days are autocorrelated: Welch's test with each
 * side's variance of the mean taken from its equal-weighted cosine (EWC) long-run variance with
 * ν = ewcTerms(m) terms, and Welch–Satterthwaite degrees of freedom
 * df = (V₀ + V₁)² / (V₀²/ν₀ + V₁²/ν₁) (each V is a scaled χ²_ν, so df = ν₀ + ν₁ when V₀ = V₁).
 * Each side is the location model, for which EWC's t_ν reference is the fixed-b distribution.
 * A missing day is a gap (cosines are taken at the day's position). se, CI and p are null when a
 * side has fewer than 2 values or both variances are 0.
 */
export function meanShiftEwc(points: readonly { day: number; value: number }[], splitDay: number): MeanShiftEwcResult {
  const empty: MeanShiftEwcResult = { lift: null, se: null, df: null, ci95: null, pValue: null, terms: null };
  const obs = points.filter((p) => Number.isFinite(p.value)).slice().sort((a, b) => a.day - b.day);
  const before = obs.filter((p) => p.day < splitDay);
  const after = obs.filter((p) => p.day >= splitDay);
  const m0 = mean(before.map((p) => p.value));
  const m1 = mean(after.map((p) => p.value));
  if (m0 === null || m1 === null || !Number.isFinite(m1 - m0)) return empty;
  const lift = m1 - m0;
  if (before.length < 2 || after.length < 2) return { ...empty, lift };
  const nu0 = ewcTerms(before.length);
  const nu1 = ewcTerms(after.length);
  const v0 = ewcMeanVariance(before, m0, nu0);
  const v1 = ewcMeanVariance(after, m1, nu1);
  const v = v0 + v1;
  if (!(v > 0) || !Number.isFinite(v)) return { ...empty, lift, terms: [nu0, nu1] };
  const se = Math.sqrt(v);
  const w0 = v0 / v; // shares (scale-free, so tiny values cannot underflow)
  const w1 = v1 / v;
  const df = 1 / ((w0 * w0) / nu0 + (w1 * w1) / nu1);
  const half = tQuantile(Q975, df) * se;
  const pValue = Math.min(1, 2 * tSurvival(Math.abs(lift / se), df));
  return { lift, se, df, ci95: [lift - half, lift + half], pValue, terms: [nu0, nu1] };
}

/** An interval clipped to a scale [lo, hi] (e.g. CSAT 1–5); null stays null. */
export function clipInterval(ci: Interval | null, lo: number, hi: number): Interval | null {
  if (!ci) return null;
  return [Math.min(hi, Math.max(lo, ci[0])), Math.max(lo, Math.min(hi, ci[1]))];
}
