/**
 * The embedded store (dynalite) reachable by Sextant's own process only.
 *
 * dynalite checks no signature and answers any origin with `Access-Control-Allow-Origin: *`, so
 * it must not listen on a TCP port: any local process, or a web page through the browser, could
 * read every item and write an admin credential. It listens instead on a Unix socket, mode 0600,
 * inside a fresh directory of mode 0700 that only this process knows (created with mkdtemp and
 * removed on close); the AWS SDK reaches it through an HTTP agent that connects to that socket.
 * In front of dynalite, every request must carry this start's random secret
 * (`x-sextant-store-key`, added by the SDK middleware of ./client.ts) and no `Origin` header
 * (browsers send one; the SDK never does); anything else is refused with 403 before dynalite
 * sees it. A process of the same OS user can still read the LevelDB files themselves: the
 * boundary is the user account, as for any local database's files.
 *
 * On disk, the data directory is 0700 and its files 0600 (umask 077 for the files LevelDB
 * creates later; existing files from older versions are tightened on open).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Agent, type ClientRequestArgs } from 'node:http';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';

export interface EmbeddedStore {
  /** the socket the store listens on (0600, in a 0700 directory) */
  socketPath: string;
  /** an HTTP agent whose every connection goes to that socket */
  agent: Agent;
  /** any http URL: the host is never resolved, every connection goes to the socket */
  endpoint: string;
  /** this start's secret, sent as `STORE_KEY_HEADER` on every request */
  secret: string;
  close(): Promise<void>;
}

export const STORE_KEY_HEADER = 'x-sextant-store-key';

/** An HTTP agent that connects to a Unix socket instead of host:port. */
export class UnixSocketAgent extends Agent {
  constructor(private readonly socketPath: string) {
    super({ keepAlive: true, maxSockets: 50 });
  }
  override createConnection(_opts: ClientRequestArgs, cb?: (err: Error | null, socket: Socket) => void): Socket {
    const socket = connect(this.socketPath);
    if (cb) {
      socket.once('connect', () => cb(null, socket));
      socket.once('error', (e) => cb(e, socket));
    }
    return socket;
  }
}

/** Tighten a data directory: the directory tree 0700, every file 0600 (symlinks are not followed). */
export function restrictTree(dir: string): void {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(dir, 0o700);
    for (const name of readdirSync(dir)) restrictTree(join(dir, name));
  } else if (st.isFile()) chmodSync(dir, 0o600);
}

/** Files created from now on by this process (LevelDB's logs and tables) get 0600 / 0700. */
function privateUmask() {
  try {
    process.umask(0o077);
  } catch {
    // worker threads cannot change the umask: the 0700 directory still keeps others out
  }
}

/** Create (or tighten) the data directory of the on-disk store: 0700, files 0600. */
export function prepareDataDir(dataDir: string): string {
  privateUmask();
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  chmodSync(root, 0o700);
  const path = resolve(root, 'dynalite');
  mkdirSync(path, { recursive: true, mode: 0o700 });
  restrictTree(path);
  return path;
}

/** Start dynalite on a private Unix socket. `path` is its LevelDB directory (none: in memory). */
export async function startEmbedded(path?: string): Promise<EmbeddedStore> {
  const { default: dynalite } = await import('dynalite');
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path });
  const secret = randomBytes(32).toString('hex');
  const expected = Buffer.from(secret);
  const allowed = (req: import('node:http').IncomingMessage) => {
    // browsers send Origin on cross-origin and non-GET requests; the SDK never does
    if (req.headers.origin !== undefined) return false;
    const presented = Buffer.from(String(req.headers[STORE_KEY_HEADER] ?? ''));
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  };
  const handlers = server.listeners('request') as ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (!allowed(req)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end('forbidden');
      return;
    }
    for (const h of handlers) h(req, res);
  });
  const dir = mkdtempSync(join(tmpdir(), 'sextant-store-'));
  chmodSync(dir, 0o700);
  const socketPath = join(dir, 'store.sock');
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(socketPath, () => ok());
  });
  chmodSync(socketPath, 0o600);
  const agent = new UnixSocketAgent(socketPath);
  return {
    socketPath,
    agent,
    endpoint: 'http://sextant-embedded-store',
    secret,
    async close() {
      agent.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
