/**
 * Every route of the app, once: the minimum credential it needs and a minimal valid request
 * with the status an allowed caller gets for it. `test/integration/authz-matrix.test.ts`
 * checks this table against the routes the app really serves (its OpenAPI document and the
 * Hono router), so a new route without an entry here fails the suite.
 */
import { addDays, todayUtc } from '../../shared/primitives';
import type { Roadmap } from '../../shared/roadmap';

export type Credential = 'public' | 'ingest' | 'viewer' | 'editor' | 'admin';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a request builder can use: the fixture's ids and an admin caller to prepare state. */
export interface RouteEnv {
  today: string;
  /** an iteration that exists */
  iterationId: string;
  /** call the app as admin (to create what a DELETE then removes) */
  admin(method: Method, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

export interface RouteRequest {
  /** concrete path (ids filled in, query string included) */
  path: string;
  body?: unknown;
}

export interface RouteEntry {
  method: Method;
  /** the OpenAPI path template, e.g. `/api/v1/themes/{id}` */
  path: string;
  /** the least credential that is allowed */
  min: Credential;
  /** a minimal valid request; `n` is unique per call so created ids never clash */
  request(env: RouteEnv, n: number): RouteRequest | Promise<RouteRequest>;
  /** the status an allowed caller gets for that request */
  allowed: number;
}

/** The roadmap every cell runs against: one theme, one current milestone, a shipped and a planned epic, a story. */
export function fixtureRoadmap(today = todayUtc()): Roadmap {
  return {
    mission: { statement: 'Authorization matrix fixture' },
    themes: [{ id: 'core', name: 'Core' }],
    milestones: [{ id: 'm-now', name: 'Now', start: addDays(today, -60), end: addDays(today, 60) }],
    epics: [
      {
        id: 'shipped-epic',
        title: 'Shipped epic',
        themeId: 'core',
        milestoneId: 'm-now',
        status: 'shipped',
        shippedAt: addDays(today, -40),
        signals: { events: ['Shipped Used'] },
        targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }],
        estimate: { reach: 1000, impact: 1, confidence: 0.8, effortWeeks: { engineering: 2, design: 1 } },
      },
      {
        id: 'planned-epic',
        title: 'Planned epic',
        themeId: 'core',
        status: 'planned',
        signals: { events: [] },
        targets: [],
        estimate: { reach: 500, impact: 1, confidence: 0.5, effortWeeks: { engineering: 1, design: 0 } },
      },
    ],
    stories: [{ id: 'story-1', epicId: 'shipped-epic', title: 'A story', status: 'todo' }],
  };
}

const event = (n: number, extra: Record<string, unknown> = {}) => ({ userId: `authz-user-${n % 5}`, messageId: `authz-${n}`, ...extra });

const ask = (e: RouteEnv, n: number) => ({ source: 'support', title: `Matrix ask ${n}`, askedAt: e.today, account: { id: 'acme', name: 'Acme', arr: 1000 } });

/** Create an ask as admin and return its path. */
async function askPath(env: RouteEnv, n: number): Promise<RouteRequest> {
  const res = await env.admin('POST', '/api/v1/asks', ask(env, n));
  if (res.status !== 201) throw new Error(`fixture: POST /api/v1/asks answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { path: `/api/v1/asks/${res.body.id as string}` };
}

/** Invite a person as admin and return their path. */
async function personPath(env: RouteEnv, n: number): Promise<RouteRequest> {
  const res = await env.admin('POST', '/api/v1/people', { email: `matrix-person-${n}@fabrikam.example`, role: 'viewer' });
  if (res.status !== 201) throw new Error(`fixture: POST /api/v1/people answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { path: `/api/v1/people/${res.body.id as string}` };
}

/** Create an entity as admin and return the path that deletes it. */
async function created(env: RouteEnv, list: string, body: Record<string, unknown>): Promise<RouteRequest> {
  const res = await env.admin('POST', `/api/v1/${list}`, body);
  if (res.status !== 201) throw new Error(`fixture: POST /api/v1/${list} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { path: `/api/v1/${list}/${body.id as string}` };
}

export const ROUTES: RouteEntry[] = [
  // public
  { method: 'GET', path: '/health', min: 'public', allowed: 200, request: () => ({ path: '/health' }) },
  { method: 'GET', path: '/openapi.json', min: 'public', allowed: 200, request: () => ({ path: '/openapi.json' }) },

  // roadmap document
  { method: 'GET', path: '/api/v1/roadmap', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/roadmap' }) },
  { method: 'PUT', path: '/api/v1/roadmap', min: 'editor', allowed: 200, request: (e) => ({ path: '/api/v1/roadmap', body: fixtureRoadmap(e.today) }) },
  { method: 'PUT', path: '/api/v1/mission', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/mission', body: { statement: 'Authorization matrix fixture' } }) },

  // themes
  { method: 'GET', path: '/api/v1/themes', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/themes' }) },
  { method: 'POST', path: '/api/v1/themes', min: 'editor', allowed: 201, request: (_e, n) => ({ path: '/api/v1/themes', body: { id: `t-${n}`, name: 'Theme' } }) },
  { method: 'GET', path: '/api/v1/themes/{id}', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/themes/core' }) },
  { method: 'PATCH', path: '/api/v1/themes/{id}', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/themes/core', body: { name: 'Core' } }) },
  { method: 'DELETE', path: '/api/v1/themes/{id}', min: 'editor', allowed: 204, request: (e, n) => created(e, 'themes', { id: `del-t-${n}`, name: 'To delete' }) },

  // milestones
  { method: 'GET', path: '/api/v1/milestones', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/milestones' }) },
  { method: 'POST', path: '/api/v1/milestones', min: 'editor', allowed: 201, request: (e, n) => ({ path: '/api/v1/milestones', body: { id: `m-${n}`, name: 'Milestone', start: e.today, end: addDays(e.today, 30) } }) },
  { method: 'GET', path: '/api/v1/milestones/{id}', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/milestones/m-now' }) },
  { method: 'PATCH', path: '/api/v1/milestones/{id}', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/milestones/m-now', body: { name: 'Now' } }) },
  { method: 'DELETE', path: '/api/v1/milestones/{id}', min: 'editor', allowed: 204, request: (e, n) => created(e, 'milestones', { id: `del-m-${n}`, name: 'To delete', start: e.today, end: e.today }) },

  // epics
  { method: 'GET', path: '/api/v1/epics', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/epics' }) },
  { method: 'POST', path: '/api/v1/epics', min: 'editor', allowed: 201, request: (_e, n) => ({ path: '/api/v1/epics', body: { id: `e-${n}`, title: 'Epic', themeId: 'core' } }) },
  { method: 'GET', path: '/api/v1/epics/{id}', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/epics/shipped-epic' }) },
  { method: 'PATCH', path: '/api/v1/epics/{id}', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/epics/shipped-epic', body: { title: 'Shipped epic' } }) },
  { method: 'DELETE', path: '/api/v1/epics/{id}', min: 'editor', allowed: 204, request: (e, n) => created(e, 'epics', { id: `del-e-${n}`, title: 'To delete', themeId: 'core' }) },
  { method: 'POST', path: '/api/v1/epics/{id}/ship', min: 'editor', allowed: 200, request: (e) => ({ path: '/api/v1/epics/shipped-epic/ship', body: { shippedAt: addDays(e.today, -40) } }) },

  // stories
  { method: 'GET', path: '/api/v1/stories', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/stories?epicId=shipped-epic' }) },
  { method: 'POST', path: '/api/v1/stories', min: 'editor', allowed: 201, request: (_e, n) => ({ path: '/api/v1/stories', body: { id: `s-${n}`, epicId: 'shipped-epic', title: 'Story' } }) },
  { method: 'GET', path: '/api/v1/stories/{id}', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/stories/story-1' }) },
  { method: 'PATCH', path: '/api/v1/stories/{id}', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/stories/story-1', body: { title: 'A story' } }) },
  { method: 'DELETE', path: '/api/v1/stories/{id}', min: 'editor', allowed: 204, request: (e, n) => created(e, 'stories', { id: `del-s-${n}`, epicId: 'shipped-epic', title: 'To delete' }) },

  // keys
  { method: 'GET', path: '/api/v1/keys', min: 'admin', allowed: 200, request: () => ({ path: '/api/v1/keys' }) },
  { method: 'POST', path: '/api/v1/keys', min: 'admin', allowed: 201, request: (_e, n) => ({ path: '/api/v1/keys', body: { name: `matrix ${n}`, scope: 'viewer' } }) },
  {
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    min: 'admin',
    allowed: 200,
    request: async (e, n) => {
      const res = await e.admin('POST', '/api/v1/keys', { name: `to revoke ${n}`, scope: 'viewer' });
      return { path: `/api/v1/keys/${res.body.id as string}` };
    },
  },
  { method: 'GET', path: '/api/v1/me', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/me' }) },

  // sign-in and sessions
  {
    method: 'POST',
    path: '/api/v1/sign-in',
    min: 'public',
    allowed: 201,
    request: async (e) => {
      const res = await e.admin('POST', '/api/v1/sign-in-codes', { scope: 'viewer' });
      return { path: '/api/v1/sign-in', body: { code: res.body.code as string } };
    },
  },
  { method: 'POST', path: '/api/v1/sign-in-codes', min: 'admin', allowed: 201, request: () => ({ path: '/api/v1/sign-in-codes', body: { scope: 'viewer' } }) },
  { method: 'POST', path: '/api/v1/session', min: 'viewer', allowed: 201, request: () => ({ path: '/api/v1/session' }) },
  { method: 'DELETE', path: '/api/v1/session', min: 'viewer', allowed: 204, request: () => ({ path: '/api/v1/session' }) },

  // people (OpenID Connect sign-in) and the sign-in options the dashboard reads
  { method: 'GET', path: '/api/v1/identity', min: 'public', allowed: 200, request: () => ({ path: '/api/v1/identity' }) },
  { method: 'GET', path: '/api/v1/people', min: 'admin', allowed: 200, request: () => ({ path: '/api/v1/people' }) },
  { method: 'POST', path: '/api/v1/people', min: 'admin', allowed: 201, request: (_e, n) => ({ path: '/api/v1/people', body: { email: `matrix-${n}@fabrikam.example`, role: 'viewer' } }) },
  { method: 'PATCH', path: '/api/v1/people/{id}', min: 'admin', allowed: 200, request: async (e, n) => ({ ...(await personPath(e, n)), body: { role: 'editor' } }) },
  { method: 'DELETE', path: '/api/v1/people/{id}', min: 'admin', allowed: 200, request: (e, n) => personPath(e, n) },

  // outcomes
  { method: 'GET', path: '/api/v1/epics/{id}/outcome', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/epics/shipped-epic/outcome' }) },
  { method: 'GET', path: '/api/v1/impact', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/impact' }) },
  { method: 'GET', path: '/api/v1/epics/{id}/reviews', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/epics/shipped-epic/reviews' }) },
  { method: 'POST', path: '/api/v1/epics/{id}/reviews', min: 'editor', allowed: 201, request: () => ({ path: '/api/v1/epics/shipped-epic/reviews', body: { decision: 'keep', note: 'matrix' } }) },
  { method: 'GET', path: '/api/v1/ingest/stats', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/ingest/stats?days=3' }) },
  { method: 'POST', path: '/api/v1/rollups', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/rollups' }) },

  // iterations and the planner
  { method: 'GET', path: '/api/v1/iterations', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/iterations' }) },
  { method: 'POST', path: '/api/v1/iterations', min: 'editor', allowed: 201, request: (_e, n) => ({ path: '/api/v1/iterations', body: { name: `Matrix ${n}` } }) },
  { method: 'GET', path: '/api/v1/iterations/{id}', min: 'viewer', allowed: 200, request: (e) => ({ path: `/api/v1/iterations/${e.iterationId}` }) },
  { method: 'GET', path: '/api/v1/iterations/{id}/diff', min: 'viewer', allowed: 200, request: (e) => ({ path: `/api/v1/iterations/${e.iterationId}/diff?against=${e.iterationId}` }) },
  { method: 'GET', path: '/api/v1/calibration', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/calibration' }) },
  { method: 'POST', path: '/api/v1/plan', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/plan', body: { capacity: [{ milestoneId: 'm-now', engineering: 10, design: 2 }] } }) },
  {
    method: 'POST',
    path: '/api/v1/plan/accept',
    min: 'editor',
    allowed: 201,
    request: (_e, n) => ({ path: '/api/v1/plan/accept', body: { capacity: [{ milestoneId: 'm-now', engineering: 10, design: 2 }], iterationName: `Accepted ${n}` } }),
  },

  // customer asks
  { method: 'GET', path: '/api/v1/asks', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/asks?status=new' }) },
  { method: 'POST', path: '/api/v1/asks', min: 'editor', allowed: 201, request: (e, n) => ({ path: '/api/v1/asks', body: ask(e, n) }) },
  { method: 'GET', path: '/api/v1/asks/{id}', min: 'viewer', allowed: 200, request: (e, n) => askPath(e, n) },
  { method: 'PATCH', path: '/api/v1/asks/{id}', min: 'editor', allowed: 200, request: async (e, n) => ({ ...(await askPath(e, n)), body: { epicIds: ['planned-epic'] } }) },
  { method: 'DELETE', path: '/api/v1/asks/{id}', min: 'editor', allowed: 204, request: (e, n) => askPath(e, n) },
  { method: 'GET', path: '/api/v1/asks/{id}/suggestions', min: 'viewer', allowed: 200, request: async (e, n) => ({ path: `${(await askPath(e, n)).path}/suggestions` }) },
  {
    method: 'POST',
    path: '/api/v1/asks/import',
    min: 'editor',
    allowed: 200,
    request: (e, n) => ({ path: '/api/v1/asks/import?dryRun=1', body: { csv: `Subject,Date\nMatrix ask ${n},${e.today}\n`, mapping: { title: 'Subject', askedAt: 'Date' }, defaults: { source: 'support' } } }),
  },
  { method: 'GET', path: '/api/v1/epics/{id}/demand', min: 'viewer', allowed: 200, request: () => ({ path: '/api/v1/epics/shipped-epic/demand' }) },
  // monthly review and digests
  { method: 'GET', path: '/api/v1/review', min: 'viewer', allowed: 200, request: (e) => ({ path: `/api/v1/review?month=${e.today.slice(0, 7)}` }) },
  { method: 'GET', path: '/api/v1/subscriptions', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/subscriptions' }) },
  { method: 'POST', path: '/api/v1/subscriptions', min: 'editor', allowed: 201, request: (_e, n) => ({ path: '/api/v1/subscriptions', body: { kind: 'monthly', channel: 'webhook', url: `https://hooks.slack.com/services/T0/B0/matrix${n}` } }) },
  {
    method: 'DELETE',
    path: '/api/v1/subscriptions/{id}',
    min: 'editor',
    allowed: 204,
    request: async (e, n) => {
      const res = await e.admin('POST', '/api/v1/subscriptions', { kind: 'weekly', channel: 'webhook', url: `https://hooks.slack.com/services/T0/B0/del${n}` });
      return { path: `/api/v1/subscriptions/${res.body.id as string}` };
    },
  },
  {
    method: 'POST',
    path: '/api/v1/subscriptions/{id}/send',
    min: 'editor',
    allowed: 200,
    // a loopback target with nothing listening: the answer says what happened (state failed), never 401/403
    request: async (e, n) => {
      const res = await e.admin('POST', '/api/v1/subscriptions', { kind: 'monthly', channel: 'webhook', url: `http://127.0.0.1:9/matrix-${n}`, format: 'slack' });
      return { path: `/api/v1/subscriptions/${res.body.id as string}/send` };
    },
  },

  // audit trail (read only: no route changes an entry)
  { method: 'GET', path: '/api/v1/audit', min: 'editor', allowed: 200, request: () => ({ path: '/api/v1/audit?epicId=shipped-epic&limit=5' }) },

  // ingest (write keys)
  { method: 'POST', path: '/v1/batch', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/batch', body: { batch: [{ type: 'track', event: 'Matrix Used', ...event(n) }] } }) },
  { method: 'POST', path: '/v1/track', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/track', body: event(n, { event: 'Matrix Used' }) }) },
  { method: 'POST', path: '/v1/page', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/page', body: event(n, { name: 'Home' }) }) },
  { method: 'POST', path: '/v1/screen', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/screen', body: event(n, { name: 'Home' }) }) },
  { method: 'POST', path: '/v1/identify', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/identify', body: event(n, { traits: { plan: 'pro' } }) }) },
  { method: 'POST', path: '/v1/group', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/group', body: event(n, { groupId: 'acme' }) }) },
  { method: 'POST', path: '/v1/alias', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/alias', body: event(n, { previousId: `anon-${n}` }) }) },
  { method: 'POST', path: '/v1/asks', min: 'ingest', allowed: 200, request: (e, n) => ({ path: '/v1/asks', body: { asks: [{ ...ask(e, n), externalId: `matrix-${n}` }] } }) },
  // Segment's short paths (its browser SDK) and the any-type endpoint for webhook destinations
  { method: 'POST', path: '/v1/b', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/b', body: { batch: [{ type: 'track', event: 'Matrix Used', ...event(n) }] } }) },
  { method: 'POST', path: '/v1/t', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/t', body: event(n, { event: 'Matrix Used' }) }) },
  { method: 'POST', path: '/v1/p', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/p', body: event(n, { name: 'Home' }) }) },
  { method: 'POST', path: '/v1/s', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/s', body: event(n, { name: 'Home' }) }) },
  { method: 'POST', path: '/v1/i', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/i', body: event(n, { traits: { plan: 'pro' } }) }) },
  { method: 'POST', path: '/v1/g', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/g', body: event(n, { groupId: 'acme' }) }) },
  { method: 'POST', path: '/v1/a', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/a', body: event(n, { previousId: `anon-${n}` }) }) },
  { method: 'POST', path: '/v1/event', min: 'ingest', allowed: 200, request: (_e, n) => ({ path: '/v1/event', body: event(n, { type: 'track', event: 'Matrix Used' }) }) },
  { method: 'POST', path: '/v1/metrics', min: 'ingest', allowed: 200, request: (e, n) => ({ path: '/v1/metrics', body: { metrics: [{ name: 'matrix_kpi', date: e.today, value: n }] } }) },
];

/** `METHOD /path` with OpenAPI-style parameters (`:id` → `{id}`). */
export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;

/** The API write endpoints (method + template), for hostile-input tests. */
export const API_WRITES = ROUTES.filter((r) => r.path.startsWith('/api/') && r.method !== 'GET' && r.method !== 'DELETE');
/** The ingest endpoints. */
export const INGEST_ROUTES = ROUTES.filter((r) => r.min === 'ingest');
