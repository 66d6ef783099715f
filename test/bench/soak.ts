/**
 * `npm run bench -- soak`: the real local server (`startServer`: API, ingest, background
 * rollups) on loopback, driven with Segment batches.
 *
 * 1. Probe: closed loop (`concurrency` requests in flight) for `SOAK_PROBE_SECONDS` (15) to
 *    measure the maximum ingest rate.
 * 2. Soak: open loop at `SOAK_LOAD` (0.7) × that rate on a fixed schedule for `SOAK_SECONDS`
 *    (180), latency measured from each request's scheduled time (no coordinated omission).
 *    Bounded in time and count; stops by itself.
 * 3. Memory of the server process (RSS, heap, heap after a full GC) sampled every 10 s: first
 *    vs last and the least-squares slope.
 *
 * The store is the embedded in-memory dynalite, run in a child process: an in-memory store
 * keeps every event in its JS heap and so grows with the data by design; out of process, the
 * server's own memory can be judged flat or not. (Its RSS is reported beside.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../../functions/src/config';
import { startServer } from '../../functions/src/local/server';

export interface SoakOptions {
  seconds?: number;
  probeSeconds?: number;
  /** fraction of the measured maximum to drive the soak at */
  load?: number;
  batchSize?: number;
  concurrency?: number;
  sampleEverySeconds?: number;
  /** run the local server's background rollups meanwhile (default on, as `npm start` does) */
  rollups?: boolean;
}

interface MemorySample {
  t: number;
  rssMB: number;
  heapUsedMB: number;
  heapAfterGcMB: number;
  storeRssMB: number | null;
}

const MB = 1024 * 1024;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (v: string | undefined, dflt: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : dflt);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** least-squares slope of y over x */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

/** a full GC, when the runtime lets us (for a heap figure free of garbage not yet collected) */
function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function rssOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** dynalite in memory, in a child process on loopback; resolves its endpoint */
async function startStore(): Promise<{ child: ChildProcess; endpoint: string }> {
  const code = `const d=require('dynalite')({createTableMs:0,deleteTableMs:0,updateTableMs:0});d.listen(0,'127.0.0.1',()=>process.stdout.write(d.address().port+'\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) ok(Number(out.trim()));
    });
    child.once('exit', (c) => fail(new Error(`store process exited (${c})`)));
    setTimeout(() => fail(new Error('store process did not start')), 15_000);
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

export async function benchSoak(opts: SoakOptions = {}) {
  const seconds = Math.min(3600, Math.max(10, opts.seconds ?? num(process.env.SOAK_SECONDS, 180)));
  const probeSeconds = Math.min(120, Math.max(3, opts.probeSeconds ?? num(process.env.SOAK_PROBE_SECONDS, 15)));
  const load = Math.min(1, Math.max(0.05, opts.load ?? num(process.env.SOAK_LOAD, 0.7)));
  const batchSize = opts.batchSize ?? 20;
  const concurrency = opts.concurrency ?? 8;
  const sampleEvery = (opts.sampleEverySeconds ?? 10) * 1000;
  const gc = gcFunction();

  const { child, endpoint } = await startStore();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1', // loopback only
    SEXTANT_STORE: 'dynamodb',
    DYNAMODB_ENDPOINT: endpoint,
    SEXTANT_TABLE: 'soak',
    SEXTANT_DEMO: '0',
    SEXTANT_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
    SEXTANT_RATE_LIMIT_PER_MINUTE: '100000000',
    SEXTANT_LOG_LEVEL: 'silent',
  });
  const server = await startServer(config, { quiet: true });
  const rollups = opts.rollups ?? process.env.SOAK_ROLLUPS !== '0';
  if (!rollups) server.services.onDirty = undefined;
  try {
    const key = (await server.services.keys.create({ name: 'soak', scope: 'ingest' })).key;
    const auth = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
    const url = `${server.url}/v1/batch`;
    const run = randomBytes(4).toString('hex');
    const names = ['App Opened', 'Product Viewed', 'Try-On Started', 'Outfit Shared', 'Checkout Started'];
    let seq = 0;
    const makeBody = () => {
      const now = new Date().toISOString();
      const batch = Array.from({ length: batchSize }, () => {
        const i = seq++;
        return {
          type: 'track',
          messageId: `soak-${run}-${i}`,
          userId: `user-${(i * 7919) % 20_000}`,
          event: names[i % names.length],
          properties: { sku: `sku-${i % 97}`, price: 49.9 },
          timestamp: now,
          context: { library: { name: 'analytics-node', version: '3.1.0' } },
        };
      });
      return JSON.stringify({ batch, sentAt: now });
    };
    let accepted = 0;
    const errors: string[] = [];
    const send = async (body: string): Promise<boolean> => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
        const text = await res.text();
        if (res.status !== 200) {
          errors.push(`${res.status} ${text.slice(0, 120)}`);
          return false;
        }
        const r = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
        accepted += r.accepted;
        if (r.accepted !== batchSize) {
          errors.push(`accepted ${r.accepted} of ${batchSize} (${r.duplicates} duplicates, ${r.rejected.length} rejected)`);
          return false;
        }
        return true;
      } catch (e) {
        errors.push((e as Error).message);
        return false;
      }
    };

    // 1. the maximum: closed loop
    const probeLatencies: number[] = [];
    let probeRequests = 0;
    const probeStart = performance.now();
    const probeEnd = probeStart + probeSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < probeEnd) {
          const body = makeBody();
          const t = performance.now();
          await send(body);
          probeLatencies.push(performance.now() - t);
          probeRequests++;
        }
      }),
    );
    const probeElapsed = (performance.now() - probeStart) / 1000;
    const maxRequestsPerSec = probeRequests / probeElapsed;
    const probeErrors = errors.length;
    probeLatencies.sort((a, b) => a - b);
    await sleep(2_000); // let the backlog (background rollup) settle before the soak

    // 2. the soak: open loop on a fixed schedule
    const rate = maxRequestsPerSec * load;
    const interval = 1000 / rate;
    const total = Math.floor(rate * seconds);
    const latencies: number[] = [];
    const samples: MemorySample[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let skipped = 0;
    const pending = new Set<Promise<void>>();
    const sample = (t0: number) => {
      const m = process.memoryUsage();
      gc?.();
      const after = process.memoryUsage().heapUsed;
      samples.push({ t: round((performance.now() - t0) / 1000, 0), rssMB: round(m.rss / MB), heapUsedMB: round(m.heapUsed / MB), heapAfterGcMB: round(after / MB), storeRssMB: rssOf(child.pid) });
    };
    const t0 = performance.now();
    sample(t0);
    let nextSample = t0 + sampleEvery;
    const errorsBefore = errors.length;
    for (let k = 0; k < total; k++) {
      const due = t0 + k * interval;
      for (let now = performance.now(); now < due; now = performance.now()) await sleep(Math.min(due - now, 20));
      if (performance.now() >= nextSample) {
        sample(t0);
        nextSample += sampleEvery;
      }
      if (inFlight >= 2_000) {
        // the server cannot keep up: count it, never queue without bound
        skipped++;
        continue;
      }
      const body = makeBody();
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const p = send(body).then(() => {
        latencies.push(performance.now() - due);
        inFlight--;
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await Promise.all(pending);
    sample(t0);
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);

    // every accepted event is counted by the server too
    const stats = await fetch(`${server.url}/api/v1/ingest/stats?days=2`, { headers: { authorization: `Bearer ${server.signInToken}` } }).then((r) => r.json() as Promise<{ days: { accepted: number }[] }>);
    const serverAccepted = stats.days.reduce((a, d) => a + d.accepted, 0);

    const xs = samples.map((s) => s.t / 60);
    const heapSlope = slope(xs, samples.map((s) => s.heapAfterGcMB));
    const rssSlope = slope(xs, samples.map((s) => s.rssMB));
    const first = samples[0];
    const last = samples[samples.length - 1];
    const soakErrors = errors.length - errorsBefore + skipped;
    return {
      setup: { server: `startServer (API + ingest${rollups ? ' + background rollups' : ''}), loopback`, store: 'dynalite in memory, child process', batchSize, gcForSamples: Boolean(gc) },
      probe: {
        seconds: round(probeElapsed),
        concurrency,
        requests: probeRequests,
        maxRequestsPerSec: round(maxRequestsPerSec),
        maxEventsPerSec: Math.round(maxRequestsPerSec * batchSize),
        p50Ms: round(percentile(probeLatencies, 50)),
        p99Ms: round(percentile(probeLatencies, 99)),
        errors: probeErrors,
      },
      soak: {
        seconds: round(elapsed),
        load,
        targetRequestsPerSec: round(rate),
        targetEventsPerSec: Math.round(rate * batchSize),
        requests: latencies.length,
        events: latencies.length * batchSize,
        achievedEventsPerSec: Math.round((latencies.length * batchSize) / elapsed),
        p50Ms: round(percentile(latencies, 50)),
        p90Ms: round(percentile(latencies, 90)),
        p99Ms: round(percentile(latencies, 99)),
        maxMs: round(latencies[latencies.length - 1] ?? NaN),
        maxInFlight,
        errors: soakErrors,
        errorSamples: errors.slice(0, 5),
      },
      accepted: { client: accepted, server: serverAccepted, equal: accepted === serverAccepted },
      memory: {
        samples,
        rssFirstMB: first.rssMB,
        rssLastMB: last.rssMB,
        rssSlopeMBPerMin: round(rssSlope, 2),
        heapAfterGcFirstMB: first.heapAfterGcMB,
        heapAfterGcLastMB: last.heapAfterGcMB,
        heapAfterGcSlopeMBPerMin: round(heapSlope, 2),
        // flat: the live heap grows by less than 1 MB a minute, RSS by less than 5 MB a minute
        flat: heapSlope < 1 && rssSlope < 5,
      },
      ok: soakErrors === 0 && probeErrors === 0 && accepted === serverAccepted,
    };
  } finally {
    await server.close();
    child.kill('SIGTERM');
  }
}
