/**
 * Security headers of the local server, the same as CloudFront's on AWS (shared/security-headers.ts):
 * the dashboard shell's CSP and Referrer-Policy; `Cache-Control: no-store` on every API answer
 * (above all the one that shows a new key).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { dashboardCsp } from '../../shared/security-headers';

describe('security headers (local server)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // the dashboard shell is served only when built (npm test builds it first)
    expect(existsSync(resolve(import.meta.dirname, '../../web/dist/index.html'))).toBe(true);
    server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent' }), { quiet: true });
  }, 60_000);
  afterAll(() => server?.close());

  it('the dashboard shell: CSP without plugins, base or foreign form targets, no referrer, no framing', async () => {
    const res = await fetch(`${server.url}/impact`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(dashboardCsp());
    for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "connect-src 'self'"]) expect(csp).toContain(d);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('API answers are never stored by a cache, above all a new key', async () => {
    const auth = { authorization: `Bearer ${server.signInToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'cache check', scope: 'ingest' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/api/v1/keys', '/api/v1/roadmap', '/api/v1/me']) {
      const res = await fetch(`${server.url}${path}`, { headers: auth });
      expect([path, res.headers.get('cache-control')]).toEqual([path, 'no-store']);
    }
    const denied = await fetch(`${server.url}/api/v1/keys`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('cache-control')).toBe('no-store');
    // hashed assets keep their long cache
    const html = await (await fetch(`${server.url}/impact`)).text();
    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${server.url}${asset}`)).headers.get('cache-control')).toContain('immutable');
  });
});
