/** Small, shared value types and UTC-day arithmetic. Pure. */
import { z } from 'zod';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` (UTC) that exists. */
export const isoDate = z
  .string()
  .regex(ISO_DATE, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real calendar date');

/**
 * A number the store can hold exactly as sent: DynamoDB keeps magnitudes from 1e-130 to
 * 9.99e125 and its document client refuses integers beyond 2^53, so anything outside is a
 * client error (400), not a failed write (500).
 */
export const isStorableNumber = (v: number) => Number.isFinite(v) && (v === 0 || (Math.abs(v) >= 1e-130 && Math.abs(v) <= Number.MAX_SAFE_INTEGER));
export const storableNumber = z
  .number()
  .finite()
  .refine(isStorableNumber, 'numbers must be 0 or between 1e-130 and 9007199254740991 in magnitude (what the store can hold)');

/** Strings without lone surrogates (UTF-16 halves that UTF-8 cannot encode: two of them would collide in a key). */
export const isWellFormed = (s: string) => !/\p{Cs}/u.test(s);

/** Ids are URL-safe slugs: lowercase letters, digits and dashes. */
export const slugId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'ids are 1–64 lowercase letters, digits or dashes, starting with a letter or digit');

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return dateOfDay(dayNumber(date) + n);
}

/** Inclusive list of dates from `from` to `to`. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayNumber(from), end = dayNumber(to); d <= end; d++) out.push(dateOfDay(d));
  return out;
}

export function todayUtc(now: number = Date.now()): string {
  return utcDate(now);
}
