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
  responses: Record<number, { description: string; schema?: Schema }>;
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
  415: 'Unsupported Content-Encoding',
  429: 'Rate limited',
  503: 'Overloaded or the store unavailable; retry after `Retry-After` seconds',
};

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
  const errorStatuses = [400, 413, 429, ...(def.auth === 'public' ? [] : [401, 403]), ...(def.auth === 'ingest' ? [415, 503] : [])];
  r.registry?.registerPath({
    method: def.method,
    path: openPath,
    summary: def.summary,
    tags: def.tags,
    security: def.auth === 'public' ? [] : def.auth === 'ingest' ? [{ writeKey: [] }] : [{ bearer: [] }],
    request: {
      ...(paramNames.length ? { params: z.object(Object.fromEntries(paramNames.map((p) => [p, z.string()]))) } : {}),
      ...(def.query ? { query: def.query as never } : {}),
      // ingest reads JSON whatever the declared type (Segment's browser SDK sends text/plain)
      ...(def.body ? { body: { required: true, content: Object.fromEntries((def.auth === 'ingest' ? ['application/json', 'text/plain'] : ['application/json']).map((t) => [t, { schema: def.body }])) } } : {}),
    },
    responses: Object.fromEntries([
      ...Object.entries(def.responses).map(([status, r]) => [
        status,
        { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: r.schema } } } : {}) },
      ]),
      ...errorStatuses
        .filter((s) => !(s in def.responses))
        .map((s) => [s, { description: STD_ERRORS[s], content: { 'application/json': { schema: ErrorBody } } }]),
    ]),
  });
  const guards = def.auth === 'public' || def.auth === 'ingest' ? [] : [requireRole(def.auth)];
  r.hono.on([def.method.toUpperCase()], [def.path], ...guards, async (c: Context<Env>) => {
    const body = def.body && !def.ownBody ? validate(def.body, await readJson(c), 'body') : undefined;
    const query = def.query ? validate(def.query, c.req.query(), 'query') : undefined;
    return handler(c, { body: body as Infer<B>, query: query as Infer<Q>, params: c.req.param() as Record<string, string> });
  });
}
