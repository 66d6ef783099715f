/**
 * Test context: the real Hono app on a real store (in-memory dynalite by default; any DynamoDB
 * endpoint with SEXTANT_TEST_DYNAMODB_ENDPOINT, e.g. DynamoDB Local), with tokens of every role.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createApp } from '../../functions/src/app';
import { loadConfig, type Config } from '../../functions/src/config';
import { log } from '../../functions/src/log';
import { openApiDocs } from '../../functions/src/openapi';
import { createServices, type Services } from '../../functions/src/services';
import { openStore } from '../../functions/src/store/client';

export interface TestContext {
  services: Services;
  app: ReturnType<typeof createApp>;
  tokens: { admin: string; editor: string; viewer: string; ingest: string };
  /** call the app in-process with JSON and a token */
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** set the clock (ms) */
  setNow(ms: number): void;
  close(): Promise<void>;
}

/** The DynamoDB endpoint of this run: DynamoDB Local when SEXTANT_TEST_BACKEND=dynamodb-local, else none (dynalite). */
export function testEndpoint(): string | undefined {
  return process.env.SEXTANT_TEST_DYNAMODB_ENDPOINT ?? (inject('dynamodbEndpoint') || undefined);
}

log.setLevel((process.env.SEXTANT_TEST_LOG as 'info') ?? 'silent');

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const endpoint = testEndpoint();
  const table = `t_${randomBytes(6).toString('hex')}`;
  const config: Config = loadConfig({
    SEXTANT_STORE: endpoint ? 'dynamodb' : 'memory',
    DYNAMODB_ENDPOINT: endpoint,
    SEXTANT_TABLE: table,
    SEXTANT_DEMO: '0',
    ...env,
  });
  const store = await openStore({ kind: config.SEXTANT_STORE, table, endpoint });
  let now: number | undefined;
  const services = createServices(config, store, randomBytes(32), { now: () => now ?? Date.now() });
  const app = createApp(services, { docs: openApiDocs() });
  const mk = async (scope: 'admin' | 'editor' | 'viewer' | 'ingest') => (await services.keys.create({ name: `test ${scope}`, scope })).key;
  const tokens = { admin: await mk('admin'), editor: await mk('editor'), viewer: await mk('viewer'), ingest: await mk('ingest') };
  return {
    services,
    app,
    tokens,
    setNow(ms) {
      now = ms;
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const token = opts.token === undefined ? tokens.admin : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await store.close();
    },
  };
}
