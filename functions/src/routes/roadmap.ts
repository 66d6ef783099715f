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
      errors: { 409: '`If-Match` names another version than the stored one, or another import won a race; reload and retry' },
      responses: { 200: { description: 'The stored roadmap', schema: Roadmap, headers: ETAG } },
    },
    async (c, { body }) => {
      const s = c.get('services');
      const ifMatch = c.req.header('if-match')?.match(/^"?v(\d+)"?$/);
      const version = await s.roadmaps.replace(body, ifMatch ? Number(ifMatch[1]) : undefined);
      await s.markDirty();
      c.header('ETag', `"v${version}"`);
      return c.json(body);
    },
  );

  endpoint(r, { method: 'put', path: '/mission', summary: 'Set the mission statement', tags, auth: 'editor', body: Mission, errors: { 409: 'another write held the roadmap past the retries; retry' }, responses: { 200: { description: 'The mission', schema: Mission } } }, async (c, { body }) => {
    await write(c, () => ({ change: { put: [{ kind: 'mission', entity: body }] }, result: body }));
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
      const entity = body as { id: string };
      await write(c, (roadmap, before) => {
        const list = roadmap[res.list] as { id: string }[];
        if (list.some((x) => x.id === entity.id)) throw conflict(`${res.label} "${entity.id}" already exists`);
        if (res.kind === 'epic') checkShipping(undefined, entity as Epic, todayUtc(s.now()));
        list.push(entity);
        checkDocument(roadmap, before);
        return { change: { put: [{ kind: res.kind, entity, order: list.length - 1 }] }, result: entity };
      });
      if (res.kind === 'epic') await s.markDirty();
      return c.json(entity, 201);
    });

    endpoint(r, { method: 'patch', path: `${path}/:id`, summary: `Change a ${res.label} (null removes an optional field)`, tags: rtags, auth: 'editor', body: res.patch, responses: { 200: { description: `The updated ${res.label}`, schema: res.schema } } }, async (c, { body, params }) => {
      const s = c.get('services');
      const updated = await write(c, (roadmap, before) => {
        const list = roadmap[res.list] as { id: string }[];
        const index = list.findIndex((x) => x.id === params.id);
        if (index < 0) throw notFound(res.label, params.id);
        const next = validate(res.schema, merge(list[index], body as Record<string, unknown>), 'body') as { id: string };
        if (res.kind === 'epic') checkShipping(list[index] as Epic, next as Epic, todayUtc(s.now()));
        list[index] = next;
        checkDocument(roadmap, before);
        return { change: { put: [{ kind: res.kind, entity: next, order: index }] }, result: next };
      });
      if (res.kind === 'epic') await s.markDirty();
      return c.json(updated);
    });

    endpoint(r, { method: 'delete', path: `${path}/:id`, summary: `Delete a ${res.label}`, tags: rtags, auth: 'editor', ...(res.conflict ? { errors: { 409: res.conflict } } : {}), responses: { 204: { description: 'Deleted' } } }, async (c, { params }) => {
      const s = c.get('services');
      await write(c, (roadmap) => {
        if (!(roadmap[res.list] as { id: string }[]).some((x) => x.id === params.id)) throw notFound(res.label, params.id);
        const cascade = res.beforeDelete(roadmap, params.id);
        return { change: { delete: [{ kind: res.kind, id: params.id }, ...cascade] }, result: undefined };
      });
      if (res.kind === 'epic') await s.markDirty();
      return c.body(null, 204);
    });
  }

  endpoint(
    r,
    { method: 'post', path: '/epics/:id/ship', summary: 'Mark an epic shipped on a day', tags: ['Epic'], auth: 'editor', body: ShipRequest, errors: { 409: 'the epic is cancelled; reopen it before shipping' }, responses: { 200: { description: 'The shipped epic', schema: Epic } } },
    async (c, { body, params }) => {
      const s = c.get('services');
      const updated = await write(c, (roadmap) => {
        const index = roadmap.epics.findIndex((e) => e.id === params.id);
        if (index < 0) throw notFound('epic', params.id);
        const epic = roadmap.epics[index];
        const next = validate(Epic, { ...epic, status: 'shipped', shippedAt: body.shippedAt }, 'body');
        checkShipping(epic, next, todayUtc(s.now()));
        return { change: { put: [{ kind: 'epic', entity: next, order: index }] }, result: next };
      });
      await s.markDirty();
      return c.json(updated);
    },
  );
}
