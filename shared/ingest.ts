/**
 * Ingest edge: Segment HTTP Tracking API events, their validation, event time, and what an
 * event means for Sextant (activity, usage, satisfaction). Pure.
 */
import { z } from 'zod';
import { isWellFormed, isoDate, storableNumber, utcDate } from './primitives';
import { KPI_NAME } from './roadmap';

export const LIMITS = {
  /** Segment: 32 KB per event */
  eventBytes: 32 * 1024,
  /** Segment: 500 KB per batch request */
  batchBytes: 500 * 1024,
  /** Segment: 2,500 events per batch (analytics-node flushes well below) */
  batchEvents: 2500,
  metricsPerRequest: 1000,
  metricsBytes: 200 * 1024,
  idLength: 255,
  eventNameLength: 200,
} as const;

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SURVEY_EVENT = 'Survey Responded';

const WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';
const id = z
  .union([z.string(), z.number().finite()])
  .transform(String)
  .pipe(z.string().trim().min(1).max(LIMITS.idLength).refine(isWellFormed, WELL_FORMED));
const jsonObject = z.record(z.string(), z.unknown());
const timestamp = z
  .union([z.string().max(64), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `not an ISO-8601 timestamp: ${String(v).slice(0, 40)}` });
      return z.NEVER;
    }
    return ms;
  });

/** Fields common to every Segment event (unknown fields are kept out of storage). */
const base = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  messageId: z.string().trim().min(1).max(LIMITS.idLength).refine(isWellFormed, WELL_FORMED).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: timestamp.optional(),
  originalTimestamp: timestamp.optional(),
  sentAt: timestamp.optional(),
  context: jsonObject.optional(),
  integrations: jsonObject.optional(),
  properties: jsonObject.optional(),
  traits: jsonObject.optional(),
  writeKey: z.string().optional(),
});

export const SegmentEvent = base
  .extend({
    event: z.string().trim().min(1).max(LIMITS.eventNameLength).refine(isWellFormed, WELL_FORMED).optional(),
    name: z.string().max(LIMITS.eventNameLength).optional(),
    groupId: id.optional(),
    previousId: id.optional(),
  })
  .superRefine((e, ctx) => {
    const type = e.type ?? 'track';
    if (type === 'alias') {
      if (!e.previousId) ctx.addIssue({ code: 'custom', path: ['previousId'], message: 'alias needs previousId' });
      if (!e.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'alias needs userId' });
      return;
    }
    if (!e.userId && !e.anonymousId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or anonymousId is required' });
    if (type === 'track' && !e.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'track needs an event name' });
    if (type === 'group' && !e.groupId) ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'group needs groupId' });
  })
  .meta({ id: 'SegmentEvent' });
export type SegmentEvent = z.infer<typeof SegmentEvent>;

/** The batch envelope; events are validated one by one so one bad event never sinks the rest. */
export const BatchEnvelope = z
  .object({
    batch: z.array(z.unknown()).max(LIMITS.batchEvents, `a batch holds at most ${LIMITS.batchEvents} events`),
    sentAt: z.unknown().optional(),
    writeKey: z.string().optional(),
    context: z.unknown().optional(),
  })
  .meta({ id: 'Batch' });

export const Metric = z
  .object({
    name: z.string().regex(KPI_NAME, 'metric names are lowercase letters, digits, _ . - (max 64)'),
    date: isoDate,
    value: storableNumber,
  })
  .strict();
export const MetricsRequest = z
  .object({
    metrics: z.array(z.unknown()).min(1).max(LIMITS.metricsPerRequest, `at most ${LIMITS.metricsPerRequest} metrics per request`),
    writeKey: z.string().optional(),
  })
  .meta({ id: 'MetricsRequest' });

export const Rejection = z.object({
  index: z.number().int(),
  messageId: z.string().nullable(),
  reason: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

/** Ingest response: Segment's `success: true` plus Sextant's per-event accounting. */
export const IngestResult = z
  .object({
    success: z.literal(true),
    accepted: z.number().int().describe('new events stored'),
    duplicates: z.number().int().describe('events already stored (same messageId): acknowledged, not counted again'),
    rejected: z.array(Rejection),
  })
  .meta({ id: 'IngestResult' });
export type IngestResult = z.infer<typeof IngestResult>;

/** What Sextant keeps of an accepted event (the raw fact). */
export interface NormalizedEvent {
  messageId: string;
  type: EventType;
  /** raw user id (pseudonymised before storage) — null for alias */
  user: string | null;
  /** event time (ms) */
  at: number;
  /** UTC day of the event */
  date: string;
  receivedAt: number;
  event?: string;
  /** properties.epicId when it is a string */
  epicId?: string;
  survey?: { scale: 'csat' | 'nps'; score: number };
  /** group calls: the account (Segment groupId) the user belongs to */
  groupId?: string;
}

export interface TimeRules {
  receivedAt: number;
  /** oldest accepted event age, days */
  maxAgeDays: number;
  /** newest accepted event time beyond receipt, minutes */
  maxFutureMinutes: number;
}

/**
 * Event time per DESIGN.md: `timestamp` as sent; else `originalTimestamp` corrected for clock
 * skew (receivedAt − (sentAt − originalTimestamp)); else the time received.
 */
export function eventTime(e: Pick<SegmentEvent, 'timestamp' | 'originalTimestamp' | 'sentAt'>, receivedAt: number, batchSentAt?: number): number {
  if (e.timestamp !== undefined) return e.timestamp;
  const sentAt = e.sentAt ?? batchSentAt;
  if (e.originalTimestamp !== undefined) return sentAt !== undefined ? receivedAt - (sentAt - e.originalTimestamp) : e.originalTimestamp;
  return receivedAt;
}

/** Interpret one validated event; returns the reason when it is out of the accepted time range. */
export function normalize(
  e: SegmentEvent,
  messageId: string,
  rules: TimeRules,
  batchSentAt?: number,
  forcedType?: EventType,
): NormalizedEvent | { reason: string } {
  const type = forcedType ?? e.type ?? 'track';
  const at = eventTime(e, rules.receivedAt, batchSentAt);
  // a finite number can still be beyond what a Date holds (±8.64e15 ms): say it as a number
  const shown = (ms: number) => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));
  if (at > rules.receivedAt + rules.maxFutureMinutes * 60_000) {
    return { reason: `event time ${shown(at)} is more than ${rules.maxFutureMinutes} minutes in the future` };
  }
  if (at < rules.receivedAt - rules.maxAgeDays * 86_400_000) {
    return { reason: `event time ${shown(at)} is older than the ${rules.maxAgeDays}-day horizon (SEXTANT_MAX_EVENT_AGE_DAYS)` };
  }
  const out: NormalizedEvent = {
    messageId,
    type,
    user: type === 'alias' ? null : (e.userId ?? e.anonymousId ?? null),
    at,
    date: utcDate(at),
    receivedAt: rules.receivedAt,
  };
  if (type === 'group' && e.groupId) out.groupId = e.groupId;
  if (type === 'track' && e.event) {
    out.event = e.event;
    const p = e.properties ?? {};
    if (typeof p.epicId === 'string' && p.epicId.length <= 64 && isWellFormed(p.epicId)) out.epicId = p.epicId;
    if (e.event === SURVEY_EVENT) {
      const scale = p.scale;
      const score = typeof p.score === 'string' && p.score.trim() !== '' ? Number(p.score) : p.score;
      if (scale !== 'csat' && scale !== 'nps') return { reason: `${SURVEY_EVENT} needs properties.scale "csat" or "nps"` };
      if (typeof score !== 'number' || !Number.isFinite(score)) return { reason: `${SURVEY_EVENT} needs a numeric properties.score` };
      const [lo, hi] = scale === 'csat' ? [1, 5] : [0, 10];
      if (score < lo || score > hi) return { reason: `${scale} score must be between ${lo} and ${hi}, got ${score}` };
      out.survey = { scale, score };
    }
  }
  return out;
}

/** Usage keys an event contributes (Survey Responded is satisfaction, never usage). */
export function usageKeysOfEvent(e: Pick<NormalizedEvent, 'type' | 'event' | 'epicId' | 'survey'>): string[] {
  if (e.type !== 'track' || !e.event || e.event === SURVEY_EVENT) return [];
  const keys = [`ev:${e.event}`];
  if (e.epicId) keys.push(`epic:${e.epicId}`);
  return keys;
}

/** Does this event mark its user active? Any event with a user does, except `group` and `alias` (they carry no activity). */
export const marksActive = (e: Pick<NormalizedEvent, 'type' | 'user'>) => e.type !== 'alias' && e.type !== 'group' && e.user !== null;

// ---------------------------------------------------------------------------
// Ingest telemetry (GET /api/v1/ingest/stats)
// ---------------------------------------------------------------------------

export const IngestStats = z
  .object({
    days: z.array(z.object({ date: z.string(), received: z.number().int(), accepted: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() })),
    rejections: z.array(z.object({ at: z.string(), index: z.number().int(), messageId: z.string().nullable(), reason: z.string(), endpoint: z.string() })),
    freshness: z.object({ rolledUpAt: z.string().nullable(), dirtySince: z.string().nullable(), behindSeconds: z.number().nullable() }),
  })
  .meta({ id: 'IngestStats' });
export type IngestStats = z.infer<typeof IngestStats>;
