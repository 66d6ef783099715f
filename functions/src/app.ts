/**
 * The Hono app shared by the local server and every Lambda function.
 * Errors are mapped to `{ error: { code, message, details } }` here, in one place.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isExempt } from './audit/exempt';
import { auditRoutes } from './routes/audit';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from './errors';
import { API_BODY_LIMIT, declaredLengthLimit, keepAliveSafe } from './edge';
import type { Env } from './context';
import type { Router } from './http';
import type { OpenApiDocs } from './openapi';
import { log } from './log';
import { keyRoutes, meRoute } from './routes/keys';
import { roadmapRoutes } from './routes/roadmap';
import { ingestRoutes } from './routes/ingest';
import { outcomeRoutes } from './routes/outcomes';
import { iterationRoutes } from './routes/iterations';
import { askIngestRoutes, askRoutes } from './routes/asks';
import { sessionRoutes } from './routes/session';
import { reviewRoutes } from './routes/review';
import { subscriptionRoutes } from './routes/subscriptions';
import { peopleRoutes } from './routes/people';
import type { Services } from './services';


const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AppOptions {
  /** which route groups to mount (Lambda functions mount only their own) */
  parts?: ('api' | 'ingest' | 'health')[];
  /** serve `/openapi.json` (the API function and the local server) */
  docs?: OpenApiDocs;
}

/**
 * The route pattern a request matched (`/api/v1/epics/:id`), for logs: the raw path is the
 * client's to fill and may carry a token or a user id put in the wrong place.
 */
function routeOf(c: Context): string {
  return matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1)?.path ?? '(no route)';
}

export function createApp(services: Services, opts: AppOptions = {}) {
  const parts = new Set(opts.parts ?? ['api', 'ingest', 'health']);
  const app = new Hono<Env>();
  const registry = opts.docs?.registry;

  // first: after every answer, a body nobody read is drained or the connection closed
  app.use('*', keepAliveSafe);
  app.use('*', async (c, next) => {
    c.set('services', services);
    // the id the logs carry (Powertools logs awsRequestId on Lambda), answered as X-Request-Id and kept in audit entries
    const requestId = (c.env as { lambdaContext?: { awsRequestId?: string } } | undefined)?.lambdaContext?.awsRequestId ?? randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    c.header('X-Content-Type-Options', 'nosniff');
    // every change is recorded (functions/src/audit/): a write answered 2xx without its entry is a bug
    if (WRITE_METHODS.has(c.req.method) && c.res.status < 300 && !c.get('audited') && !isExempt(c.req.method, routeOf(c)) && !(c.req.query('dryRun') ?? '').match(/^(1|true)$/)) {
      log.error('write answered without an audit entry', { method: c.req.method, route: routeOf(c), requestId });
    }
    // API answers carry keys, tokens and roadmap data: no cache keeps them (static assets set their own)
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'no-referrer');
    const ms = Math.round(performance.now() - started);
    if (c.res.status >= 500) log.error('request failed', { method: c.req.method, route: routeOf(c), status: c.res.status, ms, requestId });
    else log.debug('request', { method: c.req.method, route: routeOf(c), status: c.res.status, ms, requestId });
  });

  if (parts.has('health')) {
    app.get('/health', (c) => c.json({ status: 'ok', version: '0.1.0', store: services.config.SEXTANT_STORE }));
    const docs = opts.docs;
    if (docs) app.get('/openapi.json', (c) => c.json(docs.document() as object));
    // documented too (they answer 200 only: neither reads the store)
    registry?.registerPath({ method: 'get', path: '/health', summary: 'Liveness: the process answers', tags: ['Meta'], security: [], responses: { 200: { description: 'Up' } } });
    if (docs) registry?.registerPath({ method: 'get', path: '/openapi.json', summary: 'This OpenAPI 3.1 document', tags: ['Meta'], security: [], responses: { 200: { description: 'The document' } } });
  }

  if (parts.has('api')) {
    const api = new Hono<Env>();
    api.use('*', declaredLengthLimit(API_BODY_LIMIT, `request body exceeds ${API_BODY_LIMIT} bytes`));
    const r: Router = { hono: api, registry, prefix: '/api/v1' };
    roadmapRoutes(r);
    keyRoutes(r);
    meRoute(r);
    outcomeRoutes(r);
    iterationRoutes(r);
    askRoutes(r);
    sessionRoutes(r);
    reviewRoutes(r);
    subscriptionRoutes(r);
    peopleRoutes(r);
    auditRoutes(r);
    app.route('/api/v1', api);
  }

  const ingestOptions = { perMinute: services.config.SEXTANT_RATE_LIMIT_PER_MINUTE, maxInFlight: services.config.SEXTANT_INGEST_MAX_IN_FLIGHT, maxWaitMs: services.config.SEXTANT_INGEST_MAX_WAIT_MS };
  if (parts.has('ingest')) ingestRoutes(app, registry, ingestOptions);
  // the API function serves the document: it lists the ingest routes another function serves
  else if (registry) ingestRoutes(new Hono<Env>(), registry, ingestOptions);
  // POST /v1/asks (write keys) is served with the API: asks are checked against the roadmap
  if (parts.has('api')) askIngestRoutes(app, registry, services.config.SEXTANT_RATE_LIMIT_PER_MINUTE);

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      if ((err.status === 429 || err.status === 503) && typeof (err.details as { retryAfterSeconds?: number })?.retryAfterSeconds === 'number') {
        c.header('Retry-After', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
      return c.json({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } }, err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: err.status === 413 ? 'payload_too_large' : 'http_error', message: err.message || 'request failed' } }, err.status as ContentfulStatusCode);
    }
    if (isStoreUnavailable(err)) {
      c.header('Retry-After', '5');
      return c.json({ error: { code: 'unavailable', message: 'the store is unavailable or throttling; retry later' } }, 503);
    }
    log.error('unhandled error', { route: routeOf(c), error: (err as Error).name, message: (err as Error).message });
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  return app;
}

/** Store faults that a client should retry: throttling after our own retries, connection failures. */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalServerError', 'TimeoutError', 'StoreBusyError'].includes(e.name ?? '') ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code ?? '') ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

export type App = ReturnType<typeof createApp>;
