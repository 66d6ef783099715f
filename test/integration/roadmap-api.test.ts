/**
 * The roadmap API through the real app (in-process `app.request`) on a real store (dynalite):
 * health and OpenAPI, whole-document export/import, CRUD per entity, roles, error shape, limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-11-20';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);
const fabrikam = () => structuredClone(fabrikamWorld(TODAY).roadmap);

/** Every error answer has exactly the project's shape. */
function expectError(res: { status: number; body: any }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  expect(Object.keys(res.body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(res.body.error.message.length).toBeGreaterThan(5);
  if (code) expect(res.body.error.code).toBe(code);
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  ctx.setNow(NOW);
});
afterAll(async () => ctx?.close());

describe('health and OpenAPI', () => {
  it('GET /health answers without credentials', async () => {
    const res = await ctx.call('GET', '/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', store: ctx.services.config.SEXTANT_STORE });
    expect(['memory', 'dynamodb']).toContain(res.body.store);
  });

  it('an unknown path is a 404 in the error shape', async () => {
    expectError(await ctx.call('GET', '/api/v1/nope'), 404, 'not_found');
    expectError(await ctx.call('GET', '/nothing-here', { token: null }), 404, 'not_found');
  });

  it('/openapi.json is an OpenAPI 3.1 document covering every mounted route, with named schemas', async () => {
    const res = await ctx.call('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    for (const name of ['Epic', 'Roadmap', 'Error', 'Theme', 'Milestone', 'Story']) expect(doc.components.schemas, name).toHaveProperty(name);
    expect(doc.components.securitySchemes).toHaveProperty('bearer');

    // the binding routes of DESIGN.md
    const want: [string, string][] = [
      ['/api/v1/roadmap', 'get'], ['/api/v1/roadmap', 'put'],
      ['/api/v1/themes', 'get'], ['/api/v1/themes', 'post'], ['/api/v1/themes/{id}', 'get'], ['/api/v1/themes/{id}', 'patch'], ['/api/v1/themes/{id}', 'delete'],
      ['/api/v1/milestones', 'post'], ['/api/v1/epics', 'post'], ['/api/v1/stories', 'post'], ['/api/v1/stories/{id}', 'delete'],
      ['/api/v1/epics/{id}/ship', 'post'], ['/api/v1/epics/{id}/outcome', 'get'], ['/api/v1/impact', 'get'],
      ['/api/v1/keys', 'get'], ['/api/v1/keys', 'post'], ['/api/v1/keys/{id}', 'delete'],
      ['/v1/batch', 'post'], ['/v1/track', 'post'], ['/v1/page', 'post'], ['/v1/screen', 'post'], ['/v1/identify', 'post'], ['/v1/group', 'post'], ['/v1/alias', 'post'], ['/v1/metrics', 'post'],
    ];
    for (const [path, method] of want) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();

    // and every route the app actually mounts (so the document cannot drift from the code)
    const mounted = ctx.app.routes
      .filter((r) => r.method !== 'ALL' && !['/health', '/openapi.json'].includes(r.path))
      .map((r) => [r.path.replace(/:([A-Za-z]+)/g, '{$1}'), r.method.toLowerCase()] as const);
    expect(mounted.length).toBeGreaterThan(30);
    for (const [path, method] of mounted) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is mounted but not documented`).toBeDefined();

    // the Roadmap body of PUT refers to the named component; every $ref resolves
    expect(JSON.stringify(doc.paths['/api/v1/roadmap'].put.requestBody)).toContain('#/components/schemas/Roadmap');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of new Set(refs)) expect(doc.components.schemas, `dangling $ref ${r}`).toHaveProperty(r);
    // each operation has responses, and API operations document the error shape
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        // (the sign-in exchange is public: a code, not credentials)
        if (path.startsWith('/api/v1/') && op.security?.length) expect(JSON.stringify(op.responses[401] ?? op.responses[403] ?? {}), `${method} ${path}`).toContain('#/components/schemas/Error');
      }
    }
  });
});

describe('whole document: GET | PUT /api/v1/roadmap', () => {
  it('before any import, GET answers an empty roadmap', async () => {
    const fresh = await createTestContext();
    try {
      const res = await fresh.call('GET', '/api/v1/roadmap', { token: fresh.tokens.viewer });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ themes: [], milestones: [], epics: [], stories: [] });
    } finally {
      await fresh.close();
    }
  });

  it('imports the Fabrikam roadmap and exports exactly the same document', async () => {
    const doc = fabrikam();
    const put = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: doc });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(doc);
    const got = await ctx.call('GET', '/api/v1/roadmap', { token: ctx.tokens.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(doc);
    expect(got.body.epics.map((e: { id: string }) => e.id)).toEqual(doc.epics.map((e) => e.id));
    expect(got.headers.get('etag')).toMatch(/^"v\d+"$/);

    // re-importing the export is a no-op for the content (idempotent round-trip)
    const again = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: got.body });
    expect(again.status).toBe(200);
    expect((await ctx.call('GET', '/api/v1/roadmap')).body).toEqual(doc);
  });

  it.each([
    ['a dangling theme reference', (d: any) => (d.epics[3].themeId = 'no-such-theme'), 'epics.3.themeId', 'epic "ai-stylist-chat" refers to unknown theme "no-such-theme"'],
    ['a duplicate epic id', (d: any) => (d.epics[5].id = d.epics[0].id), 'epics.5.id', 'duplicate id "virtual-try-on" (also at epics[0])'],
    ['a milestone that ends before it starts', (d: any) => (d.milestones[1].end = '2026-01-01'), 'milestones.1.end', 'ends (2026-01-01) before it starts'],
    ['shippedAt on a planned epic', (d: any) => (d.epics[12].shippedAt = '2026-11-01'), 'epics.12.shippedAt', 'shippedAt is only allowed on shipped epics (status is planned)'],
    ['a story of an unknown epic', (d: any) => (d.stories[0].epicId = 'ghost'), 'stories.0.epicId', 'refers to unknown epic "ghost"'],
    ['an unknown target metric', (d: any) => (d.epics[0].targets[0].metric = 'happiness'), 'epics.0.targets.0.metric', 'metric must be'],
    ['an impossible date', (d: any) => (d.milestones[0].start = '2026-02-30'), 'milestones.0.start', 'not a real calendar date'],
  ])('PUT with %s → 400 with a precise message, and nothing changes', async (_what, mutate, path, message) => {
    const before = await ctx.call('GET', '/api/v1/roadmap');
    const bad = fabrikam();
    bad.mission.statement = 'This must not be stored';
    bad.themes.push({ id: 'new-theme', name: 'Must not be stored' });
    mutate(bad);
    const res = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: bad });
    expectError(res, 400);
    expect(res.body.error.message).toContain(message);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
    const after = await ctx.call('GET', '/api/v1/roadmap');
    expect(after.body).toEqual(before.body);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('PUT of a document with several problems lists each of them', async () => {
    const bad = fabrikam();
    bad.epics[0].themeId = 'x1';
    bad.epics[1].milestoneId = 'x2';
    const res = await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.editor, body: bad });
    expectError(res, 400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['epics.0.themeId', 'epics.1.milestoneId']));
  });

  it('PUT of malformed JSON, or of no body, is a 400', async () => {
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { body: '{"mission": ' }), 400);
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { headers: { 'content-type': 'application/json' } }), 400);
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { body: [] }), 400);
  });

  it('If-Match: a stale version → 409 and nothing changes; the current version → 200 and a new ETag', async () => {
    const before = await ctx.call('GET', '/api/v1/roadmap');
    const etag = before.headers.get('etag')!;
    const version = Number(etag.match(/v(\d+)/)![1]);
    const changed = structuredClone(before.body);
    changed.mission.statement = 'Changed with If-Match';

    const stale = await ctx.call('PUT', '/api/v1/roadmap', { body: changed, headers: { 'if-match': `"v${version - 1}"` } });
    expectError(stale, 409, 'conflict');
    expect((await ctx.call('GET', '/api/v1/roadmap')).body.mission.statement).toBe(before.body.mission.statement);

    const ok = await ctx.call('PUT', '/api/v1/roadmap', { body: changed, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`"v${version + 1}"`);
    expect((await ctx.call('GET', '/api/v1/roadmap')).body.mission.statement).toBe('Changed with If-Match');
    // the old ETag is stale now
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { body: before.body, headers: { 'if-match': etag } }), 409, 'conflict');
    expect((await ctx.call('PUT', '/api/v1/roadmap', { body: fabrikam() })).status).toBe(200);
  });

  it('a body over the 2 MB request limit → 413', async () => {
    const huge = fabrikam();
    huge.mission.statement = 'x'.repeat(2 * 1024 * 1024 + 10);
    const res = await ctx.call('PUT', '/api/v1/roadmap', { body: huge });
    expectError(res, 413, 'payload_too_large');
    expect((await ctx.call('GET', '/api/v1/roadmap')).body).toEqual(fabrikam());
    // also on an entity route
    expectError(await ctx.call('POST', '/api/v1/themes', { body: { id: 'big', name: 'big', description: 'y'.repeat(2_200_000) } }), 413, 'payload_too_large');
  });
});

describe('CRUD per entity', () => {
  beforeAll(async () => {
    expect((await ctx.call('PUT', '/api/v1/roadmap', { body: fabrikam() })).status).toBe(200);
  });

  it('themes: create, read, list, patch, delete; 404 and 409 where due', async () => {
    const created = await ctx.call('POST', '/api/v1/themes', { token: ctx.tokens.editor, body: { id: 'sustainability', name: 'Sustainability', description: 'Resale and repair' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'sustainability', name: 'Sustainability', description: 'Resale and repair' });
    expect((await ctx.call('GET', '/api/v1/themes/sustainability', { token: ctx.tokens.viewer })).body).toEqual(created.body);
    expect((await ctx.call('GET', '/api/v1/themes')).body.map((t: { id: string }) => t.id)).toContain('sustainability');

    expectError(await ctx.call('POST', '/api/v1/themes', { body: { id: 'sustainability', name: 'Again' } }), 409, 'conflict');
    expectError(await ctx.call('GET', '/api/v1/themes/ghost'), 404, 'not_found');
    expectError(await ctx.call('PATCH', '/api/v1/themes/ghost', { body: { name: 'x' } }), 404, 'not_found');
    expectError(await ctx.call('DELETE', '/api/v1/themes/ghost'), 404, 'not_found');

    const patched = await ctx.call('PATCH', '/api/v1/themes/sustainability', { body: { name: 'Circular fashion' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: 'sustainability', name: 'Circular fashion', description: 'Resale and repair' });
    expect((await ctx.call('GET', '/api/v1/themes/sustainability')).body.name).toBe('Circular fashion');

    const del = await ctx.call('DELETE', '/api/v1/themes/sustainability', { token: ctx.tokens.editor });
    expect(del.status).toBe(204);
    expectError(await ctx.call('GET', '/api/v1/themes/sustainability'), 404, 'not_found');
  });

  it('deleting a theme that still has epics → 409 naming them; nothing is deleted', async () => {
    const res = await ctx.call('DELETE', '/api/v1/themes/checkout');
    expectError(res, 409, 'conflict');
    expect(res.body.error.details.epics).toEqual(expect.arrayContaining(['one-tap-checkout', 'apple-pay']));
    expect((await ctx.call('GET', '/api/v1/themes/checkout')).status).toBe(200);
  });

  it('deleting a milestone that still has epics → 409', async () => {
    const ms = fabrikam().milestones[0].id;
    expectError(await ctx.call('DELETE', `/api/v1/milestones/${ms}`), 409, 'conflict');
    expect((await ctx.call('GET', `/api/v1/milestones/${ms}`)).status).toBe(200);
  });

  it('milestones: create, patch, delete; end before start is refused on create and on patch', async () => {
    const m = { id: '2027-05', name: 'May 2027', start: '2027-05-01', end: '2027-05-31' };
    expect((await ctx.call('POST', '/api/v1/milestones', { body: m })).status).toBe(201);
    const bad = await ctx.call('POST', '/api/v1/milestones', { body: { ...m, id: '2027-06', start: '2027-06-30', end: '2027-06-01' } });
    expectError(bad, 400);
    expect(bad.body.error.message).toContain('milestone "2027-06" ends (2027-06-01) before it starts (2027-06-30)');
    expectError(await ctx.call('GET', '/api/v1/milestones/2027-06'), 404);

    const badPatch = await ctx.call('PATCH', '/api/v1/milestones/2027-05', { body: { end: '2027-04-01' } });
    expectError(badPatch, 400);
    expect(badPatch.body.error.message).toContain('before it starts');
    expect((await ctx.call('GET', '/api/v1/milestones/2027-05')).body).toEqual(m);
    expect((await ctx.call('PATCH', '/api/v1/milestones/2027-05', { body: { name: 'May' } })).body).toEqual({ ...m, name: 'May' });
    expect((await ctx.call('DELETE', '/api/v1/milestones/2027-05')).status).toBe(204);
  });

  it('epics: create with defaults; a dangling theme → 400; duplicate → 409', async () => {
    const res = await ctx.call('POST', '/api/v1/epics', { token: ctx.tokens.editor, body: { id: 'resale', title: 'Resale marketplace', themeId: 'retention', description: 'Sell what you no longer wear', milestoneId: fabrikam().milestones[5].id, estimate: { reach: 1000, impact: 1, confidence: 0.5, effortWeeks: { engineering: 3 } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: 'resale', status: 'planned', signals: { events: [] }, targets: [], estimate: { effortWeeks: { engineering: 3, design: 0 } } });
    expect((await ctx.call('GET', '/api/v1/epics/resale')).body).toEqual(res.body);
    expectError(await ctx.call('POST', '/api/v1/epics', { body: { id: 'resale', title: 'Twice', themeId: 'retention' } }), 409, 'conflict');

    const dangling = await ctx.call('POST', '/api/v1/epics', { body: { id: 'orphan', title: 'Orphan', themeId: 'ghost-theme' } });
    expectError(dangling, 400);
    expect(dangling.body.error.message).toContain('epic "orphan" refers to unknown theme "ghost-theme"');
    expectError(await ctx.call('GET', '/api/v1/epics/orphan'), 404);

    const invalid = await ctx.call('POST', '/api/v1/epics', { body: { id: 'Bad Id', title: '', themeId: 'retention' } });
    expectError(invalid, 400);
    expect(invalid.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['id', 'title']));
  });

  it('epic PATCH: null removes optional fields; other changes are kept; the stored epic is returned', async () => {
    const res = await ctx.call('PATCH', '/api/v1/epics/resale', { body: { milestoneId: null, estimate: null, signals: { events: ['Resale Listed'] } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).not.toHaveProperty('milestoneId');
    expect(res.body).not.toHaveProperty('estimate');
    expect(res.body.signals).toEqual({ events: ['Resale Listed'] });
    const got = (await ctx.call('GET', '/api/v1/epics/resale')).body;
    expect(got).toEqual(res.body);
    expect(got.description).toBe('Sell what you no longer wear');
  });

  it('PATCH with null removes optional fields of themes, stories and epics alike (description, points)', async () => {
    expect((await ctx.call('POST', '/api/v1/themes', { body: { id: 'nullable', name: 'N', description: 'to be removed' } })).status).toBe(201);
    const theme = await ctx.call('PATCH', '/api/v1/themes/nullable', { body: { description: null } });
    expect(theme.status, JSON.stringify(theme.body)).toBe(200);
    expect(theme.body).toEqual({ id: 'nullable', name: 'N' });

    const epic = await ctx.call('PATCH', '/api/v1/epics/resale', { body: { description: null } });
    expect(epic.status, JSON.stringify(epic.body)).toBe(200);
    expect(epic.body).not.toHaveProperty('description');

    expect((await ctx.call('POST', '/api/v1/stories', { body: { id: 'resale-1', epicId: 'resale', title: 'As a shopper I can list an item', points: 3 } })).status).toBe(201);
    const story = await ctx.call('PATCH', '/api/v1/stories/resale-1', { body: { points: null } });
    expect(story.status, JSON.stringify(story.body)).toBe(200);
    expect(story.body).not.toHaveProperty('points');
    expect((await ctx.call('GET', '/api/v1/stories/resale-1')).body).not.toHaveProperty('points');
    expect((await ctx.call('DELETE', '/api/v1/stories/resale-1')).status).toBe(204);
    expect((await ctx.call('DELETE', '/api/v1/themes/nullable')).status).toBe(204);
  });

  it.each([
    ['an unknown status', { status: 'done' }, 'status'],
    ['a dangling theme', { themeId: 'ghost' }, 'refers to unknown theme "ghost"'],
    ['shipped without shippedAt', { status: 'shipped' }, 'a shipped epic needs shippedAt'],
    ['shippedAt on a planned epic', { shippedAt: '2026-11-01' }, 'shippedAt is only allowed on shipped epics'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a changed id', { id: 'other' }, 'id'],
    ['an adoption target above 1', { targets: [{ metric: 'adoption_rate', op: '>=', value: 15 }] }, 'adoption_rate target must be between 0 and 1, got 15'],
  ])('epic PATCH with %s → 400 and the epic is unchanged', async (_what, patch, message) => {
    const before = (await ctx.call('GET', '/api/v1/epics/resale')).body;
    const res = await ctx.call('PATCH', '/api/v1/epics/resale', { body: patch });
    expectError(res, 400);
    const text = [res.body.error.message, ...(res.body.error.details ?? []).map((d: { path: string; message: string }) => `${d.path}: ${d.message}`)].join('\n');
    expect(text).toContain(message);
    expect((await ctx.call('GET', '/api/v1/epics/resale')).body).toEqual(before);
  });

  it('PATCH changes only the fields sent (a story keeps its status when renamed)', async () => {
    const before = (await ctx.call('GET', '/api/v1/stories/style-quiz-2')).body;
    expect(before.status).toBe('done');
    const res = await ctx.call('PATCH', '/api/v1/stories/style-quiz-2', { body: { title: 'Renamed story' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...before, title: 'Renamed story' });
    expect((await ctx.call('GET', '/api/v1/stories/style-quiz-2')).body).toEqual({ ...before, title: 'Renamed story' });
    const epic = (await ctx.call('GET', '/api/v1/epics/virtual-try-on')).body;
    const renamed = await ctx.call('PATCH', '/api/v1/epics/virtual-try-on', { body: { title: 'Try-on' } });
    expect(renamed.body).toEqual({ ...epic, title: 'Try-on' });
  });

  it('theme and story PATCH validation: wrong types and unknown fields → 400', async () => {
    expectError(await ctx.call('PATCH', '/api/v1/themes/acquire', { body: { name: 42 } }), 400);
    expectError(await ctx.call('PATCH', '/api/v1/themes/acquire', { body: { name: '' } }), 400);
    expectError(await ctx.call('PATCH', '/api/v1/stories/style-quiz-1', { body: { status: 'finished' } }), 400);
    const moved = await ctx.call('PATCH', '/api/v1/stories/style-quiz-1', { body: { epicId: 'ghost' } });
    expectError(moved, 400);
    expect(moved.body.error.message).toContain('story "style-quiz-1" refers to unknown epic "ghost"');
    expect((await ctx.call('GET', '/api/v1/stories/style-quiz-1')).body.epicId).toBe('style-quiz');
  });

  it('stories: create, list by epic, 404; deleting an epic deletes its stories', async () => {
    for (const n of [1, 2]) {
      const res = await ctx.call('POST', '/api/v1/stories', { body: { id: `resale-s${n}`, epicId: 'resale', title: `Story ${n}` } });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('todo');
    }
    expectError(await ctx.call('POST', '/api/v1/stories', { body: { id: 'lost', epicId: 'ghost', title: 'x' } }), 400);
    const list = await ctx.call('GET', '/api/v1/stories?epicId=resale');
    expect(list.body.map((s: { id: string }) => s.id).sort()).toEqual(['resale-s1', 'resale-s2']);
    expectError(await ctx.call('GET', '/api/v1/stories/ghost'), 404, 'not_found');

    expect((await ctx.call('DELETE', '/api/v1/epics/resale', { token: ctx.tokens.editor })).status).toBe(204);
    expectError(await ctx.call('GET', '/api/v1/epics/resale'), 404);
    expectError(await ctx.call('GET', '/api/v1/stories/resale-s1'), 404);
    const doc = (await ctx.call('GET', '/api/v1/roadmap')).body;
    expect(doc.stories.filter((s: { epicId: string }) => s.epicId === 'resale')).toEqual([]);
    expect(doc.stories.length).toBe(fabrikam().stories.length);
  });

  it('an epic with follow-ups cannot be deleted (409)', async () => {
    expect((await ctx.call('POST', '/api/v1/epics', { body: { id: 'try-on-v2', title: 'Try-on v2', themeId: 'ai-styling', followUpOf: 'virtual-try-on' } })).status).toBe(201);
    expectError(await ctx.call('DELETE', '/api/v1/epics/virtual-try-on'), 409, 'conflict');
    expect((await ctx.call('DELETE', '/api/v1/epics/try-on-v2')).status).toBe(204);
  });
});

describe('ship endpoint', () => {
  it('ships a planned epic on a past day (200), and the change is stored', async () => {
    const res = await ctx.call('POST', '/api/v1/epics/saved-carts/ship', { token: ctx.tokens.editor, body: { shippedAt: '2026-11-18' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: 'saved-carts', status: 'shipped', shippedAt: '2026-11-18' });
    expect((await ctx.call('GET', '/api/v1/epics/saved-carts')).body).toMatchObject({ status: 'shipped', shippedAt: '2026-11-18' });
  });

  it('today is allowed; tomorrow is in the future → 400', async () => {
    expect((await ctx.call('POST', '/api/v1/epics/gift-cards/ship', { body: { shippedAt: TODAY } })).status).toBe(200);
    const res = await ctx.call('POST', '/api/v1/epics/occasion-planner/ship', { body: { shippedAt: '2026-11-21' } });
    expectError(res, 400);
    expect(res.body.error.message).toContain('future');
    expect((await ctx.call('GET', '/api/v1/epics/occasion-planner')).body.status).toBe('planned');
  });

  it('a cancelled epic → 409; an unknown epic → 404; a bad date → 400', async () => {
    expectError(await ctx.call('POST', '/api/v1/epics/ar-mirror/ship', { body: { shippedAt: '2026-11-01' } }), 409, 'conflict');
    expect((await ctx.call('GET', '/api/v1/epics/ar-mirror')).body.status).toBe('cancelled');
    expectError(await ctx.call('POST', '/api/v1/epics/ghost/ship', { body: { shippedAt: '2026-11-01' } }), 404, 'not_found');
    expectError(await ctx.call('POST', '/api/v1/epics/occasion-planner/ship', { body: { shippedAt: '11/01/2026' } }), 400);
    expectError(await ctx.call('POST', '/api/v1/epics/occasion-planner/ship', { body: {} }), 400);
  });

  it('a viewer cannot ship (403)', async () => {
    expectError(await ctx.call('POST', '/api/v1/epics/occasion-planner/ship', { token: ctx.tokens.viewer, body: { shippedAt: '2026-11-01' } }), 403, 'forbidden');
  });
});

describe('roles and credentials', () => {
  const writes: [string, string, unknown][] = [
    ['PUT', '/api/v1/roadmap', { mission: { statement: 'x' }, themes: [], milestones: [], epics: [], stories: [] }],
    ['POST', '/api/v1/themes', { id: 'viewer-theme', name: 'x' }],
    ['PATCH', '/api/v1/themes/acquire', { name: 'Hijacked' }],
    ['DELETE', '/api/v1/stories/style-quiz-1', undefined],
    ['POST', '/api/v1/epics/occasion-planner/ship', { shippedAt: '2026-11-01' }],
  ];

  it('a viewer reads everything but gets 403 on every write, and nothing changes', async () => {
    const before = (await ctx.call('GET', '/api/v1/roadmap')).body;
    for (const path of ['/api/v1/roadmap', '/api/v1/themes', '/api/v1/epics/virtual-try-on', '/api/v1/milestones', '/api/v1/stories', '/api/v1/me']) {
      expect((await ctx.call('GET', path, { token: ctx.tokens.viewer })).status, path).toBe(200);
    }
    for (const [method, path, body] of writes) {
      const res = await ctx.call(method, path, { token: ctx.tokens.viewer, body });
      expectError(res, 403, 'forbidden');
      expect(res.body.error.message).toContain('editor');
    }
    expect((await ctx.call('GET', '/api/v1/roadmap')).body).toEqual(before);
  });

  it('an editor writes but cannot manage keys (403)', async () => {
    expect((await ctx.call('PATCH', '/api/v1/themes/acquire', { token: ctx.tokens.editor, body: { description: 'Edited by an editor' } })).status).toBe(200);
    expectError(await ctx.call('GET', '/api/v1/keys', { token: ctx.tokens.editor }), 403, 'forbidden');
    expectError(await ctx.call('POST', '/api/v1/keys', { token: ctx.tokens.editor, body: { name: 'x', scope: 'admin' } }), 403, 'forbidden');
    expectError(await ctx.call('DELETE', '/api/v1/keys/whatever', { token: ctx.tokens.editor }), 403, 'forbidden');
  });

  it('an admin manages keys and can write', async () => {
    expect((await ctx.call('GET', '/api/v1/keys', { token: ctx.tokens.admin })).status).toBe(200);
    expect((await ctx.call('POST', '/api/v1/keys', { token: ctx.tokens.admin, body: { name: 'ci', scope: 'viewer' } })).status).toBe(201);
    expect((await ctx.call('PATCH', '/api/v1/themes/acquire', { token: ctx.tokens.admin, body: { name: 'Acquire new customers' } })).status).toBe(200);
  });

  it('/me tells the caller its role', async () => {
    expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.viewer })).body).toMatchObject({ scope: 'viewer' });
    expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.editor })).body).toMatchObject({ scope: 'editor' });
  });

  it('a write key (scope ingest) gets 403 on the API, reads included', async () => {
    const res = await ctx.call('GET', '/api/v1/roadmap', { token: ctx.tokens.ingest });
    expectError(res, 403, 'forbidden');
    expect(res.body.error.message).toContain('write key');
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { token: ctx.tokens.ingest, body: fabrikam() }), 403, 'forbidden');
  });

  it('no token, a bad token, a malformed header → 401', async () => {
    expectError(await ctx.call('GET', '/api/v1/roadmap', { token: null }), 401, 'unauthorized');
    expectError(await ctx.call('GET', '/api/v1/roadmap', { token: 'sx_adm_notarealtokennotarealtokennotarealtok' }), 401, 'unauthorized');
    expectError(await ctx.call('GET', '/api/v1/roadmap', { token: null, headers: { authorization: 'Bearer' } }), 401, 'unauthorized');
    expectError(await ctx.call('GET', '/api/v1/roadmap', { token: null, headers: { authorization: `Token ${ctx.tokens.admin}` } }), 401, 'unauthorized');
    expectError(await ctx.call('GET', '/api/v1/roadmap', { token: 'x'.repeat(5000) }), 401, 'unauthorized');
    expectError(await ctx.call('PUT', '/api/v1/roadmap', { token: null, body: fabrikam() }), 401, 'unauthorized');
  });

  it('credentials are checked before the body: an anonymous oversized or malformed write never reaches validation', async () => {
    expectError(await ctx.call('POST', '/api/v1/themes', { token: null, body: '{broken' }), 401, 'unauthorized');
    expectError(await ctx.call('POST', '/api/v1/themes', { token: ctx.tokens.viewer, body: '{broken' }), 403, 'forbidden');
  });
});
