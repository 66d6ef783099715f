/**
 * The audit trail against the real store: every write route of test/helpers/routes.ts records an
 * entry with its action, its actor and its request id (a new write route without one fails
 * here, unless listed with its reason in functions/src/audit/exempt.ts); entries are append-only;
 * the filters and paging of GET /api/v1/audit; targets frozen at ship (409 without a reason, the
 * amendment in the outcome, the impact and the iteration diff; imports cannot bypass it); the
 * review's author is the caller.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_EXEMPT } from '../../functions/src/audit/exempt';
import { actorOf } from '../../functions/src/audit/record';
import { log } from '../../functions/src/log';
import { AuditStore } from '../../functions/src/store/audit-store';
import { K } from '../../functions/src/store/keys';
import type { AuditEntry } from '../../shared/audit';
import { addDays, todayUtc } from '../../shared/primitives';
import { createTestContext, type TestContext } from '../helpers/context';
import { ROUTES, fixtureRoadmap, routeKey, type Method, type RouteEnv, type RouteRequest } from '../helpers/routes';

/** The action each write route records. A write route missing here (and not exempt) fails the suite. */
const ACTIONS: Record<string, string> = {
  'PUT /api/v1/roadmap': 'roadmap.import',
  'PUT /api/v1/mission': 'mission.update',
  'POST /api/v1/themes': 'theme.create',
  'PATCH /api/v1/themes/{id}': 'theme.update',
  'DELETE /api/v1/themes/{id}': 'theme.delete',
  'POST /api/v1/milestones': 'milestone.create',
  'PATCH /api/v1/milestones/{id}': 'milestone.update',
  'DELETE /api/v1/milestones/{id}': 'milestone.delete',
  'POST /api/v1/epics': 'epic.create',
  'PATCH /api/v1/epics/{id}': 'epic.update',
  'DELETE /api/v1/epics/{id}': 'epic.delete',
  'POST /api/v1/epics/{id}/ship': 'epic.ship',
  'POST /api/v1/stories': 'story.create',
  'PATCH /api/v1/stories/{id}': 'story.update',
  'DELETE /api/v1/stories/{id}': 'story.delete',
  'POST /api/v1/keys': 'key.create',
  'DELETE /api/v1/keys/{id}': 'key.revoke',
  'POST /api/v1/people': 'person.invite',
  'PATCH /api/v1/people/{id}': 'person.update',
  'DELETE /api/v1/people/{id}': 'person.remove',
  'POST /api/v1/sign-in': 'session.start',
  'POST /api/v1/sign-in-codes': 'sign_in_code.create',
  'POST /api/v1/session': 'session.start',
  'DELETE /api/v1/session': 'session.end',
  'POST /api/v1/epics/{id}/reviews': 'review.create',
  'POST /api/v1/rollups': 'rollups.run',
  'POST /api/v1/iterations': 'iteration.create',
  'POST /api/v1/plan/accept': 'plan.accept',
  'POST /api/v1/asks': 'ask.create',
  'PATCH /api/v1/asks/{id}': 'ask.triage',
  'DELETE /api/v1/asks/{id}': 'ask.delete',
  'POST /api/v1/asks/import': 'ask.import',
  'POST /v1/asks': 'ask.ingest',
  'POST /api/v1/subscriptions': 'subscription.create',
  'DELETE /api/v1/subscriptions/{id}': 'subscription.delete',
  'POST /api/v1/subscriptions/{id}/send': 'digest.send',
};

/** Where the authorization table's minimal request changes nothing, the request that does. */
const CHANGING: Record<string, (env: RouteEnv, n: number) => RouteRequest> = {
  'POST /api/v1/asks/import': (e, n) => ({ path: '/api/v1/asks/import', body: { csv: `Subject,Date\nAudit ask ${n},${e.today}\n`, mapping: { title: 'Subject', askedAt: 'Date' }, defaults: { source: 'support' } } }),
  'PATCH /api/v1/epics/{id}': () => ({ path: '/api/v1/epics/planned-epic', body: { title: 'Planned epic, renamed' } }),
};

const isWrite = (m: string) => m !== 'GET';

let ctx: TestContext;
let env: RouteEnv;
const ids: Record<string, string> = {};
const errors: string[] = [];

async function auditPage(query = '', token = ctx.tokens.admin): Promise<{ entries: AuditEntry[]; next?: string }> {
  const res = await ctx.call('GET', `/api/v1/audit${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const entryOf = async (requestId: string) => (await auditPage('?limit=200')).entries.find((e) => e.requestId === requestId);

beforeAll(async () => {
  ctx = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '100000', SEXTANT_AUTH_FAILURES_PER_MINUTE: '100000' });
  log.setSink((line) => {
    if (line.includes('without an audit entry') || line.includes('audit entry not recorded')) errors.push(line);
  });
  const today = todayUtc(ctx.services.now());
  const admin = (method: Method, path: string, body?: unknown) => ctx.call(method, path, { token: ctx.tokens.admin, body });
  expect((await admin('PUT', '/api/v1/roadmap', fixtureRoadmap(today))).status).toBe(200);
  const it = await admin('POST', '/api/v1/iterations', { name: 'Audit fixture' });
  env = { today, iterationId: it.body.id, admin };
  for (const role of ['admin', 'editor', 'ingest'] as const) {
    const all = await ctx.services.keys.list();
    ids[role] = (await ctx.services.keys.authenticate(ctx.tokens[role]))!.id;
    expect(all.some((k) => k.id === ids[role])).toBe(true);
  }
}, 60_000);
afterAll(async () => {
  log.setSink((line) => process.stdout.write(line + '\n'));
  await ctx?.close();
});

describe('every write route records an entry', () => {
  const writes = ROUTES.filter((r) => isWrite(r.method)).map((r) => [routeKey(r.method, r.path), r] as const);

  it('each write route is either given its action here or exempt with a reason (no silent route)', () => {
    const keys = writes.map(([k]) => k);
    const unlisted = keys.filter((k) => !(k in ACTIONS) && !(k in AUDIT_EXEMPT));
    expect(unlisted, 'write routes that record no audit entry: record one (functions/src/audit/record.ts) and list its action above').toEqual([]);
    expect(Object.keys(ACTIONS).filter((k) => !keys.includes(k)), 'actions for routes the app does not serve').toEqual([]);
    expect(Object.keys(AUDIT_EXEMPT).filter((k) => !keys.includes(k)), 'exemptions for routes the app does not serve').toEqual([]);
    expect(Object.keys(ACTIONS).filter((k) => k in AUDIT_EXEMPT)).toEqual([]);
  });

  let n = 0;
  it.each(writes.filter(([k]) => k in ACTIONS))('%s', async (key, route) => {
    const req = CHANGING[key] ? CHANGING[key](env, n++) : await route.request(env, n++);
    // the least credential allowed (public sign-in: none); a sign-out needs a session to end
    let token: string | null = route.min === 'public' ? null : route.min === 'viewer' ? ctx.tokens.editor : ctx.tokens[route.min as 'editor' | 'admin' | 'ingest'];
    let actorId = route.min === 'public' ? undefined : route.min === 'viewer' ? ids.editor : ids[route.min];
    if (key === 'DELETE /api/v1/session') {
      const session = await ctx.call('POST', '/api/v1/session', { token: ctx.tokens.editor });
      token = session.body.token;
      actorId = session.body.me.id;
    }
    const headers: Record<string, string> = route.min === 'ingest' ? { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` } : {};
    const res = await ctx.call(route.method, req.path, route.min === 'ingest' ? { token: null, headers, body: req.body } : { token, body: req.body });
    expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBe(route.allowed);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const entry = await entryOf(requestId!);
    expect(entry, `${key}: no audit entry with request id ${requestId}`).toBeDefined();
    expect(entry!.action).toBe(ACTIONS[key]);
    if (key === 'POST /api/v1/sign-in') expect(entry!.actor).toMatchObject({ kind: 'session', id: res.body.me.id });
    else expect(entry!.actor.id).toBe(actorId);
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('the exempt routes record nothing (they change nothing anyone audits), nor does a dry-run import', async () => {
    const plan = await ctx.call('POST', '/api/v1/plan', { token: ctx.tokens.editor, body: { capacity: [{ milestoneId: 'm-now', engineering: 10, design: 2 }] } });
    expect(plan.status).toBe(200);
    expect(await entryOf(plan.headers.get('x-request-id')!)).toBeUndefined();
    const dry = await ctx.call('POST', '/api/v1/asks/import?dryRun=1', { token: ctx.tokens.editor, body: { csv: `Subject,Date\nDry,${env.today}\n`, mapping: { title: 'Subject', askedAt: 'Date' }, defaults: { source: 'support' } } });
    expect(dry.status).toBe(200);
    expect(await entryOf(dry.headers.get('x-request-id')!)).toBeUndefined();
  });

  it('no write answered without its entry, and no entry failed to be written (the app checks each write)', () => {
    expect(errors).toEqual([]);
  });
});

describe('append-only', () => {
  it('no route changes or deletes an entry: /api/v1/audit is GET only', async () => {
    const doc = (await ctx.call('GET', '/openapi.json', { token: null })).body;
    expect(Object.keys(doc.paths['/api/v1/audit'])).toEqual(['get']);
    const auditPaths = Object.keys(doc.paths).filter((p) => p.includes('audit'));
    expect(auditPaths).toEqual(['/api/v1/audit']);
    const someId = (await auditPage('?limit=1')).entries[0].id;
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const path of ['/api/v1/audit', `/api/v1/audit/${someId}`]) {
        expect((await ctx.call(m, path, { body: {} })).status, `${m} ${path}`).toBe(404);
      }
    }
  });

  it('an entry is never overwritten (conditional put) and carries no expiresAt (TTL never removes it)', async () => {
    const [entry] = (await auditPage('?limit=1')).entries;
    const store = new AuditStore(ctx.services.store);
    await expect(store.append({ ...entry, action: 'forged' }, [])).rejects.toThrow(/conditional/i);
    const again = (await auditPage('?limit=5')).entries.find((e) => e.id === entry.id)!;
    expect(again.action).toBe(entry.action);
    const raw = await ctx.services.store.doc.send(new QueryCommand({ TableName: ctx.services.store.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': K.auditMonthPartition(entry.at.slice(0, 7)) } }));
    expect(raw.Items!.length).toBeGreaterThan(10);
    for (const item of raw.Items!) expect(item.expiresAt).toBeUndefined();
  });
});

describe('entry size', () => {
  it('a huge change keeps within the item limit: the last changes are counted in `truncated`, each epic copy keeps its own', async () => {
    const store = new AuditStore(ctx.services.store);
    const changes = Array.from({ length: 600 }, (_, i) => ({ field: 'description', from: null, to: 'x'.repeat(400), epicId: `big-${i}` }));
    const at = '2026-01-15T10:00:00.000Z';
    await store.append({ id: 'aud_big', at, actor: { kind: 'key', id: 'k', name: 'size test' }, requestId: 'r-big', action: 'roadmap.import', target: { type: 'roadmap', id: 'v9' }, changes }, ['big-0', 'big-599']);
    const [whole] = (await store.page({ actor: 'size test', limit: 1 }, '2026-01-31')).entries;
    expect(whole.changes.length + whole.truncated!).toBe(600);
    expect(Buffer.byteLength(JSON.stringify(whole))).toBeLessThanOrEqual(100_000);
    const [last] = (await store.page({ epicId: 'big-599', limit: 1 }, '2026-01-31')).entries;
    expect(last.changes).toEqual([changes[599]]);
  });
});

describe('GET /api/v1/audit', () => {
  let t0: number;
  beforeAll(async () => {
    // a fresh history on known days: three edits by the editor, two by the admin, over three days
    t0 = Date.parse(`${addDays(env.today, 30)}T10:00:00Z`);
    const day = (d: number) => ctx.setNow(t0 + d * 86_400_000);
    day(0);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { token: ctx.tokens.editor, body: { title: 'Filter one', description: 'Filtered' } })).status).toBe(200);
    day(1);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { token: ctx.tokens.admin, body: { title: 'Filter two' } })).status).toBe(200);
    expect((await ctx.call('PATCH', '/api/v1/themes/core', { token: ctx.tokens.editor, body: { name: 'Core!' } })).status).toBe(200);
    day(2);
    expect((await ctx.call('POST', '/api/v1/stories', { token: ctx.tokens.editor, body: { id: 'filter-story', epicId: 'planned-epic', title: 'Story' } })).status).toBe(200 + 1);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { token: ctx.tokens.admin, body: { estimate: { reach: 10, impact: 1, confidence: 0.5, effortWeeks: { engineering: 2, design: 0 } } } })).status).toBe(200);
  });
  afterAll(() => ctx.setNow(undefined as never));

  const from = () => addDays(env.today, 30);

  it('newest first, field by field for epics', async () => {
    const { entries } = await auditPage(`?from=${from()}`);
    expect(entries.map((e) => e.action)).toEqual(['epic.update', 'story.create', 'theme.update', 'epic.update', 'epic.update']);
    const first = entries[entries.length - 1];
    expect(first.changes).toEqual([
      { field: 'title', from: 'Planned epic, renamed', to: 'Filter one' },
      { field: 'description', from: null, to: 'Filtered' },
    ]);
    expect(entries[0].changes.map((c) => c.field)).toEqual(['estimate']);
  });

  it('by epic: its own changes and its stories', async () => {
    const { entries } = await auditPage(`?epicId=planned-epic&from=${from()}`);
    expect(entries.map((e) => e.action)).toEqual(['epic.update', 'story.create', 'epic.update', 'epic.update']);
  });

  it('by actor (a key name; a person by email), and epic and actor together', async () => {
    const editorName = (await ctx.services.keys.authenticate(ctx.tokens.editor))!.name;
    const byEditor = await auditPage(`?actor=${encodeURIComponent(editorName.toUpperCase())}&from=${from()}`);
    expect(byEditor.entries.map((e) => e.action)).toEqual(['story.create', 'theme.update', 'epic.update']);
    const both = await auditPage(`?actor=${encodeURIComponent(editorName)}&epicId=planned-epic&from=${from()}`);
    expect(both.entries.map((e) => e.action)).toEqual(['story.create', 'epic.update']);
    expect(actorOf({ id: 'p1', name: 'Ana', scope: 'editor', prefix: 'x', createdAt: '', email: 'ana@fabrikam.example' })).toEqual({ kind: 'person', id: 'p1', name: 'ana@fabrikam.example' });
  });

  it('a date range (inclusive days)', async () => {
    const { entries } = await auditPage(`?from=${addDays(from(), 1)}&to=${addDays(from(), 1)}`);
    expect(entries.map((e) => e.action)).toEqual(['theme.update', 'epic.update']);
  });

  it('pages with a cursor, newest first, without gaps or repeats (across months too)', async () => {
    const all = (await auditPage('?limit=200')).entries.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditPage(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all);
    const epicPages: string[] = [];
    let c2: string | undefined;
    do {
      const page = await auditPage(`?epicId=planned-epic&limit=2${c2 ? `&cursor=${c2}` : ''}`);
      epicPages.push(...page.entries.map((e) => e.id));
      c2 = page.next;
    } while (c2);
    expect(epicPages).toEqual((await auditPage('?epicId=planned-epic&limit=200')).entries.map((e) => e.id));
  });

  it('editor and up; a bad cursor or range is a 400', async () => {
    expect((await ctx.call('GET', '/api/v1/audit', { token: ctx.tokens.viewer })).status).toBe(403);
    expect((await ctx.call('GET', '/api/v1/audit?cursor=bogus')).status).toBe(400);
    expect((await ctx.call('GET', '/api/v1/audit?from=2026-10-05&to=2026-10-01')).status).toBe(400);
  });
});

describe('targets frozen at ship', () => {
  const target = (value: number) => [{ metric: 'adoption_rate', op: '>=', value, windowDays: 28 }];

  it('a PATCH of a shipped epic\'s target without a reason is a 409 and changes nothing', async () => {
    const res = await ctx.call('PATCH', '/api/v1/epics/shipped-epic', { token: ctx.tokens.editor, body: { targets: target(0.03) } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/shipped.*frozen.*reason/);
    expect(res.body.error.details.changes[0]).toMatchObject({ metric: 'adoption_rate', from: { value: 0.1 }, to: { value: 0.03 } });
    expect((await ctx.call('GET', '/api/v1/epics/shipped-epic')).body.targets[0].value).toBe(0.1);
  });

  it('with a reason: stored as an amendment, recorded with the reason, and shown in the outcome, the impact and the iteration diff', async () => {
    const before = await ctx.call('POST', '/api/v1/iterations', { token: ctx.tokens.editor, body: { name: 'Before the amendment' } });
    const res = await ctx.call('PATCH', '/api/v1/epics/shipped-epic', { token: ctx.tokens.editor, body: { targets: target(0.03), reason: 'sharing needs an incentive first' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.plannedTargets).toEqual(target(0.1));
    expect(res.body.targetAmendments).toEqual([{ at: expect.any(String), by: (await ctx.services.keys.authenticate(ctx.tokens.editor))!.name, metric: 'adoption_rate', from: { op: '>=', value: 0.1, windowDays: 28 }, to: { op: '>=', value: 0.03, windowDays: 28 }, reason: 'sharing needs an incentive first' }]);
    const entry = await entryOf(res.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ action: 'epic.update', reason: 'sharing needs an incentive first', changes: [{ field: 'targets', from: target(0.1), to: target(0.03) }] });

    const outcome = (await ctx.call('GET', '/api/v1/epics/shipped-epic/outcome')).body;
    expect(outcome.targets[0]).toMatchObject({ value: 0.03, planned: { op: '>=', value: 0.1 }, amendments: [{ reason: 'sharing needs an incentive first' }] });
    const impact = (await ctx.call('GET', '/api/v1/impact')).body;
    expect(impact.epics.find((e: { id: string }) => e.id === 'shipped-epic').amendments[0]).toMatch(/^target lowered from 10% to 3% on \d+ \w{3} \d{4} by .+: sharing needs an incentive first$/);

    const after = await ctx.call('POST', '/api/v1/iterations', { token: ctx.tokens.editor, body: { name: 'After the amendment' } });
    const diff = (await ctx.call('GET', `/api/v1/iterations/${after.body.id}/diff?against=${before.body.id}`)).body;
    const change = diff.changes.find((c: { epicId: string; kind: string }) => c.epicId === 'shipped-epic' && c.kind === 'targets');
    expect(change).toMatchObject({ planned: target(0.1), amendments: [{ reason: 'sharing needs an incentive first' }] });
    expect(change.detail).toMatch(/amended after ship/);
    expect(impact.epics.find((e: { id: string }) => e.id === 'shipped-epic').amendments).toHaveLength(1);
  });

  it('an import cannot move a shipped epic\'s target: 409 naming the epics, nothing changes; the plan and amendments survive an import', async () => {
    const doc = (await ctx.call('GET', '/api/v1/roadmap')).body;
    const moved = { ...doc, epics: doc.epics.map((e: { id: string }) => (e.id === 'shipped-epic' ? { ...e, targets: target(0.01), plannedTargets: target(0.01), targetAmendments: [] } : e)) };
    const res = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: moved });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/shipped-epic/);
    expect(res.body.error.details.epics.map((e: { epicId: string }) => e.epicId)).toEqual(['shipped-epic']);
    // the same document with forged plan fields only: imported, the stored plan and amendments kept
    const forged = { ...doc, epics: doc.epics.map((e: { id: string }) => (e.id === 'shipped-epic' ? { ...e, plannedTargets: target(0.01), targetAmendments: [] } : e)) };
    const ok = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: forged });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const epic = (await ctx.call('GET', '/api/v1/epics/shipped-epic')).body;
    expect(epic.plannedTargets).toEqual(target(0.1));
    expect(epic.targetAmendments).toHaveLength(1);
  });

  it('shipping freezes the targets; un-ship, edit, re-ship cannot reset them; a client cannot send planned targets in a PATCH', async () => {
    expect((await ctx.call('POST', '/api/v1/epics', { body: { id: 'to-ship', title: 'To ship', themeId: 'core', targets: target(0.2) } })).status).toBe(201);
    expect((await ctx.call('PATCH', '/api/v1/epics/to-ship', { body: { targets: target(0.25) } })).status).toBe(200); // before ship: free
    const shipped = await ctx.call('POST', '/api/v1/epics/to-ship/ship', { body: { shippedAt: env.today } });
    expect(shipped.status).toBe(200);
    expect((await ctx.call('PATCH', '/api/v1/epics/to-ship', { body: { targets: target(0.01) } })).status).toBe(409);
    const unshipped = await ctx.call('PATCH', '/api/v1/epics/to-ship', { body: { status: 'in_progress', shippedAt: null } });
    expect(unshipped.body.plannedTargets).toEqual(target(0.25));
    expect((await ctx.call('PATCH', '/api/v1/epics/to-ship', { body: { targets: target(0.01) } })).status).toBe(409);
    expect((await ctx.call('PATCH', '/api/v1/epics/to-ship', { body: { plannedTargets: target(0.01) } })).status).toBe(400);
  });
});

describe('reviews record the caller', () => {
  it('the author is the principal; a body naming an author is refused (400)', async () => {
    const named = await ctx.call('POST', '/api/v1/epics/shipped-epic/reviews', { token: ctx.tokens.editor, body: { decision: 'keep', note: 'n', author: 'Somebody else' } });
    expect(named.status).toBe(400);
    expect(named.body.error.message).toMatch(/author/);
    const res = await ctx.call('POST', '/api/v1/epics/shipped-epic/reviews', { token: ctx.tokens.editor, body: { decision: 'keep', note: 'n' } });
    expect(res.status).toBe(201);
    expect(res.body.author).toBe((await ctx.services.keys.authenticate(ctx.tokens.editor))!.name);
    const entry = await entryOf(res.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ action: 'review.create', target: { type: 'review', epicId: 'shipped-epic' }, actor: { id: ids.editor } });
  });
});
