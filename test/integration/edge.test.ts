/**
 * The HTTP edge against the real local server over real sockets:
 * - every early refusal (413, 401, 403, 415, 429, 503, 404) on the ingest and the API routes
 *   leaves a kept-alive connection usable: the next request on the same client succeeds, on the
 *   same socket when the body was drained, on a new one after `Connection: close`;
 * - credentials are checked before a body is parsed (the parser never sees an unauthenticated body);
 * - gzip and deflate bodies, limits on the inflated size, a decompression bomb stopped at the limit;
 * - JSON whatever the content type; Segment's short paths; `/v1/event`; CORS for ingest only;
 * - one limit, one status, one message for an oversized single event.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { edgeStats } from '../../functions/src/edge';
import { log } from '../../functions/src/log';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { EVENT_TYPES, LIMITS } from '../../shared/ingest';

log.setLevel('silent');

let server: RunningServer;
let admin: string;
let viewer: string;
let n = 0;
const RATE = 12;

const newKey = async (scope: 'ingest' | 'viewer' = 'ingest') => (await server.services.keys.create({ name: `edge ${n++}`, scope })).key;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const track = (id: string, extra: Record<string, unknown> = {}) => ({ type: 'track', event: 'Edge Used', userId: `edge-${id}`, messageId: `edge-${id}`, ...extra });

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  json: any;
  /** the request went over a socket an earlier request had used */
  reused: boolean;
}

/** A keep-alive client with one socket: every request waits for the one before it. */
function keepAliveClient() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, opts: { headers?: Record<string, string>; body?: Buffer | string; chunks?: Buffer[] } = {}) =>
    new Promise<Answer>((ok, fail) => {
      const url = new URL(server.url + path);
      const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
      if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          ok({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : null, reused: req.reusedSocket });
        });
      });
      req.on('error', fail);
      if (opts.chunks) {
        for (const c of opts.chunks) req.write(c);
        req.end();
      } else req.end(opts.body);
    });
  return { send, close: () => agent.destroy() };
}

beforeAll(async () => {
  server = await startServer(
    loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent', SEXTANT_RATE_LIMIT_PER_MINUTE: String(RATE), SEXTANT_INGEST_MAX_IN_FLIGHT: '1', SEXTANT_INGEST_MAX_WAIT_MS: '0' }),
    { quiet: true },
  );
  admin = server.signInToken;
  viewer = (await server.services.keys.create({ name: 'edge viewer', scope: 'viewer' })).key;
});
afterAll(async () => server?.close());

const batchBody = (events: unknown[]) => JSON.stringify({ batch: events });
const oversizedBatch = (p: string) => batchBody(Array.from({ length: 20 }, (_, i) => track(`${p}-${i}`, { properties: { blob: 'z'.repeat(27 * 1024) } })));

describe('a kept-alive connection survives every early refusal', () => {
  /** each case: a refusal, then a valid ingest request on the same client */
  const cases: { name: string; status: number; code: string; send: (c: ReturnType<typeof keepAliveClient>, key: string) => Promise<Answer> }[] = [
    { name: '413 batch over 500 KB (Content-Length)', status: 413, code: 'payload_too_large', send: (c, key) => c.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: oversizedBatch('cl') }) },
    {
      name: '413 batch over 500 KB (chunked, no Content-Length)',
      status: 413,
      code: 'payload_too_large',
      send: (c, key) => {
        const b = Buffer.from(oversizedBatch('chunked'));
        return c.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, chunks: [b.subarray(0, 200_000), b.subarray(200_000, 400_000), b.subarray(400_000)] });
      },
    },
    { name: '413 single event over 32 KB', status: 413, code: 'payload_too_large', send: (c, key) => c.send('POST', '/v1/track', { headers: { authorization: basic(key) }, body: JSON.stringify(track('big', { properties: { blob: 'x'.repeat(34_000) } })) }) },
    { name: '401 wrong write key, 400 KB body', status: 401, code: 'unauthorized', send: (c) => c.send('POST', '/v1/batch', { headers: { authorization: basic('sx_ing_notarealkeynotarealkeynotarealkeyxx') }, body: batchBody(Array.from({ length: 400 }, (_, i) => track(`w-${i}`, { properties: { pad: 'p'.repeat(900) } }))) }) },
    { name: '403 viewer token on ingest', status: 403, code: 'forbidden', send: (c) => c.send('POST', '/v1/batch', { headers: { authorization: `Bearer ${viewer}` }, body: batchBody([track('viewer')]) }) },
    { name: '415 unknown Content-Encoding', status: 415, code: 'unsupported_encoding', send: (c, key) => c.send('POST', '/v1/batch', { headers: { authorization: basic(key), 'content-encoding': 'br' }, body: Buffer.alloc(300_000, 7) }) },
    { name: '404 unknown ingest path with a body', status: 404, code: 'not_found', send: (c, key) => c.send('POST', '/v1/nothing-here', { headers: { authorization: basic(key) }, body: 'x'.repeat(200_000) }) },
    { name: '413 API body over 2 MB (Content-Length)', status: 413, code: 'payload_too_large', send: (c) => c.send('PUT', '/api/v1/mission', { headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ statement: 'm'.repeat(2_200_000) }) }) },
    { name: '401 API without a token, 1 MB body', status: 401, code: 'unauthorized', send: (c) => c.send('PUT', '/api/v1/mission', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statement: 's'.repeat(1_000_000) }) }) },
    { name: '403 API viewer writing', status: 403, code: 'forbidden', send: (c) => c.send('PUT', '/api/v1/mission', { headers: { authorization: `Bearer ${viewer}` }, body: JSON.stringify({ statement: 'v'.repeat(300_000) }) }) },
    { name: '415 API with an unknown encoding', status: 415, code: 'unsupported_encoding', send: (c) => c.send('PUT', '/api/v1/mission', { headers: { authorization: `Bearer ${admin}`, 'content-encoding': 'zstd' }, body: Buffer.alloc(100_000, 1) }) },
    { name: '404 unknown API route with a body', status: 404, code: 'not_found', send: (c) => c.send('POST', '/api/v1/nothing-here', { headers: { authorization: `Bearer ${admin}` }, body: 'y'.repeat(500_000) }) },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s, then a valid request on the same socket', async (_name, tc) => {
    const client = keepAliveClient();
    try {
      const key = await newKey();
      const warm = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track(`warm-${n}`)]) });
      expect(warm.status).toBe(200);
      const refused = await tc.send(client, key);
      expect([refused.status, refused.json?.error?.code]).toEqual([tc.status, tc.code]);
      // drained, not closed: the connection stays alive
      expect(refused.headers.connection).not.toBe('close');
      const next = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track(`after-${n}`)]) });
      expect([next.status, next.json.accepted, next.reused]).toEqual([200, 1, true]);
    } finally {
      client.close();
    }
  });

  it('429 rate limited, then (another key) a valid request on the same socket', async () => {
    const client = keepAliveClient();
    try {
      const key = await newKey();
      for (let i = 0; i < RATE; i++) expect((await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track(`rl-${i}`)]) })).status).toBe(200);
      const refused = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody(Array.from({ length: 300 }, (_, i) => track(`rl-x-${i}`, { properties: { pad: 'q'.repeat(500) } }))) });
      expect([refused.status, refused.json.error.code]).toEqual([429, 'rate_limited']);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const next = await client.send('POST', '/v1/batch', { headers: { authorization: basic(await newKey()) }, body: batchBody([track('rl-after')]) });
      expect([next.status, next.reused]).toEqual([200, true]);
    } finally {
      client.close();
    }
  });

  it('503 when the ingest work in flight is at its bound, answered before the body, then a valid request on the same socket', async () => {
    const client = keepAliveClient();
    try {
      const key = await newKey();
      expect((await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track('shed-warm')]) })).status).toBe(200);
      // hold the only slot: a request whose body arrives slowly
      const admitted = edgeStats.admitted;
      const url = new URL(server.url);
      const slow = httpRequest({ host: url.hostname, port: url.port, path: '/v1/batch', method: 'POST', headers: { authorization: basic(key), 'transfer-encoding': 'chunked' } });
      const slowAnswer = new Promise<number>((ok, fail) => {
        slow.on('response', (res) => {
          res.resume();
          ok(res.statusCode!);
        });
        slow.on('error', fail);
      });
      const body = Buffer.from(batchBody([track('shed-held')]));
      slow.write(body.subarray(0, 10));
      await vi.waitFor(() => expect(edgeStats.admitted).toBeGreaterThan(admitted), { timeout: 10_000, interval: 10 });
      const shedBefore = edgeStats.shed;
      const refused = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody(Array.from({ length: 200 }, (_, i) => track(`shed-${i}`))) });
      expect([refused.status, refused.json.error.code, refused.headers['retry-after']]).toEqual([503, 'overloaded', '1']);
      expect(edgeStats.shed).toBe(shedBefore + 1);
      slow.end(body.subarray(10));
      expect(await slowAnswer).toBe(200);
      const next = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track('shed-after')]) });
      expect([next.status, next.reused]).toEqual([200, true]);
      expect((await server.services.events.findRaw(['edge-shed-0'])).size).toBe(0);
    } finally {
      client.close();
    }
  });

  it('a body too large to drain (5 MB) is answered with Connection: close; the next request opens a new connection and succeeds', async () => {
    const client = keepAliveClient();
    try {
      const key = await newKey();
      const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
      let refused: Answer | undefined;
      try {
        refused = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: big });
      } catch (e) {
        // the server may close while the client is still writing: a reset instead of the answer
        expect((e as NodeJS.ErrnoException).code).toMatch(/ECONNRESET|EPIPE/);
      }
      if (refused) expect([refused.status, refused.headers.connection]).toEqual([413, 'close']);
      const next = await client.send('POST', '/v1/batch', { headers: { authorization: basic(key) }, body: batchBody([track('close-after')]) });
      expect([next.status, next.reused]).toEqual([200, false]);
    } finally {
      client.close();
    }
  });

  it("Node's fetch (undici, as analytics-node uses it): a 548 KB batch, then ordinary batches on the kept-alive pool", async () => {
    const key = await newKey();
    const post = (body: string) => fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { authorization: basic(key), 'content-type': 'application/json' }, body });
    for (let i = 0; i < 2; i++) expect((await post(batchBody([track(`f-pre-${i}`)]))).status).toBe(200);
    const big = await post(oversizedBatch('fetch'));
    expect(big.status).toBe(413);
    await big.text();
    for (let i = 0; i < 3; i++) expect((await post(batchBody([track(`f-post-${i}`)]))).status).toBe(200);
  });
});

describe('credentials before parsing', () => {
  it('an unauthenticated large body (no header, wrong writeKey in it, deeply nested) is refused without parsing it', async () => {
    const nested = '['.repeat(200_000) + ']'.repeat(200_000);
    const body = `{"batch":[{"properties":{"d":${nested}}}],"writeKey":"sx_ing_notarealkeynotarealkeynotarealkeyxx"}`;
    const spy = vi.spyOn(JSON, 'parse');
    try {
      const client = keepAliveClient();
      const res = await client.send('POST', '/v1/batch', { headers: { 'content-type': 'text/plain' }, body });
      client.close();
      expect([res.status, res.json.error.code]).toEqual([401, 'unauthorized']);
      const sizes = spy.mock.calls.map(([text]) => (typeof text === 'string' ? text.length : 0));
      expect(sizes.filter((s) => s > 10_000)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('a valid writeKey in the body (no header) authenticates; a nested "writeKey" does not', async () => {
    const key = await newKey();
    const ok = await fetch(`${server.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: [track('bodykey')], writeKey: key }) });
    expect(ok.status).toBe(200);
    expect((await ok.json()).accepted).toBe(1);
    const nested = await fetch(`${server.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: [track('nestedkey', { writeKey: key })] }) });
    expect(nested.status).toBe(401);
    expect((await server.services.events.findRaw(['edge-nestedkey'])).size).toBe(0);
  });
});

describe('compressed bodies and content types', () => {
  const post = (path: string, body: Buffer | string, headers: Record<string, string>) => fetch(server.url + path, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });

  it('gzip, zlib deflate and raw deflate bodies on batch, single-event, short-path and metrics routes', async () => {
    const key = await newKey();
    const auth = { authorization: basic(key) };
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    // one at a time: the in-flight bound of this server is 1
    const sends: [string, Buffer, string][] = [
      ['/v1/batch', gzipSync(json({ batch: [track('gz-1'), track('gz-2')] })), 'gzip'],
      ['/v1/track', deflateSync(json(track('df-1'))), 'deflate'],
      ['/v1/t', deflateRawSync(json(track('dfr-1'))), 'deflate'],
      ['/v1/metrics', gzipSync(json({ metrics: [{ name: 'edge_kpi', date: '2026-01-01', value: 1 }] })), 'gzip'],
    ];
    for (const [path, body, encoding] of sends) {
      const res = await post(path, body, { ...auth, 'content-encoding': encoding });
      expect([path, res.status]).toEqual([path, 200]);
    }
    const ids = ['edge-gz-1', 'edge-gz-2', 'edge-df-1', 'edge-dfr-1'];
    expect((await server.services.events.findRaw(ids)).size).toBe(4);
  });

  it('a gzip bomb (10 MB of zeros in ~10 KB) is refused with 413 without inflating past the limit', async () => {
    const key = await newKey();
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x30));
    expect(bomb.length).toBeLessThan(20_000);
    const before = edgeStats.inflatedBytes;
    const res = await post('/v1/batch', bomb, { authorization: basic(key), 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('500 KB') });
    const inflated = edgeStats.inflatedBytes - before;
    expect(inflated).toBeGreaterThan(LIMITS.batchBytes);
    // at most one zlib output chunk (16 KB) beyond the limit
    expect(inflated).toBeLessThanOrEqual(LIMITS.batchBytes + 64 * 1024);
  });

  it('the limit applies to the inflated size: 600 KB that gzips to 2 KB is 413; a broken gzip stream is 400', async () => {
    const key = await newKey();
    const big = gzipSync(Buffer.from(oversizedBatch('gz-big')));
    expect((await post('/v1/batch', big, { authorization: basic(key), 'content-encoding': 'gzip' })).status).toBe(413);
    const broken = gzipSync(Buffer.from(batchBody([track('broken')]))).subarray(0, 20);
    const res = await post('/v1/batch', broken, { authorization: basic(key), 'content-encoding': 'gzip' });
    expect([res.status, (await res.json()).error.code]).toEqual([400, 'invalid_request']);
  });

  it('JSON whatever the content type: text/plain, x-www-form-urlencoded, none', async () => {
    const key = await newKey();
    for (const [i, type] of ['text/plain', 'application/x-www-form-urlencoded', undefined].entries()) {
      const headers: Record<string, string> = { authorization: basic(key) };
      if (type) headers['content-type'] = type;
      const res = await post('/v1/batch', Buffer.from(batchBody([track(`ct-${i}`)])), headers);
      expect([type, res.status]).toEqual([type, 200]);
    }
    expect((await server.services.events.findRaw(['edge-ct-0', 'edge-ct-1', 'edge-ct-2'])).size).toBe(3);
  });
});

describe('routes and CORS', () => {
  it("Segment's short paths are aliases of the named endpoints", async () => {
    const key = await newKey();
    const auth = { authorization: basic(key), 'content-type': 'text/plain' };
    const sends: [string, object][] = [
      ['/v1/t', { event: 'Short', userId: 'short-u', messageId: 'short-t' }],
      ['/v1/p', { name: 'Home', userId: 'short-u', messageId: 'short-p' }],
      ['/v1/s', { name: 'Home', userId: 'short-u', messageId: 'short-s' }],
      ['/v1/i', { userId: 'short-u', traits: { plan: 'pro' }, messageId: 'short-i' }],
      ['/v1/g', { userId: 'short-u', groupId: 'acme', messageId: 'short-g' }],
      ['/v1/a', { userId: 'short-u', previousId: 'anon-short', messageId: 'short-a' }],
      ['/v1/b', { batch: [{ type: 'track', event: 'Short', userId: 'short-u', messageId: 'short-b' }] }],
    ];
    for (const [path, body] of sends) {
      const res = await fetch(server.url + path, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expect([path, res.status, (await res.json()).accepted]).toEqual([path, 200, 1]);
    }
    const stored = await server.services.events.findRaw(sends.map(([p]) => `short-${p.slice(-1)}`));
    expect(Object.fromEntries([...stored.values()].map((r) => [r.id, r.t]))).toEqual({ 'short-t': 'track', 'short-p': 'page', 'short-s': 'screen', 'short-i': 'identify', 'short-g': 'group', 'short-a': 'alias', 'short-b': 'track' });
    // the alias forces its type like the named endpoint
    const wrong = await fetch(`${server.url}/v1/t`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'page', userId: 'u', messageId: 'short-wrong' }) });
    expect(wrong.status).toBe(400);
  });

  it('POST /v1/event takes one event of any type; type is required; a re-send is a duplicate', async () => {
    const bodies: Record<string, object> = {
      track: { event: 'Hooked', properties: { epicId: 'x' } },
      page: { name: 'Home' },
      screen: { name: 'Home' },
      identify: { traits: { plan: 'pro' } },
      group: { groupId: 'acme' },
      alias: { previousId: 'anon-hook' },
    };
    for (const type of EVENT_TYPES) {
      const auth = { authorization: basic(await newKey()) };
      const body = JSON.stringify({ type, userId: 'hook-u', messageId: `hook-${type}`, ...bodies[type] });
      const first = await fetch(`${server.url}/v1/event`, { method: 'POST', headers: auth, body });
      expect([type, first.status, await first.json()]).toEqual([type, 200, { success: true, accepted: 1, duplicates: 0, rejected: [] }]);
      const again = await fetch(`${server.url}/v1/event`, { method: 'POST', headers: auth, body });
      expect([type, (await again.json()).duplicates]).toEqual([type, 1]);
    }
    const auth = { authorization: basic(await newKey()) };
    for (const bad of [{ event: 'No type', userId: 'u' }, { type: 'bogus', userId: 'u' }]) {
      const res = await fetch(`${server.url}/v1/event`, { method: 'POST', headers: auth, body: JSON.stringify(bad) });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain('needs "type"');
    }
  });

  it('CORS: any origin may send to ingest (preflight answered, errors readable); the API sends no CORS headers', async () => {
    const origin = 'https://shop.example';
    const pre = await fetch(`${server.url}/v1/t`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-retry-count' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const key = await newKey();
    const ok = await fetch(`${server.url}/v1/t`, { method: 'POST', headers: { origin, authorization: basic(key), 'content-type': 'text/plain' }, body: JSON.stringify({ event: 'Cors', userId: 'c', messageId: 'cors-1' }) });
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
    const denied = await fetch(`${server.url}/v1/t`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: JSON.stringify({ event: 'Cors', userId: 'c' }) });
    expect([denied.status, denied.headers.get('access-control-allow-origin')]).toEqual([401, '*']);
    const apiPre = await fetch(`${server.url}/api/v1/roadmap`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect(apiPre.headers.get('access-control-allow-origin')).toBeNull();
    const api = await fetch(`${server.url}/api/v1/roadmap`, { headers: { origin, authorization: `Bearer ${admin}` } });
    expect([api.status, api.headers.get('access-control-allow-origin')]).toEqual([200, null]);
  });

  it('one limit, one status, one message for an oversized single event (33.2 KB and 33.9 KB alike)', async () => {
    const key = await newKey();
    const answers = [];
    for (const size of [33_200, 33_900]) {
      const body = JSON.stringify(track(`sz-${size}`, { properties: { blob: 'b'.repeat(size - 120) } }));
      const res = await fetch(`${server.url}/v1/track`, { method: 'POST', headers: { authorization: basic(key) }, body });
      answers.push([res.status, (await res.json()).error.message]);
    }
    expect(answers[0]).toEqual([413, `an event exceeds the limit of ${LIMITS.eventBytes} bytes (32 KB)`]);
    expect(answers[1]).toEqual(answers[0]);
    // just inside the limit is stored
    const inside = JSON.stringify(track('sz-inside', { properties: { blob: 'b'.repeat(LIMITS.eventBytes - 200) } }));
    expect(Buffer.byteLength(inside)).toBeLessThanOrEqual(LIMITS.eventBytes);
    expect((await fetch(`${server.url}/v1/track`, { method: 'POST', headers: { authorization: basic(key) }, body: inside })).status).toBe(200);
  });
});
