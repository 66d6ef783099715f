/** The `sextant` CLI against an embedded on-disk store: keys create / list / revoke, rebuild, rollup. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../functions/src/cli/sextant';
import { bootstrap } from '../../functions/src/bootstrap';
import { loadConfig } from '../../functions/src/config';
import { createApp } from '../../functions/src/app';

describe('sextant CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-'));
  const env = { SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dir, SEXTANT_DEMO: '0' };
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, env));
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runCli(args, (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };

  it('creates a key shown once, lists it by prefix only, and revokes it so the next request fails', async () => {
    const created = await run('keys', 'create', '--name', 'segment-prod', '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.out);
    expect(key.key).toMatch(/^sx_ing_[A-Za-z0-9]{40}$/);

    const listed = await run('keys', 'list');
    expect(listed.out).toContain(key.id);
    expect(listed.out).toContain(key.prefix);
    expect(listed.out).not.toContain(key.key);

    // the key works against the app on the same store, until revoked
    const send = async () => {
      const services = await bootstrap(loadConfig({ ...process.env }));
      try {
        const app = createApp(services, { parts: ['ingest'] });
        const res = await app.request('/v1/track', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` }, body: JSON.stringify({ userId: 'u1', event: 'App Opened' }) });
        return res.status;
      } finally {
        await services.store.close();
      }
    };
    expect(await send()).toBe(200);
    expect((await run('keys', 'revoke', key.id)).code).toBe(0);
    expect(await send()).toBe(401);
    expect((await run('keys', 'list')).out).toMatch(/revoked/);
  });

  it('rebuild reports no differences after normal ingest; rollup runs', async () => {
    const rebuilt = await run('rebuild');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toContain('No differences');
    expect(JSON.parse((await run('rollup')).out).ran).toBe(true);
  });

  it('explains its usage and refuses bad arguments', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('keys', 'create')).out).toContain('--name');
    expect((await run('keys', 'create', '--name', 'x', '--scope', 'root')).code).toBe(2);
    expect((await run('keys', 'revoke', 'key_nope')).code).toBe(1);
  });
});
