/**
 * Outcome and impact latency with 30 shipped epics × 180 days at two event volumes 10× apart,
 * in one run; read capacity units per call. Outcome and impact read rollups, so the ratio
 * between the two volumes should stay near 1.
 */
import { randomBytes } from 'node:crypto';
import { createApp } from '../../functions/src/app';
import { runRollup } from '../../functions/src/analytics/rollup';
import { loadConfig } from '../../functions/src/config';
import { pushSimulation, simulate } from '../../functions/src/demo/simulate';
import { inProcessSender } from '../../functions/src/local/demo';
import { createServices } from '../../functions/src/services';
import { openStore } from '../../functions/src/store/client';
import { addDays, todayUtc } from '../../shared/primitives';
import { Roadmap } from '../../shared/roadmap';

const DAYS = 180;

function world(today: string) {
  const from = addDays(today, -DAYS);
  const epics = Array.from({ length: 30 }, (_, i) => ({
    id: `epic-${i + 1}`,
    title: `Epic ${i + 1}`,
    themeId: `theme-${i % 4}`,
    status: 'shipped' as const,
    shippedAt: addDays(from, 30 + i * 4),
    signals: { events: [`Feature ${i + 1} Used`] },
    targets: [{ metric: 'adoption_rate', op: '>=' as const, value: 0.1, windowDays: 28 }, { metric: 'kpi:conversion', op: '>=' as const, value: 0.001, windowDays: 28 }],
  }));
  const roadmap = Roadmap.parse({
    mission: { statement: 'bench' },
    themes: [0, 1, 2, 3].map((i) => ({ id: `theme-${i}`, name: `Theme ${i}` })),
    milestones: [{ id: 'm', name: 'M', start: from, end: today }],
    epics,
    stories: [],
  });
  const truths = epics.map((e, i) => ({ epicId: e.id, adoption: 0.05 + (i % 5) * 0.05, satisfactionShift: 0.01, engagementLift: 0.5, kpiLift: i % 3 === 0 ? { name: 'conversion', lift: 0.001 } : undefined }));
  return { roadmap, truths, from };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface VolumeResult {
  users: number;
  events: number;
  ingestSeconds: number;
  rollupSeconds: number;
  outcomeMs: number;
  impactMs: number;
  outcomeRcu: number;
  impactRcu: number;
}

async function runVolume(users: number): Promise<VolumeResult> {
  const today = todayUtc();
  const { roadmap, truths, from } = world(today);
  const store = await openStore({ kind: 'memory', table: 'sextant_bench', meter: true });
  try {
    const config = loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', SEXTANT_RATE_LIMIT_PER_MINUTE: '1000000' });
    const services = createServices(config, store, randomBytes(32));
    await services.roadmaps.replace(roadmap);
    const ingestKey = (await services.keys.create({ name: 'bench', scope: 'ingest' })).key;
    const viewer = (await services.keys.create({ name: 'bench viewer', scope: 'viewer' })).key;
    const sim = simulate({ roadmap, truths, from, to: addDays(today, -1), users, seed: 3, dailyActivity: 0.15, kpiBase: { conversion: 0.03 } });
    let t = performance.now();
    await pushSimulation(sim, inProcessSender(services, ingestKey), { parallel: 4 });
    const ingestSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await runRollup(services, { force: true });
    const rollupSeconds = (performance.now() - t) / 1000;
    const app = createApp(services, { parts: ['api'] });
    const get = async (path: string) => {
      const before = store.meter!.read;
      const s = performance.now();
      const res = await app.request(path, { headers: { authorization: `Bearer ${viewer}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.json();
      return { ms: performance.now() - s, rcu: store.meter!.read - before };
    };
    for (let i = 0; i < 3; i++) await get('/api/v1/impact'); // warm-up
    const outcomes = [];
    for (let i = 0; i < 30; i++) outcomes.push(await get(`/api/v1/epics/epic-${i + 1}/outcome`));
    const impacts = [];
    for (let i = 0; i < 10; i++) impacts.push(await get('/api/v1/impact'));
    return {
      users,
      events: sim.events.length,
      ingestSeconds: Math.round(ingestSeconds * 10) / 10,
      rollupSeconds: Math.round(rollupSeconds * 100) / 100,
      outcomeMs: Math.round(median(outcomes.map((o) => o.ms)) * 10) / 10,
      impactMs: Math.round(median(impacts.map((o) => o.ms)) * 10) / 10,
      outcomeRcu: median(outcomes.map((o) => o.rcu)),
      impactRcu: median(impacts.map((o) => o.rcu)),
    };
  } finally {
    await store.close();
  }
}

export async function benchOutcomes(opts: { users?: number } = {}) {
  const base = opts.users ?? 150;
  const small = await runVolume(base);
  const large = await runVolume(base * 10);
  return {
    epics: 30,
    days: DAYS,
    small,
    large,
    eventRatio: Math.round((large.events / small.events) * 10) / 10,
    outcomeLatencyRatio: Math.round((large.outcomeMs / small.outcomeMs) * 100) / 100,
    impactLatencyRatio: Math.round((large.impactMs / small.impactMs) * 100) / 100,
    impactRcuRatio: Math.round((large.impactRcu / small.impactRcu) * 100) / 100,
  };
}
