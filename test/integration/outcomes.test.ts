/**
 * A simulated world whose truths only this test knows, pushed through the real ingest API;
 * the outcome and impact endpoints must recover it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollup } from '../../functions/src/analytics/rollup';
import { pushSimulation, simulate, type Simulation } from '../../functions/src/demo/simulate';
import { inProcessSender } from '../../functions/src/local/demo';
import { addDays } from '../../shared/primitives';
import { Roadmap } from '../../shared/roadmap';
import type { DemoTruth } from '../../functions/src/demo/fabrikam';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-09-30';
const START = '2026-03-15';
const ship = (n: number) => addDays(START, n);
const adoption = (value: number) => ({ metric: 'adoption_rate', op: '>=' as const, value, windowDays: 28 });

const roadmap = Roadmap.parse({
  mission: { statement: 'Test world' },
  themes: [
    { id: 'growth', name: 'Growth' },
    { id: 'styling', name: 'Styling' },
  ],
  milestones: [{ id: 'm1', name: 'M1', start: START, end: TODAY }],
  epics: [
    // strong effect, meets its targets
    { id: 'strong', title: 'Strong', themeId: 'styling', status: 'shipped', shippedAt: ship(40), signals: { events: ['Strong Used'] },
      targets: [adoption(0.2), { metric: 'kpi:conversion', op: '>=', value: 0.002, windowDays: 28 }] },
    // null effect on the KPI, adoption misses its target
    { id: 'null-effect', title: 'Null effect', themeId: 'growth', status: 'shipped', shippedAt: ship(100), signals: { events: ['Null Used'] },
      targets: [adoption(0.1), { metric: 'kpi:conversion', op: '>=', value: 0.002, windowDays: 28 }] },
    // two launches in one theme, 10 days apart: confounded
    { id: 'first', title: 'First', themeId: 'growth', status: 'shipped', shippedAt: ship(150), signals: { events: ['First Used'] }, targets: [adoption(0.1)] },
    { id: 'second', title: 'Second', themeId: 'growth', status: 'shipped', shippedAt: ship(160), signals: { events: ['Second Used'] }, targets: [adoption(0.05)] },
    // shipped 10 days before today: its window has not closed
    { id: 'recent', title: 'Recent', themeId: 'styling', status: 'shipped', shippedAt: addDays(TODAY, -10), signals: { events: ['Recent Used'] }, targets: [adoption(0.1)] },
    { id: 'planned', title: 'Planned', themeId: 'styling', status: 'planned', targets: [adoption(0.1)] },
  ],
  stories: [],
});

const truths: DemoTruth[] = [
  { epicId: 'strong', adoption: 0.3, satisfactionShift: 0, kpiLift: { name: 'conversion', lift: 0.006 }, engagementLift: 2 },
  { epicId: 'null-effect', adoption: 0.06, satisfactionShift: 0, engagementLift: 0 },
  { epicId: 'first', adoption: 0.2, satisfactionShift: 0, engagementLift: 0 },
  { epicId: 'second', adoption: 0.12, satisfactionShift: 0, engagementLift: 0 },
  { epicId: 'recent', adoption: 0.25, satisfactionShift: 0, engagementLift: 0 },
];

describe('outcomes recover a simulated world', () => {
  let ctx: TestContext;
  let sim: Simulation;

  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.setNow(Date.parse(`${TODAY}T12:00:00Z`));
    await ctx.services.roadmaps.replace(roadmap);
    sim = simulate({ roadmap, truths, from: START, to: addDays(TODAY, -1), users: 900, seed: 11, dailyActivity: 0.15, kpiBase: { conversion: 0.03 } });
    await pushSimulation(sim, inProcessSender(ctx.services, ctx.tokens.ingest), { parallel: 4 });
    await runRollup(ctx.services, { force: true });
  }, 120_000);
  afterAll(() => ctx?.close());

  const outcome = async (id: string, asOf = TODAY) => {
    const res = await ctx.call('GET', `/api/v1/epics/${id}/outcome?asOf=${asOf}`, { token: ctx.tokens.viewer });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('counts adopters and active users exactly as generated, and the adoption CI covers the true rate', async () => {
    for (const id of ['strong', 'null-effect', 'first', 'second']) {
      const o = await outcome(id);
      const truth = sim.realized.find((r) => r.epicId === id)!;
      expect(o.adoption.adopters).toBe(truth.adopters);
      expect(o.adoption.activeUsers).toBe(truth.activeUsers);
      expect(Math.abs(o.adoption.rate - truth.adopters / truth.activeUsers)).toBeLessThan(0.01);
      const [lo, hi] = o.adoption.ci95;
      expect(lo).toBeLessThanOrEqual(truth.trueAdoption);
      expect(hi).toBeGreaterThanOrEqual(truth.trueAdoption);
    }
  });

  it('recovers the KPI lift with a CI containing the true lift, and does not call a null effect significant', async () => {
    const strong = (await outcome('strong')).kpis.find((k: { name: string }) => k.name === 'conversion');
    expect(strong.ci95[0]).toBeLessThanOrEqual(0.006);
    expect(strong.ci95[1]).toBeGreaterThanOrEqual(0.006);
    expect(strong.pValue).toBeLessThan(0.001);
    expect(strong.before.n).toBe(28);
    expect(strong.after.n).toBe(28);

    const nul = (await outcome('null-effect')).kpis.find((k: { name: string }) => k.name === 'conversion');
    expect(nul.ci95[0]).toBeLessThanOrEqual(0);
    expect(nul.ci95[1]).toBeGreaterThanOrEqual(0);
    expect(nul.pValue).toBeGreaterThan(0.05);
  });

  it('gives the verdicts the design calls for', async () => {
    const strong = await outcome('strong');
    expect(strong.verdict).toBe('met');
    expect(strong.targets.every((t: { status: string }) => t.status === 'met')).toBe(true);
    const nul = await outcome('null-effect');
    expect(nul.verdict).toBe('missed');
    expect(nul.targets.find((t: { metric: string }) => t.metric === 'adoption_rate').status).toBe('missed');
    expect((await outcome('recent')).verdict).toBe('too_early');
    expect((await outcome('planned')).verdict).toBe('not_shipped');
    // as of a day inside strong's window, it is too early and the series stops at asOf
    const early = await outcome('strong', ship(45));
    expect(early.verdict).toBe('too_early');
    expect(early.adoption.series).toHaveLength(6);
    expect(early.targets[0].status).toBe('pending');
  });

  it('flags launches in the same theme with overlapping windows as confounded', async () => {
    const first = await outcome('first');
    expect(first.confounded).toBe(true);
    expect(first.overlaps.map((o: { epicId: string }) => o.epicId)).toEqual(['second']);
    expect((await outcome('strong')).confounded).toBe(false);
  });

  it('the matched adopters-vs-non-adopters comparison: a positive effect whose interval covers the true lift', async () => {
    const e = (await outcome('strong')).engagement;
    expect(e.adopters.n + e.nonAdopters.n).toBeGreaterThan(100);
    expect(e.did).toBeGreaterThan(0); // descriptive
    expect(e.horizonDays).toBe(14);
    expect(e.matched).toBeGreaterThan(20);
    expect(e.effect).toBeGreaterThan(0);
    // the simulator's lift: 2 extra active days per 28 = 1 per 14 days after first use
    expect(e.ci95[0]).toBeLessThanOrEqual(1);
    expect(e.ci95[1]).toBeGreaterThanOrEqual(1);
    // the null-effect epic's interval covers 0
    const nul = (await outcome('null-effect')).engagement;
    expect(nul.ci95[0]).toBeLessThanOrEqual(0);
    expect(nul.ci95[1]).toBeGreaterThanOrEqual(0);
  });

  it('impact summarises the portfolio per theme and per shipped epic', async () => {
    const res = await ctx.call('GET', `/api/v1/impact?asOf=${TODAY}`, { token: ctx.tokens.viewer });
    expect(res.status).toBe(200);
    const ids = res.body.epics.map((e: { id: string }) => e.id).sort();
    expect(ids).toEqual(['first', 'null-effect', 'recent', 'second', 'strong']);
    const growth = res.body.themes.find((t: { id: string }) => t.id === 'growth');
    expect(growth.shippedEpics).toBe(3);
    const strong = res.body.epics.find((e: { id: string }) => e.id === 'strong');
    expect(strong.verdict).toBe('met');
    expect(strong.adoptionRate).toBeCloseTo(sim.realized.find((r) => r.epicId === 'strong')!.adopters / sim.realized.find((r) => r.epicId === 'strong')!.activeUsers, 10);
  });

  it('re-attributes history when an epic’s signals change, without re-ingesting', async () => {
    const before = await outcome('second');
    const patched = await ctx.call('PATCH', '/api/v1/epics/second', { body: { signals: { events: ['Second Used', 'First Used'] } }, token: ctx.tokens.editor });
    expect(patched.status).toBe(200);
    await runRollup(ctx.services);
    const after = await outcome('second');
    expect(after.adoption.adopters).toBeGreaterThan(before.adoption.adopters);
    expect(after.adoption.activeUsers).toBe(before.adoption.activeUsers);
  });
});
