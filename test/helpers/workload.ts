/**
 * A small, deterministic product: a roadmap with two shipped epics and a stream of Segment
 * events (known messageIds, users, days and signals) split into batches. Used by the ingest,
 * client and crash tests; the expected aggregates come from ground-truth.ts.
 */
import { rng, shiftDate, type EpicRef, type SentEvent } from './ground-truth';

export function smallRoadmap(today: string) {
  const epics = [
    { id: 'try-on', title: 'Virtual try-on', themeId: 'styling', milestoneId: 'm1', status: 'shipped', shippedAt: shiftDate(today, -20), signals: { events: ['Try-On Started'] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }] },
    { id: 'quiz', title: 'Style quiz', themeId: 'styling', milestoneId: 'm1', status: 'shipped', shippedAt: shiftDate(today, -10), signals: { events: ['Quiz Completed'] }, targets: [] },
    { id: 'alerts', title: 'Price alerts', themeId: 'styling', status: 'planned', signals: { events: ['Alert Opened'] }, targets: [] },
  ];
  return {
    mission: { statement: 'Help everyone dress with confidence' },
    themes: [{ id: 'styling', name: 'AI styling' }],
    milestones: [{ id: 'm1', name: 'Recent', start: shiftDate(today, -60), end: shiftDate(today, 30) }],
    epics,
    stories: [],
  };
}

export function shippedEpics(today: string): EpicRef[] {
  return smallRoadmap(today)
    .epics.filter((e) => e.status === 'shipped')
    .map((e) => ({ id: e.id, shippedAt: e.shippedAt!, signals: e.signals }));
}

/** `batches` × `perBatch` events over the 45 days before `today` (never today: no future times). */
export function workload(opts: { today: string; batches: number; perBatch: number; users: number; seed?: number; prefix?: string }): SentEvent[][] {
  const next = rng(opts.seed ?? 1);
  const out: SentEvent[][] = [];
  for (let b = 0; b < opts.batches; b++) {
    const batch: SentEvent[] = [];
    for (let i = 0; i < opts.perBatch; i++) {
      const day = shiftDate(opts.today, -1 - Math.floor(next() * 45));
      const timestamp = `${day}T${String(Math.floor(next() * 24)).padStart(2, '0')}:${String(Math.floor(next() * 60)).padStart(2, '0')}:00.000Z`;
      const u = Math.floor(next() * opts.users);
      const who = u % 10 === 9 ? { anonymousId: `anon-${u}` } : { userId: `user-${u}` };
      const messageId = `${opts.prefix ?? 'w'}-${b}-${i}`;
      const r = next();
      let e: SentEvent;
      if (r < 0.4) e = { type: 'track', event: 'App Opened', messageId, timestamp, ...who };
      else if (r < 0.55) e = { type: 'track', event: 'Try-On Started', messageId, timestamp, ...who };
      else if (r < 0.63) e = { type: 'track', event: 'Quiz Completed', messageId, timestamp, ...who };
      else if (r < 0.7) e = { type: 'track', event: 'Product Viewed', properties: { epicId: 'quiz' }, messageId, timestamp, ...who };
      else if (r < 0.8) e = { type: 'page', name: 'Home', messageId, timestamp, ...who };
      else if (r < 0.85) e = { type: 'identify', messageId, timestamp, ...who };
      else if (r < 0.93) e = { type: 'track', event: 'Survey Responded', properties: { scale: 'csat', score: 1 + Math.floor(next() * 5), ...(r < 0.89 ? { epicId: 'try-on' } : {}) }, messageId, timestamp, ...who };
      else e = { type: 'track', event: 'Survey Responded', properties: { scale: 'nps', score: Math.floor(next() * 11) }, messageId, timestamp, ...who };
      batch.push(e);
    }
    out.push(batch);
  }
  return out;
}
