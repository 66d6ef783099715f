/**
 * Every pipeline as it really sends, against the real local server, with only the host (and
 * key) changed; each checks exact counts on the server, duplicates included:
 * - `@rudderstack/rudder-sdk-node` (gzip on: `Content-Encoding: gzip`, form-urlencoded type);
 * - `@segment/analytics-next` in headless Chromium, loaded in a page served from a second
 *   loopback origin (CORS for real), with its settings passed in so it fetches nothing from
 *   Segment's CDN; standard delivery (`/v1/t`, `/v1/p` … as text/plain) and batching (`/v1/b`);
 * - a webhook destination (Segment's and RudderStack's): one event of each type to `/v1/event`
 *   with the auth header set in the destination, and a re-delivery counted as a duplicate.
 * (`@segment/analytics-node` has its own file: segment-client.test.ts, burst.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import Rudder from '@rudderstack/rudder-sdk-node';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { edgeStats } from '../../functions/src/edge';
import { log } from '../../functions/src/log';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { EVENT_TYPES } from '../../shared/ingest';
import { launchChromium } from '../helpers/browser';

log.setLevel('silent');

let server: RunningServer;

const newKey = async (name: string) => (await server.services.keys.create({ name, scope: 'ingest' })).key;
const stats = async () => {
  const res = await fetch(`${server.url}/api/v1/ingest/stats?days=1`, { headers: { authorization: `Bearer ${server.signInToken}` } });
  const body = await res.json();
  return body.days[0] as { received: number; accepted: number; duplicates: number; rejected: number };
};
const delta = (a: Awaited<ReturnType<typeof stats>>, b: Awaited<ReturnType<typeof stats>>) => ({
  received: b.received - a.received,
  accepted: b.accepted - a.accepted,
  duplicates: b.duplicates - a.duplicates,
  rejected: b.rejected - a.rejected,
});

beforeAll(async () => {
  // compatibility, not load: shedding has its own test (burst.test.ts)
  server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'silent', SEXTANT_INGEST_MAX_IN_FLIGHT: '64' }), { quiet: true });
});
afterAll(async () => server?.close());

describe('@rudderstack/rudder-sdk-node (gzip on)', () => {
  it('delivers every event of every type exactly once; a re-send of the same messageIds is all duplicates', async () => {
    const writeKey = await newKey('rudderstack');
    const before = await stats();
    const inflatedBefore = edgeStats.inflatedBytes;
    const errors: unknown[] = [];
    const send = async (ids: string[]) => {
      const client = new Rudder(writeKey, { dataPlaneUrl: server.url, flushAt: 20, flushInterval: 200, retryCount: 2, errorHandler: (e: unknown) => errors.push(e) });
      // each call's callback runs once its batch is answered: that is the SDK's delivery report
      const delivered: Promise<void>[] = [];
      ids.forEach((messageId, i) => {
        let report!: (err?: unknown) => void;
        delivered.push(new Promise<void>((ok) => (report = (err?: unknown) => (err && errors.push(err), ok()))));
        const userId = `rs-user-${i % 9}`;
        // the SDK keeps a messageId it is given (its types do not list it)
        const m = (o: object) => ({ ...o, messageId }) as never;
        switch (i % 6) {
          case 0:
            return client.track(m({ userId, event: 'Try-On Started', properties: { epicId: 'try-on' } }), report);
          case 1:
            return client.page(m({ userId, name: 'Home', properties: { path: '/' } }), report);
          case 2:
            return client.identify(m({ userId, traits: { plan: 'pro' } }), report);
          case 3:
            return client.group(m({ userId, groupId: 'acme', traits: { size: 10 } }), report);
          case 4:
            return client.screen(m({ userId, name: 'Closet' }), report);
          default:
            return client.alias(m({ userId, previousId: `anon-${i}` }), report);
        }
      });
      await client.flush();
      await Promise.all(delivered);
    };
    const ids = Array.from({ length: 120 }, (_, i) => `rs-${i}`);
    await send(ids);
    expect(errors).toEqual([]);
    expect((await server.services.events.findRaw(ids)).size).toBe(ids.length);
    expect(delta(before, await stats())).toEqual({ received: 120, accepted: 120, duplicates: 0, rejected: 0 });
    // it really sent gzip
    expect(edgeStats.inflatedBytes - inflatedBefore).toBeGreaterThan(10_000);

    const mid = await stats();
    await send(ids.slice(0, 40));
    expect(errors).toEqual([]);
    expect(delta(mid, await stats())).toEqual({ received: 40, accepted: 0, duplicates: 40, rejected: 0 });
  });
});

describe('@segment/analytics-next in headless Chromium, from another origin', () => {
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let bundle: string;

  beforeAll(async () => {
    const out = await build({
      stdin: { contents: "import { AnalyticsBrowser } from '@segment/analytics-next'; (window as any).AnalyticsBrowser = AnalyticsBrowser;", loader: 'ts', resolveDir: resolve(import.meta.dirname, '../..') },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    bundle = out.outputFiles[0].text;
    // the product's own web page, on a second loopback origin
    site = createServer((req, res) => {
      if (req.url === '/ajs.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(bundle);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><head><script src="/ajs.js"></script></head><body><h1>Fabrikam</h1></body></html>');
      }
    });
    await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (site ? site.close(() => ok()) : ok()));
  });

  it('standard delivery (/v1/t, /v1/p, /v1/i, /v1/g, /v1/a, /v1/s as text/plain) and batching (/v1/b): every event once, nothing fetched from Segment', async () => {
    const writeKey = await newKey('analytics-next');
    const before = await stats();
    expect(new URL(siteUrl).origin).not.toBe(new URL(server.url).origin);
    const page = await browser.newPage();
    const requested: string[] = [];
    const corsFailures: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('requestfailed', (r) => corsFailures.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('console', (m) => {
      if (m.type() === 'error') corsFailures.push(m.text());
    });
    await page.goto(siteUrl);
    const apiHost = `${new URL(server.url).host}/v1`;
    const result = await page.evaluate(
      async ({ writeKey, apiHost }) => {
        const AnalyticsBrowser = (window as any).AnalyticsBrowser;
        const load = (deliveryStrategy?: object) =>
          AnalyticsBrowser.load(
            { writeKey, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http', ...(deliveryStrategy ? { deliveryStrategy } : {}) } } } },
            { disableClientPersistence: true },
          );
        const [standard] = await load();
        const [batched] = await load({ strategy: 'batching', config: { size: 10, timeout: 200 } });
        const calls: Promise<any>[] = [];
        for (const a of [standard, batched]) {
          for (let i = 0; i < 10; i++) calls.push(a.track('Try-On Started', { epicId: 'try-on', i }));
          calls.push(a.page('Shop', 'Home', { path: '/' }));
          calls.push(a.screen('App', 'Closet'));
          calls.push(a.identify(`browser-user-${a === standard ? 's' : 'b'}`, { plan: 'pro' }));
          calls.push(a.group('acme', { size: 10 }));
          calls.push(a.alias(`browser-user-${a === standard ? 's' : 'b'}`, `browser-anon-${a === standard ? 's' : 'b'}`));
        }
        const ctxs = await Promise.all(calls);
        return {
          ids: ctxs.map((c) => c.event.messageId as string),
          types: ctxs.map((c) => c.event.type as string),
          failed: ctxs.map((c) => c.failedDelivery()?.reason?.message).filter(Boolean),
        };
      },
      { writeKey, apiHost },
    );
    expect(result.failed).toEqual([]);
    expect(new Set(result.types)).toEqual(new Set(EVENT_TYPES));
    const ids = result.ids;
    expect(new Set(ids).size).toBe(30);
    await vi.waitFor(async () => expect((await server.services.events.findRaw(ids)).size).toBe(30), { timeout: 20_000, interval: 200 });
    await page.close();
    expect(corsFailures).toEqual([]);
    expect(delta(before, await stats())).toEqual({ received: 30, accepted: 30, duplicates: 0, rejected: 0 });
    // every request went to one of the two origins: nothing from Segment's CDN or API
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([new URL(siteUrl).origin, new URL(server.url).origin].sort());
    const paths = new Set(requested.filter((u) => u.startsWith(server.url)).map((u) => new URL(u).pathname));
    expect([...paths].sort()).toEqual(['/v1/a', '/v1/b', '/v1/g', '/v1/i', '/v1/p', '/v1/s', '/v1/t']);
  }, 60_000);
});

describe('webhook destinations → POST /v1/event', () => {
  const now = new Date().toISOString();
  /** one event of each type as Segment's Webhooks destination forwards it (the event as Segment received it) */
  const segmentEvent = (type: string, i: number) => ({
    type,
    messageId: `wh-seg-${type}-${i}`,
    userId: `wh-user-${i}`,
    anonymousId: `wh-anon-${i}`,
    timestamp: now,
    originalTimestamp: now,
    sentAt: now,
    receivedAt: now,
    channel: 'server',
    version: 2,
    projectId: 'abc123',
    context: { library: { name: 'analytics-node-next', version: 'latest' } },
    integrations: {},
    ...(type === 'track' ? { event: 'Try-On Started', properties: { epicId: 'try-on' } } : {}),
    ...(type === 'page' || type === 'screen' ? { name: 'Home', properties: { path: '/' } } : {}),
    ...(type === 'identify' ? { traits: { plan: 'pro' } } : {}),
    ...(type === 'group' ? { groupId: 'acme', traits: { size: 10 } } : {}),
    ...(type === 'alias' ? { previousId: `wh-prev-${i}` } : {}),
  });
  /** RudderStack's Webhook destination: its own envelope fields around the same event */
  const rudderEvent = (type: string, i: number) => ({ ...segmentEvent(type, i), messageId: `wh-rs-${type}-${i}`, rudderId: `r-${i}`, request_ip: '10.0.0.1', channel: 'web' });

  it.each([
    ['Segment Webhooks (Basic auth header)', segmentEvent, (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` })],
    ['RudderStack Webhook (Bearer header)', rudderEvent, (key: string) => ({ authorization: `Bearer ${key}` })],
  ] as const)('%s: every type once, a re-delivery is a duplicate', async (name, make, auth) => {
    const key = await newKey(name);
    const before = await stats();
    const events = EVENT_TYPES.flatMap((t) => [0, 1].map((i) => make(t, i)));
    for (const e of events) {
      const res = await fetch(`${server.url}/v1/event`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/json' }, body: JSON.stringify(e) });
      expect([e.type, res.status, await res.json()]).toEqual([e.type, 200, { success: true, accepted: 1, duplicates: 0, rejected: [] }]);
    }
    // a destination retries on a lost answer: the same event again
    const again = await fetch(`${server.url}/v1/event`, { method: 'POST', headers: auth(key), body: JSON.stringify(events[0]) });
    expect((await again.json()).duplicates).toBe(1);
    expect((await server.services.events.findRaw(events.map((e) => e.messageId))).size).toBe(events.length);
    expect(delta(before, await stats())).toEqual({ received: events.length + 1, accepted: events.length, duplicates: 1, rejected: 0 });
  });
});
