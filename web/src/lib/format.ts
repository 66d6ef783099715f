/**
 * Numbers a person reads: percentages, signed changes, percentage points, confidence
 * intervals ("± x" when symmetric, "[a, b]" otherwise), sample sizes and dates.
 * Pure and locale-stable (en-US grouping, true minus sign), so tests can pin exact strings.
 */

export const DASH = '—';
const MINUS = '\u2212';

export type Interval = readonly [number, number] | null | undefined;

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function sign(x: number, text: string, signed: boolean): string {
  if (x < 0) return `${MINUS}${text}`;
  if (signed && x > 0) return `+${text}`;
  return text;
}

/** Fixed digits, rounding half away from zero, "−0.0" shown as "0.0". */
function fixed(x: number, digits: number): string {
  const r = Number(Math.abs(x).toFixed(digits));
  return r === 0 ? (0).toFixed(digits) : r.toFixed(digits);
}

function isNum(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** 1630 → "1,630". */
export function formatInt(n: number | null | undefined): string {
  if (!isNum(n)) return DASH;
  return sign(n, grouped.format(Math.abs(Math.round(n))), false);
}

/** 1630 → "n = 1,630". */
export function formatSampleSize(n: number | null | undefined): string {
  return isNum(n) ? `n = ${formatInt(n)}` : 'n = 0';
}

/** A share 0–1 as a percentage: 0.2528 → "25.3%"; under 1% two decimals: 0.0042 → "0.42%". */
export function formatPercent(x: number | null | undefined, digits?: number): string {
  if (!isNum(x)) return DASH;
  const pct = x * 100;
  const d = digits ?? (Math.abs(pct) < 1 && pct !== 0 ? 2 : 1);
  const text = fixed(pct, d);
  return Number(text) === 0 ? `${text}%` : `${sign(pct, text, false)}%`;
}

/** A relative change: 0.126 → "+12.6%". */
export function formatSignedPercent(x: number | null | undefined, digits = 1): string {
  if (!isNum(x)) return DASH;
  const text = fixed(x * 100, digits);
  return Number(text) === 0 ? `${text}%` : `${sign(x, text, true)}%`;
}

/** A difference of two shares in percentage points: 0.0039 → "+0.39 pp", −0.07 → "−7.0 pp". */
export function formatPp(x: number | null | undefined, digits?: number): string {
  if (!isNum(x)) return DASH;
  const pp = x * 100;
  const d = digits ?? (Math.abs(pp) < 1 ? 2 : 1);
  const text = fixed(pp, d);
  return Number(text) === 0 ? `${text} pp` : `${sign(pp, text, true)} pp`;
}

/** A signed change: 0.15 → "+0.15", −0.02 → "−0.02". */
export function formatSigned(x: number | null | undefined, digits = 2): string {
  if (!isNum(x)) return DASH;
  const text = fixed(x, digits);
  return Number(text) === 0 ? text : sign(x, text, true);
}

/** A plain decimal: 4.3144 → "4.31". */
export function formatDecimal(x: number | null | undefined, digits = 2): string {
  if (!isNum(x)) return DASH;
  return sign(x, fixed(x, digits), false);
}

/** Three significant digits under 100, grouped whole numbers above: 0.00393 → "0.00393", 1234.5 → "1,235". */
export function formatNumber(x: number | null | undefined): string {
  if (!isNum(x)) return DASH;
  if (Math.abs(x) >= 100) return formatInt(x);
  if (Number.isInteger(x)) return sign(x, String(Math.abs(x)), false);
  return sign(x, String(Number(Math.abs(x).toPrecision(3))), false);
}

/** Kinds of value the dashboard formats; charts and tables take one of these as config. */
export type ValueKind = 'percent' | 'pp' | 'signedPercent' | 'signed' | 'decimal' | 'number' | 'int' | 'signedNumber';

export function formatValue(kind: ValueKind, x: number | null | undefined): string {
  switch (kind) {
    case 'percent':
      return formatPercent(x);
    case 'pp':
      return formatPp(x);
    case 'signedPercent':
      return formatSignedPercent(x);
    case 'signed':
      return formatSigned(x);
    case 'decimal':
      return formatDecimal(x);
    case 'int':
      return formatInt(x);
    case 'signedNumber':
      return isNum(x) ? (x > 0 ? `+${formatNumber(x)}` : formatNumber(x)) : DASH;
    default:
      return formatNumber(x);
  }
}

/** The unsigned size of a half-width, in the kind's unit: pp → "0.39 pp", percent → "2.1%". */
function formatMagnitude(kind: ValueKind, x: number): string {
  switch (kind) {
    case 'percent':
    case 'signedPercent':
      return formatPercent(Math.abs(x));
    case 'pp':
      return formatPp(Math.abs(x)).replace('+', '');
    case 'signed':
    case 'decimal':
      return formatDecimal(Math.abs(x));
    case 'int':
      return formatInt(Math.abs(x));
    default:
      return formatNumber(Math.abs(x));
  }
}

/** A 95% confidence interval as "[a, b]". */
export function formatInterval(ci: Interval, kind: ValueKind): string {
  if (!ci || !isNum(ci[0]) || !isNum(ci[1])) return DASH;
  return `[${formatValue(kind, ci[0])}, ${formatValue(kind, ci[1])}]`;
}

/**
 * A point estimate with its 95% CI: "+0.15 ± 0.13" when the interval is symmetric around the
 * point (within 10% of its half-width, as Welch intervals are), "24.1% [22.0%, 26.4%]" when it
 * is not (Wilson intervals of rates are not); just the point when there is no interval.
 */
export function formatEstimate(point: number | null | undefined, ci: Interval, kind: ValueKind): string {
  if (!isNum(point)) return DASH;
  const p = formatValue(kind, point);
  if (!ci || !isNum(ci[0]) || !isNum(ci[1])) return p;
  const half = (ci[1] - ci[0]) / 2;
  const asymmetry = Math.abs(ci[1] - point - (point - ci[0]));
  if (half > 0 && asymmetry <= 0.1 * half) return `${p} ± ${formatMagnitude(kind, half)}`;
  return `${p} ${formatInterval(ci, kind)}`;
}

/** Where a 95% CI lies relative to a reference (0 for changes): the words a reader needs. */
export function ciVerdict(ci: Interval, reference = 0): 'above' | 'below' | 'inconclusive' | 'unknown' {
  if (!ci || !isNum(ci[0]) || !isNum(ci[1])) return 'unknown';
  if (ci[0] > reference) return 'above';
  if (ci[1] < reference) return 'below';
  return 'inconclusive';
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-10-06" → "6 Oct 2026". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return DASH;
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return date;
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "2026-10-06" → "6 Oct". */
export function formatDayMonth(date: string): string {
  const [, m, d] = date.slice(0, 10).split('-').map(Number);
  return m && d ? `${d} ${MONTHS[m - 1]}` : date;
}

/** "2026-10-06" → "Oct 2026"; long: "October 2026". */
export function formatMonth(date: string, long = false): string {
  const [y, m] = date.slice(0, 7).split('-').map(Number);
  return m ? `${(long ? MONTHS_LONG : MONTHS)[m - 1]} ${y}` : date;
}

/** An ISO instant → "26 Nov 2026, 08:15 UTC". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(t.toISOString())}, ${hh}:${mm} UTC`;
}

/** Seconds as "45 s", "4 min", "3 h", "2 days". */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNum(seconds)) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  const days = Math.round(s / 86_400);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** An instant relative to now: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = (now - t) / 1000;
  if (s < 45) return 'just now';
  return `${formatDuration(s)} ago`;
}

/** Today (UTC) as YYYY-MM-DD. */
export function todayIso(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Shift a YYYY-MM-DD date by whole days (UTC). */
export function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** First day of the month `offset` months from the one containing `date`. */
export function monthStartIso(date: string, offset = 0): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + offset, 1)).toISOString().slice(0, 10);
}

/** "Checkout conversion" from "checkout_conversion". */
export function humanize(name: string): string {
  const words = name.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
