/** Monthly iterations: immutable snapshots, diffs explained by outcomes, calibration and the planner. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DateParam, RouteId } from '../../../shared/params';
import { Calibration, calibrate } from '../../../shared/calibration';
import { Iteration, IterationDiff, IterationHeader, IterationInput, diffIterations, summarizeOutcome } from '../../../shared/iteration';
import { PlanAcceptRequest, PlanAccepted, PlanProposal, PlanRequest, acceptPlan, plan } from '../../../shared/planner';
import { allOutcomes } from '../analytics/outcomes';
import { demandByEpic } from '../../../shared/asks';
import { badRequest, notFound } from '../errors';
import { endpoint, type Router } from '../http';
import { actorOf, recordAudit } from '../audit/record';
import { describeCounts, roadmapChanges } from '../../../shared/audit';
import type { KeyRecord } from '../../../shared/keys';
import type { Context } from 'hono';
import type { Env } from '../context';

const authorOf = (c: Context<Env>) => actorOf(c.get('principal') as KeyRecord & { email?: string }).name;
import type { Services } from '../services';


/** Freeze the roadmap and every shipped epic's outcome as of a day. */
export async function createIteration(s: Services, input: { name: string; asOf?: string }, author: string): Promise<Iteration> {
  const { asOf, roadmap, outcomes } = await allOutcomes(s, input.asOf);
  const [latest, asks] = await Promise.all([s.reviews.latestOf(outcomes.map((o) => o.epicId)), s.asks.all()]);
  const demand = demandByEpic(asks, asOf);
  const createdAt = new Date(s.now()).toISOString();
  const id = `it-${createdAt.replace(/[-:]/g, '').slice(0, 15).toLowerCase()}-${randomBytes(3).toString('hex')}`;
  const iteration: Iteration = { id, name: input.name, asOf, createdAt, author, roadmap, outcomes: outcomes.map((o) => summarizeOutcome(o, latest[o.epicId])), ...(Object.keys(demand).length ? { demand } : {}) };
  return s.iterations.create(iteration);
}

async function proposal(s: Services, req: PlanRequest) {
  const { asOf, roadmap, outcomes } = await allOutcomes(s, req.asOf);
  const [latest, asks] = await Promise.all([s.reviews.latestOf(outcomes.map((o) => o.epicId)), s.asks.all()]);
  const summaries = outcomes.map((o) => summarizeOutcome(o, latest[o.epicId]));
  const calibration = calibrate(roadmap, outcomes.map((o) => ({ epicId: o.epicId, adoptionRate: o.adoption.rate, verdict: o.verdict })));
  const known = new Set(roadmap.milestones.map((m) => m.id));
  const unknown = req.capacity.filter((c) => !known.has(c.milestoneId)).map((c) => c.milestoneId);
  if (unknown.length) throw badRequest(`unknown milestone(s) in capacity: ${unknown.join(', ')}`);
  const result = plan({ roadmap, capacity: req.capacity, calibration, outcomes: summaries, reviews: Object.values(latest), asOf, horizonMonths: req.horizonMonths, demand: demandByEpic(asks, asOf), demandWeight: req.demandWeight });
  return { roadmap, result };
}

export function iterationRoutes(r: Router) {
  const tags = ['Iterations'];
  endpoint(r, { method: 'get', path: '/iterations', summary: 'Iteration history, newest first', tags, auth: 'viewer', responses: { 200: { description: 'Iterations', schema: z.array(IterationHeader) } } }, async (c) =>
    c.json(await c.get('services').iterations.list()),
  );

  endpoint(r, { method: 'post', path: '/iterations', summary: 'Freeze the roadmap and every outcome as of a day', tags, auth: 'editor', body: IterationInput, responses: { 201: { description: 'The snapshot', schema: Iteration } } }, async (c, { body }) => {
    const it = await createIteration(c.get('services'), body, authorOf(c));
    await recordAudit(c, { action: 'iteration.create', target: { type: 'iteration', id: it.id }, changes: [{ field: 'iteration', from: null, to: { name: it.name, asOf: it.asOf } }] });
    return c.json(it, 201);
  });

  endpoint(r, { method: 'get', path: '/iterations/:id', summary: 'One iteration snapshot', tags, auth: 'viewer', responses: { 200: { description: 'The snapshot', schema: Iteration } } }, async (c, { params }) => {
    const it = await c.get('services').iterations.get<Iteration>(params.id);
    if (!it) throw notFound('iteration', params.id);
    return c.json(it);
  });

  endpoint(
    r,
    { method: 'get', path: '/iterations/:id/diff', summary: 'What changed from `against` to this iteration, with the outcome evidence behind each change', tags, auth: 'viewer', query: z.object({ against: RouteId }).strict(), responses: { 200: { description: 'The diff', schema: IterationDiff } } },
    async (c, { params, query }) => {
      const s = c.get('services');
      const [self, other] = await Promise.all([s.iterations.get<Iteration>(params.id), s.iterations.get<Iteration>(query.against)]);
      if (!self) throw notFound('iteration', params.id);
      if (!other) throw notFound('iteration', query.against);
      return c.json(diffIterations(other, self));
    },
  );

  endpoint(r, { method: 'get', path: '/calibration', summary: 'Predicted vs measured adoption of shipped epics; a factor per theme', tags: ['Planner'], auth: 'viewer', query: z.object({ asOf: DateParam.optional() }).strict(), responses: { 200: { description: 'Calibration', schema: Calibration } } }, async (c, { query }) => {
    const { roadmap, outcomes } = await allOutcomes(c.get('services'), query.asOf);
    return c.json(calibrate(roadmap, outcomes.map((o) => ({ epicId: o.epicId, adoptionRate: o.adoption.rate, verdict: o.verdict }))));
  });

  endpoint(r, { method: 'post', path: '/plan', summary: 'Propose the next iteration from capacity and measured outcomes (changes nothing)', tags: ['Planner'], auth: 'viewer', body: PlanRequest, responses: { 200: { description: 'The proposal', schema: PlanProposal } } }, async (c, { body }) =>
    c.json((await proposal(c.get('services'), body)).result),
  );

  endpoint(
    r,
    {
      method: 'post',
      path: '/plan/accept',
      summary: 'Re-run the (deterministic) planner for this request, apply its proposal to the roadmap and open the next iteration',
      tags: ['Planner'],
      auth: 'editor',
      body: PlanAcceptRequest,
      errors: { 409: 'the roadmap changed while the plan was applied; nothing changed, retry' },
      responses: { 201: { description: 'The new roadmap and iteration', schema: PlanAccepted } },
    },
    async (c, { body }) => {
      const s = c.get('services');
      const { iterationName, ...req } = body;
      const before = await s.roadmaps.get();
      const { roadmap, result } = await proposal(s, req);
      const next = acceptPlan(roadmap, result);
      await s.roadmaps.replace(next, before?.version);
      await s.markDirty();
      const name = iterationName ?? `Plan accepted ${new Date(s.now()).toISOString().slice(0, 10)}`;
      const iteration = await createIteration(s, { name, asOf: req.asOf }, authorOf(c));
      const { changes, counts } = roadmapChanges(before?.roadmap, next);
      await recordAudit(c, { action: 'plan.accept', target: { type: 'iteration', id: iteration.id }, changes, counts, summary: `${describeCounts(counts)}; opened iteration "${iteration.name}"` });
      return c.json({ proposal: result, roadmap: next, iteration }, 201);
    },
  );
}
