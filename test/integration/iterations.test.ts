/**
 * Monthly iterations through the API: snapshot → later roadmap edits leave it untouched →
 * plan with capacity → accept → new iteration → the diff explains each change by outcomes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollup } from '../../functions/src/analytics/rollup';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { pushSimulation, simulate } from '../../functions/src/demo/simulate';
import { inProcessSender } from '../../functions/src/local/demo';
import { addDays } from '../../shared/primitives';
import { formatPercent } from '../../shared/iteration';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-11-20';

describe('iterations, calibration and the planner', () => {
  let ctx: TestContext;
  const world = fabrikamWorld(TODAY);
  const future = world.roadmap.milestones.filter((m) => m.start > TODAY).map((m) => m.id);

  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.setNow(Date.parse(`${TODAY}T12:00:00Z`));
    await ctx.services.roadmaps.replace(world.roadmap);
    const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: world.historyStart, to: addDays(TODAY, -1), users: 400, seed: 5 });
    await pushSimulation(sim, inProcessSender(ctx.services, ctx.tokens.ingest), { parallel: 4 });
    await runRollup(ctx.services, { force: true });
  }, 120_000);
  afterAll(() => ctx?.close());

  it('freezes the roadmap and outcomes; later edits do not change the snapshot', async () => {
    const created = await ctx.call('POST', '/api/v1/iterations', { body: { name: 'November 2026' }, token: ctx.tokens.editor });
    expect(created.status).toBe(201);
    expect(created.body.roadmap.epics).toHaveLength(world.roadmap.epics.length);
    const outfit = created.body.outcomes.find((o: { epicId: string }) => o.epicId === 'outfit-sharing');
    expect(outfit.verdict).toBe('missed');

    const renamed = await ctx.call('PATCH', '/api/v1/epics/gift-cards', { body: { title: 'Gift cards 2.0' }, token: ctx.tokens.editor });
    expect(renamed.status).toBe(200);
    const again = await ctx.call('GET', `/api/v1/iterations/${created.body.id}`, { token: ctx.tokens.viewer });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);
    expect(again.body.roadmap.epics.find((e: { id: string }) => e.id === 'gift-cards').title).toBe('Digital gift cards');

    const list = await ctx.call('GET', '/api/v1/iterations', { token: ctx.tokens.viewer });
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    expect(list.body[0]).not.toHaveProperty('roadmap');
  });

  it('calibrates predicted adoption against measured outcomes per theme', async () => {
    const res = await ctx.call('GET', '/api/v1/calibration', { token: ctx.tokens.viewer });
    expect(res.status).toBe(200);
    const acquire = res.body.themes.find((t: { themeId: string }) => t.themeId === 'acquire');
    expect(acquire.n).toBeGreaterThan(0);
    // outfit sharing promised 12% and delivered ~3%: the theme's factor falls below 1
    expect(acquire.factor).toBeLessThan(1);
  });

  it('plans within capacity, proposes a follow-up for a missed epic marked iterate, and accepting opens a new iteration whose diff cites the evidence', async () => {
    // (outfit sharing already has its follow-up in the demo: referral rewards; price-drop alerts has none)
    const review = await ctx.call('POST', '/api/v1/epics/price-drop-alerts/reviews', { body: { decision: 'iterate', note: 'Try smarter thresholds' }, token: ctx.tokens.editor });
    expect(review.status).toBe(201);
    const before = await ctx.call('POST', '/api/v1/iterations', { body: { name: 'Before plan' }, token: ctx.tokens.editor });

    const capacity = future.map((milestoneId) => ({ milestoneId, engineering: 10, design: 4 }));
    const proposal = await ctx.call('POST', '/api/v1/plan', { body: { capacity }, token: ctx.tokens.viewer });
    expect(proposal.status).toBe(200);
    const epics = new Map(world.roadmap.epics.map((e) => [e.id, e]));
    for (const c of capacity) {
      const placed = proposal.body.placements.filter((p: { milestoneId: string }) => p.milestoneId === c.milestoneId);
      const effort = (id: string, k: 'engineering' | 'design') =>
        epics.get(id)?.estimate?.effortWeeks[k] ?? (epics.get(id.replace(/-v2$/, ''))?.estimate?.effortWeeks[k] ?? 0) / 2;
      expect(placed.reduce((s: number, p: { epicId: string }) => s + effort(p.epicId, 'engineering'), 0)).toBeLessThanOrEqual(c.engineering + 1e-9);
      expect(placed.reduce((s: number, p: { epicId: string }) => s + effort(p.epicId, 'design'), 0)).toBeLessThanOrEqual(c.design + 1e-9);
    }
    expect(proposal.body.placements.every((p: { reason: string }) => p.reason.length > 0)).toBe(true);
    expect(proposal.body.followUps.map((f: { epicId: string }) => f.epicId)).toContain('price-drop-alerts-v2');
    // deterministic
    const again = await ctx.call('POST', '/api/v1/plan', { body: { capacity }, token: ctx.tokens.viewer });
    expect(again.body).toEqual(proposal.body);

    expect((await ctx.call('POST', '/api/v1/plan/accept', { body: { capacity }, token: ctx.tokens.viewer })).status).toBe(403);
    const accepted = await ctx.call('POST', '/api/v1/plan/accept', { body: { capacity, iterationName: 'December 2026' }, token: ctx.tokens.editor });
    expect(accepted.status).toBe(201);
    expect(accepted.body.iteration.name).toBe('December 2026');
    const roadmap = await ctx.call('GET', '/api/v1/roadmap', { token: ctx.tokens.viewer });
    for (const p of proposal.body.placements) {
      expect(roadmap.body.epics.find((e: { id: string }) => e.id === p.epicId)?.milestoneId).toBe(p.milestoneId);
    }

    const diff = await ctx.call('GET', `/api/v1/iterations/${accepted.body.iteration.id}/diff?against=${before.body.id}`, { token: ctx.tokens.viewer });
    expect(diff.status).toBe(200);
    const added = diff.body.changes.find((c: { epicId: string; kind: string }) => c.epicId === 'price-drop-alerts-v2' && c.kind === 'added');
    expect(added).toBeDefined();
    const outfit = before.body.outcomes.find((o: { epicId: string }) => o.epicId === 'price-drop-alerts');
    expect(added.evidence).toContain(`adoption ${formatPercent(outfit.adoptionRate)} vs target 10%`);
    expect(added.evidence).toMatch(/iterate/);
    const unknown = await ctx.call('GET', `/api/v1/iterations/${accepted.body.iteration.id}/diff?against=it-nope`, { token: ctx.tokens.viewer });
    expect(unknown.status).toBe(404);
  });

  it('rejects capacity for milestones the roadmap does not have', async () => {
    const res = await ctx.call('POST', '/api/v1/plan', { body: { capacity: [{ milestoneId: '1999-01', engineering: 5, design: 1 }] }, token: ctx.tokens.viewer });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/1999-01/);
  });
});
