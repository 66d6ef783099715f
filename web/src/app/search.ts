/**
 * Search params as the router keeps them: plain `?a=b` strings (not TanStack's JSON default, so
 * links stay readable and old ones keep working), each route validating its own with these (an invalid value
 * reads as absent; absent values leave the URL).
 */
export type RawSearch = Record<string, unknown>;

export function parseSearch(search: string): RawSearch {
  return Object.fromEntries(new URLSearchParams(search.startsWith('?') ? search.slice(1) : search));
}

export function stringifySearch(search: RawSearch): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** a day `YYYY-MM-DD`, else absent */
export const isoDay = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
/** a month `YYYY-MM`, else absent */
export const isoMonth = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}$/.test(v) ? v : undefined);
/** a non-empty string of at most 200 characters, else absent */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' && v.length <= 200 ? v : undefined);
/** one of `values`, else absent */
export const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): T | undefined =>
    values.includes(v as T) ? (v as T) : undefined;
