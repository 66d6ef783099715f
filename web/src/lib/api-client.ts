/**
 * The one HTTP client of the dashboard: openapi-fetch typed by `web/src/api/schema.d.ts` (generated
 * from the server's OpenAPI document), the API base URL (from `/config.json` on AWS, same origin
 * locally), the session's bearer token, and the project's error shape turned into `ApiError`.
 *
 *   const impact = await call(api.GET('/api/v1/impact', { params: { query: { asOf } }, signal }));
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../api/schema';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** seconds the server asked to wait (`Retry-After` on 429 and 503) */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, details?: unknown, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
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

/** Build `/api/v1/...?a=b` against the configured base (for links the browser opens itself). */
export function apiUrl(path: string, query?: Record<string, string | number | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const q = qs.toString();
  return `${apiBase}/api/v1${path}${q ? `?${q}` : ''}`;
}

/**
 * Send `Authorization: Bearer <token>` with this request instead of the session's: sign-in
 * exchanges a pasted token, sign-out revokes a stored one; `''` sends no credentials.
 * A 401 on such a request is the caller's to handle (it does not end the session).
 */
export function withToken(explicit: string): { headers: { Authorization: string } } {
  return { headers: { Authorization: explicit ? `Bearer ${explicit}` : '' } };
}

/** requests that carried the session's token: only their 401 means "the session ended" */
const sessionRequests = new WeakSet<Request>();

const auth: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept', 'application/json');
    if (request.headers.has('Authorization')) {
      if (!request.headers.get('Authorization')) request.headers.delete('Authorization');
    } else if (token) {
      request.headers.set('Authorization', `Bearer ${token}`);
      sessionRequests.add(request);
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && sessionRequests.has(request)) unauthorizedListeners.forEach((l) => l());
    return undefined;
  },
};

/** The base URL of the API (same origin unless `/config.json` names one). */
export function baseUrl(): string {
  return apiBase || (typeof window !== 'undefined' ? window.location.origin : '');
}

type Client = ReturnType<typeof createClient<paths>>;
let current: { base: string; client: Client } | null = null;

/** The openapi-fetch client of the current base (made again when `/config.json` changed it). */
function client(): Client {
  const base = baseUrl();
  if (current?.base !== base) {
    const c = createClient<paths>({ baseUrl: base });
    c.use(auth);
    current = { base, client: c };
  }
  return current.client;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const method = <M extends Method>(m: M) => ((...args: unknown[]) => (client()[m] as (...a: unknown[]) => unknown)(...args)) as Client[M];

/** The typed client: paths, parameters, bodies and answers are those of the OpenAPI document. */
export const api: Pick<Client, Method> = { GET: method('GET'), POST: method('POST'), PUT: method('PUT'), PATCH: method('PATCH'), DELETE: method('DELETE') };

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * Await an openapi-fetch call: its data (undefined for 204), or an `ApiError` in the project's
 * shape `{ error: { code, message, details? } }` (status 0 when the API could not be reached).
 */
export async function call<D>(request: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await request;
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Could not reach the Sextant API. Check your connection and try again.');
  }
  const { data, error, response } = answer;
  if (response.ok) return data as D;
  const err = (error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  throw new ApiError(
    response.status,
    err?.code ?? `http_${response.status}`,
    err?.message ?? (response.status === 404 ? 'This endpoint is not available on the server yet.' : `Request failed (${response.status})`),
    err?.details,
    Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
  );
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
