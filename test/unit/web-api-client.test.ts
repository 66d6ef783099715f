/**
 * The dashboard's API client and query policy against a real HTTP server: the project's error
 * shape becomes `ApiError` (with `Retry-After`), 429/503 are retried after the server's wait,
 * other 4xx never, and a 401 on the session's token ends the session (an explicit token's does not).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getImpact } from '../../web/src/api/get-impact';
import { getMe } from '../../web/src/api/get-me';
import { createQueryClient, RETRY_LIMIT, retryDelay, shouldRetry } from '../../web/src/api/query-client';
import { ApiError, onUnauthorized, setApiBase, setToken } from '../../web/src/lib/api-client';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
let answers: Answer[] = [];
const seen: { url: string; auth: string | undefined }[] = [];
let server: Server;

function handle(req: IncomingMessage, res: ServerResponse) {
  seen.push({ url: req.url ?? '', auth: req.headers.authorization });
  const a = answers.shift() ?? { status: 500, body: { error: { code: 'internal', message: 'no answer queued' } } };
  res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
  res.end(a.body === undefined ? '' : JSON.stringify(a.body));
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  setApiBase('');
  await new Promise((r) => server.close(r));
});
afterEach(() => {
  answers = [];
  seen.length = 0;
  setToken(null);
});

const IMPACT = { asOf: '2026-09-30', headline: {}, themes: [], epics: [] };
const busy = (retryAfter: string): Answer => ({ status: 503, headers: { 'Retry-After': retryAfter }, body: { error: { code: 'unavailable', message: 'store throttled' } } });

describe('the client', () => {
  it('sends the session token and the typed query, and turns the error shape into ApiError', async () => {
    setToken('sx_session');
    answers.push({ status: 200, body: IMPACT });
    expect(await getImpact('2026-09-30')).toEqual(IMPACT);
    expect(seen[0]).toEqual({ url: '/api/v1/impact?asOf=2026-09-30', auth: 'Bearer sx_session' });

    answers.push({ status: 400, body: { error: { code: 'invalid_request', message: 'invalid query: asOf', details: [{ path: 'asOf', message: 'bad day' }] } } });
    const err = await getImpact('2026-99-99').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', message: 'invalid query: asOf', details: [{ path: 'asOf', message: 'bad day' }], retryAfter: null });

    answers.push(busy('7'));
    expect(await getImpact(null).catch((e: unknown) => e)).toMatchObject({ status: 503, code: 'unavailable', retryAfter: 7 });
  });

  it('ends the session on a 401 to the session token, not on a 401 to a token given for one call', async () => {
    let ended = 0;
    const off = onUnauthorized(() => ended++);
    try {
      setToken('sx_expired');
      answers.push({ status: 401, body: { error: { code: 'unauthorized', message: 'session expired' } } });
      await expect(getImpact(null)).rejects.toMatchObject({ status: 401 });
      expect(ended).toBe(1);

      answers.push({ status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } } });
      await expect(getMe('sx_pasted')).rejects.toMatchObject({ status: 401 });
      expect(seen.at(-1)?.auth).toBe('Bearer sx_pasted');
      expect(ended).toBe(1);
    } finally {
      off();
    }
  });

  it('reports an unreachable API as status 0', async () => {
    setApiBase('http://127.0.0.1:1');
    try {
      await expect(getImpact(null)).rejects.toMatchObject({ status: 0, code: 'network' });
    } finally {
      setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
});

describe('retries', () => {
  it('waits what Retry-After says on 429 and 503, retries 5xx and network errors once, and never other 4xx', () => {
    const e = (status: number, retryAfter: number | null = null) => new ApiError(status, 'x', 'x', undefined, retryAfter);
    expect(retryDelay(0, e(503, 7))).toBe(7000);
    expect(retryDelay(1, e(429, 0))).toBe(0);
    expect(retryDelay(1, e(500))).toBe(2000);
    expect(shouldRetry(0, e(429, 2))).toBe(true);
    expect(shouldRetry(RETRY_LIMIT, e(503, 2))).toBe(false);
    expect(shouldRetry(0, e(503, 3600))).toBe(false);
    expect(shouldRetry(0, e(500))).toBe(true);
    expect(shouldRetry(1, e(500))).toBe(false);
    expect(shouldRetry(0, e(0))).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413]) expect(shouldRetry(0, e(status))).toBe(false);
  });

  it('a query retries a 503 after its Retry-After and gets the answer', async () => {
    const client = createQueryClient();
    answers.push(busy('0'), busy('0'), { status: 200, body: IMPACT });
    expect(await client.fetchQuery({ queryKey: ['impact', 'today'], queryFn: ({ signal }) => getImpact(null, signal) })).toEqual(IMPACT);
    expect(seen).toHaveLength(3);
  });

  it('a query does not retry a 404', async () => {
    const client = createQueryClient();
    answers.push({ status: 404, body: { error: { code: 'not_found', message: 'no epic x' } } }, { status: 200, body: IMPACT });
    await expect(client.fetchQuery({ queryKey: ['impact', 'x'], queryFn: ({ signal }) => getImpact(null, signal) })).rejects.toMatchObject({ status: 404 });
    expect(seen).toHaveLength(1);
  });
});
