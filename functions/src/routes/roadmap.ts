/** Roadmap routes: the whole document (export/import) and CRUD per entity. */
import { z } from 'zod';
import {
  Epic,
  EpicPatch,
  Milestone,
  MilestonePatch,
  Mission,
  Roadmap,
  ShipRequest,
  Story,
  StoryPatch,
  Theme,
  ThemePatch,
  roadmapProblems,
  shippingProblem,
} from '../../../shared/roadmap';
import { AppError, badRequest, conflict, notFound } from '../errors';
import { todayUtc } from '../../../shared/primitives';
import { endpoint, validate, type Router } from '../http';
import type { Services } from '../services';
import type { EntityKind, RoadmapChange } from '../store/roadmap-store';
import type { Context } from 'hono';
import type { Env } from '../context';
import { applyTargetRules } from '../../../shared/amendments';
import { describeCounts, fieldChanges, roadmapChanges } from '../../../shared/audit';
import type { KeyRecord } from '../../../shared/keys';
import { actorOf, recordAudit } from '../audit/record';

/** Who an amendment names: the signed-in person's email, else the key's name. */
const byOf = (c: Context<Env>) => actorOf(c.get('principal') as KeyRecord & { email?: string }).name;

/** The ship-freeze rules on one epic write (shared/amendments.ts); 409 when a frozen target changes without a reason. */
function freezeTargets(c: Context<Env>, before: Epic | undefined, after: Epic, reason?: string): Epic {
  const checked = applyTargetRules(before, after, { at: new Date(c.get('services').now()).toISOString(), by: byOf(c), reason });
  if (!checked.ok) throw conflict(checked.message, { epicId: after.id, changes: checked.changes });
  return checked.epic;
}

/**
 * An import keeps what the server keeps (planned targets and amendments of shipped epics) and
 * never changes a shipped epic's targets: those change one epic at a time, with a reason
 * (PATCH /api/v1/epics/:id). 409 names every epic the document would change.
 */
function freezeImport(c: Context<Env>, before: Roadmap | undefined, doc: Roadmap): Roadmap {
  const old = new Map((before?.epics ?? []).map((e) => [e.id, e]));
  const refused: { epicId: string; changes: unknown }[] = [];
  const epics = doc.epics.map((e) => {
    const prev = old.get(e.id);
    // a new epic (a restore into an empty install) may bring its recorded plan with it
    const checked = prev ? applyTargetRules(prev, e, { at: new Date(c.get('services').now()).toISOString(), by: byOf(c) }) : { ok: true as const, epic: e };
    if (!checked.ok) {
      refused.push({ epicId: e.id, changes: checked.changes });
      return e;
    }
    return checked.epic;
  });
  if (refused.length) {
    throw conflict(
      `the document changes the targets of shipped epic(s) ${refused.map((r) => r.epicId).join(', ')}; targets are frozen at ship: change them with PATCH /api/v1/epics/:id and a "reason" (kept as an amendment), then import again`,
      { epics: refused },
    );
  }
  return { ...doc, epics };
}

const EMPTY: Roadmap = { mission: { statement: 'Describe why this product exists' }, themes: [], milestones: [], epics: [], stories: [] };

async function current(s: Services) {
  return (await s.roadmaps.get()) ?? { roadmap: structuredClone(EMPTY), version: 0, head: { version: 0, partition: '' } };
}

/**
 * Check a changed document with the whole-document rules; 400 with precise messages. Only
 * problems the change introduces count: a write is never refused for a problem it did not cause.
 */
function checkDocument(doc: Roadmap, before: Roadmap) {
  const existing = new Set(roadmapProblems(before).map((p) => p.message));
  const problems = roadmapProblems(doc).filter((p) => !existing.has(p.message));
  if (problems.length) {
    throw new AppError(
      400,
      'invalid_reference',
      problems.map((p) => p.message).slice(0, 3).join('; '),
      problems.map((p) => ({ path: p.path.join('.'), message: p.message })),
    );
  }
}

/** An entity write under the roadmap's lease (see RoadmapStore.mutate); `If-Match: "v<n>"` conditions it on the version. */
async function write<T>(c: Context<Env>, fn: (doc: Roadmap, before: Roadmap) => { change: RoadmapChange; result: T }): Promise<T> {
  const s = c.get('services');
  const ifMatch = c.req.header('if-match');
  const expected = ifMatch === undefined ? undefined : ifMatch.match(/^"?v(\d+)"?$/)?.[1];
  if (ifMatch !== undefined && expected === undefined) throw badRequest('If-Match must be an ETag of GET /api/v1/roadmap, e.g. "v12"');
  const { result, version } = await s.roadmaps.mutate((doc, v) => {
    if (expected !== undefined && Number(expected) !== v) throw conflict(`roadmap changed (version ${v}, expected ${expected}); reload and retry`);
    return fn(doc, structuredClone(doc));
  }, structuredClone(EMPTY));
  c.header('ETag', `"v${version}"`);
  return result;
}

function checkShipping(before: Epic | undefined, after: Epic, today: string) {
  const problem = shippingProblem(before, after, today);
  if (problem) throw problem.status === 409 ? conflict(problem.message) : badRequest(problem.message);
}

type ListKey = 'themes' | 'milestones' | 'epics' | 'stories';

/** The entry's target: epics and stories are found in their epic's history. */
const targetOf = (kind: EntityKind, e: { id: string; epicId?: string }) => ({ type: kind, id: e.id, ...(kind === 'epic' ? { epicId: e.id } : kind === 'story' && e.epicId ? { epicId: e.epicId } : {}) });
interface Resource {
  kind: EntityKind;
  list: ListKey;
  label: string;
  schema: z.ZodType;
  patch: z.ZodType;
  /** what must be true before deleting (409 otherwise), and what is deleted with it */
  beforeDelete(doc: Roadmap, id: string): { kind: EntityKind; id: string }[];
  /** when a delete answers 409 (documented in the OpenAPI document) */
  conflict?: string;
}

const resources: Resource[] = [
  {
    kind: 'theme',
    list: 'themes',
    label: 'theme',
    schema: Theme,
    patch: ThemePatch,
    conflict: 'the theme still has epics; move or delete them first',
    beforeDelete(doc, id) {
      const using = doc.epics.filter((e) => e.themeId === id).map((e) => e.id);
      if (using.length) throw conflict(`theme "${id}" still has ${using.length} epic(s); move or delete them first`, { epics: using });
      return [];
    },
  },
  {
    kind: 'milestone',
    list: 'milestones',
    label: 'milestone',
    schema: Milestone,
    patch: MilestonePatch,
    conflict: 'the milestone still has epics; move them first',
    beforeDelete(doc, id) {
      const using = doc.epics.filter((e) => e.milestoneId === id).map((e) => e.id);
      if (using.length) throw conflict(`milestone "${id}" still has ${using.length} epic(s); move them first`, { epics: using });
      return [];
    },
  },
  {
    kind: 'epic',
    list: 'epics',
    label: 'epic',
    schema: Epic,
    patch: EpicPatch,
    conflict: 'other epics are follow-ups of this one; delete them first',
    beforeDelete(doc, id) {
      const followers = doc.epics.filter((e) => e.followUpOf === id).map((e) => e.id);
      if (followers.length) throw conflict(`epic "${id}" has follow-ups (${followers.join(', ')}); delete them first`);
      // an epic's stories go with it
      return doc.stories.filter((s) => s.epicId === id).map((s) => ({ kind: 'story' as const, id: s.id }));
    },
  },
  { kind: 'story', list: 'stories', label: 'story', schema: Story, patch: StoryPatch, beforeDelete: () => [] },
];

/** Merge a patch: `null` removes an optional field. */
function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** `GET /stories?epicId=`: only the stories of one epic. */
const StoriesQuery = z.object({ epicId: z.string().min(1).optional().meta({ description: 'only the stories of this epic' }) }).strict();

const ETAG = { ETag: { description: 'the roadmap version, `"v<n>"`: send it back as `If-Match` to import only over this version', schema: { type: 'string' as const } } };

export function roadmapRoutes(r: Router) {
  const tags = ['Roadmap'];
  endpoint(r, { method: 'get', path: '/roadmap', summary: 'Export the whole roadmap document', tags, auth: 'viewer', responses: { 200: { description: 'The roadmap', schema: Roadmap, headers: ETAG } } }, async (c) => {
    const { roadmap, version } = await current(c.get('services'));
    c.header('ETag', `"v${version}"`);
    return c.json(roadmap);
  });

  endpoint(
    r,
    {
      method: 'put',
      path: '/roadmap',
      summary: 'Import (replace) the whole roadmap document; an invalid document changes nothing',
      tags,
      auth: 'editor',
      body: Roadmap,
      headers: z.object({
        'if-match': z.string().optional().meta({ description: 'the `ETag` of the version this import replaces (`"v<n>"`, as `GET /api/v1/roadmap` answered); when the stored roadmap has another version, nothing changes and the answer is 409' }),
      }),
      errors: { 409: '`If-Match` names another version than the stored one, or another import won a race; or the document changes the targets of a shipped epic (frozen at ship: change them with PATCH and a reason); nothing changed' },
      responses: { 200: { description: 'The stored roadmap', schema: Roadmap, headers: ETAG } },
    },
    async (c, { body }) => {
      const s = c.get('services');
      const ifMatch = c.req.header('if-match')?.match(/^"?v(\d+)"?$/);
      const before = (await s.roadmaps.get())?.roadmap;
      const doc = freezeImport(c, before, body);
      const version = await s.roadmaps.replace(doc, ifMatch ? Number(ifMatch[1]) : undefined);
      await s.markDirty();
      const { changes, counts } = roadmapChanges(before, doc);
      await recordAudit(c, { action: 'roadmap.import', target: { type: 'roadmap', id: `v${version}` }, changes, counts, summary: describeCounts(counts) });
      c.header('ETag', `"v${version}"`);
      return c.json(doc);
    },
  );

  endpoint(r, { method: 'put', path: '/mission', summary: 'Set the mission statement', tags, auth: 'editor', body: Mission, errors: { 409: 'another write held the roadmap past the retries; retry' }, responses: { 200: { description: 'The mission', schema: Mission } } }, async (c, { body }) => {
    const before = await write(c, (doc) => ({ change: { put: [{ kind: 'mission', entity: body }] }, result: doc.mission }));
    await recordAudit(c, { action: 'mission.update', target: { type: 'mission', id: 'mission' }, changes: fieldChanges(before, body) });
    return c.json(body);
  });

  for (const res of resources) {
    const path = `/${res.list}`;
    const rtags = [res.label[0].toUpperCase() + res.label.slice(1) + (res.label === 'story' ? '' : '')];
    endpoint(r, { method: 'get', path, summary: `List ${res.list}`, tags: rtags, auth: 'viewer', ...(res.kind === 'story' ? { query: StoriesQuery } : {}), responses: { 200: { description: `All ${res.list}`, schema: z.array(res.schema) } } }, async (c) => {
      const { roadmap } = await current(c.get('services'));
      const list = roadmap[res.list] as { epicId?: string }[];
      const epicId = c.req.query('epicId');
      return c.json(res.kind === 'story' && epicId ? list.filter((x) => x.epicId === epicId) : list);
    });

    endpoint(r, { method: 'get', path: `${path}/:id`, summary: `Get one ${res.label}`, tags: rtags, auth: 'viewer', responses: { 200: { description: `The ${res.label}`, schema: res.schema } } }, async (c, { params }) => {
      const { roadmap } = await current(c.get('services'));
      const found = (roadmap[res.list] as { id: string }[]).find((x) => x.id === params.id);
      if (!found) throw notFound(res.label, params.id);
      return c.json(found);
    });

    endpoint(r, { method: 'post', path, summary: `Create a ${res.label}`, tags: rtags, auth: 'editor', body: res.schema, errors: { 409: `a ${res.label} with this id exists already` }, responses: { 201: { description: `The created ${res.label}`, schema: res.schema } } }, async (c, { body }) => {
      const s = c.get('services');
      let entity = body as { id: string; epicId?: string };
      await write(c, (roadmap, before) => {
        const list = roadmap[res.list] as { id: string }[];
        if (list.some((x) => x.id === entity.id)) throw conflict(`${res.label} "${entity.id}" already exists`);
        if (res.kind === 'epic') {
          checkShipping(undefined, entity as Epic, todayUtc(s.now()));
          // created shipped: its targets are planned now (a client cannot bring its own plan or amendments)
          entity = freezeTargets(c, undefined, entity as Epic);
        }
        list.push(entity);
        checkDocument(roadmap, before);
        return { change: { put: [{ kind: res.kind, entity, order: list.length - 1 }] }, result: entity };
      });
      if (res.kind === 'epic') await s.markDirty();
      await recordAudit(c, { action: `${res.kind}.create`, target: targetOf(res.kind, entity), changes: fieldChanges(undefined, entity) });
      return c.json(entity, 201);
    });

    endpoint(r, { method: 'patch', path: `${path}/:id`, summary: `Change a ${res.label} (null removes an optional field)`, tags: rtags, auth: 'editor', body: res.patch, ...(res.kind === 'epic' ? { errors: { 409: 'the epic has shipped and the change moves a target without a "reason" (targets are frozen at ship; with a reason the change is kept as an amendment)' } } : {}), responses: { 200: { description: `The updated ${res.label}`, schema: res.schema } } }, async (c, { body, params }) => {
      const s = c.get('services');
      const { reason, ...patch } = body as Record<string, unknown> & { reason?: string };
      const { prev, next: updated } = await write(c, (roadmap, before) => {
        const list = roadmap[res.list] as { id: string }[];
        const index = list.findIndex((x) => x.id === params.id);
        if (index < 0) throw notFound(res.label, params.id);
        let next = validate(res.schema, merge(list[index], patch), 'body') as { id: string };
        if (res.kind === 'epic') {
          checkShipping(list[index] as Epic, next as Epic, todayUtc(s.now()));
          next = freezeTargets(c, list[index] as Epic, next as Epic, reason);
        }
        const prev = list[index];
        list[index] = next;
        checkDocument(roadmap, before);
        return { change: { put: [{ kind: res.kind, entity: next, order: index }] }, result: { prev, next } };
      });
      if (res.kind === 'epic') await s.markDirty();
      const changes = fieldChanges(prev, updated);
      await recordAudit(c, { action: `${res.kind}.update`, target: targetOf(res.kind, updated), changes, ...(reason && changes.some((ch) => ch.field === 'targets') ? { reason } : {}) });
      return c.json(updated);
    });

    endpoint(r, { method: 'delete', path: `${path}/:id`, summary: `Delete a ${res.label}`, tags: rtags, auth: 'editor', ...(res.conflict ? { errors: { 409: res.conflict } } : {}), responses: { 204: { description: 'Deleted' } } }, async (c, { params }) => {
      const s = c.get('services');
      const { gone, cascade } = await write(c, (roadmap) => {
        const gone = (roadmap[res.list] as { id: string }[]).find((x) => x.id === params.id);
        if (!gone) throw notFound(res.label, params.id);
        const cascade = res.beforeDelete(roadmap, params.id);
        return { change: { delete: [{ kind: res.kind, id: params.id }, ...cascade] }, result: { gone, cascade } };
      });
      if (res.kind === 'epic') await s.markDirty();
      await recordAudit(c, { action: `${res.kind}.delete`, target: targetOf(res.kind, gone), changes: fieldChanges(gone, undefined), ...(cascade.length ? { counts: { 'stories.removed': cascade.length } } : {}) });
      return c.body(null, 204);
    });
  }

  endpoint(
    r,
    { method: 'post', path: '/epics/:id/ship', summary: 'Mark an epic shipped on a day', tags: ['Epic'], auth: 'editor', body: ShipRequest, errors: { 409: 'the epic is cancelled; reopen it before shipping' }, responses: { 200: { description: 'The shipped epic', schema: Epic } } },
    async (c, { body, params }) => {
      const s = c.get('services');
      const { prev, next: updated } = await write(c, (roadmap) => {
        const index = roadmap.epics.findIndex((e) => e.id === params.id);
        if (index < 0) throw notFound('epic', params.id);
        const epic = roadmap.epics[index];
        let next = validate(Epic, { ...epic, status: 'shipped', shippedAt: body.shippedAt }, 'body');
        checkShipping(epic, next, todayUtc(s.now()));
        // the targets as they are now become the planned ones
        next = freezeTargets(c, epic, next);
        return { change: { put: [{ kind: 'epic', entity: next, order: index }] }, result: { prev: epic, next } };
      });
      await s.markDirty();
      await recordAudit(c, { action: 'epic.ship', target: { type: 'epic', id: updated.id, epicId: updated.id }, changes: fieldChanges(prev, updated) });
      return c.json(updated);
    },
  );
}
