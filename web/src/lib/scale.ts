/** Axis scales a person reads: round tick steps (1, 2, 2.5, 5 × 10^k) covering the data. Pure. */

function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * base;
}

/**
 * Ticks for values in [min, max] with about `count` ticks; the domain is widened to whole steps.
 * `includeZero` makes bars start at 0. Floating noise is rounded away (0.1 + 0.2 → 0.3).
 */
export function niceTicks(values: number[], opts: { count?: number; includeZero?: boolean; clamp?: [number, number] } = {}): { domain: [number, number]; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (opts.includeZero) finite.push(0);
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const count = opts.count ?? 5;
  const step = niceStep((max - min) / Math.max(1, count - 1));
  let lo = Math.floor(min / step + 1e-9) * step;
  let hi = Math.ceil(max / step - 1e-9) * step;
  if (opts.clamp) {
    lo = Math.max(lo, opts.clamp[0]);
    hi = Math.min(hi, opts.clamp[1]);
  }
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  const round = (v: number) => Number(v.toFixed(digits));
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(round(v));
  if (opts.clamp && ticks[ticks.length - 1] < hi) ticks.push(round(hi));
  return { domain: [round(lo), round(hi)], ticks };
}

/** "10.0%" → "10%", "4.20" → "4.2", "−7.0 pp" → "−7 pp": for ticks and round targets. */
export function trimZeros(text: string): string {
  return text.replace(/(\d)\.(\d*?)0+(?!\d)/, (_m, a: string, b: string) => (b ? `${a}.${b}` : a));
}
