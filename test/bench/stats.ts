/**
 * Median and spread of repeated benchmark runs: every numeric figure of the runs' results
 * (same shape each run) becomes its median and its min … max; other values are taken from the
 * first run.
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number) => (Number.isInteger(x) ? x : Math.round(x * 1000) / 1000);

function fold(values: unknown[], f: (xs: number[]) => unknown): unknown {
  const first = values[0];
  if (typeof first === 'number') return f(values.filter((v): v is number => typeof v === 'number'));
  if (Array.isArray(first)) return first.map((_, i) => fold(values.map((v) => (v as unknown[])[i]), f));
  if (first && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((k) => [k, fold(values.map((v) => (v as Record<string, unknown>)?.[k]), f)]));
  }
  return first;
}

export function medianAndSpread(runs: unknown[]): { median: unknown; spread: unknown } {
  return {
    median: fold(runs, (xs) => round(median(xs))),
    spread: fold(runs, (xs) => [round(Math.min(...xs)), round(Math.max(...xs))]),
  };
}
