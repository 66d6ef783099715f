/**
 * `npm run bench -- capacity`: the capacity model (test/helpers/capacity.ts) on the real ingest.
 * 1. peak: 10,000 events/s of a 1 M-monthly-user product for a simulated minute
 *    (CAPACITY_SECONDS to shorten it), 1,000 containers, one write key: the busiest second of
 *    every partition family, and any (second, partition) above 500 WCU/s or 1,500 RCU/s;
 * 2. single-event peak: 10,000 `/v1/track`/`/v1/page` requests/s (CAPACITY_SINGLE_SECONDS, default 2);
 * 3. cost: capacity units per 1,000 events for batch traffic (100-event batches) and for
 *    single-event traffic (`/v1/track`, webhook style), with the credential cache on and off,
 *    and the handler time per request (one request at a time) for the Lambda estimate.
 */
import { HALF_LIMITS, familyOf } from '../helpers/capacity';
import { runCapacityWorkload, type CapacityWorkload } from '../helpers/capacity-workload';

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function peak(seconds: number, w: Partial<CapacityWorkload> = {}) {
  const run = await runCapacityWorkload({ seconds, ...w });
  try {
    process.stdout.write(run.meter.report(15) + '\n');
    const cells = run.meter.perPartitionPerSecond();
    const families: Record<string, { partitions: number; peakWcu: number; peakRcu: number; peakPartition: string }> = {};
    const seen = new Map<string, Set<string>>();
    for (const c of cells) {
      const f = familyOf(c.pk);
      const e = (families[f] ??= { partitions: 0, peakWcu: 0, peakRcu: 0, peakPartition: c.pk });
      if (!seen.has(f)) seen.set(f, new Set());
      seen.get(f)!.add(c.pk);
      if (c.wcu > e.peakWcu || c.rcu > e.peakRcu) e.peakPartition = c.pk;
      e.peakWcu = Math.max(e.peakWcu, c.wcu);
      e.peakRcu = Math.max(e.peakRcu, c.rcu);
    }
    for (const [f, s] of seen) families[f].partitions = s.size;
    const t = run.meter.totals();
    return {
      seconds,
      events: run.events,
      requests: run.requests,
      failures: run.failures.length,
      wallSeconds: round(run.wallMs / 1000),
      perFamily: families,
      overLimit: run.meter.overLimit(HALF_LIMITS).map((c) => ({ pk: c.pk, second: c.second - Math.floor(Date.UTC(2026, 10, 18, 12) / 1000), wcu: c.wcu, rcu: c.rcu })),
      wcuPer1000Events: round((t.wcu / run.events) * 1000),
      rcuPer1000Events: round((t.rcu / run.events) * 1000),
    };
  } finally {
    await run.close();
  }
}

/** Units per 1,000 events of one kind of traffic, on a warm container (1 container, 1 key). */
async function cost(kind: 'batch100' | 'single', cacheSeconds: number) {
  const events = kind === 'batch100' ? 5_000 : 1_000;
  const w: Partial<CapacityWorkload> = {
    seconds: 1,
    eventsPerSecond: events,
    mix: [{ size: kind === 'batch100' ? 100 : 1, share: 1 }],
    containers: 1,
    activeUsers: 2_000,
    credentialCacheSeconds: cacheSeconds,
    concurrency: 1,
  };
  const run = await runCapacityWorkload(w);
  try {
    const t = run.meter.totals();
    const per1000 = (x: number) => round((x / run.events) * 1000, 2);
    const cred = t.byFamily['CRED#*'] ?? { rcu: 0, wcu: 0, itemsRead: 0, itemsWritten: 0 };
    const size = kind === 'batch100' ? 100 : 1;
    return {
      events: run.events,
      requests: run.requests,
      failures: run.failures.length,
      wcuPer1000: per1000(t.wcu),
      rcuPer1000: per1000(t.rcu),
      credentialRcuPer1000: per1000(cred.rcu),
      byFamilyPer1000: Object.fromEntries(Object.entries(t.byFamily).map(([f, u]) => [f, { wcu: per1000(u.wcu), rcu: per1000(u.rcu) }])),
      handlerMsPerRequest: round(run.handlerMs[size] ?? 0),
    };
  } finally {
    await run.close();
  }
}

export async function benchCapacity() {
  const seconds = Number(process.env.CAPACITY_SECONDS ?? 60);
  const costs = {
    batch100: { cache: await cost('batch100', 30), noCache: await cost('batch100', 0) },
    single: { cache: await cost('single', 30), noCache: await cost('single', 0) },
  };
  process.stdout.write(JSON.stringify(costs, null, 2) + '\n');
  // issue #17's case: 10,000 single-event requests/s (webhook style), one write key
  const single = await peak(Number(process.env.CAPACITY_SINGLE_SECONDS ?? 2), { mix: [{ size: 1, share: 1 }] });
  process.stdout.write(JSON.stringify(single, null, 2) + '\n');
  return { costs, singleEventPeak: single, peak: await peak(seconds) };
}
