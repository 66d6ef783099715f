/**
 * A real store outage on loopback: a TCP door in front of a store endpoint that the test can
 * close (every connection cut, new ones refused) and open again. With no endpoint given (the
 * default dynalite backend), an in-process dynalite server stands behind the door.
 */
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';

export interface StoreDoor {
  url: string;
  close(): Promise<void>;
  /** close the door and stop the store behind it, if the door started it */
  dispose(): Promise<void>;
}

export async function storeDoor(target?: string): Promise<StoreDoor> {
  let stopStore = async () => undefined as unknown;
  if (!target) {
    const { default: dynalite } = await import('dynalite');
    const store = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((ok) => store.listen(0, '127.0.0.1', () => ok()));
    target = `http://127.0.0.1:${(store.address() as { port: number }).port}`;
    stopStore = () => new Promise<void>((ok) => store.close(() => ok()));
  }
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    for (const s of sockets) s.destroy();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close,
    async dispose() {
      await close();
      await stopStore();
    },
  };
}
