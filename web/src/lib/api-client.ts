/**
 * The one HTTP client of the dashboard: API base URL (from `/config.json` on AWS, same
 * origin locally), the bearer token, and the project's error shape turned into `ApiError`.
 */
import type { ErrorBody } from '../../../shared/errors';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let apiBase = '';
let token: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Read `/config.json` (`{ "apiUrl": "..." }`) beside the app; absent or invalid → same origin. */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<string> {
  try {
    const res = await fetchImpl('/config.json', { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && type.includes('json')) {
      const body = (await res.json()) as { apiUrl?: unknown };
      if (typeof body.apiUrl === 'string' && /^https?:\/\//.test(body.apiUrl)) apiBase = body.apiUrl.replace(/\/+$/, '');
    }
  } catch {
    // no config: the API is on the same origin
  }
  return apiBase;
}

export function setApiBase(base: string) {
  apiBase = base.replace(/\/+$/, '');
}

export function setToken(next: string | null) {
  token = next;
}

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** use this token instead of the session's (sign-in exchanges a pasted token; '' sends none) */
  token?: string;
}

/** Build `/api/v1/...?a=b` against the configured base. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const q = qs.toString();
  return `${apiBase}/api/v1${path}${q ? `?${q}` : ''}`;
}

/** Call the API; resolves with the JSON body (undefined for 204), rejects with `ApiError`. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const bearer = opts.token ?? token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Could not reach the Sextant API. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as ErrorBody | undefined)?.error;
    const apiError = new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? (res.status === 404 ? 'This endpoint is not available on the server yet.' : `Request failed (${res.status})`),
      err?.details,
    );
    if (res.status === 401 && opts.token === undefined) unauthorizedListeners.forEach((l) => l());
    throw apiError;
  }
  return body as T;
}

/** A person-readable list of an error's details (`[{ path, message }]` from validation). */
export function errorDetails(error: unknown): string[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return error.details
    .map((d) => {
      if (d && typeof d === 'object' && 'message' in d) {
        const { path, message } = d as { path?: unknown; message: unknown };
        return path ? `${String(path)}: ${String(message)}` : String(message);
      }
      return typeof d === 'string' ? d : '';
    })
    .filter(Boolean);
}
