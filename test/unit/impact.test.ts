import { describe, expect, it } from 'vitest';
import { computeImpact, Impact, type ComputeImpactArgs } from '../../shared/impact';
import { computeOutcome } from '../../shared/outcome';
import { Outcome, type EpicVerdict, type SatisfactionDay, type TargetResult } from '../../shared/outcome-types';
import { Roadmap } from '../../shared/roadmap';

const roadmap = Roadmap.parse({
  mission: { statement: 'Help everyone dress with confidence' },
  themes: [
    { id: 'ai-styling', name: 'AI styling' },
    { id: 'checkout', name: 'Checkout' },
    { id: 'empty', name: 'Nothing yet' },
  ],
  milestones: [{ id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' }],
  epics: [
    { id: 'try-on', title: 'Virtual try-on', themeId: 'ai-styling', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-09-01' },
    { id: 'quiz', title: 'Style quiz', themeId: 'ai-styling', status: 'shipped', shippedAt: '2026-09-10' },
    { id: 'one-click', title: 'One-click pay', themeId: 'checkout', status: 'shipped', shippedAt: '2026-11-01' },
    { id: 'no-outcome', title: 'No outcome yet', themeId: 'checkout', status: 'shipped', shippedAt: '2026-10-01' },
    { id: 'future', title: 'Ships later', themeId: 'checkout', status: 'shipped', shippedAt: '2026-12-01' },
    { id: 'planned', title: 'Planned', themeId: 'checkout', status: 'planned' },
  ],
});

function target(metric: string, op: '>=' | '<=', value: number, actual: number | null, status: TargetResult['status']): TargetResult {
  return { metric, op, value, windowDays: 28, actual, status, confident: false };
}

function fakeOutcome(epicId: string, verdict: EpicVerdict, o: Partial<Outcome> = {}): Outcome {
  return Outcome.parse({
    epicId,
    asOf: '2026-11-20',
    shippedAt: roadmap.epics.find((e) => e.id === epicId)!.shippedAt ?? null,
    windowDays: 28,
    windowEnd: null,
    verdict,
    verdictReason: `${verdict} because`,
    confounded: false,
    overlaps: [],
    adoption: { adopters: 0, activeUsers: 0, rate: null, ci95: null, series: [] },
    satisfaction: { csat: null, nps: null, productCsat: null },
    kpis: [],
    engagement: null,
    targets: [],
    distinctCounts: 'exact',
    ...o,
  });
}

const kpi = (name: string, lift: number, ci95: [number, number] | null) => ({
  name,
  before: { mean: 1, n: 28 },
  after: { mean: 1 + lift, n: 28 },
  lift,
  relativeLift: lift,
  ci95,
  pValue: 0.01,
  placebo: null,
  trendWarning: false,
  series: [],
});

const outcomes = [
  fakeOutcome('try-on', 'met', {
    windowEnd: '2026-09-28',
    adoption: { adopters: 400, activeUsers: 1600, rate: 0.25, ci95: [0.23, 0.27], series: [] },
    satisfaction: {
      csat: { mean: 4.3, n: 120, ci95: [4.2, 4.4] },
      nps: { score: 32, n: 50, promoters: 25, detractors: 9 },
      productCsat: { before: { mean: 3.9, n: 300 }, after: { mean: 4.1, n: 310 }, diff: 0.2, ci95: [0.05, 0.35], pValue: 0.01 },
    },
    kpis: [kpi('checkout_conversion', 0.006, [0.004, 0.008])],
    engagement: { adopters: { before: 5, after: 8, n: 300 }, nonAdopters: { before: 5, after: 5, n: 900 }, did: 3, effect: 0.8, ci95: [0.3, 1.3], matched: 250, horizonDays: 14 },
    targets: [target('adoption_rate', '>=', 0.15, 0.25, 'met'), target('csat', '>=', 4.2, 4.3, 'met')],
    confounded: true,
    overlaps: [{ epicId: 'quiz', title: 'Style quiz', shippedAt: '2026-09-10' }],
  }),
  fakeOutcome('quiz', 'missed', {
    windowEnd: '2026-10-07',
    adoption: { adopters: 50, activeUsers: 1000, rate: 0.05, ci95: [0.04, 0.06], series: [] },
    satisfaction: {
      csat: null,
      nps: null,
      productCsat: { before: { mean: 4, n: 300 }, after: { mean: 3.9, n: 300 }, diff: -0.1, ci95: [-0.2, 0], pValue: 0.05 },
    },
    kpis: [kpi('checkout_conversion', -0.002, [-0.003, -0.001]), kpi('aov', 0.5, [-1, 2])],
    // adoption misses by 0.10 on 0.15 (67%); nps misses by 10 on 40 (25%): adoption is the worst miss
    targets: [target('adoption_rate', '>=', 0.15, 0.05, 'missed'), target('nps', '>=', 40, 30, 'missed'), target('kpi:aov', '>=', 0, 0.5, 'met')],
    confounded: true,
  }),
  fakeOutcome('one-click', 'too_early', {
    windowEnd: '2026-11-20',
    adoption: { adopters: 10, activeUsers: 100, rate: 0.1, ci95: [0.05, 0.17], series: [] },
    targets: [target('adoption_rate', '>=', 0.15, 0.1, 'pending')],
  }),
  // outcomes for epics that are not shipped as of asOf are ignored
  fakeOutcome('future', 'too_early'),
];

function sat(date: string, n: number, sum: number, sumSq: number, scope = 'product', scale: 'csat' | 'nps' = 'csat'): SatisfactionDay {
  return { date, scope, scale, n, sum, sumSq, promoters: 0, detractors: 0 };
}

function args(over: Partial<ComputeImpactArgs> = {}): ComputeImpactArgs {
  return {
    roadmap,
    outcomes,
    asOf: '2026-11-20',
    productActive: [
      { date: '2026-11-21', activeUsers: 999 }, // after asOf
      { date: '2026-11-19', activeUsers: 5100 },
      { date: '2026-11-18', activeUsers: 5000 },
    ],
    productSatisfaction: [
      sat('2026-11-09', 2, 8, 32), // Monday
      sat('2026-11-15', 2, 10, 50), // Sunday, same ISO week
      sat('2026-11-16', 3, 12, 48), // next Monday: 4, 4, 4
      sat('2026-11-16', 40, 40, 40, 'quiz'), // an epic's scope: not product-wide
      sat('2026-11-16', 40, 400, 4000, 'product', 'nps'), // NPS: not CSAT
      sat('2026-11-23', 5, 25, 125), // after asOf
    ],
    latestReviews: { 'try-on': { decision: 'double_down', createdAt: '2026-11-05T10:00:00Z', author: 'pm@example.com' } },
    ...over,
  };
}

function impact(over: Partial<ComputeImpactArgs> = {}) {
  const r = computeImpact(args(over));
  expect(Impact.parse(r)).toEqual(r);
  return r;
}

describe('computeImpact: epics', () => {
  const r = impact();

  it('one row per epic shipped by asOf, newest first', () => {
    expect(r.asOf).toBe('2026-11-20');
    expect(r.epics.map((e) => e.id)).toEqual(['one-click', 'no-outcome', 'quiz', 'try-on']);
  });

  it('carries the outcome figures leadership sorts by', () => {
    const e = r.epics.find((x) => x.id === 'try-on')!;
    expect(e).toMatchObject({
      title: 'Virtual try-on',
      themeId: 'ai-styling',
      milestoneId: '2026-10',
      shippedAt: '2026-09-01',
      windowEnd: '2026-09-28',
      verdict: 'met',
      verdictReason: 'met because',
      confounded: true,
      adoptionRate: 0.25,
      adoptionCi95: [0.23, 0.27],
      adopters: 400,
      activeUsers: 1600,
      csat: 4.3,
      csatN: 120,
      nps: 32,
      npsN: 50,
      satisfactionChange: 0.2,
      satisfactionCi95: [0.05, 0.35],
      engagementDid: 3,
      targetsMet: 2,
      targetsMissed: 0,
      targetsPending: 0,
      targetsTotal: 2,
      worstMiss: null,
      decision: 'double_down',
      decisionAt: '2026-11-05T10:00:00Z',
      decisionBy: 'pm@example.com',
      awaitingDecision: false,
    });
    expect(e.kpiLifts).toEqual([{ name: 'checkout_conversion', lift: 0.006, relativeLift: 0.006, ci95: [0.004, 0.008], pValue: 0.01, trendWarning: false }]);
  });

  it('worstMiss is the missed target furthest from its target relative to the target', () => {
    const q = r.epics.find((x) => x.id === 'quiz')!;
    expect(q.worstMiss!.metric).toBe('adoption_rate');
    expect(q.worstMiss!.actual).toBe(0.05);
    expect(q.worstMiss!.target).toBe(0.15);
    expect(q.worstMiss!.gap).toBeCloseTo(-0.1, 15);
    expect(q.targetsMet).toBe(1);
    expect(q.targetsMissed).toBe(2);
    expect(q.awaitingDecision).toBe(true);
    expect(q.decision).toBeNull();
  });

  it('a shipped epic without an outcome is listed as insufficient_data', () => {
    const e = r.epics.find((x) => x.id === 'no-outcome')!;
    expect(e).toMatchObject({ verdict: 'insufficient_data', verdictReason: 'outcome not computed', adoptionRate: null, milestoneId: null, awaitingDecision: false });
  });
});

describe('computeImpact: themes', () => {
  const r = impact();

  it('one entry per roadmap theme, in roadmap order', () => {
    expect(r.themes.map((t) => t.id)).toEqual(['ai-styling', 'checkout', 'empty']);
  });

  it('counts epics and targets, and averages figures over epics whose window has closed', () => {
    const ai = r.themes[0];
    expect(ai).toMatchObject({
      id: 'ai-styling',
      name: 'AI styling',
      epics: 2,
      shippedEpics: 2,
      evaluatedEpics: 2,
      metEpics: 1,
      missedEpics: 1,
      metTargets: 3,
      missedTargets: 2,
      pendingTargets: 0,
      adopters: 450,
      activeUsers: 2600,
      kpiLiftCount: 1,
      kpiDropCount: 1,
    });
    expect(ai.meanAdoptionRate).toBeCloseTo(0.15, 15);
    expect(ai.satisfactionChange).toBeCloseTo(0.05, 15);
  });

  it('too_early epics count as shipped but not in the averages', () => {
    const checkout = r.themes[1];
    expect(checkout).toMatchObject({
      epics: 4,
      shippedEpics: 2, // one-click and no-outcome; `future` ships after asOf
      evaluatedEpics: 0,
      metTargets: 0,
      pendingTargets: 1,
      meanAdoptionRate: null,
      adopters: 0,
      activeUsers: 0,
      satisfactionChange: null,
    });
  });

  it('a theme with nothing shipped is all zeros and nulls', () => {
    expect(r.themes[2]).toMatchObject({ epics: 0, shippedEpics: 0, metTargets: 0, meanAdoptionRate: null });
  });
});

describe('computeImpact: headline', () => {
  it('portfolio counts and the share of evaluated epics meeting their targets', () => {
    const h = impact().headline;
    expect(h).toMatchObject({
      shippedEpics: 4,
      evaluatedEpics: 2,
      metEpics: 1,
      missedEpics: 1,
      tooEarlyEpics: 1,
      insufficientDataEpics: 1,
      shareMeetingTargets: 0.5,
      targetsMet: 3,
      targetsMissed: 2,
      confoundedEpics: 2,
      awaitingDecision: 1,
    });
  });

  it('product trends up to asOf: daily active users, weekly (Monday) product CSAT', () => {
    const h = impact().headline;
    expect(h.productActiveTrend).toEqual([
      { date: '2026-11-18', activeUsers: 5000 },
      { date: '2026-11-19', activeUsers: 5100 },
    ]);
    // week of 2026-11-09: scores sum 18 over 4 responses, Σx² = 82 → mean 4.5, s² = (82 − 81)/3
    expect(h.productCsatTrend.map(({ week, mean, n }) => ({ week, mean, n }))).toEqual([
      { week: '2026-11-09', mean: 4.5, n: 4 },
      { week: '2026-11-16', mean: 4, n: 3 },
    ]);
    const half = 3.1824463052837078 * Math.sqrt(1 / 3 / 4); // t_{0.975,3}·s/√n
    expect(h.productCsatTrend[0].ci95![0]).toBeCloseTo(4.5 - half, 9);
    expect(h.productCsatTrend[1].ci95).toBeNull(); // 4, 4, 4: no spread
  });

  it('nothing evaluated: share is null, not NaN', () => {
    const h = impact({ outcomes: [], productActive: [], productSatisfaction: [] }).headline;
    expect(h.shareMeetingTargets).toBeNull();
    expect(h.evaluatedEpics).toBe(0);
    expect(h.insufficientDataEpics).toBe(4);
    expect(h.productCsatTrend).toEqual([]);
  });
});

describe('computeImpact with real outcomes', () => {
  it('accepts computeOutcome output', () => {
    const epic = roadmap.epics.find((e) => e.id === 'one-click')!;
    const o = computeOutcome({ epic, asOf: '2026-11-20', rollup: null, satisfaction: [], kpis: [], overlaps: [] });
    const r = impact({ outcomes: [o] });
    expect(r.epics.find((e) => e.id === 'one-click')!.verdict).toBe('too_early');
    expect(r.headline.tooEarlyEpics).toBe(1);
  });
});
