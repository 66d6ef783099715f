/**
 * The capacity model's workload: ingest traffic of a product with `monthlyUsers`, at
 * `eventsPerSecond`, through the real Hono app of `containers` app instances sharing one store
 * (as Lambda containers do, each with its own credential cache), on a simulated clock so the
 * meter's per-second buckets are exact.
 *
 * The mix (defaults):
 * - batch sizes by share of events: 10% single-event `/v1/track` and `/v1/page` (webhook
 *   style, one request per event), 20% in batches of 10, 40% of 100, 30% of 500;
 * - users: a peak minute of a 1 M-monthly-user product has about 1% of them in a session
 *   (`activeUsers`, 10,000), each sending about one event a second; those users were active
 *   earlier today, so today's activity and usage facts of the active users are stored before the
 *   measured seconds (`seedActiveFacts`); `newUserShare` (3%) of events come from other
 *   monthly users, arriving for their first session of the day (new facts);
 * - 5% duplicates (re-sent messageIds, same content), 2% late events (1–6 days old), 0.2%
 *   survey responses;
 * - one write key for all traffic.
 */
import { randomBytes } from 'node:crypto';
import { createApp } from '../../functions/src/app';
import { loadConfig } from '../../functions/src/config';
import { pseudonymize } from '../../functions/src/ingest/pseudonymize';
import { createServices, type Services } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import { userFactItems } from '../../functions/src/store/event-store';
import { batchWrite } from '../../functions/src/store/ops';
import { dayNumber } from '../../shared/primitives';
import { withCapacityMeter, type CapacityMeter } from './capacity';
import { rng } from './ground-truth';

export interface CapacityWorkload {
  seconds: number;
  eventsPerSecond: number;
  monthlyUsers: number;
  activeUsers: number;
  newUserShare: number;
  /** share of events per request size (1 = single-event endpoints) */
  mix: { size: 1 | 10 | 100 | 500; share: number }[];
  duplicateShare: number;
  lateShare: number;
  surveyShare: number;
  containers: number;
  credentialCacheSeconds: number;
  seedActiveFacts: boolean;
  /** requests in flight at once (1 for handler times without queueing) */
  concurrency: number;
  /** simulated start (ms): a UTC mid-day, so the measured seconds stay within one day */
  start: number;
  seed: number;
}

export const DEFAULT_WORKLOAD: CapacityWorkload = {
  seconds: 5,
  eventsPerSecond: 10_000,
  monthlyUsers: 1_000_000,
  activeUsers: 10_000,
  newUserShare: 0.03,
  mix: [
    { size: 1, share: 0.1 },
    { size: 10, share: 0.2 },
    { size: 100, share: 0.4 },
    { size: 500, share: 0.3 },
  ],
  duplicateShare: 0.05,
  lateShare: 0.02,
  surveyShare: 0.002,
  containers: 1_000,
  credentialCacheSeconds: 30,
  seedActiveFacts: true,
  concurrency: 16,
  start: Date.UTC(2026, 10, 18, 12, 0, 0),
  seed: 7,
};

const PRODUCT = ['App Opened', 'Product Viewed', 'Product Added', 'Checkout Started'];
const USAGE = [
  { event: 'Try-On Started', epicId: 'virtual-try-on' },
  { event: 'Style Quiz Completed', epicId: 'style-quiz' },
  { event: 'Outfit Shared', epicId: 'outfit-sharing' },
  { event: 'Size Advice Shown', epicId: 'size-advice' },
  { event: 'One-Tap Checkout Used', epicId: 'one-tap-checkout' },
];
const CONTEXT = { library: { name: '@segment/analytics-node', version: '3.1.0' }, locale: 'en-GB', timezone: 'Europe/London' };

/** A user's habits: two product events and one feature (epic) they use. */
const habitsOf = (u: number) => ({ product: [PRODUCT[u % 4], PRODUCT[(u + 1) % 4]], usage: USAGE[u % USAGE.length] });

type Event = Record<string, unknown>;

export interface WorkloadRun {
  meter: CapacityMeter;
  store: Store;
  containers: Services[];
  events: number;
  requests: number;
  /** requests by size */
  requestsBySize: Record<number, number>;
  /** answers other than 200 (should be none) */
  failures: { status: number; body: string }[];
  /** wall time of the measured seconds, ms */
  wallMs: number;
  /** mean handler time per request size, ms (wall, this machine, store in-process; includes queueing when concurrency > 1) */
  handlerMs: Record<number, number>;
  close(): Promise<void>;
}

/** Run the workload; the meter covers the measured seconds only (not the key or the seed). */
export async function runCapacityWorkload(overrides: Partial<CapacityWorkload> = {}): Promise<WorkloadRun> {
  const w = { ...DEFAULT_WORKLOAD, ...overrides };
  const next = rng(w.seed);
  const store = await openStore({ kind: 'memory', table: `cap_${randomBytes(4).toString('hex')}` });
  let now = w.start;
  const config = loadConfig({
    SEXTANT_STORE: 'memory',
    SEXTANT_DEMO: '0',
    SEXTANT_RATE_LIMIT_PER_MINUTE: '100000000',
    SEXTANT_CREDENTIAL_CACHE_SECONDS: String(w.credentialCacheSeconds),
    // as deployed on AWS (infra/stateless-stack.ts): the change log over 32 partitions per hour
    SEXTANT_CHANGELOG_PARTITIONS: '32',
    // the model measures the store's load, not the shedding: every request is worked on
    SEXTANT_INGEST_MAX_IN_FLIGHT: '10000',
  });
  const pseudonymKey = randomBytes(32);
  const containers = Array.from({ length: w.containers }, () => createServices(config, store, pseudonymKey, { now: () => now }));
  const apps = containers.map((s) => createApp(s, { parts: ['ingest'] }));
  const { key } = await containers[0].keys.create({ name: 'pipeline', scope: 'ingest' });
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

  const today = new Date(w.start).toISOString().slice(0, 10);
  if (w.seedActiveFacts) {
    // the active users were active earlier today: their activity and usage facts exist
    const facts = [];
    for (let u = 0; u < w.activeUsers; u++) {
      const h = habitsOf(u);
      const day = dayNumber(today);
      const usage = new Map<string, Set<number>>([...h.product.map((e) => `ev:${e}`), `ev:${h.usage.event}`, `epic:${h.usage.epicId}`].map((k) => [k, new Set([day])]));
      const user = pseudonymize(pseudonymKey, `user-${u}`);
      const month = today.slice(0, 7);
      // usage facts (track events) and the plain activity fact (a page view sent on its own)
      facts.push(...userFactItems([{ user, month, days: new Set([day]), usage }]), ...userFactItems([{ user, month, days: new Set([day]), usage: new Map() }]));
    }
    await batchWrite(store, facts);
  }

  const meter = withCapacityMeter(store, { clock: () => now });
  const recent: Event[] = [];
  let seq = 0;
  let newUsers = 0;

  function makeEvent(at: number): Event {
    if (recent.length > 1000 && next() < w.duplicateShare) return recent[Math.floor(next() * recent.length)];
    const isNew = next() < w.newUserShare;
    // new arrivals: monthly users beyond the active ones, each once
    const u = isNew ? w.activeUsers + (newUsers++ % (w.monthlyUsers - w.activeUsers)) : Math.floor(next() * w.activeUsers);
    const late = next() < w.lateShare;
    const ts = late ? at - (1 + Math.floor(next() * 6)) * 86_400_000 : at - Math.floor(next() * 2000);
    const base = { messageId: `m-${w.seed}-${seq++}`, userId: `user-${u}`, timestamp: new Date(ts).toISOString(), context: CONTEXT };
    const h = habitsOf(u);
    const r = next();
    let e: Event;
    if (r < w.surveyShare) e = { ...base, type: 'track', event: 'Survey Responded', properties: { scale: 'csat', score: 1 + Math.floor(next() * 5) } };
    else if (r < 0.25) e = { ...base, type: 'page', name: 'Product', properties: { path: `/p/${u % 97}`, title: 'Linen shirt', url: `https://fabrikam.example/p/${u % 97}` } };
    else if (r < 0.45) e = { ...base, type: 'track', event: h.usage.event, properties: { epicId: h.usage.epicId, source: 'app' } };
    else e = { ...base, type: 'track', event: h.product[r < 0.75 ? 0 : 1], properties: { sku: `sku-${u % 97}`, price: 49.9, currency: 'EUR' } };
    recent.push(e);
    if (recent.length > 20_000) recent.splice(0, 10_000);
    return e;
  }

  /** the requests of one second, in a shuffled order */
  function requestsOfSecond(second: number) {
    const reqs: { size: number; events: Event[] }[] = [];
    const at = w.start + second * 1000;
    for (const { size, share } of w.mix) {
      const n = Math.round((w.eventsPerSecond * share) / size);
      for (let i = 0; i < n; i++) reqs.push({ size, events: Array.from({ length: size }, () => makeEvent(at)) });
    }
    for (let i = reqs.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [reqs[i], reqs[j]] = [reqs[j], reqs[i]];
    }
    return reqs;
  }

  const failures: WorkloadRun['failures'] = [];
  const requestsBySize: Record<number, number> = {};
  const handlerTotal: Record<number, number> = {};
  let requests = 0;
  let events = 0;
  let rr = 0;
  const started = performance.now();
  for (let s = 0; s < w.seconds; s++) {
    const reqs = requestsOfSecond(s);
    let i = 0;
    // a few requests in flight at once; the clock moves through the second as they are sent
    await Promise.all(
      Array.from({ length: w.concurrency }, async () => {
        while (i < reqs.length) {
          const k = i++;
          const { size, events: batch } = reqs[k];
          now = w.start + s * 1000 + Math.floor((k * 1000) / reqs.length);
          const app = apps[rr++ % apps.length];
          const single = size === 1;
          const e = batch[0];
          const path = single ? `/v1/${e.type}` : '/v1/batch';
          const body = single ? JSON.stringify(e) : JSON.stringify({ batch: batch, sentAt: new Date(now).toISOString() });
          const t0 = performance.now();
          const res = await app.request(path, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
          const text = await res.text();
          handlerTotal[size] = (handlerTotal[size] ?? 0) + (performance.now() - t0);
          if (res.status !== 200) failures.push({ status: res.status, body: text.slice(0, 300) });
          requestsBySize[size] = (requestsBySize[size] ?? 0) + 1;
          requests++;
          events += size;
        }
      }),
    );
  }
  const wallMs = performance.now() - started;
  const handlerMs = Object.fromEntries(Object.entries(handlerTotal).map(([size, total]) => [size, total / requestsBySize[Number(size)]]));
  return {
    meter,
    store,
    containers,
    events,
    requests,
    requestsBySize,
    failures,
    wallMs,
    handlerMs,
    async close() {
      meter.stop();
      await store.close();
    },
  };
}
