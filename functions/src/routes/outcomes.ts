/** Outcome routes: one epic's outcome, the portfolio impact, PM reviews, ingest telemetry, rollups. */
import { z } from 'zod';
import { DateParam } from '../../../shared/params';
import { Impact } from '../../../shared/impact';
import { IngestStats } from '../../../shared/ingest';
import { Outcome } from '../../../shared/outcome-types';
import { addDays, dateRange, todayUtc } from '../../../shared/primitives';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from '../../../shared/roadmap';
import { Review, ReviewInput } from '../../../shared/review';
import { epicOutcome, impact } from '../analytics/outcomes';
import { runRollup } from '../analytics/rollup';
import { badRequest, notFound } from '../errors';
import { endpoint, type Router } from '../http';
import { actorOf, recordAudit } from '../audit/record';
import type { KeyRecord } from '../../../shared/keys';

const AsOfQuery = z.object({ asOf: DateParam.optional() }).strict();
const OutcomeQuery = z
  .object({
    asOf: DateParam.optional(),
    windowDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW_DAYS)
      .optional()
      .meta({
        description: `Measurement window in days. Only the windows the epic's rollups are kept for are measured: ${DEFAULT_WINDOW_DAYS} (the default) and the windowDays of each of its targets; any other value answers 400 and lists the allowed ones in error.details.allowed.`,
      }),
  })
  .strict();

export function outcomeRoutes(r: Router) {
  endpoint(
    r,
    { method: 'get', path: '/epics/:id/outcome', summary: "An epic's measured outcome and verdict as of a day", tags: ['Outcomes'], auth: 'viewer', query: OutcomeQuery, responses: { 200: { description: 'The outcome', schema: Outcome } } },
    async (c, { params, query }) => c.json(await epicOutcome(c.get('services'), params.id, query.asOf, query.windowDays)),
  );

  endpoint(
    r,
    { method: 'get', path: '/impact', summary: 'Portfolio impact: per theme and per shipped epic', tags: ['Outcomes'], auth: 'viewer', query: AsOfQuery, responses: { 200: { description: 'The impact', schema: Impact } } },
    async (c, { query }) => c.json(await impact(c.get('services'), query.asOf)),
  );

  endpoint(
    r,
    { method: 'get', path: '/epics/:id/reviews', summary: "An epic's review history, newest first", tags: ['Reviews'], auth: 'viewer', responses: { 200: { description: 'Reviews', schema: z.array(Review) } } },
    async (c, { params }) => {
      const s = c.get('services');
      const doc = await s.roadmaps.get();
      if (!doc?.roadmap.epics.some((e) => e.id === params.id)) throw notFound('epic', params.id);
      return c.json(await s.reviews.list(params.id));
    },
  );

  endpoint(
    r,
    { method: 'post', path: '/epics/:id/reviews', summary: "Record a PM's decision on a shipped epic; the author is the caller (signed-in person or key), never named by the client", tags: ['Reviews'], auth: 'editor', body: ReviewInput, responses: { 201: { description: 'The review', schema: Review } } },
    async (c, { params, body }) => {
      const s = c.get('services');
      const outcome = await epicOutcome(s, params.id);
      if (outcome.verdict === 'not_shipped') throw badRequest(`epic "${params.id}" has not shipped; review its outcome after it ships`);
      const review = await s.reviews.add({
        epicId: params.id,
        decision: body.decision,
        note: body.note,
        // the signed-in principal, never the client's word (a body `author` is refused: ReviewInput is strict)
        author: actorOf(c.get('principal') as KeyRecord & { email?: string }).name,
        verdict: outcome.verdict,
        adoptionRate: outcome.adoption.rate,
      });
      await recordAudit(c, { action: 'review.create', target: { type: 'review', id: review.id, epicId: review.epicId }, changes: [{ field: 'decision', from: null, to: review.decision }, ...(review.note ? [{ field: 'note', from: null, to: review.note }] : [])], summary: `verdict ${review.verdict}` });
      return c.json(review, 201);
    },
  );

  endpoint(
    r,
    { method: 'get', path: '/ingest/stats', summary: 'Events received per day, recent rejections, data freshness', tags: ['Ingest'], auth: 'viewer', query: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }).strict(), responses: { 200: { description: 'Ingest telemetry', schema: IngestStats } } },
    async (c, { query }) => {
      const s = c.get('services');
      const today = todayUtc(s.now());
      const from = addDays(today, -(query.days - 1));
      const [days, state, ...rejections] = await Promise.all([
        s.events.ingestDays(from, today),
        s.analytics.state(),
        ...[0, 1, 2].map((k) => s.events.rejections(addDays(today, -k))),
      ]);
      const byDate = new Map(days.map((d) => [d.date as string, d]));
      const behind = state.dirtySince ? Math.max(0, Math.round((s.now() - Date.parse(state.dirtySince)) / 1000)) : 0;
      return c.json({
        days: dateRange(from, today).map((date) => {
          const d = byDate.get(date);
          return { date, received: Number(d?.received ?? 0), accepted: Number(d?.accepted ?? 0), duplicates: Number(d?.duplicates ?? 0), rejected: Number(d?.rejected ?? 0) };
        }),
        rejections: rejections
          .flat()
          .map((x) => ({ at: x.at as string, index: Number(x.index), messageId: (x.messageId as string | null) ?? null, reason: x.reason as string, endpoint: x.endpoint as string }))
          .sort((a, b) => b.at.localeCompare(a.at))
          .slice(0, 100),
        freshness: { rolledUpAt: state.rolledUpAt ?? null, dirtySince: state.dirtySince ?? null, behindSeconds: state.rolledUpAt ? behind : null },
      });
    },
  );

  endpoint(
    r,
    {
      method: 'post',
      path: '/rollups',
      summary: 'Recompute rollups now (they also run in the background); on AWS the worker does it (202)',
      tags: ['Outcomes'],
      auth: 'editor',
      responses: {
        200: { description: 'What was recomputed', schema: z.object({ ran: z.boolean(), users: z.number(), facts: z.number(), epics: z.number(), months: z.number(), ms: z.number() }) },
        202: { description: 'Queued for the worker', schema: z.object({ queued: z.literal(true) }) },
      },
    },
    async (c) => {
      const s = c.get('services');
      if (s.enqueue) {
        await s.enqueue({ job: 'rollup' });
        await recordAudit(c, { action: 'rollups.run', target: { type: 'rollups', id: 'rollups' }, summary: 'queued for the worker' });
        return c.json({ queued: true as const }, 202);
      }
      const ran = await runRollup(s, { force: true });
      // derived data only, but who forced a recomputation (and when) is worth knowing
      await recordAudit(c, { action: 'rollups.run', target: { type: 'rollups', id: 'rollups' }, counts: { epics: ran.epics, months: ran.months } });
      return c.json(ran);
    },
  );
}
