/**
 * Authorization matrix: every route × {no credentials, wrong key, revoked key, ingest key,
 * viewer, editor, admin, and a person of each role signed in with the identity provider (an ID
 * token from a real oidc-provider, role from the groups claim)}, generated from the one table in
 * `test/helpers/routes.ts`.
 *
 * Expected per cell:
 * - public routes: the status the table states, whatever is presented;
 * - none / wrong / revoked: 401 in the error shape (`unauthorized`);
 * - a credential below the route's minimum, or of the wrong kind (a write key on the API,
 *   a role token on ingest): 403 in the error shape (`forbidden`);
 * - an allowed caller: exactly the status the table states for its minimal valid request
 *   (200 / 201 / 204) — never 401 or 403.
 * Role tokens are sent as `Authorization: Bearer`; write keys as the Basic-auth user (Segment's way).
 * A person is allowed what their role allows, except exchanging their token for a dashboard
 * session (POST /api/v1/session: 403; their role is looked up on every request instead).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../shared/primitives';
import { createTestContext, type TestContext } from '../helpers/context';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { ROUTES, fixtureRoadmap, routeKey, type Credential, type Method, type RouteEntry, type RouteEnv } from '../helpers/routes';

const CALLERS = ['none', 'wrong', 'revoked', 'ingest', 'viewer', 'editor', 'admin', 'person-viewer', 'person-editor', 'person-admin'] as const;
type Caller = (typeof CALLERS)[number];
const RANK: Record<Credential, number> = { public: 0, ingest: -1, viewer: 1, editor: 2, admin: 3 };

/** The expected status of one cell. */
function expectedStatus(route: RouteEntry, caller: Caller): number {
  if (route.min === 'public') return route.allowed;
  if (caller.startsWith('person-')) {
    if (route.method === 'POST' && route.path === '/api/v1/session') return 403;
    return expectedStatus(route, caller.slice('person-'.length) as Caller);
  }
  if (caller === 'none' || caller === 'wrong' || caller === 'revoked') return 401;
  if (route.min === 'ingest') return caller === 'ingest' ? route.allowed : 403;
  if (caller === 'ingest') return 403;
  return RANK[caller as Credential] >= RANK[route.min] ? route.allowed : 403;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const fakeKey = (tag: string) => `sx_${tag}_${Array.from(randomBytes(40), (b) => BASE62[b % 62]).join('')}`;

describe('authorization matrix', () => {
  let ctx: TestContext;
  let idp: TestProvider;
  let env: RouteEnv;
  const creds = {} as Record<Caller, { api: string | null; ingest: string | null }>;
  let cells = 0;
  let n = 0;

  beforeAll(async () => {
    // hundreds of deliberate 401s from one (in-process) address: lift the failed-auth limit
    idp = await startOidcProvider({
      accounts: Object.fromEntries((['viewer', 'editor', 'admin'] as const).map((r) => [r, { email: `${r}@matrix.example`, name: `Matrix ${r}`, groups: [`sextant-${r}`] }])),
      clients: [{ clientId: 'sextant-matrix', redirectUris: ['http://127.0.0.1:9/cb'] }],
    });
    ctx = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '100000', SEXTANT_AUTH_FAILURES_PER_MINUTE: '100000', SEXTANT_OIDC_ISSUER: idp.issuer, SEXTANT_OIDC_CLIENT_ID: 'sextant-matrix' });
    const today = todayUtc(ctx.services.now());
    const admin = (method: Method, path: string, body?: unknown) => ctx.call(method, path, { token: ctx.tokens.admin, body });
    expect((await admin('PUT', '/api/v1/roadmap', fixtureRoadmap(today))).status).toBe(200);
    const it = await admin('POST', '/api/v1/iterations', { name: 'Matrix fixture' });
    expect(it.status).toBe(201);
    env = { today, iterationId: it.body.id, admin };
    // revoked keys of the kinds that would otherwise be allowed: admin for the API, ingest for /v1
    const revoked: Record<'admin' | 'ingest', string> = { admin: '', ingest: '' };
    for (const scope of ['admin', 'ingest'] as const) {
      const k = await admin('POST', '/api/v1/keys', { name: `revoked ${scope}`, scope });
      expect(k.status).toBe(201);
      expect((await admin('DELETE', `/api/v1/keys/${k.body.id}`)).status).toBe(200);
      revoked[scope] = k.body.key;
    }
    creds.none = { api: null, ingest: null };
    creds.wrong = { api: fakeKey('adm'), ingest: fakeKey('ing') };
    creds.revoked = { api: revoked.admin, ingest: revoked.ingest };
    for (const c of ['ingest', 'viewer', 'editor', 'admin'] as const) creds[c] = { api: ctx.tokens[c], ingest: ctx.tokens[c] };
    for (const r of ['viewer', 'editor', 'admin'] as const) {
      const { id_token } = await idp.codeFlow(r);
      creds[`person-${r}`] = { api: id_token, ingest: id_token };
    }
  });

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`authorization matrix: ${cells} cells checked (${ROUTES.length} routes × ${CALLERS.length} callers)`);
    await ctx?.close();
    await idp?.close();
  });

  it('has exactly one entry per route the app serves (OpenAPI document and router)', async () => {
    const doc = await ctx.call('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    const served = new Set<string>();
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) served.add(routeKey(method, path));
    }
    expect(served.size).toBeGreaterThan(40);
    // routes mounted without `endpoint()` are not documented: take them from the router too
    for (const r of ctx.app.routes) if (r.method !== 'ALL') served.add(routeKey(r.method, r.path));

    const table = ROUTES.map((r) => routeKey(r.method, r.path));
    const dupes = table.filter((k, i) => table.indexOf(k) !== i);
    expect(dupes, 'routes listed twice in test/helpers/routes.ts').toEqual([]);
    const missing = [...served].filter((k) => !table.includes(k)).sort();
    expect(missing, 'routes without an entry in test/helpers/routes.ts (add one with its minimum credential)').toEqual([]);
    const unknown = table.filter((k) => !served.has(k));
    expect(unknown, 'routes in test/helpers/routes.ts that the app does not serve').toEqual([]);
  });

  it('documents the same minimum credential the table states', async () => {
    const doc = (await ctx.call('GET', '/openapi.json', { token: null })).body;
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      if (!op) continue; // undocumented public routes (/health, /openapi.json)
      const scheme = Object.keys(op.security?.[0] ?? {})[0] ?? 'public';
      expect([routeKey(r.method, r.path), scheme]).toEqual([routeKey(r.method, r.path), r.min === 'public' ? 'public' : r.min === 'ingest' ? 'writeKey' : 'bearer']);
    }
  });

  describe.each(ROUTES.map((r) => [routeKey(r.method, r.path), r] as const))('%s', (_name, route) => {
    it(`needs ${route.min}`, async () => {
      const results: string[] = [];
      const wanted: string[] = [];
      for (const caller of CALLERS) {
        const req = await route.request(env, n++);
        const key = route.min === 'ingest' ? creds[caller].ingest : creds[caller].api;
        const headers: Record<string, string> = {};
        if (key) headers.authorization = route.min === 'ingest' ? `Basic ${Buffer.from(`${key}:`).toString('base64')}` : `Bearer ${key}`;
        const res = await ctx.call(route.method, req.path, { token: null, headers, body: req.body });
        const want = expectedStatus(route, caller);
        cells++;
        results.push(`${caller}: ${res.status}${res.status >= 400 ? ` ${res.body?.error?.code}` : ''}`);
        wanted.push(`${caller}: ${want}${want === 401 ? ' unauthorized' : want === 403 ? ' forbidden' : ''}`);
        if (res.status >= 400) {
          expect(res.body, `${caller} on ${route.method} ${req.path}: error shape`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        }
      }
      expect(results).toEqual(wanted);
    });
  });

  it('checked every cell', () => {
    expect(cells).toBe(ROUTES.length * CALLERS.length);
  });
});
