import { describe, expect, it } from 'vitest';
import { computeOutcome, describeTarget, evaluateTarget, findOverlaps, type ComputeOutcomeArgs } from '../../shared/outcome';
import { Outcome, type ChangeMoments, type EpicRollup, type KpiPoint, type SatisfactionDay } from '../../shared/outcome-types';
import { addDays } from '../../shared/primitives';
import { Epic, Target, type EpicInput } from '../../shared/roadmap';

const SHIP = '2026-10-06'; // window (28 days) closes 2026-11-02; pre-window 2026-09-08 … 2026-10-05
const AFTER = '2026-11-20';

function epicOf(targets: EpicInput['targets'] = [], extra: Partial<EpicInput> = {}): Epic {
  return Epic.parse({
    id: 'virtual-try-on',
    title: 'Virtual try-on',
    themeId: 'ai-styling',
    status: 'shipped',
    shippedAt: SHIP,
    signals: { events: ['Try-On Started'] },
    targets,
    ...extra,
  });
}

const A_DEFAULT: ChangeMoments = { n: 4, sumBefore: 20, sumAfter: 32, sumChange: 12, sumChangeSq: 38 }; // changes 2,3,3,4
const N_DEFAULT: ChangeMoments = { n: 5, sumBefore: 25, sumAfter: 25, sumChange: 0, sumChangeSq: 2 }; // changes 0,1,−1,0,0
const A_DAY10: ChangeMoments = { n: 2, sumBefore: 10, sumAfter: 6, sumChange: -4, sumChangeSq: 10 }; // changes −1,−3

/** adopters_k = round(412·((k+1)/28)^1.5), active_k = round(1630·(k+1)/28): 412 / 1,630 on day 28. */
function rollupOf(windowDays = 28, days = windowDays, shippedAt = SHIP, scale = 1): EpicRollup {
  const series = Array.from({ length: days }, (_, k) => ({
    date: addDays(shippedAt, k),
    adopters: Math.round(scale * 412 * ((k + 1) / windowDays) ** 1.5),
    activeUsers: Math.round(scale * 1630 * ((k + 1) / windowDays)),
  }));
  return {
    epicId: 'virtual-try-on',
    shippedAt,
    windowDays,
    signalKey: '["epic:virtual-try-on","ev:Try-On Started"]',
    series,
    did: series.map((s, k) => ({ date: s.date, adopters: k === 9 ? A_DAY10 : A_DEFAULT, nonAdopters: N_DEFAULT })),
  };
}

function sat(date: string, scope: string, scale: 'csat' | 'nps', n: number, sum: number, sumSq: number, promoters = 0, detractors = 0): SatisfactionDay {
  return { date, scope, scale, n, sum, sumSq, promoters, detractors };
}

const SMALL_SATISFACTION: SatisfactionDay[] = [
  sat('2026-10-01', 'virtual-try-on', 'csat', 5, 5, 5), // before the ship day: not the epic's window
  sat('2026-10-10', 'virtual-try-on', 'csat', 2, 9, 41), // scores 4, 5
  sat('2026-10-20', 'virtual-try-on', 'csat', 1, 3, 9), // score 3
  sat('2026-11-05', 'virtual-try-on', 'csat', 5, 5, 5), // after the window
  sat('2026-10-12', 'virtual-try-on', 'nps', 10, 75, 650, 5, 2),
  sat('2026-09-01', 'product', 'csat', 10, 10, 10), // before the pre-window
  sat('2026-09-20', 'product', 'csat', 4, 16, 66), // pre-window: 3, 4, 4, 5
  sat('2026-10-20', 'product', 'csat', 4, 19, 91), // window: 4, 5, 5, 5
  sat('2026-10-20', 'other-epic', 'csat', 50, 50, 50), // another epic's scope
];

/** pre-window alternates 0.029/0.031 (mean 0.030), window alternates 0.035/0.037 (mean 0.036). */
function conversionPoints(): KpiPoint[] {
  const points: KpiPoint[] = [{ date: addDays(SHIP, -29), value: 1 }, { date: addDays(SHIP, 28), value: 1 }];
  for (let i = 0; i < 28; i++) {
    points.push({ date: addDays(SHIP, -28 + i), value: i % 2 === 0 ? 0.029 : 0.031 });
    points.push({ date: addDays(SHIP, i), value: i % 2 === 0 ? 0.035 : 0.037 });
  }
  return points;
}

function args(over: Partial<ComputeOutcomeArgs> = {}): ComputeOutcomeArgs {
  return {
    epic: epicOf(),
    asOf: AFTER,
    rollup: rollupOf(),
    satisfaction: SMALL_SATISFACTION,
    kpis: [{ name: 'checkout_conversion', points: conversionPoints() }],
    overlaps: [],
    ...over,
  };
}

function outcome(over: Partial<ComputeOutcomeArgs> = {}): Outcome {
  const o = computeOutcome(args(over));
  expect(Outcome.parse(o)).toEqual(o); // every result has the binding shape
  return o;
}

describe('adoption', () => {
  it('adopters / active users over S … S+W−1 once the window has closed, with a Wilson CI and the daily series', () => {
    const o = outcome();
    expect(o.shippedAt).toBe(SHIP);
    expect(o.windowDays).toBe(28);
    expect(o.windowEnd).toBe('2026-11-02');
    expect(o.adoption.adopters).toBe(412);
    expect(o.adoption.activeUsers).toBe(1630);
    expect(o.adoption.rate).toBeCloseTo(0.252760736196319, 14);
    expect(o.adoption.ci95![0]).toBeCloseTo(0.2322609558727226, 12);
    expect(o.adoption.ci95![1]).toBeCloseTo(0.2744231255914787, 12);
    expect(o.adoption.series).toHaveLength(28);
    expect(o.adoption.series[0]).toEqual({ date: SHIP, adopters: 3, activeUsers: 58, rate: 3 / 58 });
    expect(o.adoption.series[27].date).toBe('2026-11-02');
    expect(o.distinctCounts).toBe('exact');
  });

  it('window crossing asOf: counts through asOf only, too_early, targets pending', () => {
    const o = outcome({ asOf: '2026-10-15', epic: epicOf([{ metric: 'adoption_rate', op: '>=', value: 0.15 }]) });
    expect(o.windowEnd).toBe('2026-10-15');
    expect(o.adoption.adopters).toBe(88);
    expect(o.adoption.activeUsers).toBe(582);
    expect(o.adoption.series).toHaveLength(10);
    expect(o.verdict).toBe('too_early');
    expect(o.verdictReason).toBe('the 28-day window closes on 2026-11-02 (day 10 of 28)');
    expect(o.targets[0]).toMatchObject({ status: 'pending', confident: false, actual: 88 / 582 });
  });

  it('ship day today: one day of data', () => {
    const o = outcome({ asOf: SHIP, rollup: rollupOf(28, 1) });
    expect(o.windowEnd).toBe(SHIP);
    expect(o.adoption).toMatchObject({ adopters: 3, activeUsers: 58 });
    expect(o.adoption.series).toHaveLength(1);
    expect(o.verdict).toBe('too_early');
    expect(o.verdictReason).toContain('day 1 of 28');
  });

  it('asOf before the ship day: nothing measured yet', () => {
    const o = outcome({ asOf: '2026-10-01' });
    expect(o.windowEnd).toBeNull();
    expect(o.adoption).toEqual({ adopters: 0, activeUsers: 0, rate: null, ci95: null, series: [] });
    expect(o.verdict).toBe('too_early');
    expect(o.verdictReason).toBe('ships on 2026-10-06, after 2026-10-01');
  });

  it('a rollup that stops early is read at its last day', () => {
    const o = outcome({ rollup: rollupOf(28, 14) });
    expect(o.adoption).toMatchObject({ adopters: 146, activeUsers: 815 });
  });

  it('ignores a rollup for another ship day or window length', () => {
    expect(outcome({ rollup: rollupOf(28, 28, '2026-10-07') }).adoption.activeUsers).toBe(0);
    expect(outcome({ rollup: rollupOf(14) }).adoption.activeUsers).toBe(0);
  });

  it('zero active users (no events): rate and CI are null, not NaN', () => {
    const empty = rollupOf();
    empty.series = empty.series.map((s) => ({ ...s, adopters: 0, activeUsers: 0 }));
    const o = outcome({ rollup: empty, epic: epicOf([{ metric: 'adoption_rate', op: '>=', value: 0.15 }]) });
    expect(o.adoption.rate).toBeNull();
    expect(o.adoption.ci95).toBeNull();
    expect(o.adoption.series.every((s) => s.rate === null)).toBe(true);
    expect(o.targets[0]).toMatchObject({ actual: null, status: 'unknown', confident: false });
    expect(o.verdict).toBe('insufficient_data');
    expect(o.verdictReason).toBe('only 0 active users in the window (need ≥ 30)');
  });

  it('no rollup at all', () => {
    const o = outcome({ rollup: null });
    expect(o.adoption.activeUsers).toBe(0);
    expect(o.engagement).toBeNull();
  });
});

describe('satisfaction', () => {
  it('epic CSAT mean with a t interval (clipped to the 1–5 scale) and NPS over the window; product CSAT pre-window vs window (Welch)', () => {
    const o = outcome();
    // epic csat in window: 4, 5, 3
    expect(o.satisfaction.csat!.mean).toBe(4);
    expect(o.satisfaction.csat!.n).toBe(3);
    expect(o.satisfaction.csat!.ci95![0]).toBeCloseTo(1.5158622882496702, 10);
    expect(o.satisfaction.csat!.ci95![1]).toBe(5); // t interval 6.484…, clipped to the scale
    expect(o.satisfaction.nps).toEqual({ score: 30, n: 10, promoters: 5, detractors: 2 });
    const p = o.satisfaction.productCsat!;
    expect(p.before).toEqual({ mean: 4, n: 4 });
    expect(p.after).toEqual({ mean: 4.75, n: 4 });
    expect(p.diff).toBeCloseTo(0.75, 14);
    expect(p.ci95![0]).toBeCloseTo(-0.48261443868439824, 9);
    expect(p.ci95![1]).toBeCloseTo(1.9826144386843982, 9);
    expect(p.pValue).toBeCloseTo(0.1782849332640069, 9);
  });

  it('counts only responses up to asOf', () => {
    const o = outcome({ asOf: '2026-10-15' });
    expect(o.satisfaction.csat!.n).toBe(2);
    expect(o.satisfaction.csat!.mean).toBe(4.5);
    expect(o.satisfaction.csat!.ci95).toEqual([1, 5]); // t interval [−1.85, 10.85], clipped to the scale
    expect(o.satisfaction.productCsat!.after).toEqual({ mean: null, n: 0 });
    expect(o.satisfaction.productCsat!.diff).toBeNull();
  });

  it('a single response: mean but no interval; no responses: null', () => {
    const one = outcome({
      satisfaction: [sat('2026-10-10', 'virtual-try-on', 'csat', 1, 5, 25), sat('2026-10-10', 'virtual-try-on', 'nps', 1, 10, 100, 1, 0)],
      epic: epicOf([{ metric: 'csat', op: '>=', value: 4.2 }]),
    });
    expect(one.satisfaction.csat).toEqual({ mean: 5, n: 1, ci95: null });
    expect(one.satisfaction.nps).toEqual({ score: 100, n: 1, promoters: 1, detractors: 0 });
    expect(one.satisfaction.productCsat).toBeNull();
    expect(one.targets[0]).toMatchObject({ actual: 5, status: 'met', confident: false, n: 1 });
    expect(one.verdict).toBe('insufficient_data');
    expect(one.verdictReason).toBe('only 1 response for the csat target (need ≥ 30)');
    const none = outcome({ satisfaction: [] });
    expect(none.satisfaction).toEqual({ csat: null, nps: null, productCsat: null });
  });
});

describe('KPI lift', () => {
  it('mean daily value pre-window vs window: absolute and relative lift, CI and p robust to day-to-day correlation (EWC), series for charts', () => {
    const [k] = outcome().kpis;
    expect(k.name).toBe('checkout_conversion');
    expect(k.before.n).toBe(28);
    expect(k.after.n).toBe(28);
    expect(k.before.mean).toBeCloseTo(0.03, 15);
    expect(k.after.mean).toBeCloseTo(0.036, 15);
    expect(k.lift).toBeCloseTo(0.006, 14);
    expect(k.relativeLift).toBeCloseTo(0.2, 12);
    // numpy/scipy EWC per side (3 cosine terms each), Welch–Satterthwaite df: test/helpers/ewc-fixtures.json
    expect(k.ci95![0]).toBeCloseTo(0.005856155295181384, 12);
    expect(k.ci95![1]).toBeCloseTo(0.006143844704818606, 12);
    expect(k.pValue! / 5.962016391095874e-11).toBeCloseTo(1, 4);
    expect(k.series).toHaveLength(56);
    expect(k.series[0]).toEqual({ date: '2026-09-08', value: 0.029 });
    expect(k.series[55]).toEqual({ date: '2026-11-02', value: 0.037 });
    // one value in the placebo period (S−29): no "before" side there, so no placebo test
    expect(k.placebo).toEqual({ lift: null, ci95: null, pValue: null });
    expect(k.trendWarning).toBe(false);
  });

  it('placebo: the same test on S−3W … S−W−1 split at S−2W; a steady trend raises trendWarning', () => {
    // a KPI rising 0.0001 a day with small alternating noise, from S−84 through the window
    const points = Array.from({ length: 112 }, (_, i) => ({ date: addDays(SHIP, -84 + i), value: 0.03 + 0.0001 * i + (i % 2 ? 0.0002 : -0.0002) }));
    const [k] = outcome({ kpis: [{ name: 'checkout_conversion', points }] }).kpis;
    expect(k.series).toHaveLength(56); // the chart keeps pre-window + window
    expect(k.placebo!.lift).toBeCloseTo(0.0028, 12); // 28 days of 0.0001 a day
    expect(k.placebo!.pValue).toBeLessThan(0.05);
    expect(k.trendWarning).toBe(true);
    // flat before the pre-window: no warning
    const flat = points.map((p, i) => (i < 56 ? { ...p, value: 0.03 + (i % 2 ? 0.0002 : -0.0002) } : p));
    const [f] = outcome({ kpis: [{ name: 'checkout_conversion', points: flat }] }).kpis;
    expect(f.placebo!.lift).toBeCloseTo(0, 12);
    expect(f.trendWarning).toBe(false);
  });

  it('relative lift is null when the pre-window mean is 0; CI null when neither period varies', () => {
    const points = [
      ...Array.from({ length: 28 }, (_, i) => ({ date: addDays(SHIP, -28 + i), value: 0 })),
      ...Array.from({ length: 28 }, (_, i) => ({ date: addDays(SHIP, i), value: 0.1 })),
    ];
    const [k] = outcome({ kpis: [{ name: 'returns', points }] }).kpis;
    expect(k.lift).toBeCloseTo(0.1, 15);
    expect(k.relativeLift).toBeNull();
    expect(k.ci95).toBeNull();
    expect(k.pValue).toBeNull();
  });

  it('a KPI with no points', () => {
    const [k] = outcome({ kpis: [{ name: 'aov', points: [] }] }).kpis;
    expect(k).toEqual({
      name: 'aov', before: { mean: null, n: 0 }, after: { mean: null, n: 0 }, lift: null, relativeLift: null, ci95: null, pValue: null,
      placebo: null, trendWarning: false, series: [],
    });
  });

  it('a KPI target needs ≥ 14 days with a value on each side of launch, else insufficient data', () => {
    const kpiTarget = epicOf([{ metric: 'kpi:checkout_conversion', op: '>=', value: 0.005 }]);
    const points = conversionPoints().filter((p) => p.date >= addDays(SHIP, -13)); // 13 days before
    const o = outcome({ epic: kpiTarget, kpis: [{ name: 'checkout_conversion', points }] });
    expect(o.targets[0]).toMatchObject({ status: 'met', n: 13 });
    expect(o.verdict).toBe('insufficient_data');
    expect(o.verdictReason).toBe('only 13 days with a checkout_conversion value on one side of launch (need ≥ 14 before and after)');
    const enough = outcome({ epic: kpiTarget, kpis: [{ name: 'checkout_conversion', points: conversionPoints().filter((p) => p.date >= addDays(SHIP, -14)) }] });
    expect(enough.verdict).toBe('met');
  });
});

describe('engagement', () => {
  it('did: mean change of adopters − mean change of non-adopters, descriptive (no interval)', () => {
    const e = outcome().engagement!;
    expect(e.adopters).toEqual({ before: 5, after: 8, n: 4 });
    expect(e.nonAdopters).toEqual({ before: 5, after: 5, n: 5 });
    expect(e.did).toBe(3);
    expect(e.horizonDays).toBe(14);
    // this rollup has no matched cells: no matched estimate, no interval
    expect(e).toMatchObject({ effect: null, ci95: null, matched: 0 });
  });

  it('reads did at the asOf day', () => {
    const e = outcome({ asOf: '2026-10-15' }).engagement!;
    expect(e.adopters).toEqual({ before: 5, after: 3, n: 2 });
    expect(e.did).toBe(-2);
  });

  it('effect: the matched estimate from the rollup cells, as of asOf', () => {
    // day 0, k = 2: adopters Y = 6, 8; controls with no use (Y = 3, 5) and one who first uses on day 20 (Y = 1)
    const matched = { '0.2': [2, 14, 100, 0, 0, 0, 2, 8, 34], '0.2.20': [1, 1, 1] };
    const late = outcome({ rollup: { ...rollupOf(), matched } }).engagement!;
    expect(late.effect).toBeCloseTo(3, 12); // window closed: controls 3, 5 (mean 4)
    expect(late.matched).toBe(2);
    const early = outcome({ asOf: addDays(SHIP, 19), rollup: { ...rollupOf(), matched } }).engagement!;
    expect(early.effect).toBeCloseTo(4, 12); // as of day 19 the day-20 adopter is a control too: mean 3
    const tooEarly = outcome({ asOf: addDays(SHIP, 13), rollup: { ...rollupOf(), matched } }).engagement!;
    expect(tooEarly).toMatchObject({ effect: null, matched: 0 }); // day 0 + 14 > asOf
  });
});

describe('targets', () => {
  const adoption = (op: '>=' | '<=', value: number) => outcome({ epic: epicOf([{ metric: 'adoption_rate', op, value }]) }).targets[0];

  it('met / missed by the point estimate; confident when the 95% CI lies wholly on that side', () => {
    // rate 0.2528, CI [0.2323, 0.2744]
    expect(adoption('>=', 0.15)).toMatchObject({ status: 'met', confident: true, n: 1630, windowDays: 28 });
    expect(adoption('>=', 0.25)).toMatchObject({ status: 'met', confident: false });
    expect(adoption('>=', 0.26)).toMatchObject({ status: 'missed', confident: false });
    expect(adoption('>=', 0.3)).toMatchObject({ status: 'missed', confident: true });
    expect(adoption('<=', 0.3)).toMatchObject({ status: 'met', confident: true });
    expect(adoption('<=', 0.24)).toMatchObject({ status: 'missed', confident: false });
    expect(adoption('<=', 0.2)).toMatchObject({ status: 'missed', confident: true });
  });

  it('evaluateTarget edges: boundary counts as met, null actual is unknown, open window is pending', () => {
    const t = Target.parse({ metric: 'csat', op: '>=', value: 4 });
    expect(evaluateTarget(t, 4, [4, 4.5], true)).toEqual({ status: 'met', confident: true });
    expect(evaluateTarget(t, 3.9, [3.5, 4], true)).toEqual({ status: 'missed', confident: false });
    expect(evaluateTarget(t, 4.2, null, true)).toEqual({ status: 'met', confident: false });
    expect(evaluateTarget(t, null, null, true)).toEqual({ status: 'unknown', confident: false });
    expect(evaluateTarget(t, 4.5, [4.4, 4.6], false)).toEqual({ status: 'pending', confident: false });
  });

  it('metrics map to csat mean, NPS score, product CSAT diff and KPI absolute lift', () => {
    const o = outcome({
      epic: epicOf([
        { metric: 'csat', op: '>=', value: 3.5 },
        { metric: 'nps', op: '>=', value: 20 },
        { metric: 'satisfaction_lift', op: '>=', value: 0.1 },
        { metric: 'kpi:checkout_conversion', op: '>=', value: 0.005 },
        { metric: 'kpi:missing_kpi', op: '>=', value: 0.005 },
      ]),
    });
    const [csat, nps, lift, kpi, missing] = o.targets;
    expect(csat).toMatchObject({ actual: 4, status: 'met', confident: false, n: 3 });
    expect(nps).toMatchObject({ actual: 30, status: 'met', confident: false, n: 10 });
    expect(nps.ci95![0]).toBeCloseTo(-28.893374158648655, 8);
    expect(lift).toMatchObject({ status: 'met', confident: false, n: 4 });
    expect(lift.actual).toBeCloseTo(0.75, 14);
    expect(kpi).toMatchObject({ status: 'met', confident: true, n: 28 });
    expect(kpi.actual).toBeCloseTo(0.006, 14);
    expect(missing).toMatchObject({ actual: null, status: 'unknown' });
  });

  it('a target with a shorter window is measured over its own window', () => {
    const o = outcome({
      epic: epicOf([
        { metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 14 },
        { metric: 'csat', op: '>=', value: 4.2, windowDays: 14 },
      ]),
    });
    // day 14 of the 28-day rollup's cumulative series: 146 / 815
    expect(o.targets[0]).toMatchObject({ actual: 146 / 815, n: 815, status: 'met', confident: true });
    expect(o.targets[0].ci95![0]).toBeCloseTo(0.15433810239999443, 12);
    // csat over S … S+13: the 2026-10-20 response falls outside
    expect(o.targets[1]).toMatchObject({ actual: 4.5, n: 2, status: 'met' });
  });

  it('a target with a longer window is pending until it closes, then needs a rollup of that length', () => {
    const epic = epicOf([
      { metric: 'adoption_rate', op: '>=', value: 0.15 },
      { metric: 'adoption_rate', op: '<=', value: 0.9, windowDays: 56 },
    ]);
    const pending = outcome({ epic });
    expect(pending.targets[1]).toMatchObject({ status: 'pending', confident: false, actual: null });
    expect(pending.verdict).toBe('too_early');
    expect(pending.verdictReason).toBe('the 56-day window of the adoption_rate target closes on 2026-11-30');

    const noRollup = outcome({ epic, asOf: '2026-12-10' });
    expect(noRollup.targets[1]).toMatchObject({ status: 'unknown', actual: null });
    expect(noRollup.verdict).toBe('insufficient_data');
    expect(noRollup.verdictReason).toBe('no data for adoption_rate');

    const withRollup = outcome({ epic, asOf: '2026-12-10', rollupsByWindow: { 56: rollupOf(56, 56, SHIP, 2) } });
    expect(withRollup.targets[1]).toMatchObject({ status: 'met', confident: true, actual: 824 / 3260, n: 3260 });
    expect(withRollup.adoption.adopters).toBe(412); // the main window still uses the 28-day rollup
    expect(withRollup.verdict).toBe('met');
  });
});

describe('epic verdict', () => {
  const BIG_CSAT = [...SMALL_SATISFACTION.filter((d) => d.scope !== 'virtual-try-on'), sat('2026-10-15', 'virtual-try-on', 'csat', 100, 431, 1900)];
  const targets = (csat: number): EpicInput['targets'] => [
    { metric: 'adoption_rate', op: '>=', value: 0.15 },
    { metric: 'csat', op: '>=', value: csat },
    { metric: 'kpi:checkout_conversion', op: '>=', value: 0.005 },
  ];

  it('met when every target is met, with a readable reason', () => {
    const o = outcome({ epic: epicOf(targets(4.2)), satisfaction: BIG_CSAT });
    expect(o.verdict).toBe('met');
    expect(o.verdictReason).toBe(
      'all 3 targets met: adoption 25.3% vs target ≥ 15% (n=1,630); CSAT 4.31 vs target ≥ 4.2 (n=100); checkout_conversion lift +0.006 vs target ≥ 0.005 (n=28 days)',
    );
    expect(o.targets[1].ci95![0]).toBeCloseTo(4.1801615666556895, 10);
    expect(o.targets[1].confident).toBe(false);
  });

  it('missed when any target is missed', () => {
    const o = outcome({ epic: epicOf(targets(4.5)), satisfaction: BIG_CSAT });
    expect(o.verdict).toBe('missed');
    expect(o.verdictReason).toBe('missed 1 of 3 targets: CSAT 4.31 vs target ≥ 4.5 (n=100)');
    expect(o.targets[1]).toMatchObject({ status: 'missed', confident: true });
  });

  it('insufficient_data below 30 active users', () => {
    const o = outcome({ epic: epicOf(targets(4.2)), satisfaction: BIG_CSAT, rollup: rollupOf(28, 28, SHIP, 0.01) });
    expect(o.adoption.activeUsers).toBe(16);
    expect(o.verdict).toBe('insufficient_data');
    expect(o.verdictReason).toBe('only 16 active users in the window (need ≥ 30)');
  });

  it('insufficient_data for a satisfaction target with fewer than 30 responses (lift: the smaller period)', () => {
    const csat = outcome({ epic: epicOf(targets(4.2)) });
    expect(csat.verdict).toBe('insufficient_data');
    expect(csat.verdictReason).toBe('only 3 responses for the csat target (need ≥ 30)');
    const lift = outcome({
      epic: epicOf([{ metric: 'satisfaction_lift', op: '>=', value: 0.1 }]),
      satisfaction: [sat('2026-09-20', 'product', 'csat', 300, 1200, 4900), sat('2026-10-20', 'product', 'csat', 29, 130, 600)],
    });
    expect(lift.targets[0].n).toBe(29);
    expect(lift.verdictReason).toBe('only 29 responses for the satisfaction_lift target (need ≥ 30)');
  });

  it('an epic with no targets is insufficient_data: "no targets set"', () => {
    const o = outcome({ epic: epicOf([]) });
    expect(o.verdict).toBe('insufficient_data');
    expect(o.verdictReason).toBe('no targets set');
  });

  it('not_shipped for an epic that has not shipped', () => {
    const o = outcome({ epic: epicOf([{ metric: 'adoption_rate', op: '>=', value: 0.15 }], { status: 'in_progress', shippedAt: undefined }) });
    expect(o.verdict).toBe('not_shipped');
    expect(o.shippedAt).toBeNull();
    expect(o.windowEnd).toBeNull();
    expect(o.adoption.activeUsers).toBe(0);
    expect(o.targets[0]).toMatchObject({ status: 'pending', actual: null });
  });
});

describe('confounding and freshness', () => {
  it('confounded when other launches overlap the window', () => {
    const overlaps = [{ epicId: 'style-quiz', title: 'Style quiz', shippedAt: '2026-10-20' }];
    const o = outcome({ overlaps });
    expect(o.confounded).toBe(true);
    expect(o.overlaps).toEqual(overlaps);
    expect(outcome().confounded).toBe(false);
  });

  it('freshness: how far behind the rollup is', () => {
    const o = outcome({ rolledUpAt: '2026-11-20T00:00:00.000Z', now: Date.parse('2026-11-20T00:05:00Z') });
    expect(o.freshness).toEqual({ rolledUpAt: '2026-11-20T00:00:00.000Z', behindSeconds: 300 });
    expect(outcome({ rolledUpAt: null }).freshness).toEqual({ rolledUpAt: null, behindSeconds: null });
    expect(outcome().freshness).toBeUndefined();
  });
});

describe('findOverlaps', () => {
  const base = { themeId: 'ai-styling', status: 'shipped' as const };
  const me = { ...base, id: 'virtual-try-on', title: 'Virtual try-on', shippedAt: SHIP };
  const all = [
    me,
    { ...base, id: 'late', title: 'Late', shippedAt: addDays(SHIP, 27) }, // last day of the window: overlaps
    { ...base, id: 'later', title: 'Later', shippedAt: addDays(SHIP, 28) }, // window already closed: no
    { ...base, id: 'early', title: 'Early', shippedAt: addDays(SHIP, -27) }, // its window ends on S: overlaps
    { ...base, id: 'earlier', title: 'Earlier', shippedAt: addDays(SHIP, -28) }, // ends on S−1: no
    { ...base, id: 'same-day', title: 'Same day', shippedAt: SHIP },
    { ...base, id: 'other-theme', title: 'Other theme', themeId: 'checkout', shippedAt: SHIP },
    { id: 'planned', title: 'Planned', themeId: 'ai-styling', status: 'planned' as const, shippedAt: undefined },
  ];

  it('other shipped epics of the same theme whose windows overlap, ordered by ship day', () => {
    expect(findOverlaps(me, all, 28)).toEqual([
      { epicId: 'early', title: 'Early', shippedAt: '2026-09-09' },
      { epicId: 'same-day', title: 'Same day', shippedAt: SHIP },
      { epicId: 'late', title: 'Late', shippedAt: '2026-11-02' },
    ]);
  });

  it('depends on the window length; empty for an unshipped epic', () => {
    expect(findOverlaps(me, all, 7).map((o) => o.epicId)).toEqual(['same-day']);
    expect(findOverlaps({ ...me, status: 'planned', shippedAt: undefined }, all, 28)).toEqual([]);
  });
});

describe('describeTarget', () => {
  it('formats each metric for people', () => {
    const r = (metric: string, value: number, actual: number | null, n?: number) =>
      describeTarget({ metric, op: '>=', value, windowDays: 28, actual, status: 'met', confident: false, n });
    expect(r('adoption_rate', 0.15, 0.2528, 1630)).toBe('adoption 25.3% vs target ≥ 15% (n=1,630)');
    expect(r('nps', 30, 32.25, 12000)).toBe('NPS 32.3 vs target ≥ 30 (n=12,000)');
    expect(r('satisfaction_lift', 0.1, -0.05, 300)).toBe('product CSAT change -0.05 vs target ≥ 0.1 (n=300)');
    expect(r('csat', 4.2, null)).toBe('CSAT no data vs target ≥ 4.2');
  });
});
