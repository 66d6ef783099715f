/**
 * Customer asks: `POST /v1/asks` for write keys (help desks, CRMs, pipelines), the triage API for
 * people, CSV import with a dry run, suggestions, and demand per epic.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  Ask,
  AskBatch,
  AskBatchResult,
  AskImportRequest,
  AskImportResult,
  AskInput,
  AskList,
  AskListQuery,
  AskPatch,
  AskRuleError,
  ASK_LIMITS,
  byNewest,
  Demand,
  matchesFilters,
  patchAsk,
  Suggestions,
  type AskRejection,
} from '../../../shared/asks';
import { suggestionsFor } from '../../../shared/ask-search';
import { summarize } from '../../../shared/errors';
import { isoDate, slugId } from '../../../shared/primitives';
import { epicDemand, importAsks, upsertAsks } from '../asks/asks';
import type { Env } from '../context';
import { badRequest, notFound } from '../errors';
import { RateLimiter } from '../ingest/rate-limit';
import { endpoint, validate, type Router } from '../http';
import { authenticatedBody } from './ingest';
import { recordAudit } from '../audit/record';
import { fieldChanges } from '../../../shared/audit';

/** An ask's triage fields, as the trail records them. */
const triage = (a: Ask | undefined) => (a ? { status: a.status, epicIds: a.epicIds ?? [], ...(a.declinedReason ? { declinedReason: a.declinedReason } : {}) } : undefined);

const AskId = z.object({ id: z.string().regex(/^ask-[0-9a-f]{20}$/, 'ask ids look like ask-<20 hex digits>') });
const DryRun = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() }).strict();

function askIdParam(params: Record<string, string>): string {
  const p = AskId.safeParse(params);
  if (!p.success) throw notFound('ask', String(params.id).slice(0, 80));
  return p.data.id;
}

function checkSource(sources: readonly string[], source: string) {
  if (!sources.includes(source)) throw badRequest(`source "${source}" is not one of ${sources.join(', ')} (SEXTANT_ASK_SOURCES)`);
}

/** Cursor = the sort key of the last ask returned (newest asked first, then id). */
const encodeCursor = (a: Ask) => Buffer.from(JSON.stringify([a.askedAt, a.id])).toString('base64url');
function decodeCursor(s: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw badRequest('next is not a cursor this API returned');
}

/** `POST /v1/asks`: write-key endpoint, idempotent by external id (else by content), per-ask rejections like a batch. */
export function askIngestRoutes(app: Hono<Env>, registry: OpenAPIRegistry | undefined, perMinute: number) {
  // asks have their own per-key bucket beside the events'
  const limiter = new RateLimiter(perMinute);
  const v1 = new Hono<Env>();
  const r: Router = { hono: v1, registry, prefix: '/v1' };
  endpoint(
    r,
    { method: 'post', path: '/asks', summary: 'Send customer asks (help desk, CRM, pipeline); idempotent by externalId', tags: ['Asks'], auth: 'ingest', body: AskBatch, ownBody: true, responses: { 200: { description: 'Stored; rejected asks listed by index', schema: AskBatchResult } } },
    async (c) => {
      // credentials before the body, as on every ingest route
      const body = validate(AskBatch, await authenticatedBody(c, limiter, ASK_LIMITS.batchBytes, `an asks request exceeds ${ASK_LIMITS.batchBytes / 1024} KB`), 'asks request');
      const s = c.get('services');
      const epicIds = new Set((await s.roadmaps.get())?.roadmap.epics.map((e) => e.id) ?? []);
      const rejected: AskRejection[] = [];
      const good: AskInput[] = [];
      body.asks.forEach((a, index) => {
        const ext = a && typeof a === 'object' && typeof (a as { externalId?: unknown }).externalId === 'string' ? (a as { externalId: string }).externalId.slice(0, 200) : null;
        if (Buffer.byteLength(JSON.stringify(a) ?? '') > ASK_LIMITS.askBytes) return void rejected.push({ index, externalId: ext, reason: `an ask is limited to ${ASK_LIMITS.askBytes / 1024} KB` });
        const p = AskInput.safeParse(a);
        if (!p.success) return void rejected.push({ index, externalId: ext, reason: summarize(p.error) });
        if (!s.config.SEXTANT_ASK_SOURCES.includes(p.data.source)) return void rejected.push({ index, externalId: ext, reason: `source "${p.data.source}" is not one of ${s.config.SEXTANT_ASK_SOURCES.join(', ')}` });
        const unknown = (p.data.epicIds ?? []).filter((e) => !epicIds.has(e));
        if (unknown.length) return void rejected.push({ index, externalId: ext, reason: `unknown epic(s): ${unknown.join(', ')}` });
        good.push(p.data);
      });
      const results = good.length ? await upsertAsks(s, good, { mode: 'content' }) : [];
      const count = (a: string) => results.filter((x) => x.action === a).length;
      if (count('create') + count('update') > 0) {
        await recordAudit(c, { action: 'ask.ingest', target: { type: 'asks', id: 'asks' }, counts: { created: count('create'), updated: count('update'), unchanged: count('unchanged'), rejected: rejected.length } });
      } else c.set('audited', true); // nothing changed: nothing to record
      return c.json({ success: true as const, created: count('create'), updated: count('update'), unchanged: count('unchanged'), rejected });
    },
  );
  app.route('/v1', v1);
}

export function askRoutes(r: Router) {
  const tags = ['Asks'];

  endpoint(r, { method: 'get', path: '/asks', summary: 'Customer asks, newest first, filtered', tags, auth: 'viewer', query: AskListQuery, responses: { 200: { description: 'A page of asks', schema: AskList } } }, async (c, { query }) => {
    const all = (await c.get('services').asks.all()).filter((a) => matchesFilters(a, query)).sort(byNewest);
    let start = 0;
    if (query.next) {
      const [at, id] = decodeCursor(query.next);
      start = all.findIndex((a) => a.askedAt < at || (a.askedAt === at && a.id > id));
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + query.limit);
    const more = start + query.limit < all.length;
    return c.json({ asks: page, total: all.length, ...(more ? { next: encodeCursor(page[page.length - 1]) } : {}) });
  });

  endpoint(r, { method: 'post', path: '/asks', summary: 'Record a customer ask (idempotent by externalId)', tags, auth: 'editor', body: AskInput, responses: { 201: { description: 'Created', schema: Ask }, 200: { description: 'The same externalId: updated', schema: Ask } } }, async (c, { body }) => {
    const s = c.get('services');
    checkSource(s.config.SEXTANT_ASK_SOURCES, body.source);
    const [r] = await upsertAsks(s, [body], { mode: 'fresh' });
    await recordAudit(c, { action: r.action === 'create' ? 'ask.create' : 'ask.update', target: { type: 'ask', id: r.ask.id }, changes: [{ field: 'ask', from: null, to: { title: r.ask.title, source: r.ask.source, ...triage(r.ask) } }] });
    return c.json(r.ask, r.action === 'create' ? 201 : 200);
  });

  endpoint(
    r,
    { method: 'post', path: '/asks/import', summary: 'Import asks from CSV with a column mapping; ?dryRun=1 previews', tags, auth: 'editor', body: AskImportRequest, query: DryRun, responses: { 200: { description: 'What was (or would be) created, updated, left unchanged or rejected, per row', schema: AskImportResult } } },
    async (c, { body, query }) => {
      const dryRun = query.dryRun === '1' || query.dryRun === 'true';
      const result = await importAsks(c.get('services'), body, dryRun);
      // a dry run changes nothing and records nothing
      if (!dryRun) await recordAudit(c, { action: 'ask.import', target: { type: 'asks', id: 'import' }, counts: { rows: result.rows, created: result.created, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected.length } });
      return c.json(result);
    },
  );

  endpoint(r, { method: 'get', path: '/asks/:id', summary: 'One ask', tags, auth: 'viewer', responses: { 200: { description: 'The ask', schema: Ask } } }, async (c, { params }) => {
    const id = askIdParam(params);
    const ask = await c.get('services').asks.get(id);
    if (!ask) throw notFound('ask', id);
    return c.json(ask);
  });

  endpoint(r, { method: 'patch', path: '/asks/:id', summary: 'Triage: link or unlink epics, decline with a reason, reopen', tags, auth: 'editor', body: AskPatch, responses: { 200: { description: 'The ask', schema: Ask } } }, async (c, { params, body }) => {
    const s = c.get('services');
    const id = askIdParam(params);
    const ask = await s.asks.get(id);
    if (!ask) throw notFound('ask', id);
    if (body.epicIds?.length) {
      const known = new Set((await s.roadmaps.get())?.roadmap.epics.map((e) => e.id) ?? []);
      const unknown = body.epicIds.filter((e) => !known.has(e));
      if (unknown.length) throw badRequest(`unknown epic(s): ${unknown.join(', ')}`);
    }
    let next: Ask;
    try {
      next = patchAsk(ask, body, new Date(s.now()).toISOString());
    } catch (e) {
      if (e instanceof AskRuleError) throw badRequest(e.message);
      throw e;
    }
    await s.asks.put(next);
    await recordAudit(c, { action: 'ask.triage', target: { type: 'ask', id }, changes: fieldChanges(triage(ask), triage(next)) });
    return c.json(next);
  });

  endpoint(r, { method: 'delete', path: '/asks/:id', summary: 'Delete an ask', tags, auth: 'editor', responses: { 204: { description: 'Deleted' } } }, async (c, { params }) => {
    const id = askIdParam(params);
    const s = c.get('services');
    const ask = await s.asks.get(id);
    if (!ask || !(await s.asks.delete(id))) throw notFound('ask', id);
    await recordAudit(c, { action: 'ask.delete', target: { type: 'ask', id }, changes: [{ field: 'ask', from: { title: ask.title, source: ask.source, ...triage(ask) }, to: null }] });
    return c.body(null, 204);
  });

  endpoint(r, { method: 'get', path: '/asks/:id/suggestions', summary: 'Epics this ask may be about and similar asks, best first', tags, auth: 'viewer', responses: { 200: { description: 'Suggestions', schema: Suggestions } } }, async (c, { params }) => {
    const s = c.get('services');
    const id = askIdParam(params);
    const [ask, doc, all] = await Promise.all([s.asks.get(id), s.roadmaps.get(), s.asks.all()]);
    if (!ask) throw notFound('ask', id);
    const roadmap = doc?.roadmap ?? { mission: { statement: '' }, themes: [], milestones: [], epics: [], stories: [] };
    return c.json(suggestionsFor(ask, roadmap, all));
  });

  endpoint(
    r,
    { method: 'get', path: '/epics/:id/demand', summary: 'Customer demand for an epic and, once shipped, whether the askers adopted', tags, auth: 'viewer', query: z.object({ asOf: isoDate.optional() }).strict(), responses: { 200: { description: 'Demand', schema: Demand } } },
    async (c, { params, query }) => {
      const id = slugId.safeParse(params.id);
      if (!id.success) throw notFound('epic', String(params.id).slice(0, 80));
      return c.json(await epicDemand(c.get('services'), id.data, query.asOf));
    },
  );
}
