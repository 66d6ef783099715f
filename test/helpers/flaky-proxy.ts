/**
 * A real fault on loopback: an HTTP proxy in front of a server that, for chosen requests, answers
 * an error without forwarding, or forwards the request and then cuts the connection before the
 * client sees the answer (the request was processed; its acknowledgement is lost).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type ProxyMode = 'forward' | 'fail-503' | 'fail-500' | 'drop-after-forward';

export interface FlakyProxy {
  url: string;
  /** what happened to each request, in order */
  log: { mode: ProxyMode; upstreamStatus?: number; upstreamBody?: unknown }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFlakyProxy(target: string, modeOf: (n: number) => ProxyMode): Promise<FlakyProxy> {
  const log: FlakyProxy['log'] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const mode = modeOf(log.length + 1);
    const entry: FlakyProxy['log'][number] = { mode };
    log.push(entry);
    if (mode === 'fail-503' || mode === 'fail-500') {
      const status = mode === 'fail-503' ? 503 : 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'injected fault' } }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'user-agent', 'x-retry-count']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    try {
      const up = await fetch(target + (req.url ?? '/'), { method: req.method, headers, body: req.method === 'GET' ? undefined : new Uint8Array(body) });
      const text = await up.text();
      entry.upstreamStatus = up.status;
      try {
        entry.upstreamBody = JSON.parse(text);
      } catch {
        entry.upstreamBody = text;
      }
      if (mode === 'drop-after-forward') {
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = { 'content-type': up.headers.get('content-type') ?? 'application/json' };
      const ra = up.headers.get('retry-after');
      if (ra) out['retry-after'] = ra;
      res.writeHead(up.status, out);
      res.end(text);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
