/**
 * Rate limiting and backpressure.
 *
 * - Per write key: past `SEXTANT_RATE_LIMIT_PER_MINUTE` an ingest request answers 429 with
 *   `Retry-After`; other keys are not affected; after the wait the same request succeeds.
 * - A store that throttles: `ProvisionedThroughputExceededException` (the SDK's own error class,
 *   injected by a middleware *inside* the SDK's retry loop, so its backoff handles it) and
 *   `UnprocessedItems` / `UnprocessedKeys` answers (half of each batch really written, the rest
 *   handed back) — the write path retries with jittered backoff and never loses an accepted event.
 * - A store that keeps throttling past every retry, or one that is down (its port closed):
 *   ingest answers 503 with `Retry-After` in the error shape, and the client's retry once the
 *   store is back yields exactly-once aggregates — including when the first attempt stored the
 *   raw events and failed before their facts.
 * - The dedupe window is the raw-event retention: within it a re-sent event is a duplicate;
 *   past it (raw event purged) an identical re-send is stored again, yet the aggregates do not
 *   move, because every fact is an idempotent put under a deterministic key.
 * Mocks are used for these faults only; everything else is the real app on the real store.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { purgeExpired, rebuild } from '../../functions/src/analytics/jobs';
import { runRollup } from '../../functions/src/analytics/rollup';
import { createApp } from '../../functions/src/app';
import { loadConfig } from '../../functions/src/config';
import { createServices, type Services } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import { addDays, todayUtc } from '../../shared/primitives';
import { testEndpoint } from '../helpers/context';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const TODAY = todayUtc(NOW);

/** The real app on a real store (dynalite, or DynamoDB Local in conformance runs), with one write key. */
async function makeApp(opts: { maxAttempts?: number; endpoint?: string; env?: Record<string, string>; now?: () => number } = {}) {
  const endpoint = opts.endpoint ?? testEndpoint();
  const table = `t_${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    SEXTANT_STORE: endpoint ? 'dynamodb' : 'memory',
    DYNAMODB_ENDPOINT: endpoint,
    SEXTANT_TABLE: table,
    SEXTANT_DEMO: '0',
    SEXTANT_RATE_LIMIT_PER_MINUTE: '1000000',
    SEXTANT_INGEST_MAX_IN_FLIGHT: '1000',
    ...opts.env,
  });
  const store = await openStore({ kind: config.SEXTANT_STORE, table, endpoint, maxAttempts: opts.maxAttempts });
  const services = createServices(config, store, randomBytes(32), { now: opts.now ?? (() => NOW) });
  const app = createApp(services);
  const key = (await services.keys.create({ name: 'pipeline', scope: 'ingest' })).key;
  const call = async (method: string, path: string, body?: unknown, token = key) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  };
  return { services, app, store, key, call, post: (path: string, body: unknown, token?: string) => call('POST', path, body, token), close: () => store.close() };
}

/** `n` track events over five days and twelve users; ids carry `tag`. */
function events(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    type: 'track',
    messageId: `${tag}-${i}`,
    userId: `user-${i % 12}`,
    event: i % 3 ? 'Used A' : 'Used B',
    timestamp: `${addDays(TODAY, -(i % 5))}T10:00:00.000Z`,
  }));
}

/** Every accepted event stored once, facts complete (rebuild finds nothing), daily active users exact. */
async function expectExactlyOnce(services: Services, sent: ReturnType<typeof events>) {
  const ids: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await services.store.doc.send(new ScanCommand({ TableName: services.store.table, ExclusiveStartKey }));
    for (const i of out.Items ?? []) if (String(i.PK).startsWith('EVT#')) ids.push(i.id as string);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  expect(ids.sort()).toEqual([...new Set(sent.map((e) => e.messageId))].sort());
  const report = await rebuild(services);
  expect({ ...report.userFacts, expected: 0, stored: 0 }).toEqual({ expected: 0, stored: 0, missing: 0, extra: 0 });
  await runRollup(services, { force: true });
  const want = new Map<string, Set<string>>();
  for (const e of sent) {
    const d = e.timestamp.slice(0, 10);
    if (!want.has(d)) want.set(d, new Set());
    want.get(d)!.add(e.userId);
  }
  const rolled = await services.analytics.monthRollups([...new Set([...want.keys()].map((d) => d.slice(0, 7)))]);
  const have: Record<string, number> = {};
  for (const r of rolled) for (const [d, c] of Object.entries(r.active)) have[d] = Number(c);
  expect(have).toEqual(Object.fromEntries([...want].map(([d, u]) => [d, u.size])));
}

type Fault = false | 'half' | 'all';

/**
 * Faults on the store's client. `throttle(command, n)` decides whether the n-th attempt (0-based,
 * SDK retries included) of a command throws ProvisionedThroughputExceededException before it
 * reaches the store; `unprocessed(command, n)` whether the n-th call hands back half or all of its
 * items as unprocessed (the other half is really written / read).
 */
function injectFaults(store: Store) {
  const plan: { throttle: (cmd: string, n: number) => boolean; unprocessed: (cmd: string, n: number) => Fault } = { throttle: () => false, unprocessed: () => false };
  const seen = { attempts: {} as Record<string, number>, calls: {} as Record<string, number>, throttled: 0, unprocessedItems: 0, unprocessedKeys: 0, resendDelaysMs: [] as number[] };
  const handedBack = new Map<string, number>();
  const stack = store.doc.middlewareStack;
  // inside the SDK's retry loop (deserialize step): a throttled attempt never reaches the store
  stack.add(
    (next, context) => async (args) => {
      const cmd = (context as { commandName?: string }).commandName ?? '';
      const n = (seen.attempts[cmd] = (seen.attempts[cmd] ?? 0) + 1) - 1;
      if (plan.throttle(cmd, n)) {
        seen.throttled++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (injected)',
          $metadata: { httpStatusCode: 400, requestId: `injected-${n}` },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: 'faultThrottle' },
  );
  // outside the retry loop, on the document client's input / output: partial batches
  stack.add(
    (next, context) => async (args) => {
      const cmd = (context as { commandName?: string }).commandName ?? '';
      const input = args.input as Record<string, any>;
      const table = store.table;
      if (cmd === 'BatchWriteItemCommand') {
        const items = input.RequestItems[table] as { PutRequest?: { Item: Record<string, string> }; DeleteRequest?: { Key: Record<string, string> } }[];
        const keyOf = (r: (typeof items)[number]) => {
          const k = r.PutRequest?.Item ?? r.DeleteRequest!.Key;
          return `${k.PK}|${k.SK}`;
        };
        for (const r of items) {
          const at = handedBack.get(keyOf(r));
          if (at !== undefined) {
            seen.resendDelaysMs.push(performance.now() - at);
            handedBack.delete(keyOf(r));
          }
        }
        const n = (seen.calls[cmd] = (seen.calls[cmd] ?? 0) + 1) - 1;
        const fault = plan.unprocessed(cmd, n);
        if (!fault) return next(args);
        const keep = fault === 'all' ? [] : items.slice(0, Math.ceil(items.length / 2));
        const back = items.slice(keep.length);
        const out = keep.length ? await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } }) : { output: { $metadata: {} }, response: {} };
        seen.unprocessedItems += back.length;
        const t = performance.now();
        for (const r of back) handedBack.set(keyOf(r), t);
        (out.output as Record<string, unknown>).UnprocessedItems = { [table]: back };
        return out as never;
      }
      if (cmd === 'BatchGetItemCommand') {
        const req = input.RequestItems[table] as { Keys: Record<string, string>[] };
        const n = (seen.calls[cmd] = (seen.calls[cmd] ?? 0) + 1) - 1;
        const fault = plan.unprocessed(cmd, n);
        if (!fault || req.Keys.length < 2) return next(args);
        const keep = fault === 'all' ? [] : req.Keys.slice(0, Math.ceil(req.Keys.length / 2));
        const back = req.Keys.slice(keep.length);
        const out = keep.length ? await next({ ...args, input: { ...input, RequestItems: { [table]: { ...req, Keys: keep } } } }) : { output: { $metadata: {}, Responses: { [table]: [] } }, response: {} };
        seen.unprocessedKeys += back.length;
        (out.output as Record<string, unknown>).UnprocessedKeys = { [table]: { ...req, Keys: back } };
        return out as never;
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultUnprocessed' },
  );
  return {
    plan,
    seen,
    heal() {
      plan.throttle = () => false;
      plan.unprocessed = () => false;
    },
  };
}

/** A TCP door in front of the store: close it and the store is down (connections refused). */
async function storeDoor(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let doorPort = 0;
  const open = () =>
    new Promise<void>((ok, fail) => {
      server = createTcpServer((client) => {
        const upstream = connect(Number(port), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', fail);
      server.listen(doorPort, '127.0.0.1', () => {
        doorPort = (server!.address() as { port: number }).port;
        ok();
      });
    });
  await open();
  return {
    url: () => `http://127.0.0.1:${doorPort}`,
    open,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
      server = undefined;
    },
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After per write key; other keys go on; the retry after the wait succeeds', async () => {
    const t = await makeApp({ env: { SEXTANT_RATE_LIMIT_PER_MINUTE: '30' } });
    cleanups.push(t.close);
    const other = (await t.services.keys.create({ name: 'other pipeline', scope: 'ingest' })).key;
    const evs = events(40, 'rl');
    let ok = 0;
    let limited: Awaited<ReturnType<typeof t.post>> | undefined;
    let i = 0;
    const started = performance.now();
    for (; i < evs.length; i++) {
      const res = await t.post('/v1/track', evs[i]);
      if (res.status === 429) {
        limited = res;
        break;
      }
      expect(res.status).toBe(200);
      ok++;
    }
    // a bucket of 30 that refills at 0.5 per second
    const refilled = ((performance.now() - started) / 1000) * 0.5;
    expect(ok).toBeGreaterThanOrEqual(30);
    expect(ok).toBeLessThanOrEqual(30 + Math.ceil(refilled));
    expect(limited).toBeDefined();
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 2).toBe(true);
    expect(limited!.json).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('rate limit'), details: { retryAfterSeconds: retryAfter } } });
    // the limited request stored nothing; another key is not limited
    expect((await t.services.events.findRaw([evs[i].messageId])).size).toBe(0);
    expect((await t.post('/v1/track', events(1, 'other')[0], other)).status).toBe(200);
    // batches count as one request each, and are limited the same way
    expect((await t.post('/v1/batch', { batch: [evs[i]] })).status).toBe(429);
    // the API is not rate limited by the ingest buckets
    expect((await t.call('GET', '/api/v1/me', undefined, (await t.services.keys.create({ name: 'v', scope: 'viewer' })).key)).status).toBe(200);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    const retried = await t.post('/v1/track', evs[i]);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await t.services.events.findRaw(evs.slice(0, i + 1).map((e) => e.messageId))).size).toBe(i + 1);
  });
});

describe('a store that throttles', () => {
  it('retries ProvisionedThroughputExceededException and unprocessed items with jittered backoff; no accepted event is lost', async () => {
    const t = await makeApp();
    cleanups.push(t.close);
    const faults = injectFaults(t.store);
    // the first 3 attempts of every batch write and batch get are throttled; then, for a while,
    // half of each batch comes back unprocessed
    faults.plan.throttle = (cmd, n) => (cmd === 'BatchWriteItemCommand' || cmd === 'BatchGetItemCommand') && n < 3;
    faults.plan.unprocessed = (_cmd, n) => (n < 40 ? 'half' : false);
    const sent = events(600, 'thr');
    const batches = Array.from({ length: 12 }, (_, b) => sent.slice(b * 50, b * 50 + 50));
    const results = await Promise.all(batches.map((batch) => t.post('/v1/batch', { batch })));
    for (const r of results) expect([r.status, r.json.accepted, r.json.duplicates]).toEqual([200, 50, 0]);
    expect(faults.seen.throttled).toBe(6);
    expect(faults.seen.unprocessedItems).toBeGreaterThan(100);
    expect(faults.seen.unprocessedKeys).toBeGreaterThan(100);
    // handed-back items were re-sent after a random (jittered), capped delay
    const delays = faults.seen.resendDelaysMs;
    expect(delays.length).toBeGreaterThan(100);
    expect(Math.max(...delays)).toBeLessThan(5_000); // backoff is capped at 2 s; the rest is scheduling under load
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(5);
    faults.heal();
    await expectExactlyOnce(t.services, sent);
    // re-sending everything changes nothing
    for (const batch of batches) expect((await t.post('/v1/batch', { batch })).json).toMatchObject({ accepted: 0, duplicates: 50 });
    await expectExactlyOnce(t.services, sent);
  }, 60_000);

  it('past every retry answers 503 with Retry-After; the client retry later is counted exactly once', async () => {
    const t = await makeApp({ maxAttempts: 2 });
    cleanups.push(t.close);
    const faults = injectFaults(t.store);
    const sent = events(40, 'busy');
    const first = sent.slice(0, 20);

    // 1. every batch write throttled, past the SDK's retries
    faults.plan.throttle = (cmd) => cmd === 'BatchWriteItemCommand';
    let res = await t.post('/v1/batch', { batch: first });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.json).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });

    // 2. the store hands every item back, past the write path's own retries
    faults.heal();
    faults.plan.unprocessed = (cmd) => (cmd === 'BatchWriteItemCommand' ? 'all' : false);
    res = await t.post('/v1/batch', { batch: first });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.json.error.code).toBe('unavailable');

    // 3. a crash between the two writes: the raw events are stored, their facts are not
    faults.heal();
    const writesBefore = faults.seen.calls.BatchWriteItemCommand ?? 0;
    faults.plan.throttle = (cmd) => cmd === 'BatchWriteItemCommand' && (faults.seen.calls.BatchWriteItemCommand ?? 0) > writesBefore + 1;
    res = await t.post('/v1/batch', { batch: sent.slice(20) });
    expect(res.status).toBe(503);
    expect((await t.services.events.findRaw(sent.slice(20).map((e) => e.messageId))).size).toBe(20);

    // the store recovers; the client retries both requests (twice, for good measure)
    faults.heal();
    expect((await t.post('/v1/batch', { batch: first })).json).toMatchObject({ accepted: 20, duplicates: 0 });
    expect((await t.post('/v1/batch', { batch: sent.slice(20) })).json).toMatchObject({ accepted: 0, duplicates: 20 });
    for (const batch of [first, sent.slice(20)]) expect((await t.post('/v1/batch', { batch })).json).toMatchObject({ accepted: 0, duplicates: 20 });
    await expectExactlyOnce(t.services, sent);
  }, 90_000);
});

describe('a store that is down', () => {
  it('answers 503 with Retry-After; once the store is back the retry succeeds with exactly-once aggregates', async () => {
    // the real store behind a TCP door the test can close
    let target = testEndpoint();
    if (!target) {
      const { default: dynalite } = await import('dynalite');
      const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
      cleanups.push(() => new Promise<void>((ok) => server.close(() => ok())));
      target = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    }
    const door = await storeDoor(target);
    cleanups.push(door.close);
    const t = await makeApp({ endpoint: door.url(), maxAttempts: 2 });
    cleanups.push(t.close);
    const sent = events(60, 'down');
    expect((await t.post('/v1/batch', { batch: sent.slice(0, 30) })).json).toMatchObject({ accepted: 30 });
    // a viewer token this process has not read yet (a cached credential needs no store read)
    const viewer = (await t.services.keys.create({ name: 'dashboard', scope: 'viewer' })).key;

    await door.close();
    for (const body of [{ batch: sent.slice(30) }, sent[30]]) {
      const res = await t.post(Array.isArray((body as { batch?: unknown }).batch) ? '/v1/batch' : '/v1/track', body);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.json).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    }
    // the API too
    const api = await t.call('GET', '/api/v1/roadmap', undefined, viewer);
    expect(api.status).toBe(503);
    expect(api.json.error.code).toBe('unavailable');

    await door.open();
    expect((await t.post('/v1/batch', { batch: sent.slice(30) })).json).toMatchObject({ accepted: 30, duplicates: 0 });
    expect((await t.post('/v1/batch', { batch: sent })).json).toMatchObject({ accepted: 0, duplicates: 60 });
    await expectExactlyOnce(t.services, sent);
  }, 60_000);
});

describe('dedupe window and retention', () => {
  it('a re-send within the retention is a duplicate; past it the raw event is stored again and the aggregates do not move', async () => {
    let now = NOW;
    const t = await makeApp({ env: { SEXTANT_RAW_RETENTION_DAYS: '7' }, now: () => now });
    cleanups.push(t.close);
    const sent = [
      ...events(30, 'ret'),
      ...[1, 2, 3].map((i) => ({ type: 'track', messageId: `ret-survey-${i}`, userId: `user-${i}`, event: 'Survey Responded', timestamp: `${addDays(TODAY, -i)}T10:00:00.000Z`, properties: { scale: 'csat', score: i + 2 } })),
    ];
    expect((await t.post('/v1/batch', { batch: sent })).json).toMatchObject({ accepted: 33, duplicates: 0 });
    const snapshot = async () => {
      await runRollup(t.services, { force: true });
      const months = await t.services.analytics.monthRollups([...new Set([TODAY.slice(0, 7), addDays(TODAY, -5).slice(0, 7)])]);
      return months.map((m) => ({ month: m.month, active: m.active, satisfaction: m.satisfaction }));
    };
    const before = await snapshot();
    expect(before.flatMap((m) => Object.keys(m.active)).length).toBe(5);
    expect(before.flatMap((m) => m.satisfaction).length).toBe(3);

    // six days later: still inside the 7-day window, so a duplicate
    now = NOW + 6 * 86_400_000;
    expect((await t.post('/v1/batch', { batch: sent })).json).toMatchObject({ accepted: 0, duplicates: 33 });
    expect(await purgeExpired(t.services)).toEqual({ deleted: 0 });

    // eight days later: the raw events are past their retention and purged
    now = NOW + 8 * 86_400_000;
    expect(await purgeExpired(t.services)).toEqual({ deleted: 33 });
    expect((await t.services.events.findRaw(sent.map((e) => e.messageId))).size).toBe(0);
    expect(await snapshot()).toEqual(before); // aggregates survive the purge (facts are kept)
    // the same events again: no longer recognised as duplicates, stored again, counted once
    expect((await t.post('/v1/batch', { batch: sent })).json).toMatchObject({ accepted: 33, duplicates: 0 });
    expect(await snapshot()).toEqual(before);
    await expectExactlyOnce(t.services, sent);
  });
});
