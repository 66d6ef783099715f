/**
 * Ingest benchmark, in one run on one store: the store's raw batch-write ceiling, Sextant's
 * ingest throughput over real HTTP (Segment batches), their ratio, and capacity units per
 * 1,000 events (what the AWS bill is made of).
 */
import { randomBytes } from 'node:crypto';
import { createApp } from '../../functions/src/app';
import { loadConfig } from '../../functions/src/config';
import { createServices } from '../../functions/src/services';
import { openStore } from '../../functions/src/store/client';
import { batchWrite } from '../../functions/src/store/ops';
import { serve } from '@hono/node-server';
import { addDays, todayUtc } from '../../shared/primitives';

export interface IngestBench {
  events: number;
  batchSize: number;
  parallel: number;
  rawBatchWriteItemsPerSec: number;
  ingestEventsPerSec: number;
  ratio: number;
  /** capacity units per 1,000 new events */
  wcuPer1000: number;
  rcuPer1000: number;
  /** mean size of an event as sent, bytes */
  eventBytes: number;
  /** peak resident memory of the process during the run, MB */
  peakRssMB: number;
  /** capacity units per 1,000 re-sent (duplicate) events */
  duplicateWcuPer1000: number;
  duplicateRcuPer1000: number;
}

/**
 * A realistic mix (~300 bytes an event, like analytics-node sends): 55% product tracks, 20%
 * usage of one of several epics, 20% page views, 5% survey responses; users active on several
 * days, about 7 events per user and day.
 */
function makeEvents(n: number, users: number, seed: string) {
  const today = todayUtc();
  const usage = ['Try-On Started', 'Style Quiz Completed', 'Outfit Shared', 'Size Advice Shown', 'One-Tap Checkout Used'];
  const product = ['App Opened', 'Product Viewed', 'Product Added', 'Checkout Started'];
  const context = { library: { name: '@segment/analytics-node', version: '3.1.0' }, locale: 'en-GB', timezone: 'Europe/London' };
  return Array.from({ length: n }, (_, i) => {
    const base = {
      messageId: `${seed}-${i}`,
      userId: `user-${i % users}`,
      timestamp: `${addDays(today, -(Math.floor(i / 7) % 7))}T12:${String(i % 60).padStart(2, '0')}:00.000Z`,
      context,
      _metadata: { nodeVersion: '20.20.2', jsRuntime: 'node' },
    };
    const k = i % 20;
    if (k < 4) return { ...base, type: 'page', name: 'Product', properties: { path: `/p/${i % 97}`, title: 'Linen shirt', url: `https://fabrikam.example/p/${i % 97}` } };
    if (k < 8) return { ...base, type: 'track', event: usage[i % usage.length], properties: { source: 'app', variant: 'b' } };
    if (k === 8) return { ...base, type: 'track', event: 'Survey Responded', properties: { scale: 'csat', score: 1 + (i % 5), ...(i % 2 ? { epicId: 'virtual-try-on' } : {}) } };
    return { ...base, type: 'track', event: product[i % product.length], properties: { sku: `sku-${i % 97}`, price: 49.9, currency: 'EUR' } };
  });
}

async function parallel<T>(items: T[], workers: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => { while (next < items.length) await fn(items[next++]); }));
}

export async function benchIngest(opts: { events?: number; batchSize?: number; parallel?: number } = {}): Promise<IngestBench> {
  const events = opts.events ?? 20_000;
  const batchSize = opts.batchSize ?? 100;
  const workers = opts.parallel ?? 4;
  const store = await openStore({ kind: 'memory', table: 'sextant_bench', meter: true });
  try {
    // 1. the store's ceiling: BatchWriteItem of raw-event-sized items, same parallelism
    const rawItems = Array.from({ length: events }, (_, i) => ({ PK: `CEIL#${i}`, SK: 'E', id: `ceil-${i}`, t: 'track', u: randomBytes(16).toString('base64url'), at: Date.now(), d: todayUtc(), r: Date.now(), e: 'Product Viewed', expiresAt: 2e9 }));
    const chunks: (typeof rawItems)[] = [];
    for (let i = 0; i < rawItems.length; i += batchSize) chunks.push(rawItems.slice(i, i + batchSize));
    let t = performance.now();
    await parallel(chunks, workers, (c) => batchWrite(store, c));
    const rawPerSec = events / ((performance.now() - t) / 1000);

    // 2. Sextant's ingest over real HTTP on the same store
    const config = loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', SEXTANT_RATE_LIMIT_PER_MINUTE: '1000000' });
    const services = createServices(config, store, randomBytes(32));
    const key = (await services.keys.create({ name: 'bench', scope: 'ingest' })).key;
    const app = createApp(services, { parts: ['ingest'] });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/batch`;
    const auth = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
    // a realistic mix: 400 users over 7 days, about 7 events per user and day
    const evs = makeEvents(events, 400, 'bench');
    const batches: (typeof evs)[] = [];
    for (let i = 0; i < evs.length; i += batchSize) batches.push(evs.slice(i, i + batchSize));
    const send = async (batch: typeof evs) => {
      const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch, sentAt: new Date().toISOString() }) });
      if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const eventBytes = Math.round(evs.reduce((a, e) => a + Buffer.byteLength(JSON.stringify(e)), 0) / evs.length);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const m0 = { ...store.meter! };
    t = performance.now();
    await parallel(batches, workers, send);
    const ingestPerSec = events / ((performance.now() - t) / 1000);
    const m1 = { ...store.meter! };
    // 3. the same events again: all duplicates
    await parallel(batches, workers, send);
    const m2 = { ...store.meter! };
    clearInterval(sampler);
    await new Promise<void>((r) => server.close(() => r()));
    const per1000 = (x: number) => Math.round((x / events) * 1000 * 10) / 10;
    return {
      events,
      batchSize,
      parallel: workers,
      rawBatchWriteItemsPerSec: Math.round(rawPerSec),
      ingestEventsPerSec: Math.round(ingestPerSec),
      ratio: Math.round((ingestPerSec / rawPerSec) * 100) / 100,
      wcuPer1000: per1000(m1.write - m0.write),
      rcuPer1000: per1000(m1.read - m0.read),
      eventBytes,
      peakRssMB: Math.round(peakRss / 1024 / 1024),
      duplicateWcuPer1000: per1000(m2.write - m1.write),
      duplicateRcuPer1000: per1000(m2.read - m1.read),
    };
  } finally {
    await store.close();
  }
}
