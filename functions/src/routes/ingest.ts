/**
 * Segment-compatible ingest: `/v1/batch` and the single-event endpoints (with Segment's short
 * paths `/v1/b`, `/v1/t` … used by its browser SDK), `/v1/event` (one event of any type, for
 * webhook destinations), plus `/v1/metrics`.
 * Write key as Basic-auth user (Segment), Bearer, or `writeKey` in the body. Credentials are
 * checked before the body is parsed: a header before a byte of the body is read; a body's
 * `writeKey` is found by a scan, not a parse. Bodies may be gzip or deflate and are JSON
 * whatever their declared content type. Any origin may send (CORS): write keys are public.
 * A request with some bad events answers 200 (what Segment clients expect) and lists them.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { BatchEnvelope, EVENT_TYPES, IngestResult, LIMITS, Metric, MetricsRequest, SegmentEvent, type EventType, type Rejection } from '../../../shared/ingest';
import { summarize } from '../../../shared/errors';
import type { KeyRecord } from '../../../shared/keys';
import { utcDate } from '../../../shared/primitives';
import { authenticate, presentedKey } from '../auth';
import type { Env } from '../context';
import { contentEncoding, inFlightLimit, ingestCors, parseJson, readBody, refuseDeclaredLength, topLevelString } from '../edge';
import { badRequest, forbidden, rateLimited, tooLarge } from '../errors';
import { endpoint, validate, type Router } from '../http';
import { ingest } from '../ingest/ingest';
import { RateLimiter } from '../ingest/rate-limit';

/** One limit, one status, one message for an event, wherever it is measured. */
export const EVENT_TOO_LARGE = `an event exceeds the limit of ${LIMITS.eventBytes} bytes (32 KB)`;
const BATCH_TOO_LARGE = `a batch request exceeds the limit of ${LIMITS.batchBytes} bytes (500 KB)`;
const METRICS_TOO_LARGE = `a metrics request exceeds the limit of ${LIMITS.metricsBytes} bytes (200 KB)`;

/** Segment's short paths (its browser SDK posts to the first letter of the type; `b` is a batch). */
const SHORT: Record<string, EventType | 'batch'> = { t: 'track', p: 'page', i: 'identify', g: 'group', a: 'alias', s: 'screen', b: 'batch' };

function checkKey(record: KeyRecord, c: Context<Env>, limiter: RateLimiter) {
  if (record.scope !== 'ingest') throw forbidden(`events need a write key (scope ingest); this key has scope ${record.scope}`);
  const wait = limiter.take(record.id);
  if (wait) throw rateLimited(wait);
  c.set('principal', record);
  return record;
}

/**
 * Authenticate, then read: a key in the Authorization header is checked before the body is
 * read; without one, the body is read (within `limit`) and its top-level `writeKey` found by
 * a linear scan and checked before the body is parsed.
 */
export async function authenticatedBody(c: Context<Env>, limiter: RateLimiter, limit: number, tooLargeMessage: string): Promise<unknown> {
  refuseDeclaredLength(c, limit, tooLargeMessage, contentEncoding(c));
  const fromHeader = presentedKey(c);
  if (fromHeader !== undefined) checkKey(await authenticate(c, fromHeader), c, limiter);
  const text = (await readBody(c, limit, tooLargeMessage)).toString('utf8');
  if (fromHeader === undefined) checkKey(await authenticate(c, topLevelString(text, 'writeKey')), c, limiter);
  return parseJson(text);
}

/** Size of an event as ingest measures it (its JSON); undefined when too deep to serialise (ingest says so). */
function eventSize(raw: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  } catch {
    return undefined;
  }
}

function sentAtOf(v: unknown): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function ingestRoutes(app: Hono<Env>, registry: OpenAPIRegistry | undefined, opts: { perMinute: number; maxInFlight: number; maxWaitMs?: number }) {
  const limiter = new RateLimiter(opts.perMinute);
  const v1 = new Hono<Env>();
  const r: Router = { hono: v1, registry, prefix: '/v1' };
  const tags = ['Ingest'];

  v1.use('*', ingestCors);
  v1.use('*', inFlightLimit(opts.maxInFlight, { maxWaitMs: opts.maxWaitMs }));

  const batchRoute = (path: string, summary: string) =>
    endpoint(
      r,
      { method: 'post', path, summary, tags, auth: 'ingest', body: BatchEnvelope, ownBody: true, responses: { 200: { description: 'Stored; rejected events listed by index', schema: IngestResult } } },
      async (c) => {
        const body = validate(BatchEnvelope, await authenticatedBody(c, limiter, LIMITS.batchBytes, BATCH_TOO_LARGE), 'batch');
        return c.json(await ingest(c.get('services'), { events: body.batch, sentAt: sentAtOf(body.sentAt), endpoint: '/v1/batch' }));
      },
    );

  /** one event; `type` forced by the path, or (for `/v1/event`) required in the body */
  const eventRoute = (path: string, type: EventType | undefined, summary: string) =>
    endpoint(
      r,
      { method: 'post', path, summary, tags, auth: 'ingest', body: SegmentEvent, ownBody: true, responses: { 200: { description: 'Stored (or a duplicate)', schema: IngestResult } } },
      async (c) => {
        const raw = await authenticatedBody(c, limiter, LIMITS.eventBytes, EVENT_TOO_LARGE);
        // validated per event inside ingest() so the reason is reported like in a batch
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('event must be a JSON object');
        const size = eventSize(raw);
        if (size !== undefined && size > LIMITS.eventBytes) throw tooLarge(EVENT_TOO_LARGE);
        const sent = (raw as { type?: unknown }).type;
        const forcedType = type ?? ((EVENT_TYPES as readonly unknown[]).includes(sent) ? (sent as EventType) : undefined);
        if (!forcedType) throw badRequest(`an event sent to ${path === '/event' ? '/v1/event' : `/v1${path}`} needs "type": one of ${EVENT_TYPES.join(', ')}`);
        const endpointName = `/v1/${type ?? 'event'}`;
        const result = await ingest(c.get('services'), { events: [raw], sentAt: sentAtOf((raw as { sentAt?: unknown }).sentAt), forcedType, endpoint: endpointName });
        // a single event that is invalid is a client error (Segment answers 400 too)
        if (result.rejected.length) throw badRequest(`event rejected: ${result.rejected[0].reason}`, result.rejected);
        return c.json(result);
      },
    );

  batchRoute('/batch', 'Send up to 2,500 events (500 KB) in Segment batch format');
  for (const type of EVENT_TYPES) eventRoute(`/${type}`, type, `Send one ${type} event (Segment format, 32 KB)`);
  for (const [short, target] of Object.entries(SHORT)) {
    const summary = `Alias of /v1/${target} (Segment's browser SDK)`;
    if (target === 'batch') batchRoute(`/${short}`, summary);
    else eventRoute(`/${short}`, target, summary);
  }
  eventRoute('/event', undefined, 'Send one event of any type (`type` required, 32 KB): for webhook destinations');

  endpoint(
    r,
    { method: 'post', path: '/metrics', summary: 'Send daily KPI values; name + date is the idempotency key', tags, auth: 'ingest', body: MetricsRequest, ownBody: true, responses: { 200: { description: 'Stored; rejected metrics listed by index', schema: z.object({ success: z.literal(true), accepted: z.number().int(), rejected: z.array(z.object({ index: z.number().int(), messageId: z.string().nullable(), reason: z.string() })) }) } } },
    async (c) => {
      const body = validate(MetricsRequest, await authenticatedBody(c, limiter, LIMITS.metricsBytes, METRICS_TOO_LARGE), 'metrics request');
      const s = c.get('services');
      const good: z.infer<typeof Metric>[] = [];
      const rejected: Rejection[] = [];
      const latest = new Map<string, number>();
      body.metrics.forEach((m, index) => {
        const p = Metric.safeParse(m);
        if (!p.success) rejected.push({ index, messageId: null, reason: summarize(p.error) });
        else {
          // within one request the last value for a name + date wins
          const k = `${p.data.name}|${p.data.date}`;
          if (latest.has(k)) good[latest.get(k)!] = p.data;
          else {
            latest.set(k, good.length);
            good.push(p.data);
          }
        }
      });
      const { events } = s;
      if (good.length) {
        await events.putKpis(good, s.now());
        await s.markDirty();
      }
      if (rejected.length) await events.logRejections(utcDate(s.now()), s.now(), '/v1/metrics', rejected);
      return c.json({ success: true as const, accepted: good.length, rejected });
    },
  );

  app.route('/v1', v1);
}
