/**
 * Ingest use-case: validated events → raw facts stored once → idempotent aggregate facts.
 * Order matters for crash safety: look up existing ids and facts, log the new facts in the
 * change log (the rollup's input) while storing new raw events, then (re)apply the facts of
 * every event in the request from its *stored* form. A crash at any point is repaired by the
 * client's retry, because every write is idempotent.
 */
import { createHash } from 'node:crypto';
import {
  LIMITS,
  SegmentEvent,
  marksActive,
  normalize,
  usageKeysOfEvent,
  type EventType,
  type IngestResult,
  type NormalizedEvent,
  type Rejection,
} from '../../../shared/ingest';
import { dayNumber, utcDate } from '../../../shared/primitives';
import { summarize } from '../../../shared/errors';
import type { Services } from '../services';
import { type RawEvent, type SurveyFact, type UserDayFacts } from '../store/event-store';
import { pseudonymize } from './pseudonymize';
import { logChanges } from './change-log';

export interface IngestRequest {
  events: unknown[];
  /** batch-level sentAt (ms) for clock-skew correction */
  sentAt?: number;
  /** single-event endpoints force the type (`/v1/track` → track) */
  forcedType?: EventType;
  endpoint: string;
}

/** Deterministic id for an event sent without messageId, so an identical re-send is still a duplicate. */
function contentId(raw: unknown): string {
  return 'auto-' + createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32);
}

function byteLength(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
}

/** Validate and interpret each event; one bad event never sinks the others. */
export function validateEvents(req: IngestRequest, receivedAt: number, rules: { maxAgeDays: number; maxFutureMinutes: number }) {
  const accepted: NormalizedEvent[] = [];
  const rejected: Rejection[] = [];
  req.events.forEach((raw, index) => {
    const mid = raw && typeof raw === 'object' && typeof (raw as { messageId?: unknown }).messageId === 'string' ? ((raw as { messageId: string }).messageId as string) : null;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      rejected.push({ index, messageId: null, reason: 'event must be a JSON object' });
      return;
    }
    let size: number;
    try {
      size = byteLength(raw);
    } catch {
      // JSON.stringify overflows the stack on deeply nested values (~10,000 levels)
      rejected.push({ index, messageId: mid, reason: 'event is nested too deeply' });
      return;
    }
    if (size > LIMITS.eventBytes) {
      rejected.push({ index, messageId: mid, reason: `event is ${size} bytes; the limit is ${LIMITS.eventBytes} bytes (32 KB)` });
      return;
    }
    // the single-event endpoints take Segment's body without `type` (`/v1/identify` → identify)
    const typed = req.forcedType && (raw as { type?: unknown }).type === undefined ? { ...(raw as object), type: req.forcedType } : raw;
    const parsed = SegmentEvent.safeParse(typed);
    if (!parsed.success) {
      rejected.push({ index, messageId: mid, reason: summarize(parsed.error) });
      return;
    }
    if (req.forcedType && parsed.data.type && parsed.data.type !== req.forcedType) {
      rejected.push({ index, messageId: mid, reason: `type "${parsed.data.type}" sent to ${req.endpoint}` });
      return;
    }
    const messageId = parsed.data.messageId ?? contentId(raw);
    const n = normalize(parsed.data, messageId, { receivedAt, ...rules }, req.sentAt, req.forcedType);
    if ('reason' in n) {
      rejected.push({ index, messageId: mid, reason: n.reason });
      return;
    }
    // the same id twice in one request: the first is the event, the second a duplicate (see ingest)
    accepted.push(n);
  });
  return { accepted, rejected };
}

export function toRaw(e: NormalizedEvent, userHash: string | null, retentionDays: number): RawEvent {
  const raw: RawEvent = {
    id: e.messageId,
    t: e.type,
    u: userHash,
    at: e.at,
    d: e.date,
    r: e.receivedAt,
    expiresAt: Math.floor(e.receivedAt / 1000) + retentionDays * 86400,
  };
  if (e.event) raw.e = e.event;
  if (e.epicId) raw.ep = e.epicId;
  if (e.survey) {
    raw.sc = e.survey.scale;
    raw.s = e.survey.score;
  }
  return raw;
}

/** The aggregate facts implied by a set of stored raw events (pure; grouped per user and month). */
export function factsOf(raws: Iterable<RawEvent>): { users: UserDayFacts[]; surveys: SurveyFact[] } {
  const users = new Map<string, UserDayFacts>();
  const surveys: SurveyFact[] = [];
  for (const r of raws) {
    if (r.sc && r.s !== undefined) surveys.push({ messageId: r.id, date: r.d, scope: r.ep ?? 'product', scale: r.sc, score: r.s });
    if (!r.u || !marksActive({ type: r.t as EventType, user: r.u })) continue;
    const month = r.d.slice(0, 7);
    const key = `${r.u}|${month}`;
    let f = users.get(key);
    if (!f) users.set(key, (f = { user: r.u, month, days: new Set(), usage: new Map() }));
    const day = dayNumber(r.d);
    f.days.add(day);
    for (const k of usageKeysOfEvent({ type: r.t as EventType, event: r.e, epicId: r.ep, survey: r.sc ? { scale: r.sc, score: r.s ?? 0 } : undefined })) {
      let s = f.usage.get(k);
      if (!s) f.usage.set(k, (s = new Set()));
      s.add(day);
    }
  }
  return { users: [...users.values()], surveys };
}

/** Do two raw forms of an event imply the same facts? */
function sameFacts(a: RawEvent, b: RawEvent): boolean {
  return a.t === b.t && a.u === b.u && a.d === b.d && a.e === b.e && a.ep === b.ep && a.sc === b.sc && a.s === b.s;
}

/** Store a request's events exactly once and apply their facts. */
export async function ingest(services: Services, req: IngestRequest): Promise<IngestResult> {
  const receivedAt = services.now();
  const { config } = services;
  const { accepted, rejected } = validateEvents(req, receivedAt, {
    maxAgeDays: config.SEXTANT_MAX_EVENT_AGE_DAYS,
    maxFutureMinutes: config.SEXTANT_MAX_FUTURE_MINUTES,
  });
  const { events } = services;
  // the raw form of each distinct event in the request (first occurrence wins)
  const candidates = new Map<string, RawEvent>();
  for (const e of accepted) {
    if (!candidates.has(e.messageId)) candidates.set(e.messageId, toRaw(e, e.user === null ? null : pseudonymize(services.pseudonymKey, e.user), config.SEXTANT_RAW_RETENTION_DAYS));
  }
  // two lookups at once: which events are stored already, which of their facts exist
  const implied = factsOf(candidates.values());
  const lookups = await Promise.all([events.findRaw([...candidates.keys()]), events.missingFacts(events.factItems(implied.users, implied.surveys))]);
  const stored = lookups[0];
  let missing = lookups[1];
  const fresh = [...candidates.values()].filter((r) => !stored.has(r.id));
  // facts come from the *stored* form of every event: when a re-sent id carries other content
  // (rare), the first version wins and the facts are looked up again from the stored forms
  const conflicting = new Set([...stored.values()].filter((r) => !sameFacts(r, candidates.get(r.id)!)).map((r) => r.id));
  if (conflicting.size) {
    const facts = factsOf([...candidates.values()].map((r) => (conflicting.has(r.id) ? stored.get(r.id)! : r)));
    missing = await events.missingFacts(events.factItems(facts.users, facts.surveys));
  }
  // the change log before the facts (beside the raw events, which the rollup never reads): a
  // crash after it is repaired by the client's retry (facts are unions)
  await Promise.all([missing.size ? logChanges(services, missing.values()) : undefined, fresh.length ? events.putRaw(fresh) : undefined]);
  if (missing.size) await events.putFacts(missing.values());
  // account membership (Segment `group`): which users belong to an asking account
  const members = accepted.flatMap((e) => (e.type === 'group' && e.groupId && candidates.get(e.messageId)?.u ? [{ accountId: e.groupId, user: candidates.get(e.messageId)!.u! }] : []));
  if (members.length) await services.asks.putMembers(members);
  const duplicates = accepted.length - fresh.length;
  const result: IngestResult = { success: true, accepted: fresh.length, duplicates, rejected };
  const today = utcDate(receivedAt);
  await Promise.all([
    events.countIngest(today, { received: req.events.length, accepted: result.accepted, duplicates: result.duplicates, rejected: rejected.length }),
    rejected.length ? events.logRejections(today, receivedAt, req.endpoint, rejected) : undefined,
  ]);
  // locally: schedule a rollup soon (nothing is written: no item is touched by every request)
  if (missing.size) services.onDirty?.();
  return result;
}
