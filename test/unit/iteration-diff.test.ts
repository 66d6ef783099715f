import { describe, expect, it } from 'vitest';
import { Roadmap, type EpicInput } from '../../shared/roadmap';
import type { Outcome } from '../../shared/outcome-types';
import type { Review } from '../../shared/review';
import {
  Iteration,
  IterationDiff,
  IterationInput,
  diffIterations,
  formatMetric,
  formatPercent,
  summarizeOutcome,
  type OutcomeSummary,
} from '../../shared/iteration';

const EST = { reach: 20000, impact: 2, confidence: 0.8, effortWeeks: { engineering: 6, design: 2 } };

const baseEpics: EpicInput[] = [
  {
    id: 'outfit-sharing',
    title: 'Outfit sharing',
    themeId: 'social',
    milestoneId: '2026-10',
    status: 'shipped',
    shippedAt: '2026-10-02',
    targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }],
    estimate: EST,
  },
  {
    id: 'size-advisor',
    title: 'Size advisor',
    themeId: 'ai-styling',
    milestoneId: '2026-11',
    status: 'planned',
    targets: [{ metric: 'csat', op: '>=', value: 4.2, windowDays: 28 }],
    estimate: EST,
  },
  {
    id: 'virtual-try-on',
    title: 'Virtual try-on',
    themeId: 'ai-styling',
    milestoneId: '2026-10',
    status: 'in_progress',
    estimate: EST,
  },
];

function doc(epics: EpicInput[]): Roadmap {
  return Roadmap.parse({
    mission: { statement: 'Help everyone dress with confidence' },
    themes: [
      { id: 'ai-styling', name: 'AI styling' },
      { id: 'social', name: 'Social' },
    ],
    milestones: [
      { id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' },
      { id: '2026-11', name: 'November 2026', start: '2026-11-01', end: '2026-11-30' },
      { id: '2026-12', name: 'December 2026', start: '2026-12-01', end: '2026-12-31' },
    ],
    epics,
  });
}

function summary(epicId: string, over: Partial<OutcomeSummary> = {}): OutcomeSummary {
  return {
    epicId,
    verdict: 'not_shipped',
    verdictReason: '',
    adoptionRate: null,
    adopters: 0,
    activeUsers: 0,
    csat: null,
    satisfactionChange: null,
    kpiLifts: [],
    targets: [],
    decision: null,
    decisionNote: null,
    ...over,
  };
}

const missedSharing = summary('outfit-sharing', {
  verdict: 'missed',
  verdictReason: 'adoption below target',
  adoptionRate: 0.031,
  adopters: 31,
  activeUsers: 1000,
  targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28, actual: 0.031, status: 'missed', confident: true }],
});

function iteration(id: string, asOf: string, epics: EpicInput[], outcomes: OutcomeSummary[] = []): Iteration {
  return { id, name: id, asOf, createdAt: `${asOf}T09:00:00.000Z`, author: 'pm', roadmap: doc(epics), outcomes };
}

const edit = (id: string, patch: Partial<EpicInput>) => baseEpics.map((e) => (e.id === id ? { ...e, ...patch } : e));
const older = iteration('nov', '2026-11-01', baseEpics, [missedSharing]);

describe('diffIterations: one change of each kind', () => {
  it('reports nothing between identical snapshots', () => {
    const d = diffIterations(older, iteration('dec', '2026-12-01', baseEpics));
    expect(d.changes).toEqual([]);
    expect(d.summary.total).toBe(0);
    expect(d.from).toEqual({ id: 'nov', name: 'nov', asOf: '2026-11-01' });
    expect(d.to).toEqual({ id: 'dec', name: 'dec', asOf: '2026-12-01' });
  });

  it('added', () => {
    const newer = iteration('dec', '2026-12-01', [
      ...baseEpics,
      { id: 'style-quiz', title: 'Style quiz', themeId: 'ai-styling', milestoneId: '2026-12' },
    ]);
    const d = diffIterations(older, newer);
    expect(d.changes).toEqual([
      {
        epicId: 'style-quiz',
        title: 'Style quiz',
        kind: 'added',
        from: null,
        to: { themeId: 'ai-styling', milestoneId: '2026-12', status: 'planned' },
        detail: 'added to 2026-12 (theme ai-styling, planned)',
      },
    ]);
    expect(d.summary).toMatchObject({ added: 1, total: 1 });
  });

  it('removed, with evidence from the older snapshot and the decision', () => {
    const newer = iteration(
      'dec',
      '2026-12-01',
      baseEpics.filter((e) => e.id !== 'outfit-sharing'),
      [],
    );
    const withDecision = { ...older, outcomes: [{ ...missedSharing, decision: 'sunset' as const, decisionNote: 'no pull' }] };
    const d = diffIterations(withDecision, newer);
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({
      epicId: 'outfit-sharing',
      kind: 'removed',
      from: { themeId: 'social', milestoneId: '2026-10', status: 'shipped' },
      to: null,
      decision: 'sunset',
      evidence: 'Outfit sharing removed: adoption 3.1% vs target 10% (missed), decision sunset',
    });
  });

  it('moved between milestones', () => {
    const d = diffIterations(older, iteration('dec', '2026-12-01', edit('size-advisor', { milestoneId: '2026-12' })));
    expect(d.changes).toEqual([
      expect.objectContaining({
        epicId: 'size-advisor',
        kind: 'moved',
        from: { themeId: 'ai-styling', milestoneId: '2026-11' },
        to: { themeId: 'ai-styling', milestoneId: '2026-12' },
        detail: 'milestone 2026-11 → 2026-12',
      }),
    ]);
    expect(d.changes[0].evidence).toBeUndefined();
  });

  it('moved between themes, and unscheduled', () => {
    const d = diffIterations(
      older,
      iteration('dec', '2026-12-01', edit('size-advisor', { themeId: 'social', milestoneId: undefined })),
    );
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({
      kind: 'moved',
      from: { themeId: 'ai-styling', milestoneId: '2026-11' },
      to: { themeId: 'social', milestoneId: null },
      detail: 'theme ai-styling → social; milestone 2026-11 → unscheduled',
    });
  });

  it('status, cancelled reads as cut and cites the measured outcome', () => {
    const newer = iteration('dec', '2026-12-01', edit('outfit-sharing', { status: 'cancelled', shippedAt: undefined }), [
      { ...missedSharing, decision: 'sunset' },
    ]);
    const d = diffIterations(older, newer);
    expect(d.changes).toEqual([
      expect.objectContaining({
        epicId: 'outfit-sharing',
        kind: 'status',
        from: 'shipped',
        to: 'cancelled',
        decision: 'sunset',
        evidence: 'Outfit sharing cut: adoption 3.1% vs target 10% (missed), decision sunset',
      }),
    ]);
  });

  it('status to shipped, citing the newer snapshot when only it has a measured outcome', () => {
    const newer = iteration(
      'dec',
      '2026-12-01',
      edit('virtual-try-on', { status: 'shipped', shippedAt: '2026-10-06' }),
      [
        summary('virtual-try-on', {
          verdict: 'met',
          adoptionRate: 0.2528,
          csat: 4.31,
          targets: [
            { metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28, actual: 0.2528, status: 'met', confident: true },
            { metric: 'csat', op: '>=', value: 4.2, windowDays: 28, actual: 4.31, status: 'met', confident: false },
            { metric: 'kpi:checkout_conversion', op: '>=', value: 0.005, windowDays: 28, actual: 0.006, status: 'met', confident: true },
          ],
          decision: 'double_down',
        }),
      ],
    );
    const withEarly = { ...older, outcomes: [missedSharing, summary('virtual-try-on')] };
    const [c] = diffIterations(withEarly, newer).changes;
    expect(c).toMatchObject({ kind: 'status', from: 'in_progress', to: 'shipped', detail: 'in_progress → shipped (2026-10-06)' });
    expect(c.evidence).toBe(
      'Virtual try-on shipped: adoption 25.3% vs target 15% (met), CSAT 4.31 vs target 4.2 (met), checkout_conversion lift +0.006 vs target +0.005 (met), decision double_down',
    );
  });

  it('targets', () => {
    const newer = iteration(
      'dec',
      '2026-12-01',
      edit('size-advisor', { targets: [{ metric: 'csat', op: '>=', value: 4.4, windowDays: 28 }] }),
    );
    const d = diffIterations(older, newer);
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({
      kind: 'targets',
      from: [{ metric: 'csat', op: '>=', value: 4.2, windowDays: 28 }],
      to: [{ metric: 'csat', op: '>=', value: 4.4, windowDays: 28 }],
      detail: 'csat >= 4.2 (28d) → csat >= 4.4 (28d)',
    });
  });

  it('does not report reordered but equal targets', () => {
    const two = [
      { metric: 'csat', op: '>=' as const, value: 4.2, windowDays: 28 },
      { metric: 'adoption_rate', op: '>=' as const, value: 0.1, windowDays: 28 },
    ];
    const a = iteration('a', '2026-11-01', edit('size-advisor', { targets: two }));
    const b = iteration('b', '2026-12-01', edit('size-advisor', { targets: [...two].reverse() }));
    expect(diffIterations(a, b).changes).toEqual([]);
  });

  it('estimate', () => {
    const newer = iteration(
      'dec',
      '2026-12-01',
      edit('size-advisor', { estimate: { ...EST, effortWeeks: { engineering: 8, design: 2 } } }),
    );
    const d = diffIterations(older, newer);
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({
      kind: 'estimate',
      from: EST,
      to: { ...EST, effortWeeks: { engineering: 8, design: 2 } },
      detail:
        'reach 20000, impact 2, confidence 80%, 6 eng + 2 design weeks → reach 20000, impact 2, confidence 80%, 8 eng + 2 design weeks',
    });
  });

  it('estimate removed', () => {
    const newer = iteration('dec', '2026-12-01', edit('size-advisor', { estimate: undefined }));
    const [c] = diffIterations(older, newer).changes;
    expect(c).toMatchObject({ kind: 'estimate', from: EST, to: null });
    expect(c.detail.endsWith('→ no estimate')).toBe(true);
  });

  it('renamed', () => {
    const newer = iteration('dec', '2026-12-01', edit('size-advisor', { title: 'Fit finder' }));
    expect(diffIterations(older, newer).changes).toEqual([
      expect.objectContaining({ epicId: 'size-advisor', title: 'Fit finder', kind: 'renamed', from: 'Size advisor', to: 'Fit finder' }),
    ]);
  });
});

describe('diffIterations: order, counts and direction', () => {
  const newer = iteration(
    'dec',
    '2026-12-01',
    [
      // size-advisor: moved, status, targets, estimate and renamed at once
      {
        id: 'size-advisor',
        title: 'Fit finder',
        themeId: 'social',
        milestoneId: '2026-12',
        status: 'in_progress',
        targets: [],
        estimate: { ...EST, reach: 1 },
      },
      baseEpics[2],
      { id: 'a-first', title: 'A first', themeId: 'social' },
    ],
  );

  it('orders by epic id, then kind, and counts per kind', () => {
    const d = diffIterations(older, newer);
    expect(d.changes.map((c) => `${c.epicId}:${c.kind}`)).toEqual([
      'a-first:added',
      'outfit-sharing:removed',
      'size-advisor:moved',
      'size-advisor:status',
      'size-advisor:targets',
      'size-advisor:estimate',
      'size-advisor:renamed',
    ]);
    expect(d.summary).toEqual({ added: 1, removed: 1, moved: 1, status: 1, targets: 1, estimate: 1, renamed: 1, total: 7 });
  });

  it('is the mirror image when the snapshots are swapped (?against= semantics)', () => {
    const forward = diffIterations(older, newer);
    const backward = diffIterations(newer, older);
    expect(backward.from.id).toBe('dec');
    expect(backward.changes.map((c) => `${c.epicId}:${c.kind}`)).toEqual([
      'a-first:removed',
      'outfit-sharing:added',
      'size-advisor:moved',
      'size-advisor:status',
      'size-advisor:targets',
      'size-advisor:estimate',
      'size-advisor:renamed',
    ]);
    const fwdStatus = forward.changes.find((c) => c.kind === 'status')!;
    const bwdStatus = backward.changes.find((c) => c.kind === 'status')!;
    expect([bwdStatus.from, bwdStatus.to]).toEqual([fwdStatus.to, fwdStatus.from]);
  });

  it('does not depend on the order of epics in the documents', () => {
    const shuffled = { ...newer, roadmap: { ...newer.roadmap, epics: [...newer.roadmap.epics].reverse() } };
    expect(diffIterations(older, shuffled)).toEqual(diffIterations(older, newer));
  });

  it('returns what the IterationDiff schema accepts', () => {
    const d = diffIterations(older, newer);
    expect(IterationDiff.parse(d)).toEqual(d);
  });
});

describe('diffIterations: evidence', () => {
  it('cites the original epic when a follow-up is added', () => {
    const iterate = { ...missedSharing, decision: 'iterate' as const };
    const a = iteration('nov', '2026-11-01', baseEpics, [iterate]);
    const b = iteration(
      'dec',
      '2026-12-01',
      [...baseEpics, { id: 'outfit-sharing-v2', title: 'Outfit sharing v2', themeId: 'social', followUpOf: 'outfit-sharing' }],
      [iterate],
    );
    const [c] = diffIterations(a, b).changes;
    expect(c).toMatchObject({ epicId: 'outfit-sharing-v2', kind: 'added', decision: 'iterate' });
    expect(c.evidence).toBe(
      'Outfit sharing v2 added as follow-up of Outfit sharing: adoption 3.1% vs target 10% (missed), decision iterate',
    );
  });

  it('says when it is too early to judge, and shows the figures so far', () => {
    const early = summary('size-advisor', {
      verdict: 'too_early',
      adoptionRate: 0.04,
      targets: [{ metric: 'csat', op: '>=', value: 4.2, windowDays: 28, actual: 3.9, status: 'pending', confident: false }],
    });
    const a = iteration('nov', '2026-11-01', baseEpics, [early]);
    const b = iteration('dec', '2026-12-01', edit('size-advisor', { milestoneId: '2026-12' }), [early]);
    expect(diffIterations(a, b).changes[0].evidence).toBe(
      'Size advisor moved to 2026-12: too early to judge, CSAT 3.9 vs target 4.2 (pending)',
    );
  });

  it('falls back to the adoption rate when no target has a value, and shows ≤ targets', () => {
    const noTargets = summary('size-advisor', { verdict: 'missed', adoptionRate: 0.005 });
    const a = iteration('nov', '2026-11-01', baseEpics, [noTargets]);
    const b = iteration('dec', '2026-12-01', edit('size-advisor', { title: 'Fit finder' }), []);
    expect(diffIterations(a, b).changes[0].evidence).toBe('Fit finder renamed from "Size advisor": adoption 0.5%');

    const le = summary('size-advisor', {
      verdict: 'met',
      targets: [{ metric: 'nps', op: '<=', value: 10, windowDays: 28, actual: -5, status: 'met', confident: false }],
    });
    const c = iteration('nov', '2026-11-01', baseEpics, [le]);
    expect(diffIterations(c, b).changes[0].evidence).toBe('Fit finder renamed from "Size advisor": NPS -5 vs target ≤ 10 (met)');
  });

  it('gives a decision alone as evidence, and nothing when there is neither outcome nor decision', () => {
    const a = iteration('nov', '2026-11-01', baseEpics, [summary('size-advisor', { decision: 'keep' })]);
    const b = iteration('dec', '2026-12-01', edit('size-advisor', { milestoneId: '2026-12' }));
    const [c] = diffIterations(a, b).changes;
    expect(c.evidence).toBe('Size advisor moved to 2026-12: decision keep');
    expect(c.decision).toBe('keep');

    const [d] = diffIterations(iteration('nov', '2026-11-01', baseEpics), b).changes;
    expect(d.evidence).toBeUndefined();
    expect(d.decision).toBeUndefined();
  });

  it('formats adoption as a percentage and other metrics as numbers', () => {
    expect(formatPercent(0.031)).toBe('3.1%');
    expect(formatPercent(0.1)).toBe('10%');
    expect(formatPercent(0.2528)).toBe('25.3%');
    expect(formatMetric('adoption_rate', 0.15)).toBe('15%');
    expect(formatMetric('csat', 4.3125)).toBe('4.31');
    expect(formatMetric('satisfaction_lift', 0.15)).toBe('+0.15');
    expect(formatMetric('kpi:aov', -1.234)).toBe('-1.23');
    expect(formatMetric('nps', 42)).toBe('42');
  });
});

describe('summarizeOutcome', () => {
  const outcome: Outcome = {
    epicId: 'virtual-try-on',
    asOf: '2026-11-20',
    shippedAt: '2026-10-06',
    windowDays: 28,
    windowEnd: '2026-11-02',
    verdict: 'met',
    verdictReason: 'every target met',
    confounded: false,
    overlaps: [],
    adoption: { adopters: 412, activeUsers: 1630, rate: 0.2528, ci95: [0.23, 0.27], series: [] },
    satisfaction: {
      csat: { mean: 4.31, n: 120, ci95: [4.2, 4.4] },
      nps: null,
      productCsat: { before: { mean: 3.9, n: 300 }, after: { mean: 4.05, n: 310 }, diff: 0.15, ci95: [0.02, 0.28], pValue: 0.02 },
    },
    kpis: [
      {
        name: 'checkout_conversion',
        before: { mean: 0.03, n: 28 },
        after: { mean: 0.036, n: 28 },
        lift: 0.006,
        relativeLift: 0.2,
        ci95: [0.004, 0.008],
        pValue: 0.0001,
        placebo: null,
        trendWarning: false,
        series: [],
      },
    ],
    engagement: null,
    targets: [
      { metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28, actual: 0.2528, status: 'met', confident: true, ci95: [0.23, 0.27], n: 1630 },
    ],
    distinctCounts: 'exact',
  };
  const review: Review = {
    id: 'r1',
    epicId: 'virtual-try-on',
    decision: 'double_down',
    note: 'expand to all markets',
    author: 'pm',
    createdAt: '2026-11-21T10:00:00Z',
  };

  it('keeps the headline figures and the latest decision', () => {
    expect(summarizeOutcome(outcome, review)).toEqual({
      epicId: 'virtual-try-on',
      verdict: 'met',
      verdictReason: 'every target met',
      adoptionRate: 0.2528,
      adopters: 412,
      activeUsers: 1630,
      csat: 4.31,
      satisfactionChange: 0.15,
      kpiLifts: [{ name: 'checkout_conversion', lift: 0.006 }],
      targets: [{ metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28, actual: 0.2528, status: 'met', confident: true }],
      decision: 'double_down',
      decisionNote: 'expand to all markets',
    });
  });

  it('has no decision without a review, and ignores a review of another epic', () => {
    expect(summarizeOutcome(outcome)).toMatchObject({ decision: null, decisionNote: null });
    expect(summarizeOutcome(outcome, { ...review, epicId: 'other' })).toMatchObject({ decision: null, decisionNote: null });
  });

  it('fits in an Iteration the schema accepts', () => {
    const it0 = iteration('nov', '2026-11-01', baseEpics, [summarizeOutcome(outcome, review)]);
    expect(Iteration.parse(it0).outcomes[0].decision).toBe('double_down');
    expect(IterationInput.safeParse({ name: 'December 2026', asOf: '2026-12-01' }).success).toBe(true);
    expect(IterationInput.safeParse({ name: '', asOf: '2026-12-01' }).success).toBe(false);
    expect(IterationInput.safeParse({ name: 'x', asOf: '2026-02-30' }).success).toBe(false);
    expect(IterationInput.safeParse({ name: 'x'.repeat(121) }).success).toBe(false);
  });
});
