/**
 * The fault test: the real server as a child process on the on-disk embedded store is killed
 * with SIGKILL in the middle of ingest, restarted on the same data directory, and the client
 * re-sends what was not acknowledged (and some of what was). The aggregates must then be exactly
 * what the unique events imply — computed here, independently, from the events themselves — and
 * a rebuild from the raw events must find nothing to repair.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuild } from '../../functions/src/analytics/jobs';
import { pseudonymKeyFor } from '../../functions/src/bootstrap';
import { loadConfig } from '../../functions/src/config';
import { log } from '../../functions/src/log';
import { createServices } from '../../functions/src/services';
import { openStore, type Store } from '../../functions/src/store/client';
import type { UserActivity } from '../../shared/outcome-types';
import { expectedAdoption, expectedFactCount, expectedUserSignatures, shiftDate, signatures, uniqueEvents, type SentEvent } from '../helpers/ground-truth';
import { freePort, spawnServerOnPort, type ChildServer } from '../helpers/server-process';
import { shippedEpics, smallRoadmap, workload } from '../helpers/workload';

log.setLevel('silent');

const BATCHES = 30;
const PER_BATCH = 200;
const ADMIN = randomBytes(20).toString('hex'); // a known 40-character bootstrap admin token
const TODAY = new Date().toISOString().slice(0, 10);

interface Outcome {
  status: number;
  body: any;
}

describe('kill -9 mid-ingest, restart, client retry', () => {
  let dataDir: string;
  let port: number;
  let server: ChildServer | undefined;
  let store: Store | undefined;
  const batches = workload({ today: TODAY, batches: BATCHES, perBatch: PER_BATCH, users: 150, seed: 2026, prefix: 'crash' });
  const all: SentEvent[] = batches.flat();

  const env = () => ({ SEXTANT_STORE: 'dynalite', SEXTANT_DATA_DIR: dataDir, SEXTANT_DEMO: '0', SEXTANT_ADMIN_TOKEN: ADMIN });
  async function api(method: string, path: string, body?: unknown): Promise<Outcome> {
    const res = await fetch(server!.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: await res.json() };
  }
  async function sendBatch(writeKey: string, batch: SentEvent[]) {
    const res = await fetch(`${server!.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] } };
  }

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sextant-crash-'));
  });
  afterAll(async () => {
    await server?.kill9();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('aggregates equal the unique events after a SIGKILL mid-ingest and the client\'s re-sends', async () => {
    port = await freePort();
    server = await spawnServerOnPort(env(), port, ADMIN);
    expect((await api('PUT', '/api/v1/roadmap', smallRoadmap(TODAY))).status).toBe(200);
    const key = await api('POST', '/api/v1/keys', { name: 'crash-pipeline', scope: 'ingest' });
    expect(key.status).toBe(201);
    const writeKey: string = key.body.key;

    // --- phase 1: two concurrent senders that never pause. Twice, the server gets SIGKILL a chosen
    // fraction of a typical request time after some acknowledgement — so the batch sent right after
    // that acknowledgement is mid-way (early: among the raw writes; late: among the fact writes).
    // After each restart on the same data directory the client re-sends what was not acknowledged
    // first, then goes on.
    const acked = new Set<number>();
    const sentOnce = new Set<number>();
    const latencies: number[] = [];
    const retried: string[] = [];
    let pending = Array.from({ length: BATCHES }, (_, b) => b);
    for (const crash of [{ acks: 8, at: 0.3 }, { acks: 8, at: 0.7 }]) {
      const target = acked.size + crash.acks;
      const inFlight = new Map<number, number>();
      let killing: Promise<void> | undefined;
      let inFlightAtKill = 0;
      const queue = [...pending];
      const sender = async () => {
        while (queue.length && !server!.exited) {
          const b = queue.shift()!;
          const t0 = Date.now();
          inFlight.set(b, t0);
          const resend = sentOnce.has(b);
          sentOnce.add(b);
          let res: Awaited<ReturnType<typeof sendBatch>>;
          try {
            res = await sendBatch(writeKey, batches[b]);
          } catch (e) {
            if (!killing) throw e;
            return; // the server is gone: this batch was not acknowledged
          }
          if (res.status !== 200) throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(res.body)}`);
          expect(res.body.rejected).toEqual([]);
          expect(res.body.accepted + res.body.duplicates).toBe(PER_BATCH);
          if (resend) retried.push(`${b}:${res.body.duplicates}`);
          else expect(res.body.duplicates).toBe(0);
          inFlight.delete(b);
          acked.add(b);
          latencies.push(Date.now() - t0);
          if (acked.size === target && !killing) {
            const typical = [...latencies].sort((x, y) => x - y)[Math.floor(latencies.length / 2)];
            killing = new Promise((r) => setTimeout(r, Math.round(crash.at * typical))).then(() => {
              inFlightAtKill = inFlight.size;
              return server!.kill9();
            });
          }
        }
      };
      await Promise.all([sender(), sender()]);
      await killing;
      expect(server!.exited).toBe(true);
      expect(acked.size).toBeGreaterThanOrEqual(target);
      expect(inFlightAtKill, 'a batch was in flight at the kill').toBeGreaterThanOrEqual(1);
      // not acknowledged (in flight at the kill, or never sent) goes first after the restart
      pending = pending.filter((b) => !acked.has(b)).sort((a, b) => Number(inFlight.has(b)) - Number(inFlight.has(a)) || a - b);
      server = await spawnServerOnPort(env(), port, ADMIN);
    }
    expect(acked.size).toBeGreaterThanOrEqual(16);
    expect(pending.length).toBeGreaterThanOrEqual(2);

    // --- phase 2: the client re-sends every batch not acknowledged, and half of the acknowledged
    // ones too (an at-least-once pipeline may)
    const resent: Record<number, { accepted: number; duplicates: number; rejected: unknown[] }> = {};
    for (const b of [...pending, ...[...acked].filter((x) => x % 2 === 0)]) {
      const res = await sendBatch(writeKey, batches[b]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.rejected).toEqual([]);
      expect(res.body.accepted + res.body.duplicates).toBe(PER_BATCH);
      if (sentOnce.has(b) && !acked.has(b)) retried.push(`${b}:${res.body.duplicates}`);
      resent[b] = res.body;
    }
    // acknowledged batches survived the kills whole: their re-send is all duplicates
    for (const b of acked) if (resent[b]) expect(resent[b], `acked batch ${b}`).toMatchObject({ accepted: 0, duplicates: PER_BATCH });
    // batches never sent before are all new
    for (let b = 0; b < BATCHES; b++) if (!sentOnce.has(b)) expect(resent[b].accepted, `batch ${b}`).toBe(PER_BATCH);
    log.setLevel('info');
    log.info('crash test: re-sent unacknowledged batches (index:events found already stored)', { retried, typicalMs: latencies.sort((a, b) => a - b)[latencies.length >> 1] });
    log.setLevel('silent');

    // --- phase 3: rollup, then the outcomes against ground truth from the events themselves
    const rollup = await api('POST', '/api/v1/rollups');
    expect(rollup.status).toBe(200);
    expect(rollup.body.ran).toBe(true);
    const unique = uniqueEvents(all);
    expect(unique.length).toBe(BATCHES * PER_BATCH);
    for (const epic of shippedEpics(TODAY)) {
      const want = expectedAdoption(all, epic, TODAY);
      expect(want.adopters).toBeGreaterThan(20);
      const got = await api('GET', `/api/v1/epics/${epic.id}/outcome?asOf=${TODAY}`);
      expect(got.status).toBe(200);
      expect({ adopters: got.body.adoption.adopters, activeUsers: got.body.adoption.activeUsers }, epic.id).toEqual({ adopters: want.adopters, activeUsers: want.activeUsers });
      expect(got.body.adoption.series.map((s: any) => [s.date, s.adopters, s.activeUsers])).toEqual(want.series.map((s) => [s.date, s.adopters, s.activeUsers]));
      // the epic's own CSAT responses in the window, exactly
      const end = shiftDate(epic.shippedAt, 27) < TODAY ? shiftDate(epic.shippedAt, 27) : TODAY;
      const csat = unique.filter((e) => e.event === 'Survey Responded' && e.properties?.epicId === epic.id && e.properties?.scale === 'csat' && e.timestamp.slice(0, 10) >= epic.shippedAt && e.timestamp.slice(0, 10) <= end);
      expect(got.body.satisfaction.csat?.n ?? 0, `${epic.id} csat n`).toBe(csat.length);
      if (csat.length) expect(got.body.satisfaction.csat.mean).toBeCloseTo(csat.reduce((s, e) => s + Number(e.properties!.score), 0) / csat.length, 10);
    }

    // --- phase 4: stop the server; in-process, a rebuild from the raw events finds nothing to repair
    await server.stop();
    expect(server.exited).toBe(true);
    const config = loadConfig(env());
    store = await openStore({ kind: 'dynalite', table: config.SEXTANT_TABLE, dataDir });
    const services = createServices(config, store, pseudonymKeyFor(config));
    const report = await rebuild(services);
    expect(report.rawEvents).toBe(BATCHES * PER_BATCH);
    expect(report.userFacts).toMatchObject({ expected: expectedFactCount(all), missing: 0, extra: 0 });
    const surveys = unique.filter((e) => e.event === 'Survey Responded').length;
    expect(report.surveys).toEqual({ expected: surveys, stored: surveys, missing: 0, extra: 0 });
    const users = new Map<string, UserActivity>();
    for (const month of new Set(all.map((e) => e.timestamp.slice(0, 7)))) await services.analytics.loadUserMonth(month, users);
    expect(signatures(users.values())).toEqual(expectedUserSignatures(all));
  }, 60_000);
});
