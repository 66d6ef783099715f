/**
 * `npm run bench -- burst`: the backfill burst of issue #12 — `@segment/analytics-node` with
 * flushAt 250, maxRetries 5 and its default 10 s request time-out, handed 63,000 events at once,
 * against the real local server (embedded dynalite on disk, as `npm start`), three runs in a row.
 * Reports per run: delivery errors, the server's own counts (accepted, duplicates), wall time,
 * requests shed (503) and waiting, and the server-side latency of the answered batches (from the
 * app's per-request log lines, i.e. measured inside the server, body read included).
 *
 * BURST_EVENTS, BURST_RUNS, BURST_IN_FLIGHT, BURST_MAX_WAIT_MS override the defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analytics } from '@segment/analytics-node';
import { loadConfig } from '../../functions/src/config';
import { edgeStats } from '../../functions/src/edge';
import { log } from '../../functions/src/log';
import { startServer } from '../../functions/src/local/server';

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const dist = (xs: number[]) => ({ n: xs.length, p50: quantile(xs, 0.5), p90: quantile(xs, 0.9), p99: quantile(xs, 0.99), max: xs.length ? Math.max(...xs) : null });

export async function benchBurst() {
  const events = Number(process.env.BURST_EVENTS ?? 63_000);
  const runs = Number(process.env.BURST_RUNS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'sextant-burst-'));
  const env: Record<string, string> = { SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dir, PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'debug' };
  if (process.env.BURST_IN_FLIGHT) env.SEXTANT_INGEST_MAX_IN_FLIGHT = process.env.BURST_IN_FLIGHT;
  if (process.env.BURST_MAX_WAIT_MS) env.SEXTANT_INGEST_MAX_WAIT_MS = process.env.BURST_MAX_WAIT_MS;
  const config = loadConfig(env);
  // server-side latency: the app logs every request with its route, status and duration
  const lines: { route: string; status: number; ms: number }[] = [];
  log.setLevel('debug');
  log.setSink((line) => {
    const r = JSON.parse(line);
    if (r.msg === 'request' || r.msg === 'request failed') lines.push({ route: r.route, status: r.status, ms: r.ms ?? -1 });
  });
  const server = await startServer(config, { quiet: true });
  const results = [];
  try {
    const stats = async () => {
      const res = await fetch(`${server.url}/api/v1/ingest/stats?days=1`, { headers: { authorization: `Bearer ${server.signInToken}` } });
      return (await res.json()).days[0] as { accepted: number; duplicates: number; rejected: number };
    };
    for (let run = 0; run < runs; run++) {
      const writeKey = (await server.services.keys.create({ name: `burst ${run}`, scope: 'ingest' })).key;
      const analytics = new Analytics({ writeKey, host: server.url, path: '/v1/batch', flushAt: 250, maxRetries: 5 });
      const errors: string[] = [];
      const statuses = new Map<number, number>();
      analytics.on('error', (e) => errors.push(String((e as { reason?: Error }).reason?.message ?? e)));
      analytics.on('http_response', (r) => statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1));
      const before = await stats();
      edgeStats.reset();
      lines.length = 0;
      const at = new Date(Date.now() - 3_600_000);
      const started = performance.now();
      for (let i = 0; i < events; i++) {
        analytics.track({ userId: `bu-${run}-${i % 4000}`, event: i % 5 ? 'Product Viewed' : 'Try-On Started', properties: { sku: `sku-${i % 97}`, price: 49.9 }, messageId: `burst-${run}-${i}`, timestamp: at });
      }
      await analytics.closeAndFlush({ timeout: 600_000 });
      const seconds = (performance.now() - started) / 1000;
      const after = await stats();
      const batches = lines.filter((l) => l.route === '/v1/batch');
      results.push({
        run: run + 1,
        events,
        deliveryErrors: errors.length,
        firstErrors: errors.slice(0, 3),
        accepted: after.accepted - before.accepted,
        duplicates: after.duplicates - before.duplicates,
        rejected: after.rejected - before.rejected,
        seconds: Number(seconds.toFixed(1)),
        eventsPerSec: Math.round(events / seconds),
        clientStatuses: Object.fromEntries(statuses),
        shed: edgeStats.shed,
        waitedForSlot: edgeStats.queued,
        peakInFlight: edgeStats.peakInFlight,
        inFlightBoundRange: [Number.isFinite(edgeStats.lowestLimit) ? edgeStats.lowestLimit : 1, edgeStats.highestLimit],
        serverMsStored: dist(batches.filter((l) => l.status === 200).map((l) => l.ms)),
        serverMsShed: dist(batches.filter((l) => l.status === 503).map((l) => l.ms)),
      });
    }
  } finally {
    log.setLevel('silent');
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { maxInFlight: config.SEXTANT_INGEST_MAX_IN_FLIGHT, maxWaitMs: config.SEXTANT_INGEST_MAX_WAIT_MS, client: 'analytics-node 3.1.0, flushAt 250, maxRetries 5, timeout 10 s', runs: results };
}
