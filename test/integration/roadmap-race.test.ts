/**
 * Entity writes get the same optimistic concurrency as the whole-document import: a theme
 * deletion racing an epic creation that names the theme can never leave an epic pointing at a
 * deleted theme, a crashed writer's change is finished by the next writer, and no write is
 * refused for a problem it did not cause. Also: one set of shipping rules for PATCH and /ship.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayUtc } from '../../shared/primitives';
import { roadmapProblems, type Roadmap } from '../../shared/roadmap';
import { K } from '../../functions/src/store/keys';
import { createTestContext, type TestContext } from '../helpers/context';
import { fixtureRoadmap } from '../helpers/routes';

describe('roadmap entity writes under concurrency', () => {
  let ctx: TestContext;
  let today: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    today = todayUtc(ctx.services.now());
    expect((await ctx.call('PUT', '/api/v1/roadmap', { body: fixtureRoadmap(today) })).status).toBe(200);
  });
  afterAll(() => ctx?.close());

  it('theme delete vs epic create, 200 times: a consistent roadmap, and unrelated writes keep working', async () => {
    const outcomes = new Map<string, number>();
    let rounds = 0;
    // the themes to race over come in by import, 40 at a time (a roadmap holds at most 50 themes)
    for (let part = 0; part < 5; part++) {
      const doc = fixtureRoadmap(today);
      const themes = Array.from({ length: 40 }, (_, j) => `race-${part}-${j}`);
      doc.themes.push(...themes.map((id) => ({ id, name: id })));
      expect((await ctx.call('PUT', '/api/v1/roadmap', { body: doc })).status).toBe(200);
      for (const [j, theme] of themes.entries()) {
        // every other round the deletion starts a little later, so both orders happen
        const del = () => ctx.call('DELETE', `/api/v1/themes/${theme}`);
        const [d, c] = await Promise.all([
          j % 2 ? del() : new Promise((r) => setTimeout(r, 1)).then(del),
          ctx.call('POST', '/api/v1/epics', { body: { id: `epic-${theme}`, title: 'Racing epic', themeId: theme } }),
        ]);
        const pair = `${d.status}/${c.status}`;
        outcomes.set(pair, (outcomes.get(pair) ?? 0) + 1);
        // either the theme went first (the epic's reference is refused) or the epic did (the theme is kept)
        expect(['204/400', '409/201']).toContain(pair);
        if (c.status === 400) expect(c.body.error.code).toBe('invalid_reference');
        if (d.status === 409) expect(d.body.error.code).toBe('conflict');
        rounds++;
      }
      expect(roadmapProblems((await ctx.call('GET', '/api/v1/roadmap')).body as Roadmap)).toEqual([]);
    }
    expect(rounds).toBe(200);
    // every later unrelated write succeeds
    expect((await ctx.call('POST', '/api/v1/themes', { body: { id: 'after-race', name: 'After' } })).status).toBe(201);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { title: 'Still editable' } })).status).toBe(200);
    // eslint-disable-next-line no-console
    console.log('theme-delete / epic-create race outcomes (delete/create):', Object.fromEntries(outcomes));
  }, 240_000);

  it('concurrent creates of different entities all land, and the version counts each of them', async () => {
    const v0 = Number((await ctx.call('GET', '/api/v1/roadmap')).headers.get('etag')!.match(/\d+/)![0]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.call('POST', '/api/v1/stories', { body: { id: `burst-${i}`, epicId: 'shipped-epic', title: `Burst ${i}` } })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const after = await ctx.call('GET', '/api/v1/roadmap');
    expect((after.body as Roadmap).stories.filter((s) => s.id.startsWith('burst-'))).toHaveLength(20);
    expect(after.headers.get('etag')).toBe(`"v${v0 + 20}"`);
  });

  it('If-Match on an entity write: the current version passes, a stale one gets 409', async () => {
    const etag = (await ctx.call('GET', '/api/v1/roadmap')).headers.get('etag')!;
    const ok = await ctx.call('PATCH', '/api/v1/themes/core', { body: { name: 'Core' }, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).not.toBe(etag);
    const stale = await ctx.call('PATCH', '/api/v1/themes/core', { body: { name: 'Core 2' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(409);
    expect((await ctx.call('GET', '/api/v1/themes/core')).body.name).toBe('Core');
  });

  it("finishes a crashed writer's recorded change before the next write", async () => {
    const s = ctx.services;
    const head = await s.roadmaps.head();
    // a writer recorded "add theme crashed-theme" under its lease and died before applying it
    await s.store.doc.send(
      new UpdateCommand({
        TableName: s.store.table,
        Key: K.roadmapHead(),
        UpdateExpression: 'SET lockId = :id, lockUntil = :past, intent = :i',
        ExpressionAttributeValues: { ':id': 'dead-writer', ':past': Date.now() - 1, ':i': { puts: [{ ...K.theme(head.partition, 'crashed-theme'), id: 'crashed-theme', name: 'Recorded', order: 99 }], deletes: [] } },
      }),
    );
    // readers already see the recorded change
    expect((await ctx.call('GET', '/api/v1/themes/crashed-theme')).status).toBe(200);
    // the next writer finishes it, then does its own
    expect((await ctx.call('POST', '/api/v1/themes', { body: { id: 'next-writer', name: 'Next' } })).status).toBe(201);
    const stored = await s.store.doc.send(new GetCommand({ TableName: s.store.table, Key: K.theme(head.partition, 'crashed-theme') }));
    expect(stored.Item?.name).toBe('Recorded');
    const after = await s.roadmaps.head();
    expect(after.intent).toBeUndefined();
    expect(after.lockId).toBeUndefined();
    expect(after.version).toBe(head.version + 2);
  });

  it('never refuses a write for a problem it did not cause', async () => {
    // a document already broken (an epic naming a theme that is gone), stored without the API's checks
    const broken = fixtureRoadmap(today);
    broken.epics.push({ id: 'orphan', title: 'Orphan', themeId: 'gone', status: 'planned', signals: { events: [] }, targets: [] });
    await ctx.services.roadmaps.replace(broken);
    expect((await ctx.call('POST', '/api/v1/themes', { body: { id: 'unrelated', name: 'Unrelated' } })).status).toBe(201);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { title: 'Renamed' } })).status).toBe(200);
    expect((await ctx.call('PUT', '/api/v1/mission', { body: { statement: 'Still works' } })).status).toBe(200);
    // but a write that adds a broken reference of its own is refused
    const own = await ctx.call('POST', '/api/v1/epics', { body: { id: 'mine', title: 'Mine', themeId: 'also-gone' } });
    expect(own.status).toBe(400);
    expect(own.body.error.message).toContain('also-gone');
    // and fixing the orphan works
    expect((await ctx.call('PATCH', '/api/v1/epics/orphan', { body: { themeId: 'core' } })).status).toBe(200);
    expect(roadmapProblems((await ctx.call('GET', '/api/v1/roadmap')).body)).toEqual([]);
  });

  it('PATCH obeys the shipping rules of /ship: no future ship date, no shipping a cancelled epic', async () => {
    await ctx.services.roadmaps.replace(fixtureRoadmap(today));
    const future = addDays(today, 3);
    const viaPatch = await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { status: 'shipped', shippedAt: future } });
    const viaShip = await ctx.call('POST', '/api/v1/epics/planned-epic/ship', { body: { shippedAt: future } });
    expect([viaPatch.status, viaShip.status]).toEqual([400, 400]);
    expect(viaPatch.body.error.message).toBe(viaShip.body.error.message);
    const viaCreate = await ctx.call('POST', '/api/v1/epics', { body: { id: 'born-shipped', title: 'x', themeId: 'core', status: 'shipped', shippedAt: future } });
    expect(viaCreate.status).toBe(400);

    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { status: 'cancelled' } })).status).toBe(200);
    const cancelledPatch = await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { status: 'shipped', shippedAt: today } });
    const cancelledShip = await ctx.call('POST', '/api/v1/epics/planned-epic/ship', { body: { shippedAt: today } });
    expect([cancelledPatch.status, cancelledShip.status]).toEqual([409, 409]);
    expect(cancelledPatch.body.error.message).toBe(cancelledShip.body.error.message);
    // reopened, it ships by either route
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { status: 'planned' } })).status).toBe(200);
    expect((await ctx.call('PATCH', '/api/v1/epics/planned-epic', { body: { status: 'shipped', shippedAt: today } })).status).toBe(200);
  });
});
