/**
 * `/openapi.json` is the reference: for every route, the statuses it answers are exactly the
 * ones it documents. Every route of `test/helpers/routes.ts` (the table the authorization matrix
 * checks against the served routes) is provoked in every way a client can get an error:
 * no credential, a too-weak one, an unknown query parameter, a malformed / empty / oversized /
 * non-JSON body, an unknown id, a store that is down, the per-key rate limit, and the conflicts
 * each route names. Each answer must be documented for its route, and each documented status
 * must have been answered at least once (but for a few that only a race can cause, listed below
 * with the reason).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/src/app';
import { loadConfig } from '../../functions/src/config';
import { openApiDocs } from '../../functions/src/openapi';
import { createServices } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import { LIMITS } from '../../shared/ingest';
import { todayUtc } from '../../shared/primitives';
import { createTestContext, testEndpoint, type TestContext } from '../helpers/context';
import { ROUTES, fixtureRoadmap, routeKey, type Method, type RouteEntry, type RouteEnv } from '../helpers/routes';
import { storeDoor, type StoreDoor } from '../helpers/store-door';

/** Documented statuses no single-client test can cause, with the reason. */
const RACE_ONLY: Record<string, Record<number, string>> = {
  'PUT /api/v1/mission': { 409: 'only when the very first roadmap is imported concurrently' },
  'POST /api/v1/plan/accept': { 409: 'only when the roadmap is replaced while the plan is applied' },
};

type Call = (method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any; headers: Headers }>;

let ctx: TestContext;
let env: RouteEnv;
let doc: any;
let n = 0;
/** route key → status → what caused it */
const observed = new Map<string, Map<number, string>>();

const documented = (r: RouteEntry): number[] => Object.keys(doc.paths[r.path]?.[r.method.toLowerCase()]?.responses ?? {}).map(Number).sort((a, b) => a - b);

function record(r: RouteEntry, status: number, how: string) {
  const k = routeKey(r.method, r.path);
  if (!observed.has(k)) observed.set(k, new Map());
  if (!observed.get(k)!.has(status)) observed.get(k)!.set(status, how);
}

/** Credentials as the route takes them: Basic-auth write key on ingest, Bearer on the API. */
function auth(r: RouteEntry, key: string | null): Record<string, string> {
  if (!key) return {};
  return r.min === 'ingest' ? { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } : { authorization: `Bearer ${key}` };
}
const allowedKey = (r: RouteEntry) => (r.min === 'public' ? null : ctx.tokens[r.min]);
const withQuery = (path: string, q: string) => path + (path.includes('?') ? '&' : '?') + q;

async function provoke(r: RouteEntry, call: Call, how: string, path: string, opts: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await call(r.method, path, { token: null, headers: { ...auth(r, opts.key === undefined ? allowedKey(r) : opts.key), ...opts.headers }, body: opts.body });
  record(r, res.status, how);
  if (res.status >= 400) expect(res.body, `${how}: ${r.method} ${path} answers in the error shape`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  return res;
}

beforeAll(async () => {
  ctx = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '100000', SEXTANT_AUTH_FAILURES_PER_MINUTE: '100000' });
  const today = todayUtc(ctx.services.now());
  const admin = (method: Method, path: string, body?: unknown) => ctx.call(method, path, { token: ctx.tokens.admin, body });
  expect((await admin('PUT', '/api/v1/roadmap', fixtureRoadmap(today))).status).toBe(200);
  const it = await admin('POST', '/api/v1/iterations', { name: 'OpenAPI fixture' });
  expect(it.status).toBe(201);
  env = { today, iterationId: it.body.id, admin };
  doc = (await ctx.call('GET', '/openapi.json', { token: null })).body;
}, 60_000);
afterAll(async () => {
  const pairs = [...observed.values()].reduce((sum, m) => sum + m.size, 0);
  // eslint-disable-next-line no-console
  console.log(`openapi: ${ROUTES.length} routes, ${pairs} route × status pairs answered and documented`);
  await ctx?.close();
});

describe('every route answers only what /openapi.json documents for it', () => {
  it('every route of the table is documented', () => {
    const undocumented = ROUTES.filter((r) => !doc.paths[r.path]?.[r.method.toLowerCase()]).map((r) => routeKey(r.method, r.path));
    expect(undocumented).toEqual([]);
  });

  it('the allowed request, no credential, a too-weak credential', async () => {
    for (const r of ROUTES) {
      const req = await r.request(env, n++);
      const ok = await provoke(r, ctx.call, 'allowed', req.path, { body: req.body });
      expect(ok.status, `${r.method} ${req.path}`).toBe(r.allowed);
      if (r.min === 'public') continue;
      await provoke(r, ctx.call, 'no credential', (await r.request(env, n++)).path, { key: null, body: (await r.request(env, n++)).body });
      const weak = r.min === 'ingest' ? ctx.tokens.admin : ctx.tokens.ingest;
      const w = await r.request(env, n++);
      await provoke(r, ctx.call, 'too weak a credential', w.path, { key: weak, body: w.body });
      if (r.min === 'editor' || r.min === 'admin') {
        const v = await r.request(env, n++);
        await provoke(r, ctx.call, 'viewer below the route minimum', v.path, { key: ctx.tokens.viewer, body: v.body });
      }
    }
  }, 120_000);

  it('an unknown query parameter; a malformed, empty, non-JSON or oversized body', async () => {
    for (const r of ROUTES) {
      const req = await r.request(env, n++);
      await provoke(r, ctx.call, 'unknown query parameter', withQuery(req.path, 'zz=1'), { body: req.body });
      if (r.method === 'GET') continue;
      await provoke(r, ctx.call, 'malformed JSON body', (await r.request(env, n++)).path, { body: '{"a":' });
      await provoke(r, ctx.call, 'empty body', (await r.request(env, n++)).path, { body: '' });
      const t = await r.request(env, n++);
      await provoke(r, ctx.call, 'valid JSON sent as text/plain', t.path, { body: JSON.stringify(t.body ?? {}), headers: { 'content-type': 'text/plain' } });
      const limit = r.min === 'ingest' ? LIMITS.batchBytes : 2 * 1024 * 1024;
      await provoke(r, ctx.call, 'body beyond the limit', (await r.request(env, n++)).path, { body: JSON.stringify({ pad: 'x'.repeat(limit + 1) }) });
      if (r.min === 'ingest') {
        const e = await r.request(env, n++);
        await provoke(r, ctx.call, 'a Content-Encoding ingest does not inflate', e.path, { body: JSON.stringify(e.body ?? {}), headers: { 'content-encoding': 'br' } });
      }
    }
  }, 120_000);

  it('an unknown id in the path (and in `against`)', async () => {
    for (const r of ROUTES.filter((x) => x.path.includes('{id}'))) {
      const req = await r.request(env, n++);
      const known = r.path.split('/').findIndex((s) => s === '{id}');
      const parts = req.path.split('/');
      parts[known] = 'no-such-id';
      await provoke(r, ctx.call, 'unknown id', parts.join('/'), { body: req.body });
      if (req.path.includes('against=')) await provoke(r, ctx.call, 'unknown against', req.path.replace(/against=[^&]+/, 'against=no-such-id'), { body: req.body });
    }
  });

  it('the conflicts each route names', async () => {
    const byKey = new Map(ROUTES.map((r) => [routeKey(r.method, r.path), r]));
    const conflict = async (key: string, how: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await provoke(byKey.get(key)!, ctx.call, how, path, { body, headers });
      expect(res.status, `${how}: ${JSON.stringify(res.body)}`).toBe(409);
    };
    await conflict('PUT /api/v1/roadmap', 'If-Match of another version', '/api/v1/roadmap', fixtureRoadmap(env.today), { 'if-match': '"v999999"' });
    await conflict('POST /api/v1/themes', 'existing id', '/api/v1/themes', { id: 'core', name: 'Core' });
    await conflict('POST /api/v1/milestones', 'existing id', '/api/v1/milestones', { id: 'm-now', name: 'Now', start: env.today, end: env.today });
    await conflict('POST /api/v1/epics', 'existing id', '/api/v1/epics', { id: 'planned-epic', title: 'Planned', themeId: 'core' });
    await conflict('POST /api/v1/stories', 'existing id', '/api/v1/stories', { id: 'story-1', epicId: 'shipped-epic', title: 'Story' });
    await conflict('DELETE /api/v1/themes/{id}', 'theme with epics', '/api/v1/themes/core');
    await conflict('DELETE /api/v1/milestones/{id}', 'milestone with epics', '/api/v1/milestones/m-now');
    expect((await env.admin('POST', '/api/v1/epics', { id: 'lead', title: 'Lead', themeId: 'core' })).status).toBe(201);
    expect((await env.admin('POST', '/api/v1/epics', { id: 'follower', title: 'Follower', themeId: 'core', followUpOf: 'lead' })).status).toBe(201);
    await conflict('DELETE /api/v1/epics/{id}', 'epic with follow-ups', '/api/v1/epics/lead');
    expect((await env.admin('POST', '/api/v1/epics', { id: 'dropped', title: 'Dropped', themeId: 'core', status: 'cancelled' })).status).toBe(201);
    await conflict('POST /api/v1/epics/{id}/ship', 'cancelled epic', '/api/v1/epics/dropped/ship', { shippedAt: env.today });
    const person = await env.admin('POST', '/api/v1/people', { email: 'conflict@fabrikam.example', role: 'viewer' });
    expect(person.status).toBe(201);
    await conflict('POST /api/v1/people', 'email already on the list', '/api/v1/people', { email: 'conflict@fabrikam.example', role: 'editor' });
    await conflict('PATCH /api/v1/people/{id}', 'another person’s email', `/api/v1/people/${person.body.id as string}`, { role: 'editor', email: 'other@fabrikam.example' });
    await conflict('PATCH /api/v1/epics/{id}', 'a shipped epic\'s target moved without a reason', '/api/v1/epics/shipped-epic', { targets: [{ metric: 'adoption_rate', op: '>=', value: 0.05, windowDays: 28 }] });
  });

  it('the per-key rate limit on ingest', async () => {
    const limited = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '1' });
    try {
      for (const r of ROUTES.filter((x) => x.min === 'ingest')) {
        const key = (await limited.services.keys.create({ name: `limited ${r.path}`, scope: 'ingest' })).key;
        for (let i = 0; i < 2; i++) {
          const req = await r.request(env, n++);
          const res = await provoke(r, limited.call, i === 0 ? 'allowed' : 'second request within the minute (limit 1)', req.path, { key, body: req.body });
          if (i === 1) {
            expect(res.status).toBe(429);
            expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          }
        }
      }
    } finally {
      await limited.close();
    }
  });

  it('an ask sent again with the same externalId is updated (200)', async () => {
    const r = ROUTES.find((x) => routeKey(x.method, x.path) === 'POST /api/v1/asks')!;
    const body = { externalId: `openapi-${n++}`, source: 'support', title: 'Same ask', askedAt: env.today };
    expect((await provoke(r, ctx.call, 'a new externalId', '/api/v1/asks', { body })).status).toBe(201);
    expect((await provoke(r, ctx.call, 'the same externalId again (last write wins)', '/api/v1/asks', { body: { ...body, title: 'Same ask, edited' } })).status).toBe(200);
  });

  it('too many failed authentications from one address', async () => {
    const limited = await createTestContext({ SEXTANT_AUTH_FAILURES_PER_MINUTE: '1', SEXTANT_RATE_LIMIT_PER_MINUTE: '100000' });
    try {
      let t = Date.parse(`${env.today}T12:00:00Z`);
      for (const r of ROUTES.filter((x) => x.min !== 'public')) {
        limited.setNow((t += 61_000)); // a fresh window for each route
        const req = await r.request(env, n++);
        const wrong = await provoke(r, limited.call, 'a wrong key', req.path, { key: 'sx_wrong_0000000000000000000000', body: req.body });
        expect(wrong.status).toBe(401);
        const res = await provoke(r, limited.call, 'after more failed authentications from this address than the limit (1 a minute)', req.path, { key: limited.tokens[r.min as 'viewer'], body: req.body });
        expect(res.status, routeKey(r.method, r.path)).toBe(429);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      await limited.close();
    }
  });

  it('the rollup queued for the worker where there is one (AWS)', async () => {
    const queued = await createTestContext();
    try {
      const jobs: unknown[] = [];
      // the deployment's job queue (SQS on AWS): the route hands the rollup to the worker
      queued.services.enqueue = async (job) => void jobs.push(job);
      const r = ROUTES.find((x) => routeKey(x.method, x.path) === 'POST /api/v1/rollups')!;
      const res = await provoke(r, queued.call, 'a job queue is configured', '/api/v1/rollups', { key: queued.tokens.editor });
      expect(res.status).toBe(202);
      expect(jobs).toEqual([{ job: 'rollup' }]);
    } finally {
      await queued.close();
    }
  });

  it('a store that is down', async () => {
    const door: StoreDoor = await storeDoor(testEndpoint());
    let store: Store | undefined;
    try {
      const table = `t_${randomBytes(6).toString('hex')}`;
      const config = loadConfig({ SEXTANT_STORE: 'dynamodb', DYNAMODB_ENDPOINT: door.url, SEXTANT_TABLE: table, SEXTANT_DEMO: '0' });
      store = await openStore({ kind: 'dynamodb', table, endpoint: door.url, maxAttempts: 1 });
      const services = createServices(config, store, randomBytes(32));
      const app = createApp(services, { docs: openApiDocs() });
      const call: Call = async (method, path, opts = {}) => {
        const headers: Record<string, string> = { ...(opts.headers ?? {}) };
        let body: string | undefined;
        if (opts.body !== undefined) {
          headers['content-type'] ??= 'application/json';
          body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        }
        const res = await app.request(path, { method, headers, body });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
      };
      await door.close();
      for (const r of ROUTES) {
        // request paths and bodies from the live fixture; any credential (the store cannot check it)
        const req = await r.request(env, n++);
        const res = await provoke(r, call, 'store down', req.path, { key: r.min === 'public' ? null : allowedKey(r), body: req.body });
        // public routes that read no store (health, the document) stay up; the sign-in exchange reads it
        if (r.min === 'public') expect(res.status).toBe(documented(r).includes(503) ? 503 : 200);
        else {
          expect(res.status, `${r.method} ${req.path}`).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        }
      }
    } finally {
      await store?.close();
      await door.dispose();
    }
  }, 60_000);

  it('each answer is documented for its route, and each documented status was answered', () => {
    const undocumented: string[] = [];
    const unexercised: string[] = [];
    for (const r of ROUTES) {
      const k = routeKey(r.method, r.path);
      const docs = documented(r);
      const seen = observed.get(k) ?? new Map<number, string>();
      for (const [status, how] of seen) if (!docs.includes(status)) undocumented.push(`${k} answered ${status} (${how})`);
      for (const status of docs) if (!seen.has(status) && !RACE_ONLY[k]?.[status]) unexercised.push(`${k} documents ${status}`);
    }
    expect(undocumented, 'statuses a route answers but /openapi.json does not list').toEqual([]);
    expect(unexercised, 'statuses /openapi.json lists but no provocation caused').toEqual([]);
    // errors are documented in the error shape, 429 and 503 with Retry-After
    for (const r of ROUTES) {
      for (const [status, response] of Object.entries(doc.paths[r.path][r.method.toLowerCase()].responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        expect(response.content['application/json'].schema.$ref, `${routeKey(r.method, r.path)} ${status}`).toMatch(/ErrorBody|Error/);
        if (status === '429' || status === '503') expect(response.headers?.['Retry-After'], `${routeKey(r.method, r.path)} ${status}`).toBeDefined();
      }
    }
  });
});

describe('the document served by the API function on AWS', () => {
  it('is the same reference: it lists the ingest routes the ingest function serves', async () => {
    const api = createApp(ctx.services, { parts: ['api', 'health'], docs: openApiDocs() });
    const served = await (await api.request('/openapi.json')).json();
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(doc.paths).sort());
    expect((await api.request('/v1/batch', { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('PUT /api/v1/roadmap documents If-Match and ETag', () => {
  it('If-Match as a header parameter, ETag on the answers of GET and PUT, 409 on a version mismatch', () => {
    const put = doc.paths['/api/v1/roadmap'].put;
    const ifMatch = (put.parameters as { in: string; name: string; description?: string; required?: boolean }[]).find((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match');
    expect(ifMatch).toBeDefined();
    expect(ifMatch!.required ?? false).toBe(false);
    expect(ifMatch!.description).toMatch(/ETag/);
    expect(put.responses['200'].headers.ETag.description).toMatch(/If-Match/);
    expect(doc.paths['/api/v1/roadmap'].get.responses['200'].headers.ETag).toBeDefined();
    expect(put.responses['409'].description).toMatch(/If-Match/);
  });

  it('behaves as documented: the ETag of GET, sent back as If-Match, imports; a stale one is refused with 409 and changes nothing', async () => {
    const got = await ctx.call('GET', '/api/v1/roadmap', { token: ctx.tokens.viewer });
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^"v\d+"$/);
    const ok = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: got.body, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    const next = ok.headers.get('etag')!;
    expect(next).not.toBe(etag);
    const stale = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: { ...got.body, mission: { statement: 'Stale' } }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    const after = await ctx.call('GET', '/api/v1/roadmap', { token: ctx.tokens.viewer });
    expect(after.headers.get('etag')).toBe(next);
    expect(after.body.mission.statement).not.toBe('Stale');
  });
});
