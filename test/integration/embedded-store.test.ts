/**
 * The embedded store is reachable by Sextant's own process only (issue: "the embedded store
 * listens on an open loopback port"): no TCP port, a Unix socket 0600 in a 0700 directory, a
 * per-start secret on every request, browsers refused, and the on-disk data 0700 / 0600.
 * Raw requests come from another process (a child `node`), as an attacker's would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../functions/src/store/client';

/** Every file and directory under `dir` with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    out.push({ path: p, dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) out.push(...modes(p));
  }
  return out;
}

/**
 * A raw DynamoDB PutItem of an admin credential, sent by another process over the socket,
 * unsigned (default credentials), with optional extra headers. Returns the HTTP status or the
 * connection error code.
 */
async function rawPutFromAnotherProcess(socketPath: string, table: string, headers: Record<string, string> = {}, uid?: number): Promise<string> {
  const script = `
    const http = require('node:http');
    const body = JSON.stringify({ TableName: ${JSON.stringify(table)}, Item: { PK: { S: 'CRED#attacker' }, SK: { S: 'CRED' }, scope: { S: 'admin' } } });
    const req = http.request({ socketPath: ${JSON.stringify(socketPath)}, path: '/', method: 'POST', headers: Object.assign({
      'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' }, ${JSON.stringify(headers)}) },
      (res) => { res.resume(); res.on('end', () => console.log(String(res.statusCode))); });
    req.on('error', (e) => console.log(e.code));
    req.end(body);`;
  // asynchronous: the store answers from this very process
  const out = await promisify(execFile)(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000, ...(uid !== undefined ? { uid, gid: uid } : {}) });
  return (out.stdout || out.stderr).trim();
}

describe('embedded store: reachable by its own process only', () => {
  const root = mkdtempSync(join(tmpdir(), 'sextant-embedded-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('listens on a private Unix socket, no TCP endpoint, and refuses requests without the per-start secret', async () => {
    const store = await openStore({ kind: 'memory', table: 'sextant_embedded' });
    try {
      expect(store.endpoint).toBeUndefined();
      const socketPath = store.socketPath!;
      expect(statSync(socketPath).isSocket()).toBe(true);
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(socketPath)).mode & 0o777).toBe(0o700);

      // Sextant's own client works
      await store.doc.send(new PutCommand({ TableName: store.table, Item: { PK: 'x', SK: 'y', v: 1 } }));
      expect((await store.doc.send(new GetCommand({ TableName: store.table, Key: { PK: 'x', SK: 'y' } }))).Item?.v).toBe(1);

      // another process of the same user, default credentials: refused
      expect(await rawPutFromAnotherProcess(socketPath, store.table)).toBe('403');
      // a guessed secret: refused
      expect(await rawPutFromAnotherProcess(socketPath, store.table, { 'x-sextant-store-key': 'f'.repeat(64) })).toBe('403');
      // a browser (Origin header) is refused whatever it presents
      expect(await rawPutFromAnotherProcess(socketPath, store.table, { origin: 'https://evil.example' })).toBe('403');
      // nothing was written by those attempts
      const cred = await store.doc.send(new GetCommand({ TableName: store.table, Key: { PK: 'CRED#attacker', SK: 'CRED' } }));
      expect(cred.Item).toBeUndefined();

      // another OS user cannot even connect (the directory is 0700); only checkable when tests run as root
      if (process.getuid?.() === 0) expect(await rawPutFromAnotherProcess(socketPath, store.table, {}, 65534)).toBe('EACCES');
    } finally {
      await store.close();
    }
    // the socket and its directory are gone after close
    expect(() => statSync(store.socketPath!)).toThrow();
  });

  it('keeps the on-disk data private: directories 0700, files 0600, even when they were created open', async () => {
    const dataDir = join(root, 'data');
    // a data directory as older versions left it: 0755 with a 0644 file
    mkdirSync(join(dataDir, 'dynalite'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'dynalite'), 0o755);
    writeFileSync(join(dataDir, 'dynalite', 'LOG.old'), 'x', { mode: 0o644 });

    const store = await openStore({ kind: 'dynalite', table: 'sextant_embedded', dataDir });
    try {
      for (let i = 0; i < 50; i++) await store.doc.send(new PutCommand({ TableName: store.table, Item: { PK: `p${i}`, SK: 's', v: 'x'.repeat(500) } }));
    } finally {
      await store.close();
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const entries = modes(dataDir);
    expect(entries.filter((e) => !e.dir).length).toBeGreaterThan(2);
    const open = entries.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(open).toEqual([]);
  });
});
