/**
 * The real local server as a child process (`node --import tsx functions/src/local/server.ts`,
 * one process, so SIGKILL really kills the server and its embedded store mid-write).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ChildServer {
  url: string;
  pid: number;
  /** stdout + stderr so far (for failure messages) */
  output(): string;
  /** SIGKILL, and wait until the process is gone */
  kill9(): Promise<void>;
  /** SIGTERM (graceful close), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
  exited: boolean;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', () => ok()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/**
 * Wait until `/health` answers — and, with `token`, until `/api/v1/me` accepts that token, which
 * proves the answering server is this one and not another test's server that took the port.
 */
export async function waitForHealth(url: string, child: { exited: boolean; output(): string }, timeoutMs = 30_000, token?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`server exited before it was healthy:\n${child.output()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 && !token) return;
      if (res.status === 200) {
        const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(1000) });
        if (me.status === 200) return;
        if (me.status === 401) throw new Error(`another server answers on ${url}`);
      }
    } catch (e) {
      if ((e as Error).message.startsWith('another server')) throw e;
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${child.output()}`);
}

export async function spawnServer(env: Record<string, string>, opts: { port: number; timeoutMs?: number; token?: string }): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'functions/src/local/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, SEXTANT_LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env, PORT: String(opts.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<void>((ok) => child.once('exit', () => ok()));
  const handle: ChildServer = {
    url: `http://127.0.0.1:${opts.port}`,
    pid: child.pid!,
    output: () => out,
    exited: false,
    async kill9() {
      if (handle.exited) return;
      child.kill('SIGKILL');
      await exit;
    },
    async stop(graceMs = 5000) {
      if (handle.exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  void exit.then(() => (handle.exited = true));
  try {
    await waitForHealth(handle.url, handle, opts.timeoutMs, opts.token);
  } catch (e) {
    await handle.kill9();
    throw e;
  }
  return handle;
}

/**
 * Start on `port` (a restart keeps its port, as a real one would); if another process took the
 * port meanwhile (parallel test files bind ephemeral ports), start on a fresh one instead.
 */
export async function spawnServerOnPort(env: Record<string, string>, port: number, token: string): Promise<ChildServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnServer(env, { port: attempt === 0 ? port : await freePort(), token });
    } catch (e) {
      lastError = e;
      const msg = (e as Error).message;
      if (!msg.includes('EADDRINUSE') && !msg.startsWith('another server')) throw e;
    }
  }
  throw lastError;
}
