/**
 * The `sextant` CLI against an embedded on-disk store: keys create / list / revoke, rebuild,
 * rollup; and, while a running server holds that store, one clear line and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../functions/src/cli/sextant';
import { bootstrap } from '../../functions/src/bootstrap';
import { loadConfig } from '../../functions/src/config';
import { createApp } from '../../functions/src/app';
import { freePort, spawnServerOnPort, type ChildServer } from '../helpers/server-process';

const ROOT = join(import.meta.dirname, '../..');

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
    expect(rebuilt.out).toMatch(/User-day facts: \d+ expected from the raw events, \d+ stored; 0 missing, 0 extra\./);
    const json = await run('rebuild', '--json');
    expect(JSON.parse(json.out.split('\nNo differences')[0])).toMatchObject({ userFacts: { missing: 0, extra: 0 }, redundantUserFacts: 0 });
    expect(JSON.parse((await run('rollup')).out).ran).toBe(true);
  });

  it('explains its usage and refuses bad arguments', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('keys', 'create')).out).toContain('--name');
    expect((await run('keys', 'create', '--name', 'x', '--scope', 'root')).code).toBe(2);
    expect((await run('keys', 'revoke', 'key_nope')).code).toBe(1);
  });
});

describe('sextant CLI while the server holds the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-held-'));
  const ADMIN = `adm-${randomBytes(12).toString('hex')}`;
  const env = { SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dir, SEXTANT_DEMO: '0', SEXTANT_ADMIN_TOKEN: ADMIN };
  const saved = { ...process.env };
  let server: ChildServer | undefined;
  beforeAll(async () => {
    server = await spawnServerOnPort(env, await freePort(), ADMIN);
    Object.assign(process.env, env);
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line that the server holds the store and what to use instead, and exits 1', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'create', '--name', 'x'], /use the API \(POST \/api\/v1\/keys/],
      [['keys', 'list'], /use the API \(GET \/api\/v1\/keys\)/],
      [['rollup'], /use the API \(POST \/api\/v1\/rollups\)/],
      [['rebuild'], /stop it first/],
    ];
    for (const [args, instead] of cases) {
      const lines: string[] = [];
      const code = await runCli(args, (s) => lines.push(s));
      expect(code, args.join(' ')).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`The Sextant server is running and holds the store in ${dir}: `);
      expect(lines[0]).toMatch(instead);
    }
    // the server is unharmed
    const me = await fetch(`${server!.url}/api/v1/me`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(me.status).toBe(200);
  });

  it('as a process (npm run sextant): that line on stdout, nothing on stderr, no stack trace, exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'functions/src/cli/sextant.ts', 'keys', 'list'], {
      cwd: ROOT,
      env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([`The Sextant server is running and holds the store in ${dir}: stop it, or use the API (GET /api/v1/keys).`]);
    expect(stderr).toBe('');
    expect(stdout + stderr).not.toMatch(/Database is closed|\n\s+at /);
  }, 60_000);
});
