/**
 * Secrets and privacy in logs: every log line of a full run of the real server (level debug)
 * — keys created, events ingested with user ids (by the real Segment client too), API calls
 * with tokens, failing authentication of every kind, a store fault, the background rollup, the
 * rebuild and retention jobs — is captured, and none may contain a key or token, a raw user id
 * or the pseudonymisation key. Anything else the process writes to stdout/stderr meanwhile is
 * checked too. The store is checked for raw user ids as well (they are pseudonymised first).
 */
import { randomBytes } from 'node:crypto';
import { Analytics } from '@segment/analytics-node';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired, rebuild } from '../../functions/src/analytics/jobs';
import { runRollup } from '../../functions/src/analytics/rollup';
import { loadConfig } from '../../functions/src/config';
import { log } from '../../functions/src/log';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { addDays, todayUtc } from '../../shared/primitives';
import { fixtureRoadmap } from '../helpers/routes';
import { testEndpoint } from '../helpers/context';

const hex = (n: number) => randomBytes(n).toString('hex');

describe('logs of a full run', () => {
  const lines: string[] = [];
  const printed: string[] = [];
  /** every secret string presented to or held by the server during the run */
  const secrets = new Map<string, string>();
  let server: RunningServer;
  const restore: (() => void)[] = [];

  const adminToken = `admin-bootstrap-${hex(16)}`; // not in the sx_ format: redaction by pattern cannot help
  const pseudonymKey = `pseudonym-key-${hex(24)}`;
  const users = Array.from({ length: 6 }, (_, i) => `user-${i}-${hex(6)}@example.com`);
  const anonymous = `anon-${hex(8)}`;
  const previous = `previous-${hex(8)}`;

  beforeAll(async () => {
    log.setLevel('debug');
    log.setSink((line) => lines.push(line));
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = write as typeof stream.write));
    }
    const endpoint = testEndpoint();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      SEXTANT_STORE: endpoint ? 'dynamodb' : 'memory',
      DYNAMODB_ENDPOINT: endpoint,
      SEXTANT_TABLE: `t_${hex(6)}`,
      SEXTANT_DEMO: '0',
      SEXTANT_ADMIN_TOKEN: adminToken,
      SEXTANT_PSEUDONYM_KEY: pseudonymKey,
      SEXTANT_LOG_LEVEL: 'debug',
    });
    server = await startServer(config, { quiet: true });
    secrets.set('bootstrap admin token', adminToken);
    secrets.set('dashboard sign-in token', server.signInToken);
    const key = Buffer.from(pseudonymKey, 'utf8');
    secrets.set('pseudonymisation key', pseudonymKey);
    secrets.set('pseudonymisation key (hex)', key.toString('hex'));
    secrets.set('pseudonymisation key (base64)', key.toString('base64'));
    users.forEach((u, i) => secrets.set(`user id ${i}`, u));
    secrets.set('anonymous id', anonymous);
    secrets.set('previous id', previous);
  }, 60_000);

  afterAll(async () => {
    for (const r of restore) r();
    log.setSink((line) => process.stdout.write(line + '\n'));
    log.setLevel('silent');
  });

  it('contains no key, token, raw user id or pseudonymisation key', async () => {
    const url = server.url;
    const req = async (method: string, path: string, opts: { auth?: string; body?: unknown; raw?: string } = {}) => {
      const res = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(opts.auth ? { authorization: opts.auth } : {}) },
        body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    };
    const bearer = (t: string) => `Bearer ${t}`;
    const basic = (t: string, password = '') => `Basic ${Buffer.from(`${t}:${password}`).toString('base64')}`;
    const admin = bearer(adminToken);
    const today = todayUtc();

    // keys of every scope, created through the API
    const keys: Record<string, { id: string; key: string }> = {};
    for (const scope of ['ingest', 'viewer', 'editor', 'admin'] as const) {
      const res = await req('POST', '/api/v1/keys', { auth: admin, body: { name: `logs ${scope}`, scope } });
      expect(res.status).toBe(201);
      keys[scope] = res.json;
      secrets.set(`${scope} key`, res.json.key);
    }
    expect((await req('PUT', '/api/v1/roadmap', { auth: bearer(keys.editor.key), body: fixtureRoadmap(today) })).status).toBe(200);

    // events with user ids, through every way of presenting a write key
    const ev = (i: number, extra: Record<string, unknown> = {}) => ({ messageId: `logs-${i}`, userId: users[i % users.length], timestamp: `${addDays(today, -(i % 3))}T09:00:00.000Z`, ...extra });
    expect((await req('POST', '/v1/batch', { auth: basic(keys.ingest.key), body: { batch: [0, 1, 2, 3].map((i) => ({ type: 'track', event: 'Shipped Used', ...ev(i) })) } })).status).toBe(200);
    expect((await req('POST', '/v1/track', { auth: bearer(keys.ingest.key), body: ev(4, { event: 'Survey Responded', properties: { scale: 'csat', score: 4, epicId: 'shipped-epic' } }) })).status).toBe(200);
    expect((await req('POST', '/v1/identify', { body: { ...ev(5, { traits: { email: users[5] } }), writeKey: keys.ingest.key } })).status).toBe(200);
    expect((await req('POST', '/v1/page', { auth: basic(keys.ingest.key), body: { messageId: 'logs-anon', anonymousId: anonymous, name: 'Home' } })).status).toBe(200);
    expect((await req('POST', '/v1/alias', { auth: basic(keys.ingest.key), body: { messageId: 'logs-alias', userId: users[0], previousId: previous } })).status).toBe(200);
    expect((await req('POST', '/v1/metrics', { auth: basic(keys.ingest.key), body: { metrics: [{ name: 'conversion', date: today, value: 0.03 }] } })).status).toBe(200);
    // rejected events carry user ids in their bodies too
    expect((await req('POST', '/v1/track', { auth: basic(keys.ingest.key), body: { userId: users[1], messageId: 'logs-bad' } })).status).toBe(400);
    expect((await req('POST', '/v1/batch', { auth: basic(keys.ingest.key), body: { batch: [{ userId: users[2], timestamp: 'never' }, 42] } })).status).toBe(200);
    // the real Segment client
    const analytics = new Analytics({ writeKey: keys.ingest.key, host: url, path: '/v1/batch', flushAt: 3, flushInterval: 50 });
    for (const u of users) analytics.track({ userId: u, event: 'Shipped Used', properties: { epicId: 'shipped-epic' } });
    analytics.identify({ userId: users[3], traits: { email: users[3] } });
    await analytics.closeAndFlush();
    // the local server's debounced background rollup (1.5 s after the last event)
    for (let waited = 0; waited < 15_000 && !lines.some((l) => l.includes('"msg":"rollup"')); waited += 250) await new Promise((r) => setTimeout(r, 250));

    // API calls with tokens of each role
    for (const path of ['/api/v1/me', '/api/v1/roadmap', '/api/v1/epics/shipped-epic/outcome', '/api/v1/impact', '/api/v1/ingest/stats', '/api/v1/iterations', '/api/v1/calibration']) {
      expect((await req('GET', path, { auth: bearer(keys.viewer.key) })).status).toBe(200);
    }
    expect((await req('POST', '/api/v1/rollups', { auth: bearer(keys.editor.key) })).status).toBe(200);
    expect((await req('POST', '/api/v1/epics/shipped-epic/reviews', { auth: bearer(keys.editor.key), body: { decision: 'keep', note: 'fine' } })).status).toBe(201);
    expect((await req('GET', '/api/v1/keys', { auth: bearer(keys.admin.key) })).status).toBe(200);
    expect((await req('GET', '/api/v1/me', { auth: bearer(server.signInToken) })).status).toBe(200);

    // failing authentication of every kind
    const wrongSx = `sx_adm_${hex(20)}`;
    const wrongPlain = `not-a-key-${hex(12)}`;
    const tooLong = `sx_adm_${'A'.repeat(300)}`;
    secrets.set('wrong sx key', wrongSx);
    secrets.set('wrong plain token', wrongPlain);
    secrets.set('over-long token', tooLong);
    const revoked = (await req('POST', '/api/v1/keys', { auth: admin, body: { name: 'to revoke', scope: 'admin' } })).json;
    secrets.set('revoked key', revoked.key);
    expect((await req('DELETE', `/api/v1/keys/${revoked.id}`, { auth: admin })).status).toBe(200);
    const failing: [string, string, { auth?: string; body?: unknown }, number][] = [
      ['GET', '/api/v1/roadmap', { auth: bearer(wrongSx) }, 401],
      ['GET', '/api/v1/roadmap', { auth: bearer(wrongPlain) }, 401],
      ['GET', '/api/v1/roadmap', { auth: bearer(tooLong) }, 401],
      ['GET', '/api/v1/roadmap', { auth: bearer(revoked.key) }, 401],
      // role tokens only as Bearer on /api/*
      ['GET', '/api/v1/roadmap', { auth: basic(adminToken, wrongPlain) }, 401],
      ['GET', '/api/v1/roadmap', { auth: `Token ${adminToken}` }, 401],
      ['GET', `/api/v1/roadmap?token=${adminToken}&access_token=${keys.viewer.key}`, {}, 401],
      ['GET', '/api/v1/keys', { auth: bearer(keys.viewer.key) }, 403],
      ['GET', '/api/v1/roadmap', { auth: bearer(keys.ingest.key) }, 403],
      ['POST', '/v1/batch', { auth: bearer(keys.admin.key), body: { batch: [ev(9)] } }, 403],
      ['POST', '/v1/batch', { auth: basic(wrongSx), body: { batch: [ev(9)] } }, 401],
      ['POST', '/v1/batch', { auth: basic(revoked.key), body: { batch: [ev(9)] } }, 401],
      ['POST', '/v1/batch', { body: { batch: [ev(9)], writeKey: wrongPlain } }, 401],
      ['POST', '/v1/track', { body: { ...ev(9, { event: 'x' }), writeKey: keys.viewer.key } }, 403],
      // a token where it does not belong: in the path
      ['GET', `/api/v1/keys/${keys.admin.key}`, { auth: admin }, 404],
      ['GET', `/api/v1/epics/${adminToken}`, { auth: admin }, 404],
      ['GET', `/v1/${keys.ingest.key}`, {}, 404],
    ];
    for (const [method, path, opts, status] of failing) expect((await req(method, path, opts)).status, `${method} ${path}`).toBe(status);

    // a store fault on the request path (logged as an unhandled error)
    server.services.store.doc.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
      },
      { step: 'initialize', name: 'logsFault' },
    );
    expect((await req('POST', '/v1/batch', { auth: basic(keys.ingest.key), body: { batch: [ev(10)] } })).status).toBe(500);
    server.services.store.doc.middlewareStack.remove('logsFault');

    // background and maintenance jobs
    await runRollup(server.services, { force: true });
    await rebuild(server.services);
    await purgeExpired(server.services);

    // the store holds no raw user id either
    const stored: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await server.services.store.doc.send(new ScanCommand({ TableName: server.services.store.table, ExclusiveStartKey }));
      for (const i of out.Items ?? []) stored.push(JSON.stringify(i));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    await server.close();

    // the run was logged: requests at debug level (401s and 403s included), the fault, the rollup
    const parsed = lines.map((l) => JSON.parse(l) as { level: string; msg: string; status?: number });
    expect(parsed.filter((l) => l.msg === 'request').length).toBeGreaterThan(40);
    expect(parsed.some((l) => l.msg === 'request' && l.status === 401)).toBe(true);
    expect(parsed.some((l) => l.msg === 'request' && l.status === 403)).toBe(true);
    expect(parsed.some((l) => l.msg === 'unhandled error')).toBe(true);
    expect(parsed.some((l) => l.msg === 'rollup')).toBe(true);

    const leaks: string[] = [];
    const output = [...lines, ...printed];
    for (const [what, secret] of secrets) {
      for (const line of output) if (line.includes(secret)) leaks.push(`${what} in: ${line.slice(0, 200)}`);
    }
    // nothing that still looks like a whole key (redaction keeps sx_xxx_ + 6 characters)
    for (const line of output) for (const m of line.matchAll(/sx_[a-z]{3}_[A-Za-z0-9]{7,}/g)) leaks.push(`key-shaped ${m[0].slice(0, 16)}… in: ${line.slice(0, 200)}`);
    for (const u of [...users, anonymous]) for (const item of stored) if (item.includes(u)) leaks.push(`raw user id stored: ${item.slice(0, 200)}`);
    // eslint-disable-next-line no-console
    console.log(`logs: ${lines.length} log lines and ${printed.length} other writes checked against ${secrets.size} secrets; ${stored.length} stored items checked for raw user ids`);
    expect(leaks).toEqual([]);
  }, 90_000);
});
