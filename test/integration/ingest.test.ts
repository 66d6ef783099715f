/**
 * Ingest through the real app (in-process) on a real store: every validation rule and limit of
 * shared/ingest.ts and DESIGN.md, write-key auth, exactly-once aggregates, metrics, rate limit,
 * pseudonymisation, re-attribution after a signal change, and the rebuild report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired, rebuild } from '../../functions/src/analytics/jobs';
import { runRollup } from '../../functions/src/analytics/rollup';
import type { UserActivity } from '../../shared/outcome-types';
import { LIMITS } from '../../shared/ingest';
import { createTestContext, type TestContext } from '../helpers/context';
import { expectedAdoption, expectedDailyActive, expectedFactCount, expectedUserSignatures, shiftDate, signatures, uniqueEvents, type SentEvent } from '../helpers/ground-truth';
import { deleteItem, itemsContaining, itemsWithPrefix, putItem } from '../helpers/table';
import { shippedEpics, smallRoadmap, workload } from '../helpers/workload';

const TODAY = '2026-11-20';
const NOW = Date.parse(`${TODAY}T12:00:00.000Z`);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
let seq = 0;
const mid = (p = 'm') => `${p}-${++seq}`;
const track = (over: Record<string, unknown> = {}) => ({ type: 'track', event: 'App Opened', userId: 'u-1', messageId: mid(), timestamp: iso(NOW - HOUR), ...over });

async function send(ctx: TestContext, body: unknown, path = '/v1/batch', key = ctx.tokens.ingest) {
  return ctx.call('POST', path, { token: null, headers: basic(key), body });
}

/** The per-user facts of a month, as a plain comparable object. */
async function userFacts(ctx: TestContext, month: string) {
  const users = new Map<string, UserActivity>();
  await ctx.services.analytics.loadUserMonth(month, users);
  return Object.fromEntries(
    [...users].sort(([a], [b]) => a.localeCompare(b)).map(([u, a]) => [u, { active: [...a.active].sort(), usage: Object.fromEntries([...a.usage].sort().map(([k, d]) => [k, [...d].sort()])) }]),
  );
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  ctx.setNow(NOW);
});
afterAll(async () => ctx?.close());

describe('accepting events', () => {
  it('a batch of valid events of every type → 200 with accepted counts, each stored once with its type and day', async () => {
    const batch = [
      track({ messageId: 'all-1' }),
      { type: 'page', name: 'Home', userId: 'u-1', messageId: 'all-2', timestamp: iso(NOW - 2 * HOUR) },
      { type: 'screen', name: 'Cart', anonymousId: 'a-1', messageId: 'all-3', timestamp: iso(NOW - DAY) },
      { type: 'identify', userId: 'u-2', traits: { plan: 'pro' }, messageId: 'all-4', timestamp: iso(NOW - DAY) },
      { type: 'group', userId: 'u-2', groupId: 'acme', messageId: 'all-5', timestamp: iso(NOW - DAY) },
      { type: 'alias', userId: 'u-2', previousId: 'a-9', messageId: 'all-6', timestamp: iso(NOW - DAY) },
    ];
    const res = await send(ctx, { batch, sentAt: iso(NOW) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, accepted: 6, duplicates: 0, rejected: [] });
    const raws = await ctx.services.events.findRaw(batch.map((e) => e.messageId));
    expect([...raws.values()].map((r) => [r.id, r.t, r.d]).sort()).toEqual([
      ['all-1', 'track', TODAY], ['all-2', 'page', TODAY], ['all-3', 'screen', '2026-11-19'], ['all-4', 'identify', '2026-11-19'], ['all-5', 'group', '2026-11-19'], ['all-6', 'alias', '2026-11-19'],
    ]);
    expect(raws.get('all-1')!.e).toBe('App Opened');
    expect(raws.get('all-6')!.u).toBeNull();
  });

  it('the write key is accepted as Basic-auth user (Segment), as Bearer, and as writeKey in the body', async () => {
    const key = ctx.tokens.ingest;
    const viaBasic = await ctx.call('POST', '/v1/batch', { token: null, headers: basic(key), body: { batch: [track()] } });
    const viaBasicNoColon = await ctx.call('POST', '/v1/batch', { token: null, headers: { authorization: `Basic ${Buffer.from(key).toString('base64')}` }, body: { batch: [track()] } });
    const viaBearer = await ctx.call('POST', '/v1/batch', { token: key, body: { batch: [track()] } });
    const viaBody = await ctx.call('POST', '/v1/batch', { token: null, body: { writeKey: key, batch: [track()] } });
    const viaBodySingle = await ctx.call('POST', '/v1/track', { token: null, body: { writeKey: key, ...track() } });
    for (const res of [viaBasic, viaBasicNoColon, viaBearer, viaBody, viaBodySingle]) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.accepted).toBe(1);
    }
  });

  it('missing, wrong or revoked write key → 401; a role token → 403; nothing is stored', async () => {
    const ids: string[] = [];
    const ev = () => {
      const e = track();
      ids.push(e.messageId);
      return e;
    };
    const missing = await ctx.call('POST', '/v1/batch', { token: null, body: { batch: [ev()] } });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 'unauthorized' });
    const wrong = await send(ctx, { batch: [ev()] }, '/v1/batch', 'sx_ing_wrongwrongwrongwrongwrongwrongwrongwron');
    expect(wrong.status).toBe(401);
    const wrongBody = await ctx.call('POST', '/v1/batch', { token: null, body: { writeKey: 'nope', batch: [ev()] } });
    expect(wrongBody.status).toBe(401);

    const revoked = await ctx.services.keys.create({ name: 'old pipeline', scope: 'ingest' });
    expect((await send(ctx, { batch: [track()] }, '/v1/batch', revoked.key)).status).toBe(200);
    await ctx.services.keys.revoke(revoked.id);
    expect((await send(ctx, { batch: [ev()] }, '/v1/batch', revoked.key)).status).toBe(401);
    expect((await send(ctx, ev(), '/v1/track', revoked.key)).status).toBe(401);

    const role = await send(ctx, { batch: [ev()] }, '/v1/batch', ctx.tokens.admin);
    expect(role.status).toBe(403);
    expect(role.body.error.code).toBe('forbidden');
    expect((await send(ctx, ev(), '/v1/identify', ctx.tokens.editor)).status).toBe(403);
    expect((await ctx.services.events.findRaw(ids)).size).toBe(0);
  });

  it.each(['track', 'page', 'screen', 'identify', 'group', 'alias'] as const)('POST /v1/%s stores one event of that type', async (type) => {
    const e: Record<string, unknown> = { userId: 'single-user', messageId: mid(type), timestamp: iso(NOW - HOUR) };
    if (type === 'track') e.event = 'Single Event';
    if (type === 'page' || type === 'screen') e.name = 'Home';
    if (type === 'group') e.groupId = 'g-1';
    if (type === 'alias') e.previousId = 'anon-single';
    const res = await send(ctx, e, `/v1/${type}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ success: true, accepted: 1, duplicates: 0, rejected: [] });
    expect((await ctx.services.events.findRaw([e.messageId as string])).get(e.messageId as string)?.t).toBe(type);
  });

  it('a single-event endpoint answers 400 with the reason for an invalid event, or for another type', async () => {
    const noName = await send(ctx, { userId: 'u', messageId: mid() }, '/v1/track');
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain('track needs an event name');
    const other = await send(ctx, { type: 'page', userId: 'u', messageId: mid() }, '/v1/track');
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain('type "page" sent to /v1/track');
    const notObject = await send(ctx, [track()], '/v1/track');
    expect(notObject.status).toBe(400);
  });
});

describe('validation and limits', () => {
  it('an event over 32 KB is rejected with index, messageId and reason; the others are stored; status 200', async () => {
    const big = track({ messageId: 'big-1', properties: { blob: 'x'.repeat(LIMITS.eventBytes) } });
    const justUnder = track({ messageId: 'under-1', properties: { blob: 'y'.repeat(LIMITS.eventBytes - 200) } });
    const a = track({ messageId: 'ok-a' });
    const b = track({ messageId: 'ok-b' });
    const res = await send(ctx, { batch: [a, big, justUnder, b] });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected).toEqual([{ index: 1, messageId: 'big-1', reason: expect.stringContaining('32 KB') }]);
    const raws = await ctx.services.events.findRaw(['ok-a', 'big-1', 'under-1', 'ok-b']);
    expect([...raws.keys()].sort()).toEqual(['ok-a', 'ok-b', 'under-1']);
  });

  it('a request over 500 KB → 413 and nothing of it is stored', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => track({ messageId: `huge-${i}`, properties: { blob: 'z'.repeat(26 * 1024) } }));
    const res = await send(ctx, { batch });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('500 KB') });
    expect((await ctx.services.events.findRaw(batch.map((e) => e.messageId))).size).toBe(0);
  });

  it('2,500 events in a batch are accepted; 2,501 → 400 and nothing is stored', async () => {
    const many = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ event: 'E', userId: 'bulk', messageId: `${p}-${i}`, timestamp: iso(NOW - HOUR) }));
    const tooMany = many(LIMITS.batchEvents + 1, 'over');
    const res = await send(ctx, { batch: tooMany });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('2500');
    expect((await ctx.services.events.findRaw(tooMany.slice(0, 100).map((e) => e.messageId))).size).toBe(0);

    const max = await send(ctx, { batch: many(LIMITS.batchEvents, 'max') });
    expect(max.status).toBe(200);
    expect(max.body.accepted).toBe(2500);
  });

  it('malformed JSON, an empty body, or a batch that is not an array → 400', async () => {
    for (const body of ['{"batch": [', '', 'null', '{"batch": {"type": "track"}}', '{"nobatch": []}']) {
      const res = await ctx.call('POST', '/v1/batch', { token: null, headers: { ...basic(ctx.tokens.ingest), 'content-type': 'application/json' }, body: body || undefined });
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it.each([
    ['a track without event', { type: 'track', userId: 'u' }, 'track needs an event name'],
    ['a track with an empty event', { type: 'track', event: '  ', userId: 'u' }, 'event'],
    ['an event without userId or anonymousId', { type: 'track', event: 'E' }, 'userId or anonymousId is required'],
    ['a page with a null userId and no anonymousId', { type: 'page', userId: null }, 'userId or anonymousId is required'],
    ['an alias without previousId', { type: 'alias', userId: 'u' }, 'alias needs previousId'],
    ['an alias without userId', { type: 'alias', previousId: 'p', anonymousId: 'a' }, 'alias needs userId'],
    ['a group without groupId', { type: 'group', userId: 'u' }, 'group needs groupId'],
    ['an unknown type', { type: 'purchase', userId: 'u' }, 'type'],
    ['an invalid timestamp', { type: 'track', event: 'E', userId: 'u', timestamp: 'yesterday' }, 'not an ISO-8601 timestamp'],
    ['a messageId over 255 characters', { type: 'track', event: 'E', userId: 'u', messageId: 'm'.repeat(256) }, 'messageId'],
    ['an event name over 200 characters', { type: 'track', event: 'E'.repeat(201), userId: 'u' }, 'event'],
    ['a userId over 255 characters', { type: 'track', event: 'E', userId: 'u'.repeat(256) }, 'userId'],
    ['properties that are not an object', { type: 'track', event: 'E', userId: 'u', properties: 'x' }, 'properties'],
    ['a survey with an unknown scale', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'ces', score: 3 } }, 'properties.scale "csat" or "nps"'],
    ['a survey without a score', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat' } }, 'numeric properties.score'],
    ['a survey with a text score', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: 'great' } }, 'numeric properties.score'],
    ['a CSAT of 6', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: 6 } }, 'csat score must be between 1 and 5, got 6'],
    ['a CSAT of 0', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: 0 } }, 'csat score must be between 1 and 5, got 0'],
    ['an NPS of 11', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'nps', score: 11 } }, 'nps score must be between 0 and 10, got 11'],
    ['an NPS of -1', { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'nps', score: -1 } }, 'nps score must be between 0 and 10, got -1'],
  ])('%s is rejected with its reason; its good neighbour is stored', async (_what, event, reason) => {
    const id = mid('bad');
    const good = track();
    const res = await send(ctx, { batch: [good, { timestamp: iso(NOW - HOUR), ...event, messageId: (event as { messageId?: string }).messageId ?? id }] });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 1, reason: expect.stringContaining(reason) });
    if (!(event as { messageId?: string }).messageId) {
      expect(res.body.rejected[0].messageId).toBe(id);
      expect((await ctx.services.events.findRaw([id])).size).toBe(0);
    }
    expect((await ctx.services.events.findRaw([good.messageId])).size).toBe(1);
  });

  it('non-object events are rejected one by one', async () => {
    const res = await send(ctx, { batch: [42, null, 'track', [track()], track()] });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number; messageId: null; reason: string }) => [r.index, r.messageId, r.reason])).toEqual([
      [0, null, 'event must be a JSON object'], [1, null, 'event must be a JSON object'], [2, null, 'event must be a JSON object'], [3, null, 'event must be a JSON object'],
    ]);
  });

  it('accepted edge cases: anonymousId only, numeric userId, CSAT 1 and 5, NPS 0 and 10, a numeric-string score, alias and group', async () => {
    const batch = [
      { type: 'track', event: 'E', anonymousId: 'anon-only', messageId: 'edge-1', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'E', userId: 12345, messageId: 'edge-2', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: 1 }, messageId: 'edge-3', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: 5, epicId: 'try-on' }, messageId: 'edge-4', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'nps', score: 0 }, messageId: 'edge-5', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'nps', score: 10 }, messageId: 'edge-6', timestamp: iso(NOW - HOUR) },
      { type: 'track', event: 'Survey Responded', userId: 'u', properties: { scale: 'csat', score: '4' }, messageId: 'edge-7', timestamp: iso(NOW - HOUR) },
      { type: 'alias', userId: 'u', previousId: 'anon-only', messageId: 'edge-8', timestamp: iso(NOW - HOUR) },
      { type: 'group', anonymousId: 'anon-only', groupId: 42, messageId: 'edge-9', timestamp: iso(NOW - HOUR) },
      { event: 'No Type Means Track', userId: 'u', messageId: 'edge-10', timestamp: iso(NOW - HOUR) },
    ];
    const res = await send(ctx, { batch });
    expect(res.body.rejected).toEqual([]);
    expect(res.body.accepted).toBe(batch.length);
    const surveys = (await ctx.services.analytics.surveysOfMonth('2026-11')).filter((s: any) => String(s.SK).includes('#edge-'));
    expect(surveys.map((s) => [s.sc, Number(s.s), s.scope]).sort()).toEqual([
      ['csat', 1, 'product'], ['csat', 4, 'product'], ['csat', 5, 'try-on'], ['nps', 0, 'product'], ['nps', 10, 'product'],
    ].sort());
    expect((await ctx.services.events.findRaw(['edge-10'])).get('edge-10')?.t).toBe('track');
  });

  it('rejections are visible in GET /api/v1/ingest/stats', async () => {
    const id = mid('visible');
    await send(ctx, { batch: [{ type: 'track', userId: 'u', messageId: id, timestamp: iso(NOW - HOUR) }] });
    const stats = await ctx.call('GET', '/api/v1/ingest/stats', { token: ctx.tokens.viewer });
    expect(stats.status).toBe(200);
    expect(stats.body.rejections).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: id, index: 0, endpoint: '/v1/batch', reason: expect.stringContaining('track needs an event name') })]));
    const today = stats.body.days.find((d: { date: string }) => d.date === TODAY);
    expect(today.rejected).toBeGreaterThan(20);
    expect(today.accepted).toBeGreaterThan(2500);
  });
});

describe('event time', () => {
  it('timestamp as sent; else originalTimestamp corrected for clock skew with sentAt; else the time received', async () => {
    const skew = 3 * DAY + 17 * 60_000; // the device clock is 3 days 17 minutes ahead
    const events = [
      { event: 'T', userId: 'clock', messageId: 'time-1', timestamp: '2026-11-10T08:00:00.000Z', originalTimestamp: iso(NOW + skew), sentAt: iso(NOW + skew) },
      // per-event sentAt
      { event: 'T', userId: 'clock', messageId: 'time-2', originalTimestamp: iso(NOW + skew - 20 * HOUR), sentAt: iso(NOW + skew) },
      // batch-level sentAt
      { event: 'T', userId: 'clock', messageId: 'time-3', originalTimestamp: iso(NOW + skew - 2 * DAY) },
      // nothing: received time
      { event: 'T', userId: 'clock', messageId: 'time-4' },
    ];
    const res = await send(ctx, { batch: events, sentAt: iso(NOW + skew) });
    expect(res.body.rejected).toEqual([]);
    const raws = await ctx.services.events.findRaw(events.map((e) => e.messageId));
    expect(raws.get('time-1')).toMatchObject({ at: Date.parse('2026-11-10T08:00:00.000Z'), d: '2026-11-10' });
    expect(raws.get('time-2')).toMatchObject({ at: NOW - 20 * HOUR, d: '2026-11-19' });
    expect(raws.get('time-3')).toMatchObject({ at: NOW - 2 * DAY, d: '2026-11-18' });
    expect(raws.get('time-4')).toMatchObject({ at: NOW, d: TODAY });
  });

  it('originalTimestamp without any sentAt is taken as is', async () => {
    await send(ctx, { batch: [{ event: 'T', userId: 'clock', messageId: 'time-5', originalTimestamp: '2026-11-15T23:30:00Z' }] });
    expect((await ctx.services.events.findRaw(['time-5'])).get('time-5')).toMatchObject({ d: '2026-11-15' });
  });

  it('an event too far in the future is rejected with a reason (24 h by default); a little ahead is fine', async () => {
    const res = await send(ctx, { batch: [track({ messageId: 'fut-1', timestamp: iso(NOW + 25 * HOUR) }), track({ messageId: 'fut-2', timestamp: iso(NOW + 23 * HOUR) })] });
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, messageId: 'fut-1', reason: expect.stringMatching(/in the future/) }]);
    // skew correction happens before the check: a device 3 days ahead is not "in the future"
    const skewed = await send(ctx, { batch: [{ event: 'T', userId: 'u', messageId: 'fut-3', originalTimestamp: iso(NOW + 3 * DAY), sentAt: iso(NOW + 3 * DAY) }] });
    expect(skewed.body.accepted).toBe(1);
  });

  it('an event older than the horizon (400 days by default) is rejected with a reason', async () => {
    const res = await send(ctx, { batch: [track({ messageId: 'old-1', timestamp: iso(NOW - 401 * DAY) }), track({ messageId: 'old-2', timestamp: iso(NOW - 399 * DAY) })] });
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, messageId: 'old-1', reason: expect.stringContaining('400-day horizon (SEXTANT_MAX_EVENT_AGE_DAYS)') }]);
  });

  it('SEXTANT_MAX_EVENT_AGE_DAYS sets the horizon', async () => {
    const short = await createTestContext({ SEXTANT_MAX_EVENT_AGE_DAYS: '30' });
    try {
      short.setNow(NOW);
      const res = await send(short, { batch: [track({ messageId: 'h-31', timestamp: iso(NOW - 31 * DAY) }), track({ messageId: 'h-29', timestamp: iso(NOW - 29 * DAY) })] });
      expect(res.body.accepted).toBe(1);
      expect(res.body.rejected).toEqual([{ index: 0, messageId: 'h-31', reason: expect.stringContaining('older than the 30-day horizon') }]);
      expect([...(await short.services.events.findRaw(['h-31', 'h-29'])).keys()]).toEqual(['h-29']);
    } finally {
      await short.close();
    }
  });
});

describe('exactly once', () => {
  let w: TestContext;
  const batches = workload({ today: TODAY, batches: 4, perBatch: 150, users: 60, seed: 11, prefix: 'eo' });
  const sent: SentEvent[] = batches.flat();
  beforeAll(async () => {
    w = await createTestContext();
    w.setNow(NOW);
    expect((await w.call('PUT', '/api/v1/roadmap', { body: smallRoadmap(TODAY) })).status).toBe(200);
    for (const batch of batches) {
      const res = await send(w, { batch, sentAt: iso(NOW) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, accepted: 150, duplicates: 0, rejected: [] });
    }
    await runRollup(w.services, { force: true });
  });
  afterAll(async () => w?.close());

  async function outcomes() {
    const out: Record<string, unknown> = {};
    for (const e of shippedEpics(TODAY)) {
      const res = await w.call('GET', `/api/v1/epics/${e.id}/outcome?asOf=${TODAY}`, { token: w.tokens.viewer });
      expect(res.status).toBe(200);
      out[e.id] = { adoption: res.body.adoption, satisfaction: res.body.satisfaction };
    }
    return out;
  }

  it('aggregates equal what the events imply (adopters, active users, daily series, facts)', async () => {
    for (const epic of shippedEpics(TODAY)) {
      const want = expectedAdoption(sent, epic, TODAY);
      expect(want.adopters).toBeGreaterThan(5);
      const got = (await w.call('GET', `/api/v1/epics/${epic.id}/outcome?asOf=${TODAY}`)).body;
      expect(got.adoption.adopters, epic.id).toBe(want.adopters);
      expect(got.adoption.activeUsers, epic.id).toBe(want.activeUsers);
      expect(got.adoption.series.map((s: any) => [s.date, s.adopters, s.activeUsers])).toEqual(want.series.map((s) => [s.date, s.adopters, s.activeUsers]));
    }
    const users = new Map<string, UserActivity>();
    for (const month of ['2026-10', '2026-11']) await w.services.analytics.loadUserMonth(month, users);
    expect(users.size).toBe(60);
    expect(signatures(users.values())).toEqual(expectedUserSignatures(sent));
    const raws = await itemsWithPrefix(w.services.store, 'EVT#');
    expect(raws.length).toBe(600);
  });

  it('a re-sent batch is acknowledged as duplicates and changes no aggregate', async () => {
    const factsBefore = { oct: await userFacts(w, '2026-10'), nov: await userFacts(w, '2026-11') };
    const surveysBefore = (await w.services.analytics.surveysOfMonth('2026-11')).length + (await w.services.analytics.surveysOfMonth('2026-10')).length;
    const outcomesBefore = await outcomes();

    // the same batches again, and once more re-cut differently and in reverse order
    for (const batch of batches) {
      const res = await send(w, { batch, sentAt: iso(NOW) });
      expect(res.body).toEqual({ success: true, accepted: 0, duplicates: 150, rejected: [] });
    }
    const recut = [...sent].reverse();
    const res = await send(w, { batch: recut.slice(0, 333) });
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 333 });
    await runRollup(w.services, { force: true });

    expect({ oct: await userFacts(w, '2026-10'), nov: await userFacts(w, '2026-11') }).toEqual(factsBefore);
    expect((await w.services.analytics.surveysOfMonth('2026-11')).length + (await w.services.analytics.surveysOfMonth('2026-10')).length).toBe(surveysBefore);
    expect(await outcomes()).toEqual(outcomesBefore);
    expect((await itemsWithPrefix(w.services.store, 'EVT#')).length).toBe(600);

    const stats = (await w.call('GET', '/api/v1/ingest/stats')).body.days.find((d: { date: string }) => d.date === TODAY);
    expect(stats).toMatchObject({ accepted: 600, duplicates: 933, rejected: 0, received: 1533 });
  });

  it('the same messageId twice in one request counts once', async () => {
    const e = { event: 'App Opened', userId: 'twice', messageId: 'twice-1', timestamp: iso(NOW - HOUR) };
    const res = await send(w, { batch: [e, e, { ...e, event: 'Different Content Same Id' }] });
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 2 });
    expect((await w.services.events.findRaw(['twice-1'])).get('twice-1')?.e).toBe('App Opened');
  });

  it('events without messageId are deduplicated by content', async () => {
    const e = { type: 'track', event: 'No Id', userId: 'no-id-user', timestamp: iso(NOW - 2 * HOUR), properties: { a: 1 } };
    expect((await send(w, { batch: [e] })).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await send(w, { batch: [e] })).body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await send(w, e, '/v1/track')).body).toMatchObject({ accepted: 0, duplicates: 1 });
    // different content is a different event
    expect((await send(w, { batch: [{ ...e, timestamp: iso(NOW - 3 * HOUR) }] })).body).toMatchObject({ accepted: 1, duplicates: 0 });
    const auto = (await itemsWithPrefix(w.services.store, 'EVT#auto-')).length;
    expect(auto).toBe(2);
  });

  it('rebuild reports zero differences after normal ingest', async () => {
    const report = await rebuild(w.services);
    const all = [...sent, { messageId: 'twice-1', event: 'App Opened', userId: 'twice', timestamp: iso(NOW - HOUR) }, { messageId: 'auto-a', event: 'No Id', userId: 'no-id-user', timestamp: iso(NOW - 2 * HOUR) }, { messageId: 'auto-b', event: 'No Id', userId: 'no-id-user', timestamp: iso(NOW - 3 * HOUR) }];
    expect(report.rawEvents).toBe(603);
    expect(report.userFacts).toMatchObject({ expected: expectedFactCount(all), missing: 0, extra: 0 });
    const surveys = uniqueEvents(sent).filter((e) => e.event === 'Survey Responded').length;
    expect(surveys).toBeGreaterThan(20);
    expect(report.surveys).toEqual({ expected: surveys, stored: surveys, missing: 0, extra: 0 });
    expect(report.fixed).toBe(false);
  });

  it('rebuild detects a lost fact, a lost survey and an extra fact, and fixes them', async () => {
    await runRollup(w.services, { force: true });
    const before = await outcomes();
    const facts = await itemsWithPrefix(w.services.store, 'UF#2026-11');
    // a usage fact of an adopter: its loss changes an outcome
    const lost = facts.find((f) => f.SK.endsWith('#ev:Try-On Started'))!;
    expect(lost).toBeDefined();
    const survey = (await itemsWithPrefix(w.services.store, 'SRV#2026-11'))[0];
    await deleteItem(w.services.store, { PK: lost.PK, SK: lost.SK });
    await deleteItem(w.services.store, { PK: survey.PK, SK: survey.SK });
    const bogus = { PK: lost.PK, SK: `${'B'.repeat(22)}#${Math.floor(NOW / DAY)}` };
    await putItem(w.services.store, bogus);

    const report = await rebuild(w.services);
    expect(report.userFacts).toMatchObject({ missing: 1, extra: 1 });
    expect(report.surveys).toMatchObject({ missing: 1, extra: 0 });
    expect(report.fixed).toBe(false);
    // a report without fix changes nothing
    expect((await rebuild(w.services)).userFacts).toMatchObject({ missing: 1, extra: 1 });

    const fixed = await rebuild(w.services, { fix: true });
    expect(fixed.fixed).toBe(true);
    const after = await rebuild(w.services);
    expect(after.userFacts).toMatchObject({ missing: 0, extra: 0 });
    expect(after.surveys).toMatchObject({ missing: 0, extra: 0 });
    expect((await itemsWithPrefix(w.services.store, 'UF#2026-11')).some((f) => f.SK === lost.SK)).toBe(true);
    expect((await itemsWithPrefix(w.services.store, 'UF#2026-11')).some((f) => f.SK === bogus.SK)).toBe(false);
    // the fix re-ran the rollup: outcomes are what they were before the damage
    expect(await outcomes()).toEqual(before);
  });

  it('rebuild finds no difference when a user-day\'s usage and its other events arrive in different requests', async () => {
    const x = await createTestContext();
    try {
      x.setNow(NOW);
      const at = iso(NOW - 2 * HOUR);
      await send(x, { batch: [{ event: 'Try-On Started', userId: 'split', messageId: 'split-1', timestamp: at }] });
      await send(x, { batch: [{ event: 'Survey Responded', userId: 'split', properties: { scale: 'csat', score: 5 }, messageId: 'split-2', timestamp: at }, { type: 'page', userId: 'split', messageId: 'split-3', timestamp: at }] });
      const report = await rebuild(x.services);
      expect(report.userFacts).toMatchObject({ expected: 1, missing: 0, extra: 0 });
      expect(report.surveys).toMatchObject({ expected: 1, stored: 1, missing: 0, extra: 0 });
    } finally {
      await x.close();
    }
  });

  it('product-wide daily active users equal the distinct users per day', async () => {
    const want = expectedDailyActive([...sent]);
    const months = await w.services.analytics.monthRollups(['2026-10', '2026-11']);
    const active = Object.assign({}, ...months.map((m) => m.active));
    for (const [day, n] of want) if (day < TODAY) expect(active[day], day).toBe(n);
  });
});

describe('re-attribution after a signal change', () => {
  it('changing an epic\'s signals re-attributes history after a forced rollup, without re-ingesting', async () => {
    const r = await createTestContext();
    try {
      r.setNow(NOW);
      expect((await r.call('PUT', '/api/v1/roadmap', { body: smallRoadmap(TODAY) })).status).toBe(200);
      const S = shippedEpics(TODAY).find((e) => e.id === 'try-on')!.shippedAt;
      const events: SentEvent[] = [];
      for (let u = 0; u < 40; u++) {
        const day = shiftDate(S, u % 15);
        events.push({ type: 'track', event: 'App Opened', userId: `ra-${u}`, messageId: `ra-open-${u}`, timestamp: `${day}T09:00:00.000Z` });
        if (u % 4 === 0) events.push({ type: 'track', event: 'Try-On Started', userId: `ra-${u}`, messageId: `ra-old-${u}`, timestamp: `${day}T10:00:00.000Z` });
        if (u % 3 === 0) events.push({ type: 'track', event: 'Try-On Photo Uploaded', userId: `ra-${u}`, messageId: `ra-new-${u}`, timestamp: `${shiftDate(day, 1)}T10:00:00.000Z` });
      }
      expect((await send(r, { batch: events })).body).toMatchObject({ accepted: events.length, rejected: [] });
      await runRollup(r.services, { force: true });
      const oldEpic = shippedEpics(TODAY).find((e) => e.id === 'try-on')!;
      const before = (await r.call('GET', `/api/v1/epics/try-on/outcome?asOf=${TODAY}`)).body.adoption;
      expect(before.adopters).toBe(expectedAdoption(events, oldEpic, TODAY).adopters);
      expect(before.adopters).toBe(10);

      const patched = await r.call('PATCH', '/api/v1/epics/try-on', { body: { signals: { events: ['Try-On Started', 'Try-On Photo Uploaded'] } } });
      expect(patched.status).toBe(200);
      const rawBefore = (await itemsWithPrefix(r.services.store, 'EVT#')).length;
      await runRollup(r.services, { force: true });
      const after = (await r.call('GET', `/api/v1/epics/try-on/outcome?asOf=${TODAY}`)).body.adoption;
      const want = expectedAdoption(events, { ...oldEpic, signals: { events: ['Try-On Started', 'Try-On Photo Uploaded'] } }, TODAY);
      expect(want.adopters).toBe(10 + 14 - 4);
      expect(after.adopters).toBe(want.adopters);
      expect(after.activeUsers).toBe(want.activeUsers);
      expect(after.series.map((s: any) => s.adopters)).toEqual(want.series.map((s) => s.adopters));
      expect((await itemsWithPrefix(r.services.store, 'EVT#')).length).toBe(rawBefore);

      // and properties.epicId names the epic whatever its signals
      await send(r, { batch: [{ event: 'Anything', userId: 'ra-1', properties: { epicId: 'try-on' }, messageId: 'ra-prop', timestamp: `${shiftDate(S, 2)}T10:00:00.000Z` }] });
      await runRollup(r.services, { force: true });
      expect((await r.call('GET', `/api/v1/epics/try-on/outcome?asOf=${TODAY}`)).body.adoption.adopters).toBe(want.adopters + 1);
    } finally {
      await r.close();
    }
  });
});

describe('metrics', () => {
  const m = (name: string, date: string, value: unknown) => ({ name, date, value });

  it('valid daily values are stored; invalid ones are rejected by index; status 200', async () => {
    const res = await send(ctx, { metrics: [m('checkout_conversion', '2026-11-01', 0.031), m('Checkout Conversion', '2026-11-01', 0.5), m('checkout_conversion', '2026-02-30', 0.5), m('checkout_conversion', '2026-11-02', '0.4'), m('checkout_conversion', '2026-11-03', null), { name: 'checkout_conversion', date: '2026-11-04', value: 1, extra: true }, m('checkout_conversion', '2026-11-02', 0.032)] }, '/v1/metrics');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(res.body.rejected[0].reason).toContain('metric names are lowercase');
    expect(res.body.rejected[1].reason).toContain('not a real calendar date');
    expect(res.body.rejected[2].reason).toContain('value');
    expect(await ctx.services.analytics.kpiSeries('checkout_conversion', '2026-11-01', '2026-11-30')).toEqual([{ date: '2026-11-01', value: 0.031 }, { date: '2026-11-02', value: 0.032 }]);
    expect(await ctx.services.analytics.kpiNames()).toContain('checkout_conversion');
  });

  it('a re-sent value is idempotent; a new value for the same name and date wins (within and across requests)', async () => {
    const body = { metrics: [m('aov', '2026-11-05', 42.5), m('aov', '2026-11-06', 40)] };
    expect((await send(ctx, body, '/v1/metrics')).body.accepted).toBe(2);
    expect((await send(ctx, body, '/v1/metrics')).body.accepted).toBe(2);
    expect(await ctx.services.analytics.kpiSeries('aov', '2026-11-01', '2026-11-30')).toEqual([{ date: '2026-11-05', value: 42.5 }, { date: '2026-11-06', value: 40 }]);
    await send(ctx, { metrics: [m('aov', '2026-11-05', 43)] }, '/v1/metrics');
    await send(ctx, { metrics: [m('aov', '2026-11-06', 1), m('aov', '2026-11-06', 2), m('aov', '2026-11-06', 41)] }, '/v1/metrics');
    expect(await ctx.services.analytics.kpiSeries('aov', '2026-11-01', '2026-11-30')).toEqual([{ date: '2026-11-05', value: 43 }, { date: '2026-11-06', value: 41 }]);
  });

  it('an empty list, too many metrics, bad JSON or no key → 4xx in the error shape', async () => {
    expect((await send(ctx, { metrics: [] }, '/v1/metrics')).status).toBe(400);
    expect((await send(ctx, { metrics: Array.from({ length: 1001 }, (_, i) => m('x', '2026-01-01', i)) }, '/v1/metrics')).status).toBe(400);
    expect((await send(ctx, '{"metrics": [', '/v1/metrics')).status).toBe(400);
    expect((await send(ctx, { metric: [m('x', '2026-01-01', 1)] }, '/v1/metrics')).status).toBe(400);
    const anon = await ctx.call('POST', '/v1/metrics', { token: null, body: { metrics: [m('x', '2026-01-01', 1)] } });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthorized');
    expect(await ctx.services.analytics.kpiSeries('x', '2026-01-01', '2026-01-01')).toEqual([]);
  });
});

describe('rate limit', () => {
  it('over SEXTANT_RATE_LIMIT_PER_MINUTE → 429 with Retry-After, per key; the refused request stores nothing', async () => {
    const rl = await createTestContext({ SEXTANT_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) expect((await send(rl, { batch: [track()] })).status).toBe(200);
      const refused = track();
      const res = await send(rl, { batch: [refused] });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await rl.services.events.findRaw([refused.messageId])).size).toBe(0);
      expect((await send(rl, { metrics: [{ name: 'x', date: '2026-01-01', value: 1 }] }, '/v1/metrics')).status).toBe(429);
      // another key has its own budget
      const other = await rl.services.keys.create({ name: 'second pipeline', scope: 'ingest' });
      expect((await send(rl, { batch: [track()] }, '/v1/batch', other.key)).status).toBe(200);
    } finally {
      await rl.close();
    }
  });
});

describe('pseudonymisation', () => {
  it('no raw user id is stored anywhere in the table, yet each user is counted', async () => {
    const p = await createTestContext();
    try {
      p.setNow(NOW);
      const ids = ['alice.smith@example.com', 'bob-9f2c41d7', 'device-anon-55a1e0'];
      const batch = [
        { event: 'App Opened', userId: ids[0], messageId: 'ps-1', timestamp: iso(NOW - HOUR) },
        { event: 'Survey Responded', userId: ids[1], properties: { scale: 'csat', score: 4 }, messageId: 'ps-2', timestamp: iso(NOW - HOUR) },
        { type: 'page', anonymousId: ids[2], messageId: 'ps-3', timestamp: iso(NOW - DAY) },
        { type: 'identify', userId: ids[0], traits: { email: ids[0] }, messageId: 'ps-4', timestamp: iso(NOW - HOUR) },
        { type: 'alias', userId: ids[1], previousId: ids[2], messageId: 'ps-5', timestamp: iso(NOW - HOUR) },
        { event: 'Bad', messageId: 'ps-6', timestamp: iso(NOW + 5 * DAY), userId: ids[1] },
      ];
      const res = await send(p, { batch });
      expect(res.body).toMatchObject({ accepted: 5 });
      for (const id of ids) expect(await itemsContaining(p.services.store, id), id).toEqual([]);
      const raws = await p.services.events.findRaw(['ps-1', 'ps-2', 'ps-3', 'ps-4']);
      const hashes = new Set([...raws.values()].map((r) => r.u));
      expect(hashes.size).toBe(3);
      for (const h of hashes) expect(h).toMatch(/^[A-Za-z0-9_-]{22}$/);
      // the same user gets the same pseudonym
      expect(raws.get('ps-1')!.u).toBe(raws.get('ps-4')!.u);
      const users = new Map<string, UserActivity>();
      await p.services.analytics.loadUserMonth('2026-11', users);
      expect([...users.keys()].sort()).toEqual([...hashes].sort());
    } finally {
      await p.close();
    }
  });
});

describe('retention', () => {
  it('purgeExpired drops raw events past retention but keeps the facts outcomes are computed from', async () => {
    const p = await createTestContext();
    try {
      p.setNow(NOW);
      await send(p, { batch: [track({ messageId: 'ret-1', userId: 'r1' }), track({ messageId: 'ret-2', userId: 'r2', event: 'Try-On Started' })] });
      const facts = await userFacts(p, '2026-11');
      p.setNow(NOW + 100 * DAY);
      expect((await purgeExpired(p.services)).deleted).toBe(0);
      p.setNow(NOW + 401 * DAY);
      expect((await purgeExpired(p.services)).deleted).toBe(2);
      expect(await itemsWithPrefix(p.services.store, 'EVT#')).toEqual([]);
      expect(await userFacts(p, '2026-11')).toEqual(facts);
    } finally {
      await p.close();
    }
  });
});
