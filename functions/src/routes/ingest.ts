/**
 * Segment-compatible ingest: `/v1/batch` and the single-event endpoints, plus `/v1/metrics`.
 * Write key as Basic-auth user (Segment), Bearer, or `writeKey` in the body.
 * A request with some bad events answers 200 (what Segment clients expect) and lists them.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { BatchEnvelope, EVENT_TYPES, IngestResult, LIMITS, Metric, MetricsRequest, SegmentEvent, type EventType, type Rejection } from '../../../shared/ingest';
import { summarize } from '../../../shared/errors';
import { utcDate } from '../../../shared/primitives';
import { authenticate, presentedKey } from '../auth';
import type { Env } from '../context';
import { badRequest, forbidden, rateLimited, tooLarge } from '../errors';
import { endpoint, validate, type Router } from '../http';
import { ingest } from '../ingest/ingest';
import { RateLimiter } from '../ingest/rate-limit';

function limit(bytes: number, what: string) {
  return bodyLimit({
    maxSize: bytes,
    onError: () => {
      throw tooLarge(`${what} exceeds ${Math.round(bytes / 1024)} KB`);
    },
  });
}

async function writeKeyPrincipal(c: Context<Env>, body: unknown, limiter: RateLimiter) {
  const fromBody = body && typeof body === 'object' && typeof (body as { writeKey?: unknown }).writeKey === 'string' ? (body as { writeKey: string }).writeKey : undefined;
  const record = await authenticate(c, presentedKey(c) ?? fromBody);
  if (record.scope !== 'ingest') throw forbidden(`events need a write key (scope ingest); this key has scope ${record.scope}`);
  const wait = limiter.take(record.id);
  if (wait) throw rateLimited(wait);
  return record;
}

function sentAtOf(v: unknown): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function ingestRoutes(app: Hono<Env>, registry: OpenAPIRegistry | undefined, perMinute: number) {
  const limiter = new RateLimiter(perMinute);
  const v1 = new Hono<Env>();
  const r: Router = { hono: v1, registry, prefix: '/v1' };
  const tags = ['Ingest'];

  v1.use('/batch', limit(LIMITS.batchBytes, 'a batch request'));
  v1.use('/metrics', limit(LIMITS.metricsBytes, 'a metrics request'));
  for (const t of EVENT_TYPES) v1.use(`/${t}`, limit(LIMITS.eventBytes + 1024, 'an event'));

  endpoint(
    r,
    { method: 'post', path: '/batch', summary: 'Send up to 2,500 events (500 KB) in Segment batch format', tags, auth: 'ingest', body: BatchEnvelope, rawBody: true, responses: { 200: { description: 'Stored; rejected events listed by index', schema: IngestResult } } },
    async (c, { body: raw }) => {
      await writeKeyPrincipal(c, raw, limiter);
      const body = validate(BatchEnvelope, raw, 'batch');
      return c.json(await ingest(c.get('services'), { events: body.batch, sentAt: sentAtOf(body.sentAt), endpoint: '/v1/batch' }));
    },
  );

  for (const type of EVENT_TYPES) {
    endpoint(
      r,
      { method: 'post', path: `/${type}`, summary: `Send one ${type} event (Segment format, 32 KB)`, tags, auth: 'ingest', body: SegmentEvent, rawBody: true, responses: { 200: { description: 'Stored (or listed as rejected)', schema: IngestResult } } },
      async (c, { body: raw }) => {
        // validated per event inside ingest() so the reason is reported like in a batch
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('event must be a JSON object');
        await writeKeyPrincipal(c, raw, limiter);
        const result = await ingest(c.get('services'), { events: [raw], sentAt: sentAtOf((raw as { sentAt?: unknown }).sentAt), forcedType: type as EventType, endpoint: `/v1/${type}` });
        // a single event that is invalid is a client error (Segment answers 400 too)
        if (result.rejected.length) throw badRequest(`event rejected: ${result.rejected[0].reason}`, result.rejected);
        return c.json(result);
      },
    );
  }

  endpoint(
    r,
    { method: 'post', path: '/metrics', summary: 'Send daily KPI values; name + date is the idempotency key', tags, auth: 'ingest', body: MetricsRequest, rawBody: true, responses: { 200: { description: 'Stored; rejected metrics listed by index', schema: z.object({ success: z.literal(true), accepted: z.number().int(), rejected: z.array(z.object({ index: z.number().int(), messageId: z.string().nullable(), reason: z.string() })) }) } } },
    async (c, { body: raw }) => {
      await writeKeyPrincipal(c, raw, limiter);
      const body = validate(MetricsRequest, raw, 'metrics request');
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
