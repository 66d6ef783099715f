/**
 * The bundled Lambda handlers, invoked in-process with real API Gateway HTTP API (payload
 * v2) events against dynalite: ingest a batch through the ingest function, roll up through
 * the worker, read the impact through the API function.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambdas } from '../helpers/bundle';
import { testEndpoint } from '../helpers/context';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { todayUtc, addDays } from '../../shared/primitives';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string; headers?: Record<string, string> }>;

function httpEvent(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; query?: string; sourceIp?: string } = {}) {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: path.startsWith('/v1/') ? 'POST /v1/{proxy+}' : 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString: opts.query ?? '',
    headers: { 'content-type': 'application/json', host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'user-agent': 'test', ...(opts.headers ?? {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: opts.sourceIp ?? '203.0.113.7', userAgent: 'test' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}

const context = { functionName: 'test', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 };

describe('bundled Lambda handlers', () => {
  let server: Server | undefined;
  const adminToken = `sx_adm_${randomBytes(20).toString('hex')}`;
  let api: Handler;
  let ingest: Handler;
  let worker: { handler: (e: unknown) => Promise<unknown>; queueHandler: (e: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> };

  beforeAll(async () => {
    let endpoint = testEndpoint();
    if (!endpoint) {
      const { default: dynalite } = await import('dynalite');
      server = dynalite({ createTableMs: 0 });
      await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', () => ok()));
      endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    }
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: endpoint,
      SEXTANT_TABLE: `lambda_${randomBytes(4).toString('hex')}`,
      SEXTANT_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
      SEXTANT_ADMIN_TOKEN: adminToken,
      SEXTANT_ENSURE_ADMIN: '1',
      SEXTANT_LOG_LEVEL: 'warn',
    });
    const { bundles } = await bundleLambdas();
    api = (await import(bundles.api.file)).handler;
    ingest = (await import(bundles.ingest.file)).handler;
    worker = await import(bundles.worker.file);
  }, 120_000);
  afterAll(async () => {
    if (server) await new Promise<void>((ok) => server!.close(() => ok()));
  });

  const json = (res: { body: string }) => JSON.parse(res.body);

  it('serves health and rejects requests without credentials in the error shape', async () => {
    const health = await api(httpEvent('GET', '/health'), context);
    expect(health.statusCode).toBe(200);
    const denied = await api(httpEvent('GET', '/api/v1/roadmap'), context);
    expect(denied.statusCode).toBe(401);
    expect(json(denied).error.code).toBe('unauthorized');
  });

  it("limits failed authentication per API Gateway sourceIp (not per header the client writes)", async () => {
    const wrong = { authorization: `Bearer sx_adm_${'w'.repeat(40)}`, 'x-forwarded-for': '203.0.113.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await api(httpEvent('GET', '/api/v1/me', { headers: wrong, sourceIp: '198.51.100.9' }), context)).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    const limited = await api(httpEvent('GET', '/api/v1/me', { headers: { authorization: `Bearer ${adminToken}` }, sourceIp: '198.51.100.9' }), context);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers?.['retry-after'] ?? limited.headers?.['Retry-After'])).toBeGreaterThan(0);
    // another address is unaffected
    expect((await api(httpEvent('GET', '/api/v1/me', { headers: { authorization: `Bearer ${adminToken}` }, sourceIp: '203.0.113.8' }), context)).statusCode).toBe(200);
  });

  it('ingests a batch through the ingest function and reads the impact through the API function', async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const today = todayUtc();
    const { roadmap } = fabrikamWorld(today);
    expect((await api(httpEvent('PUT', '/api/v1/roadmap', { body: roadmap, headers: auth }), context)).statusCode).toBe(200);
    const key = json(await api(httpEvent('POST', '/api/v1/keys', { body: { name: 'lambda test', scope: 'ingest' }, headers: auth }), context));
    expect(key.key).toMatch(/^sx_ing_/);

    const shipped = roadmap.epics.find((e) => e.id === 'size-advisor')!;
    const batch = Array.from({ length: 60 }, (_, i) => ({
      type: 'track',
      messageId: `lambda-${i}`,
      userId: `user-${i % 40}`,
      event: i < 40 ? 'App Opened' : 'Size Advice Shown',
      timestamp: `${addDays(shipped.shippedAt!, 1)}T10:00:00.000Z`,
    }));
    const basic = 'Basic ' + Buffer.from(`${key.key}:`).toString('base64');
    const res = await ingest(httpEvent('POST', '/v1/batch', { body: { batch, sentAt: new Date().toISOString() }, headers: { authorization: basic } }), context);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ success: true, accepted: 60, duplicates: 0, rejected: [] });
    const again = await ingest(httpEvent('POST', '/v1/batch', { body: { batch }, headers: { authorization: basic } }), context);
    expect(json(again)).toMatchObject({ accepted: 0, duplicates: 60 });
    // a gzip body (API Gateway hands it over base64-encoded) on Segment's short batch path
    const gz = gzipSync(JSON.stringify({ batch: [{ type: 'page', name: 'Home', messageId: 'lambda-gz', userId: 'user-1', timestamp: batch[0].timestamp }] }));
    const gzEvent = { ...httpEvent('POST', '/v1/b', { headers: { authorization: basic, 'content-encoding': 'gzip', 'content-type': 'text/plain' } }), body: gz.toString('base64'), isBase64Encoded: true };
    const gzRes = await ingest(gzEvent, context);
    expect([gzRes.statusCode, json(gzRes)]).toEqual([200, { success: true, accepted: 1, duplicates: 0, rejected: [] }]);

    // the API function does not serve ingest routes, nor the ingest function the API
    expect((await api(httpEvent('POST', '/v1/batch', { body: { batch }, headers: { authorization: basic } }), context)).statusCode).toBe(404);
    expect((await ingest(httpEvent('GET', '/api/v1/roadmap', { headers: auth }), context)).statusCode).toBe(404);

    const scheduled = (await worker.handler({})) as { rollup: { ran: boolean } };
    expect(scheduled.rollup.ran).toBe(true);
    const queued = await worker.queueHandler({ Records: [{ messageId: 'm1', body: JSON.stringify({ job: 'rollup' }) }, { messageId: 'm2', body: '{"job":"nonsense"}' }] });
    expect(queued.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);

    const impact = json(await api(httpEvent('GET', '/api/v1/impact', { headers: auth }), context));
    const epic = impact.epics.find((e: { id: string }) => e.id === 'size-advisor');
    const outcome = json(await api(httpEvent('GET', '/api/v1/epics/size-advisor/outcome', { headers: auth }), context));
    expect(outcome.adoption.adopters).toBe(20);
    expect(outcome.adoption.activeUsers).toBe(40);
    expect(epic.adoptionRate).toBeCloseTo(0.5, 10);
  });
});

describe('rollups on demand where the API may not write them', () => {
  it('hands the job to the worker queue and answers 202; the worker accepts that very message', async () => {
    const { createTestContext } = await import('../helpers/context');
    const ctx = await createTestContext();
    try {
      const sent: unknown[] = [];
      // SQS is not reachable here: record what the API hands to the queue
      ctx.services.enqueue = async (job) => void sent.push(job);
      const res = await ctx.call('POST', '/api/v1/rollups', { token: ctx.tokens.editor });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ queued: true });
      expect(sent).toEqual([{ job: 'rollup' }]);
      const { runQueuedJob } = await import('../../functions/src/analytics/jobs');
      expect(await runQueuedJob(ctx.services, sent[0])).toMatchObject({ ran: true });
    } finally {
      await ctx.close();
    }
  });
});
