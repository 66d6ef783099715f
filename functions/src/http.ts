/**
 * One definition per endpoint: the same zod schemas validate the request and generate
 * the OpenAPI document (`/openapi.json`), so the two cannot drift.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ErrorBody, summarize, issuesOf } from '../../shared/errors';
import type { Role } from '../../shared/keys';
import { AppError } from './errors';
import type { Env } from './context';
import { requireRole } from './auth';
import { validateParams } from './params';
import { RouteId } from '../../shared/params';
import { API_BODY_LIMIT, parseJson, readBody } from './edge';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType;

export interface EndpointDef<B extends Schema | undefined, Q extends Schema | undefined> {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  /** minimum role; `public` needs no credentials (ingest auth is handled by its own routes) */
  auth: Role | 'public' | 'ingest';
  body?: B;
  /** document `body` but let the handler read it (ingest authenticates before reading) */
  ownBody?: boolean;
  query?: Q;
  /** request headers, documented (the handler reads them itself) */
  headers?: z.ZodObject;
  /**
   * error statuses the handler answers beyond those every endpoint of its kind can
   * (400 with a body or query, 401/403 unless public, 404 with a path parameter, 413 with a
   * body, 429 unless public, 503 when the store is down), e.g. 409, each with its meaning; the
   * meaning of an automatic status can be given here too
   */
  errors?: Record<number, string>;
  responses: Record<number, { description: string; schema?: Schema; headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }> }>;
}

type Infer<S> = S extends Schema ? z.infer<S> : undefined;

export interface Router {
  hono: Hono<Env>;
  /** absent where no document is served (ingest and worker functions) */
  registry?: OpenAPIRegistry;
  prefix: string;
}

const STD_ERRORS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or invalid credentials',
  403: 'Role or scope not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported Content-Encoding (ingest inflates gzip and deflate)',
  429: 'Rate limited (per write key on ingest; on any route, too many failed authentications from this address or key prefix); retry after `Retry-After` seconds',
  503: 'Overloaded (ingest sheds load beyond what it can serve in time) or the store unavailable or throttling; retry after `Retry-After` seconds',
};

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' as const } } };

/** Every error status an endpoint can answer (see `EndpointDef.errors`). */
export function errorStatusesOf(def: Pick<EndpointDef<Schema | undefined, Schema | undefined>, 'method' | 'path' | 'auth' | 'body' | 'query' | 'errors'>): number[] {
  const statuses = [
    ...(def.body || def.query ? [400] : []),
    ...(def.auth === 'public' ? [] : [401, 403]),
    ...(/:[A-Za-z]/.test(def.path) ? [404] : []),
    // the body limits (413) apply to the routes that read a body
    ...(def.body ? [413] : []),
    // per write key on ingest; on every route with credentials, too many failed authentications
    ...(def.auth === 'public' ? [] : [429]),
    // ingest inflates gzip / deflate bodies and refuses other encodings
    ...(def.auth === 'ingest' ? [415] : []),
    ...(def.auth === 'public' ? [] : [503]),
    ...Object.keys(def.errors ?? {}).map(Number),
  ];
  return [...new Set(statuses)].sort((a, b) => a - b);
}

/** Read the body within the API limit (gzip/deflate inflated) and parse it as JSON with a clear 400. */
export async function readJson(c: Context<Env>, limit = API_BODY_LIMIT, tooLargeMessage = `request body exceeds ${limit} bytes`): Promise<unknown> {
  const bytes = await readBody(c, limit, tooLargeMessage);
  return parseJson(bytes.toString('utf8'));
}

export function validate<S extends Schema>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError(400, 'invalid_request', `invalid ${where}: ${summarize(parsed.error)}`, issuesOf(parsed.error));
  return parsed.data;
}

/** Mount one endpoint on a router and document it. */
export function endpoint<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  r: Router,
  def: EndpointDef<B, Q>,
  handler: (c: Context<Env>, input: { body: Infer<B>; query: Infer<Q>; params: Record<string, string> }) => Promise<Response> | Response,
): void {
  const openPath = (r.prefix + def.path).replace(/:([A-Za-z]+)/g, '{$1}');
  const paramNames = [...def.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const errorStatuses = errorStatusesOf(def);
  r.registry?.registerPath({
    method: def.method,
    path: openPath,
    summary: def.summary,
    tags: def.tags,
    security: def.auth === 'public' ? [] : def.auth === 'ingest' ? [{ writeKey: [] }] : [{ bearer: [] }],
    request: {
      ...(paramNames.length ? { params: z.object(Object.fromEntries(paramNames.map((p) => [p, RouteId]))) } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      ...(def.headers ? { headers: def.headers as never } : {}),
      // ingest reads JSON whatever the declared type (Segment's browser SDK sends text/plain)
      ...(def.body ? { body: { required: true, content: Object.fromEntries((def.auth === 'ingest' ? ['application/json', 'text/plain'] : ['application/json']).map((t) => [t, { schema: def.body }])) } } : {}),
    },
    responses: Object.fromEntries([
      ...Object.entries(def.responses).map(([status, r]) => [
        status,
        { description: r.description, ...(r.headers ? { headers: r.headers } : {}), ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}) },
      ]),
      ...errorStatuses
        .filter((s) => !(s in def.responses))
        .map((s) => [s, { description: def.errors?.[s] ?? STD_ERRORS[s], ...(s === 429 || s === 503 ? { headers: RETRY_AFTER } : {}), content: { 'application/json': { schema: ErrorBody } } }]),
    ]),
  });
  const guards = def.auth === 'public' || def.auth === 'ingest' ? [] : [requireRole(def.auth)];
  r.hono.on([def.method.toUpperCase()], [def.path], ...guards, async (c: Context<Env>) => {
    const body = def.body && !def.ownBody ? validate(def.body, await readJson(c), 'body') : undefined;
    const query = def.query ? validate(def.query, c.req.query(), 'query') : undefined;
    return handler(c, { body: body as Infer<B>, query: query as Infer<Q>, params: validateParams(c.req.param() as Record<string, string>) });
  });
}
