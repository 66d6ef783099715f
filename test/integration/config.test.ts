/**
 * Configuration is validated at start-up, every variable alike: a bad value stops the process
 * with one line per field, before the store is opened or any token is printed. Here: `HOST`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkListenHost, loadConfig } from '../../functions/src/config';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `npm start`'s entry point with an environment; its exit code and everything it printed. */
async function start(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-config-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/src/local/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, SEXTANT_DATA_DIR: dir, SEXTANT_DEMO: '0', PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
  clearTimeout(timer);
  return { code, out, dir };
}

describe('HOST', () => {
  it('accepts IP addresses and host names, refuses what is neither (with the field name)', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost', 'sextant.internal', 'a-b.example.com']) expect(loadConfig({ HOST: host }).HOST).toBe(host);
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    for (const host of ['999.1.1.1', '1.2.3', '256.0.0.1', 'bad host', '-x.example', 'x_y', 'http://127.0.0.1', '127.0.0.1:8787']) {
      expect(() => loadConfig({ HOST: host }), host).toThrow(/^Invalid configuration:\n {2}HOST: not an IP address or host name/);
    }
  });

  it('must be an interface this machine can listen on', async () => {
    await expect(checkListenHost('127.0.0.1')).resolves.toBeUndefined();
    // TEST-NET-1 (RFC 5737): a valid address that is never assigned to this machine
    await expect(checkListenHost('192.0.2.1')).rejects.toThrow('Invalid configuration:\n  HOST: cannot listen on "192.0.2.1": it is not an address of this machine');
  });

  it.each([
    ['999.1.1.1', 'HOST: not an IP address or host name'],
    ['192.0.2.1', 'HOST: cannot listen on "192.0.2.1": it is not an address of this machine'],
  ])('npm start with HOST=%s stops with the field message, before printing any token or opening the store', async (host, message) => {
    const { code, out, dir } = await start({ HOST: host, SEXTANT_STORE: 'dynalite' });
    expect(code).toBe(1);
    expect(out).toContain('Invalid configuration:');
    expect(out).toContain(message);
    expect(out).not.toMatch(/token|sx_adm_|#token=|getaddrinfo|\n\s+at /i);
    // nothing was created in the data dir: the store was never opened
    expect(() => rmSync(join(dir, 'dynalite'))).toThrow(/ENOENT/);
  }, 40_000);
});
