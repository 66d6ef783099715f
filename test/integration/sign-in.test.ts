/**
 * Sign-in and credentials hardening: one-time sign-in codes exchanged for expiring sessions,
 * sign-out, the last admin key, a revoked bootstrap admin that stays revoked, failed
 * authentication limited per client address and per key prefix, role tokens only as Bearer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer } from '../../functions/src/local/server';
import { createTestContext, type TestContext } from '../helpers/context';

describe('one-time sign-in codes and sessions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.close());
  const code = async (scope = 'admin') => {
    const res = await ctx.call('POST', '/api/v1/sign-in-codes', { body: { scope } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.body.code as string;
  };

  it('a code is exchanged once for a session token that works, expires and can be signed out', async () => {
    const c = await code('editor');
    const first = await ctx.call('POST', '/api/v1/sign-in', { token: null, body: { code: c } });
    expect(first.status).toBe(201);
    expect(first.body.me).toMatchObject({ scope: 'editor', session: true });
    expect(first.headers.get('cache-control')).toBe('no-store');
    const token = first.body.token as string;
    expect((await ctx.call('GET', '/api/v1/me', { token })).status).toBe(200);
    // worth nothing once used
    const again = await ctx.call('POST', '/api/v1/sign-in', { token: null, body: { code: c } });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/used, expired or replaced/);
    // two requests racing with one code: exactly one session
    const c2 = await code();
    const both = await Promise.all([1, 2].map(() => ctx.call('POST', '/api/v1/sign-in', { token: null, body: { code: c2 } })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 401]);
    // sign out revokes the session
    expect((await ctx.call('DELETE', '/api/v1/session', { token })).status).toBe(204);
    expect((await ctx.call('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('codes expire after 10 minutes and sessions after 12 hours', async () => {
    const t0 = Date.now();
    const stale = await code();
    const fresh = await code();
    ctx.setNow(t0 + 11 * 60_000);
    expect((await ctx.call('POST', '/api/v1/sign-in', { token: null, body: { code: stale } })).status).toBe(401);
    ctx.setNow(t0 + 9 * 60_000);
    const session = await ctx.call('POST', '/api/v1/sign-in', { token: null, body: { code: fresh } });
    expect(session.status).toBe(201);
    ctx.setNow(t0 + 9 * 60_000 + 11 * 3_600_000);
    expect((await ctx.call('GET', '/api/v1/me', { token: session.body.token })).status).toBe(200);
    ctx.setNow(t0 + 9 * 60_000 + 12 * 3_600_000 + 1000);
    const expired = await ctx.call('GET', '/api/v1/me', { token: session.body.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    // expired sessions leave the key list
    const keys = await ctx.call('GET', '/api/v1/keys');
    expect(keys.body.some((k: { id: string }) => k.id === session.body.me.id)).toBe(false);
    ctx.setNow(Date.now());
  });

  it('a pasted role token is exchanged for a session of its role; signing out leaves the key alone', async () => {
    const s = await ctx.call('POST', '/api/v1/session', { token: ctx.tokens.viewer });
    expect(s.status).toBe(201);
    expect(s.body.me).toMatchObject({ scope: 'viewer', session: true });
    expect(s.body.token).not.toBe(ctx.tokens.viewer);
    expect((await ctx.call('DELETE', '/api/v1/session', { token: ctx.tokens.viewer })).status).toBe(204);
    expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.viewer })).status).toBe(200);
    // an ingest key opens no session
    expect((await ctx.call('POST', '/api/v1/session', { token: ctx.tokens.ingest })).status).toBe(403);
  });

  it('role tokens only as Bearer on /api/*', async () => {
    const basic = `Basic ${Buffer.from(`${ctx.tokens.admin}:`).toString('base64')}`;
    expect((await ctx.call('GET', '/api/v1/me', { token: null, headers: { authorization: basic } })).status).toBe(401);
    expect((await ctx.call('GET', `/api/v1/me?token=${ctx.tokens.admin}`, { token: null })).status).toBe(401);
    expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.admin })).status).toBe(200);
  });

  it('never revokes the last admin key (409); with another admin key it may go', async () => {
    const keys = (await ctx.call('GET', '/api/v1/keys')).body as { id: string; scope: string; session?: boolean; revokedAt?: string }[];
    const admins = keys.filter((k) => k.scope === 'admin' && !k.session && !k.revokedAt);
    expect(admins).toHaveLength(1);
    const last = await ctx.call('DELETE', `/api/v1/keys/${admins[0].id}`);
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last admin key/);
    const second = await ctx.call('POST', '/api/v1/keys', { body: { name: 'second admin', scope: 'admin' } });
    expect((await ctx.call('DELETE', `/api/v1/keys/${admins[0].id}`, { token: second.body.key })).status).toBe(200);
    ctx.tokens.admin = second.body.key;
  });
});

describe('failed authentication is limited', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ SEXTANT_AUTH_FAILURES_PER_MINUTE: '20' });
  });
  afterAll(() => ctx?.close());
  /** a request from a given client address (as @hono/node-server reports the socket's peer) */
  const from = async (addr: string, path: string, token: string, method = 'GET') => {
    const init = method === 'GET' ? {} : { method, body: JSON.stringify({ userId: 'u', event: 'E' }) };
    const res = await ctx.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, { incoming: { socket: { remoteAddress: addr } } });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
  };
  const random = () => `sx_adm_${Math.random().toString(36).slice(2).padEnd(40, 'x')}`;

  it('per client address: after the limit, 429 with Retry-After, even for a valid token; other addresses are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await from('10.0.0.1', '/api/v1/me', random())).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    const blocked = await from('10.0.0.1', '/api/v1/me', ctx.tokens.admin);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.body.error?.code).toBe('rate_limited');
    expect((await from('10.0.0.2', '/api/v1/me', ctx.tokens.admin)).status).toBe(200);
    // a write key on ingest counts too
    expect((await from('10.0.0.1', '/v1/track', random(), 'POST')).status).toBe(429);
    // after a minute the address may try again
    ctx.setNow(Date.now() + 61_000);
    expect((await from('10.0.0.1', '/api/v1/me', ctx.tokens.admin)).status).toBe(200);
    ctx.setNow(Date.now());
  });

  it('per key prefix: guesses aimed at one key from many addresses get 429, and the key itself keeps working', async () => {
    const prefix = ctx.tokens.editor.slice(0, 13);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await from(`10.1.0.${i}`, '/api/v1/me', `${prefix}${'y'.repeat(30)}${i}`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    expect((await from('10.1.1.1', '/api/v1/me', ctx.tokens.editor)).status).toBe(200);
  });

  it('wrong sign-in codes count as failures', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await ctx.app.request('/api/v1/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `sxc_${'a'.repeat(42)}${i % 10}` }) }, { incoming: { socket: { remoteAddress: '10.2.0.1' } } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  });

  it('over the real server: a flood of random tokens from one client meets 429', async () => {
    const server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent' }), { quiet: true });
    try {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${server.url}/api/v1/roadmap`, { headers: { authorization: `Bearer ${random()}` } });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      // 60 failures a minute, then 429 (more 401s only if the flood took over a minute)
      expect(statuses.get(401)).toBeGreaterThanOrEqual(60);
      expect(statuses.get(429)).toBeGreaterThanOrEqual(1);
      expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(100);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the bootstrap admin stays revoked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bootstrap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const TOKEN = 'bootstrap-admin-token-for-tests-0001';

  it('across restarts of the local server with the same SEXTANT_ADMIN_TOKEN; a new value is a new bootstrap admin', async () => {
    const config = (token: string) => loadConfig({ SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dir, PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent', SEXTANT_ADMIN_TOKEN: token });
    const me = (url: string, token: string) => fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const first = await startServer(config(TOKEN), { quiet: true });
    const backup = await fetch(`${first.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'backup admin', scope: 'admin' }) }).then((r) => r.json() as Promise<{ key: string }>);
    expect((await fetch(`${first.url}/api/v1/keys/bootstrap-admin`, { method: 'DELETE', headers: { authorization: `Bearer ${backup.key}` } })).status).toBe(200);
    expect(await me(first.url, TOKEN)).toBe(401);
    await first.close();

    const second = await startServer(config(TOKEN), { quiet: true });
    try {
      expect(await me(second.url, TOKEN)).toBe(401);
      expect(await me(second.url, backup.key)).toBe(200);
    } finally {
      await second.close();
    }
    const third = await startServer(config(`${TOKEN}-rotated`), { quiet: true });
    try {
      expect(await me(third.url, `${TOKEN}-rotated`)).toBe(200);
      expect(await me(third.url, TOKEN)).toBe(401);
    } finally {
      await third.close();
    }
  }, 120_000);

  it('on the AWS cold-start path (ensureBootstrapAdmin, SEXTANT_ENSURE_ADMIN)', async () => {
    const ctx = await createTestContext();
    try {
      await ctx.services.keys.ensureBootstrapAdmin(TOKEN);
      expect(await ctx.services.keys.authenticate(TOKEN)).not.toBeNull();
      await ctx.services.keys.revoke('bootstrap-admin');
      await ctx.services.keys.ensureBootstrapAdmin(TOKEN); // the next cold start
      expect(await ctx.services.keys.authenticate(TOKEN)).toBeNull();
    } finally {
      await ctx.close();
    }
  });
});
