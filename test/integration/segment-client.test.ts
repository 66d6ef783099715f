/**
 * The real `@segment/analytics-node` client, with only its host changed, against the real local
 * server over HTTP: batches of track / identify / page and survey events are stored exactly once,
 * re-sent messageIds are duplicates, and the client's own retries (after an injected 503, and
 * after a lost acknowledgement) never double-count.
 */
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { log } from '../../functions/src/log';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import type { UserActivity } from '../../shared/outcome-types';
import { expectedUserSignatures, signatures, type SentEvent } from '../helpers/ground-truth';
import { startFlakyProxy } from '../helpers/flaky-proxy';
import { itemsWithPrefix } from '../helpers/table';

log.setLevel('silent');

let server: RunningServer;
let writeKey: string;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.signInToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A client that records every HTTP answer and every delivery error. */
function client(host: string, opts: { flushAt?: number; maxRetries?: number } = {}) {
  const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: opts.flushAt ?? 25, flushInterval: 100, maxRetries: opts.maxRetries ?? 3, httpRequestTimeout: 5000 });
  const responses: number[] = [];
  const errors: unknown[] = [];
  analytics.on('http_response', (r) => responses.push(r.status));
  analytics.on('error', (e) => errors.push(e));
  return { analytics, responses, errors };
}

const rawCount = async () => (await itemsWithPrefix(server.services.store, 'EVT#')).length;
const todayStats = async () => {
  const { body } = await api('GET', '/api/v1/ingest/stats?days=1');
  return body.days[0] as { received: number; accepted: number; duplicates: number; rejected: number };
};

beforeAll(async () => {
  // load shedding has its own test (burst.test.ts): here a starved machine must not shed these few batches
  server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent', SEXTANT_INGEST_MAX_IN_FLIGHT: '64' }), { quiet: true });
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  const created = await api('POST', '/api/v1/keys', { name: 'segment-node', scope: 'ingest' });
  expect(created.status).toBe(201);
  writeKey = created.body.key;
});
afterAll(async () => server?.close());

describe('@segment/analytics-node against the real server', () => {
  const sent: SentEvent[] = [];
  const now = Date.now();
  const ts = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000);

  it('track, identify, page and survey events are all stored exactly once', async () => {
    const { analytics, responses, errors } = client(server.url);
    for (let u = 0; u < 30; u++) {
      const userId = `seg-user-${u}`;
      const common = { userId };
      analytics.identify({ ...common, traits: { plan: u % 2 ? 'pro' : 'free' }, messageId: `seg-id-${u}`, timestamp: ts(30) });
      sent.push({ type: 'identify', userId, messageId: `seg-id-${u}`, timestamp: ts(30).toISOString() });
      analytics.page({ ...common, name: 'Home', properties: { path: '/' }, messageId: `seg-pg-${u}`, timestamp: ts(29) });
      sent.push({ type: 'page', userId, messageId: `seg-pg-${u}`, timestamp: ts(29).toISOString() });
      analytics.track({ ...common, event: 'Try-On Started', properties: { garment: 'jacket' }, messageId: `seg-tr-${u}`, timestamp: ts(2) });
      sent.push({ type: 'track', event: 'Try-On Started', userId, messageId: `seg-tr-${u}`, timestamp: ts(2).toISOString() });
      if (u % 3 === 0) {
        analytics.track({ ...common, event: 'Survey Responded', properties: { scale: 'csat', score: 1 + (u % 5), epicId: 'try-on' }, messageId: `seg-sv-${u}`, timestamp: ts(1) });
        sent.push({ type: 'track', event: 'Survey Responded', userId, properties: { scale: 'csat', score: 1 + (u % 5), epicId: 'try-on' }, messageId: `seg-sv-${u}`, timestamp: ts(1).toISOString() });
      }
    }
    // one event with the client's own messageId (a uuid) and anonymousId
    analytics.track({ anonymousId: 'seg-anon-1', event: 'App Opened' });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(errors).toEqual([]);
    expect(responses.length).toBeGreaterThanOrEqual(Math.ceil(sent.length / 25));
    expect(responses.filter((s) => s !== 200)).toEqual([]);
    const ids = sent.map((e) => e.messageId);
    expect((await server.services.events.findRaw(ids)).size).toBe(ids.length);
    expect(await rawCount()).toBe(sent.length + 1);

    const users = new Map<string, UserActivity>();
    for (const month of new Set(sent.map((e) => e.timestamp.slice(0, 7)))) await server.services.analytics.loadUserMonth(month, users);
    const anon = [...users.values()].filter((u) => u.usage.has('ev:App Opened'));
    expect(anon).toHaveLength(1);
    expect(signatures([...users.values()].filter((u) => !u.usage.has('ev:App Opened')))).toEqual(expectedUserSignatures(sent));

    const surveys = (await Promise.all([...new Set(sent.map((e) => e.timestamp.slice(0, 7)))].map((m) => server.services.analytics.surveysOfMonth(m)))).flat();
    expect(surveys).toHaveLength(10);
    expect(surveys.every((s) => s.scope === 'try-on' && s.sc === 'csat')).toBe(true);
    expect(surveys.map((s) => Number(s.s)).sort()).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 1].sort());

    const stats = await todayStats();
    expect(stats).toMatchObject({ accepted: sent.length + 1, duplicates: 0, rejected: 0 });
  });

  it('re-sending the same messageIds from a new client stores nothing twice', async () => {
    const before = await rawCount();
    const statsBefore = await todayStats();
    const { analytics, responses, errors } = client(server.url, { flushAt: 40 });
    for (const e of sent) {
      const base = { userId: e.userId!, messageId: e.messageId, timestamp: new Date(e.timestamp) };
      if (e.type === 'identify') analytics.identify(base);
      else if (e.type === 'page') analytics.page({ ...base, name: 'Home' });
      else analytics.track({ ...base, event: e.event!, properties: e.properties });
    }
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);
    expect(responses.every((s) => s === 200)).toBe(true);
    expect(await rawCount()).toBe(before);
    const stats = await todayStats();
    expect(stats.accepted).toBe(statsBefore.accepted);
    expect(stats.duplicates - statsBefore.duplicates).toBe(sent.length);
  });

  it('one invalid event in a batch: the client gets 200 and the good events are stored', async () => {
    const { analytics, responses, errors } = client(server.url);
    analytics.track({ userId: 'mixed-1', event: 'Survey Responded', properties: { scale: 'csat', score: 9 }, messageId: 'seg-bad-1' });
    analytics.track({ userId: 'mixed-1', event: 'App Opened', messageId: 'seg-good-1' });
    analytics.track({ userId: 'mixed-2', event: 'App Opened', messageId: 'seg-good-2', timestamp: new Date(Date.now() + 3 * 86_400_000) });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);
    expect(responses).toEqual([200]);
    const stored = await server.services.events.findRaw(['seg-bad-1', 'seg-good-1', 'seg-good-2']);
    expect([...stored.keys()]).toEqual(['seg-good-1']);
    const { body } = await api('GET', '/api/v1/ingest/stats?days=1');
    expect(body.rejections.map((r: { messageId: string }) => r.messageId)).toEqual(expect.arrayContaining(['seg-bad-1', 'seg-good-2']));
  });

  it('a wrong write key: the client gets 401, does not retry, and nothing is stored', async () => {
    const analytics = new Analytics({ writeKey: 'sx_ing_thisisnotavalidkeythisisnotavalidkeyxx', host: server.url, flushAt: 5, flushInterval: 50, maxRetries: 3 });
    const responses: number[] = [];
    const errors: unknown[] = [];
    analytics.on('http_response', (r) => responses.push(r.status));
    analytics.on('error', (e) => errors.push(e));
    analytics.track({ userId: 'intruder', event: 'App Opened', messageId: 'seg-401' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(responses).toEqual([401]);
    expect(errors.length).toBe(1);
    expect((await server.services.events.findRaw(['seg-401'])).size).toBe(0);
  });
});

describe('client retries through real faults', () => {
  it('after a 503 the client retries and every event is stored once', async () => {
    const proxy = await startFlakyProxy(server.url, (n) => (n === 1 ? 'fail-503' : 'forward'));
    try {
      const before = await rawCount();
      const { analytics, responses, errors } = client(proxy.url, { flushAt: 50 });
      const ids = Array.from({ length: 50 }, (_, i) => `retry503-${i}`);
      ids.forEach((messageId, i) => analytics.track({ userId: `r503-${i % 7}`, event: 'Try-On Started', messageId }));
      await analytics.closeAndFlush({ timeout: 20_000 });
      expect(errors).toEqual([]);
      expect(responses).toEqual([503, 200]);
      expect(proxy.log.map((l) => l.mode)).toEqual(['fail-503', 'forward']);
      expect(proxy.log[1].upstreamBody).toMatchObject({ accepted: 50, duplicates: 0 });
      expect((await server.services.events.findRaw(ids)).size).toBe(50);
      expect(await rawCount()).toBe(before + 50);
    } finally {
      await proxy.close();
    }
  });

  it('when the acknowledgement is lost after the server stored the batch, the retry is counted as duplicates', async () => {
    const proxy = await startFlakyProxy(server.url, (n) => (n === 1 ? 'drop-after-forward' : 'forward'));
    try {
      const before = await rawCount();
      const statsBefore = await todayStats();
      const { analytics, responses, errors } = client(proxy.url, { flushAt: 40 });
      const ids = Array.from({ length: 40 }, (_, i) => `lostack-${i}`);
      ids.forEach((messageId, i) => analytics.track({ userId: `lost-${i % 5}`, event: 'Quiz Completed', messageId }));
      await analytics.closeAndFlush({ timeout: 20_000 });
      expect(errors).toEqual([]);
      // the first attempt reached the server (200, all accepted) but the client never saw it
      expect(proxy.log.map((l) => [l.mode, l.upstreamStatus])).toEqual([['drop-after-forward', 200], ['forward', 200]]);
      expect(proxy.log[0].upstreamBody).toMatchObject({ accepted: 40, duplicates: 0 });
      expect(proxy.log[1].upstreamBody).toMatchObject({ accepted: 0, duplicates: 40 });
      expect(responses).toEqual([200]);
      expect(await rawCount()).toBe(before + 40);
      const stats = await todayStats();
      expect(stats.accepted - statsBefore.accepted).toBe(40);
      expect(stats.duplicates - statsBefore.duplicates).toBe(40);
    } finally {
      await proxy.close();
    }
  });

  it('a 500 followed by a recovered server: retried with backoff, nothing lost', async () => {
    const proxy = await startFlakyProxy(server.url, (n) => (n <= 2 ? 'fail-500' : 'forward'));
    try {
      const { analytics, responses, errors } = client(proxy.url, { flushAt: 10 });
      const ids = Array.from({ length: 10 }, (_, i) => `retry500-${i}`);
      ids.forEach((messageId) => analytics.page({ userId: 'r500', name: 'Home', messageId }));
      await analytics.closeAndFlush({ timeout: 20_000 });
      expect(errors).toEqual([]);
      expect(responses).toEqual([500, 500, 200]);
      expect((await server.services.events.findRaw(ids)).size).toBe(10);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
