/**
 * A synthetic product history with known ground truth: users, days, epics with true adoption
 * rates, satisfaction shifts, KPI lifts and null effects. It produces Segment-format events and
 * daily KPI values and pushes them through the real ingest API (in-process or over HTTP).
 */
import { dateOfDay, dayNumber } from '../../../shared/primitives';
import type { Roadmap } from '../../../shared/roadmap';
import type { DemoTruth } from './fabrikam';

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return { next, normal };
}

export interface SimulationOptions {
  roadmap: Roadmap;
  truths: DemoTruth[];
  from: string;
  to: string;
  users: number;
  seed?: number;
  /** mean share of users active on a day */
  dailyActivity?: number;
  /** chance an active user answers the product CSAT survey that day */
  surveyRate?: number;
  baseCsat?: number;
  kpiBase?: Record<string, number>;
  /** extra events per active user-day (page views etc.), to scale volume without changing outcomes */
  extraEventsPerActiveDay?: number;
  /** epic → users who asked for it and their adoption chance (a planted asks effect; same draws otherwise) */
  askers?: Record<string, { users: string[]; adoption: number }>;
}

export interface SegmentTrack {
  type: 'track' | 'page' | 'identify';
  messageId: string;
  userId: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  timestamp: string;
}

/** What the simulator actually played out, per epic (the test's ground truth). */
export interface RealizedTruth {
  epicId: string;
  shippedAt: string;
  trueAdoption: number;
  /** adopters / active users over the 28-day window, as generated */
  adopters: number;
  activeUsers: number;
}

export interface Simulation {
  events: SegmentTrack[];
  metrics: { name: string; date: string; value: number }[];
  realized: RealizedTruth[];
}

const WINDOW = 28;

/** Generate the whole history (deterministic for a seed). */
export function simulate(opts: SimulationOptions): Simulation {
  const rnd = prng(opts.seed ?? 42);
  const first = dayNumber(opts.from);
  const last = dayNumber(opts.to);
  const shippedTruths = opts.truths
    .map((t) => ({ t, epic: opts.roadmap.epics.find((e) => e.id === t.epicId && e.status === 'shipped' && e.shippedAt) }))
    .filter((x): x is { t: DemoTruth; epic: NonNullable<typeof x.epic> } => !!x.epic)
    .map(({ t, epic }) => ({ ...t, S: dayNumber(epic.shippedAt!), event: epic.signals.events[0] ?? 'Feature Used', shippedAt: epic.shippedAt! }));
  const dailyActivity = opts.dailyActivity ?? 0.12;
  const surveyRate = opts.surveyRate ?? 0.04;
  const baseCsat = opts.baseCsat ?? 3.9;

  const users = Array.from({ length: opts.users }, (_, i) => {
    // heterogenous activity: a few heavy users, many light ones
    const p = Math.min(0.9, dailyActivity * (0.3 + 1.4 * rnd.next()) * (rnd.next() < 0.1 ? 2.5 : 1));
    const joined = first + Math.floor(rnd.next() * rnd.next() * (last - first));
    return { id: `user-${String(i + 1).padStart(5, '0')}`, p, joined, adopts: new Map<string, boolean>(), adoptedOn: new Map<string, number>() };
  });
  const askers = new Map(Object.entries(opts.askers ?? {}).map(([epicId, a]) => [epicId, { users: new Set(a.users), adoption: a.adoption }]));
  for (const u of users) {
    for (const e of shippedTruths) {
      const asked = askers.get(e.epicId);
      u.adopts.set(e.epicId, rnd.next() < (asked?.users.has(u.id) ? asked.adoption : e.adoption));
    }
  }

  const events: SegmentTrack[] = [];
  let seq = 0;
  const at = (day: number) => new Date(day * 86_400_000 + Math.floor(rnd.next() * 86_400_000)).toISOString();
  const push = (e: Omit<SegmentTrack, 'messageId'>) => events.push({ ...e, messageId: `sim-${opts.seed ?? 42}-${++seq}` });
  const windowCounts = new Map(shippedTruths.map((e) => [e.epicId, { adopters: new Set<string>(), active: new Set<string>() }]));

  for (let d = first; d <= last; d++) {
    const live = shippedTruths.filter((e) => d >= e.S);
    const shift = live.reduce((s, e) => s + e.satisfactionShift, 0);
    for (const u of users) {
      if (d < u.joined) continue;
      // adopters of live epics come back more often (engagement lift per 28 days)
      const lift = live.reduce((s, e) => s + (u.adoptedOn.has(e.epicId) ? e.engagementLift / WINDOW : 0), 0);
      if (rnd.next() >= Math.min(0.95, u.p + lift)) continue;
      push({ type: 'track', userId: u.id, event: 'App Opened', timestamp: at(d) });
      const extra = opts.extraEventsPerActiveDay ?? 0;
      for (let k = 0; k < Math.floor(extra) + (rnd.next() < extra % 1 ? 1 : 0); k++) push({ type: 'page', userId: u.id, name: 'Product', timestamp: at(d) });
      for (const e of live) {
        const inWindow = d < e.S + WINDOW;
        const wc = windowCounts.get(e.epicId)!;
        if (inWindow) wc.active.add(u.id);
        if (!u.adopts.get(e.epicId)) continue;
        const firstUse = !u.adoptedOn.has(e.epicId);
        // an adopter uses the feature on their first active day after launch, then now and then
        if (firstUse || rnd.next() < 0.3) {
          if (firstUse) u.adoptedOn.set(e.epicId, d);
          if (inWindow) wc.adopters.add(u.id);
          push({ type: 'track', userId: u.id, event: e.event, properties: { source: 'simulator' }, timestamp: at(d) });
          if (firstUse && e.csat !== undefined && rnd.next() < 0.5) {
            const score = Math.max(1, Math.min(5, Math.round(e.csat + rnd.normal() * 0.8)));
            push({ type: 'track', userId: u.id, event: 'Survey Responded', properties: { scale: 'csat', score, epicId: e.epicId }, timestamp: at(d) });
          }
        }
      }
      if (rnd.next() < surveyRate) {
        const score = Math.max(1, Math.min(5, Math.round(baseCsat + shift + rnd.normal() * 0.9)));
        push({ type: 'track', userId: u.id, event: 'Survey Responded', properties: { scale: 'csat', score }, timestamp: at(d) });
      }
      if (rnd.next() < surveyRate / 4) {
        const score = Math.max(0, Math.min(10, Math.round(7.5 + shift * 2 + rnd.normal() * 2)));
        push({ type: 'track', userId: u.id, event: 'Survey Responded', properties: { scale: 'nps', score }, timestamp: at(d) });
      }
    }
  }

  const kpiBase = opts.kpiBase ?? { checkout_conversion: 0.031 };
  const metrics: Simulation['metrics'] = [];
  for (const [name, base] of Object.entries(kpiBase)) {
    for (let d = first; d <= last; d++) {
      const lift = shippedTruths.filter((e) => e.kpiLift?.name === name && d >= e.S).reduce((s, e) => s + e.kpiLift!.lift, 0);
      metrics.push({ name, date: dateOfDay(d), value: Math.round((base + lift + rnd.normal() * 0.0012) * 1e6) / 1e6 });
    }
  }

  return {
    events,
    metrics,
    realized: shippedTruths.map((e) => {
      const wc = windowCounts.get(e.epicId)!;
      return { epicId: e.epicId, shippedAt: e.shippedAt, trueAdoption: e.adoption, adopters: wc.adopters.size, activeUsers: wc.active.size };
    }),
  };
}

/** Something that accepts ingest requests: the in-process app or a server over HTTP. */
export type Send = (path: string, body: unknown) => Promise<{ status: number; json: unknown }>;

export function httpSender(baseUrl: string, writeKey: string): Send {
  const auth = 'Basic ' + Buffer.from(`${writeKey}:`).toString('base64');
  return async (path, body) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });
      if ((res.status === 429 || res.status >= 500) && attempt < 8) {
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        continue;
      }
      return { status: res.status, json: await res.json() };
    }
  };
}

/**
 * Push a simulation through ingest in Segment batches (time-ordered, like a real pipeline) and
 * the KPI values through /v1/metrics. Throws on any non-2xx answer or rejected event.
 */
export async function pushSimulation(sim: Simulation, send: Send, opts: { batchSize?: number; parallel?: number } = {}) {
  const size = opts.batchSize ?? 500;
  const events = [...sim.events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const batches: SegmentTrack[][] = [];
  for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size));
  let next = 0;
  // what the server said: new events, and events whose messageId it held already
  let accepted = 0;
  let duplicates = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      let res = await send('/v1/batch', { batch, sentAt: new Date().toISOString() });
      // a busy server sheds (503) or limits (429) with the wait in details: wait and send again, as any pipeline does
      for (let tries = 0; (res.status === 503 || res.status === 429) && tries < 60; tries++) {
        const wait = (res.json as { error?: { details?: { retryAfterSeconds?: number } } }).error?.details?.retryAfterSeconds ?? 1;
        await new Promise((ok) => setTimeout(ok, wait * 1000));
        res = await send('/v1/batch', { batch, sentAt: new Date().toISOString() });
      }
      const body = res.json as { rejected?: unknown[]; accepted?: number; duplicates?: number };
      if (res.status !== 200 || body.rejected?.length) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
      accepted += body.accepted ?? 0;
      duplicates += body.duplicates ?? 0;
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 2 }, worker));
  for (let i = 0; i < sim.metrics.length; i += 1000) {
    const res = await send('/v1/metrics', { metrics: sim.metrics.slice(i, i + 1000) });
    if (res.status !== 200) throw new Error(`metrics answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
  }
  return { events: events.length, batches: batches.length, metrics: sim.metrics.length, accepted, duplicates };
}


