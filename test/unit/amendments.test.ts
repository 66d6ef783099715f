/** Targets frozen at ship: the rules, the verdict against the planned target, the words, the audit diffs. Pure. */
import { describe, expect, it } from 'vitest';
import { applyTargetRules, describeAmendment, plannedOf, targetDifferences } from '../../shared/amendments';
import { describeCounts, fieldChanges, roadmapChanges } from '../../shared/audit';
import { computeOutcome } from '../../shared/outcome';
import { Outcome, type EpicRollup } from '../../shared/outcome-types';
import { computeImpact } from '../../shared/impact';
import { diffIterations, summarizeOutcome, type Iteration } from '../../shared/iteration';
import { addDays } from '../../shared/primitives';
import { Epic, type EpicInput, type Roadmap } from '../../shared/roadmap';

const SHIP = '2026-10-06';
const AFTER = '2026-11-20';
const AT = '2026-10-02T09:30:00.000Z';
const ANA = 'ana@fabrikam.example';
const adoption = (value: number) => ({ metric: 'adoption_rate', op: '>=' as const, value, windowDays: 28 });

function epicOf(extra: Partial<EpicInput> = {}): Epic {
  return Epic.parse({ id: 'outfit-sharing', title: 'Outfit sharing', themeId: 'acquire', status: 'shipped', shippedAt: SHIP, signals: { events: ['Outfit Shared'] }, targets: [adoption(0.1)], ...extra });
}

/** 412 adopters of 1,630 active users over the window: adoption 25.3%. */
function rollup(): EpicRollup {
  const series = Array.from({ length: 28 }, (_, k) => ({ date: addDays(SHIP, k), adopters: Math.round(412 * ((k + 1) / 28) ** 1.5), activeUsers: Math.round(1630 * ((k + 1) / 28)) }));
  return { epicId: 'outfit-sharing', shippedAt: SHIP, windowDays: 28, signalKey: 'x', series, did: [] };
}

const outcomeOf = (epic: Epic) => {
  const o = computeOutcome({ epic, asOf: AFTER, rollup: rollup(), satisfaction: [], kpis: [], overlaps: [] });
  expect(Outcome.parse(o)).toEqual(o);
  return o;
};

describe('the ship-freeze rules', () => {
  it('the targets at ship are the plan; written down when they could be lost (un-shipped), so un-ship, edit, re-ship cannot reset them', () => {
    const planned = epicOf({ status: 'planned', shippedAt: undefined });
    const r1 = applyTargetRules(undefined, planned, { at: AT, by: ANA });
    expect(r1.ok && plannedOf(r1.epic)).toBeUndefined();
    const r2 = applyTargetRules(planned, { ...planned, status: 'shipped', shippedAt: SHIP }, { at: AT, by: ANA });
    if (!r2.ok) throw new Error('ship refused');
    expect(plannedOf(r2.epic)).toEqual([adoption(0.1)]);
    const unshipped = applyTargetRules(r2.epic, { ...r2.epic, status: 'in_progress', shippedAt: undefined }, { at: AT, by: ANA });
    if (!unshipped.ok) throw new Error('un-ship refused');
    expect(unshipped.epic.plannedTargets).toEqual([adoption(0.1)]);
    expect(applyTargetRules(unshipped.epic, { ...unshipped.epic, targets: [adoption(0.01)] }, { at: AT, by: ANA }).ok).toBe(false);
  });

  it('refuses a target change after ship without a reason, naming the target', () => {
    const shipped = epicOf({ plannedTargets: [adoption(0.1)] });
    const r = applyTargetRules(shipped, { ...shipped, targets: [adoption(0.03)] }, { at: AT, by: ANA });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/outfit-sharing.*frozen.*adoption_rate.*"reason"/);
      expect(r.changes).toEqual([{ metric: 'adoption_rate', from: { op: '>=', value: 0.1, windowDays: 28 }, to: { op: '>=', value: 0.03, windowDays: 28 } }]);
    }
  });

  it('keeps a change with a reason as an amendment (when, who, from, to, why); the plan stays', () => {
    const shipped = epicOf({ plannedTargets: [adoption(0.1)] });
    const r = applyTargetRules(shipped, { ...shipped, targets: [adoption(0.03)] }, { at: AT, by: ANA, reason: 'sharing needs an incentive first' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.epic.plannedTargets).toEqual([adoption(0.1)]);
    expect(r.epic.targetAmendments).toEqual([{ at: AT, by: ANA, metric: 'adoption_rate', from: { op: '>=', value: 0.1, windowDays: 28 }, to: { op: '>=', value: 0.03, windowDays: 28 }, reason: 'sharing needs an incentive first' }]);
  });

  it('an epic shipped before plans were recorded counts its targets then as planned', () => {
    const legacy = epicOf();
    const r = applyTargetRules(legacy, { ...legacy, targets: [adoption(0.05)] }, { at: AT, by: ANA });
    expect(r.ok).toBe(false);
  });

  it('a client cannot bring its own plan or amendments: the stored ones win', () => {
    const shipped = epicOf({ plannedTargets: [adoption(0.1)] });
    const forged = { ...shipped, plannedTargets: [adoption(0.01)], targetAmendments: [] };
    const r = applyTargetRules(shipped, forged, { at: AT, by: ANA });
    expect(r.ok && r.epic.plannedTargets).toEqual([adoption(0.1)]);
    const created = applyTargetRules(undefined, epicOf({ status: 'planned', shippedAt: undefined, plannedTargets: [adoption(0.01)] }), { at: AT, by: ANA });
    expect(created.ok && created.epic.plannedTargets).toBeUndefined();
  });

  it('an unchanged target list (other fields changing) needs no reason', () => {
    const shipped = epicOf({ plannedTargets: [adoption(0.1)] });
    expect(applyTargetRules(shipped, { ...shipped, title: 'Share outfits' }, { at: AT, by: ANA }).ok).toBe(true);
    expect(targetDifferences([adoption(0.1)], [adoption(0.1)])).toEqual([]);
  });
});

describe('the outcome is judged against the planned target', () => {
  it('status vs the planned 30%, statusAmended vs the amended 20%; the verdict stays missed, verdictAmended met', () => {
    const amended = epicOf({
      targets: [adoption(0.2)],
      plannedTargets: [adoption(0.3)],
      targetAmendments: [{ at: AT, by: ANA, metric: 'adoption_rate', from: { op: '>=', value: 0.3, windowDays: 28 }, to: { op: '>=', value: 0.2, windowDays: 28 }, reason: 'set before the beta' }],
    });
    const o = outcomeOf(amended);
    expect(o.adoption.rate).toBeCloseTo(412 / 1630, 6);
    expect(o.targets).toHaveLength(1);
    const t = o.targets[0];
    expect(t).toMatchObject({ metric: 'adoption_rate', value: 0.2, planned: { op: '>=', value: 0.3 }, status: 'missed', statusAmended: 'met' });
    expect(t.amendments).toHaveLength(1);
    expect(o.verdict).toBe('missed');
    expect(o.verdictReason).toMatch(/vs target ≥ 30%/); // the words name the planned target, not the amended one
    expect(o.verdictAmended).toBe('met');
  });

  it('unamended: planned equals current, no statusAmended or verdictAmended', () => {
    const o = outcomeOf(epicOf({ plannedTargets: [adoption(0.1)] }));
    expect(o.targets[0]).toMatchObject({ status: 'met', planned: { op: '>=', value: 0.1 }, amendments: [] });
    expect(o.targets[0].statusAmended).toBeUndefined();
    expect(o.verdictAmended).toBeUndefined();
  });

  it('a target removed after ship is still judged as planned', () => {
    const o = outcomeOf(
      epicOf({
        targets: [],
        plannedTargets: [adoption(0.3)],
        targetAmendments: [{ at: AT, by: ANA, metric: 'adoption_rate', from: { op: '>=', value: 0.3, windowDays: 28 }, to: null, reason: 'not our goal' }],
      }),
    );
    expect(o.targets).toHaveLength(1);
    expect(o.targets[0]).toMatchObject({ value: 0.3, status: 'missed' });
    expect(o.verdict).toBe('missed');
    expect(o.verdictAmended).toBe('insufficient_data'); // no targets left as amended
  });
});

describe('amendments in words, in the impact and in the iteration diff', () => {
  const amendment = { at: '2026-10-02T09:30:00.000Z', by: ANA, metric: 'adoption_rate', from: { op: '>=' as const, value: 0.1, windowDays: 28 }, to: { op: '>=' as const, value: 0.03, windowDays: 28 }, reason: 'sharing needs an incentive first' };

  it('"target lowered from 10% to 3% on 2 Oct 2026 by …: …"', () => {
    expect(describeAmendment(amendment)).toBe('target lowered from 10% to 3% on 2 Oct 2026 by ana@fabrikam.example: sharing needs an incentive first');
    expect(describeAmendment({ ...amendment, metric: 'csat', from: { op: '>=', value: 4, windowDays: 28 }, to: { op: '>=', value: 4.2, windowDays: 28 } })).toBe('csat target raised from 4 to 4.2 on 2 Oct 2026 by ana@fabrikam.example: sharing needs an incentive first');
    expect(describeAmendment({ ...amendment, to: null })).toBe('target ≥ 10% removed after ship on 2 Oct 2026 by ana@fabrikam.example: sharing needs an incentive first');
  });

  const epic = epicOf({ targets: [adoption(0.03)], plannedTargets: [adoption(0.1)], targetAmendments: [amendment] });
  const roadmap = (e: Epic): Roadmap => ({ mission: { statement: 'm' }, themes: [{ id: 'acquire', name: 'Acquire' }], milestones: [], epics: [e], stories: [] });

  it('the impact scoreboard carries the verdict vs planned, the amended verdict and the words', () => {
    const o = outcomeOf(epic);
    const impact = computeImpact({ asOf: AFTER, roadmap: roadmap(epic), outcomes: [o], latestReviews: {}, productActive: [], productSatisfaction: [] });
    const row = impact.epics.find((x) => x.id === 'outfit-sharing')!;
    expect(row.verdict).toBe('met'); // 25.3% ≥ 10% planned
    expect(row.amendments).toEqual([describeAmendment(amendment)]);
  });

  it('the iteration diff shows the planned targets and the amendment made between the snapshots', () => {
    const before = epicOf({ plannedTargets: [adoption(0.1)] });
    const snap = (id: string, e: Epic): Iteration => ({ id, name: id, asOf: AFTER, createdAt: AT, author: ANA, roadmap: roadmap(e), outcomes: [summarizeOutcome(outcomeOf(e))] });
    const diff = diffIterations(snap('a', before), snap('b', epic));
    const change = diff.changes.find((c) => c.kind === 'targets')!;
    expect(change).toMatchObject({ kind: 'targets', planned: [adoption(0.1)], amendments: [amendment] });
    expect(change.detail).toBe('adoption_rate >= 10% (28d) → adoption_rate >= 3% (28d) (amended after ship)');
    // the snapshot's summary judges against the planned 10%, the amended 3% beside it
    expect(snap('b', epic).outcomes[0].targets[0]).toMatchObject({ value: 0.1, status: 'met', planned: { value: 0.1 } });
    expect(snap('b', epic).outcomes[0].amendments).toEqual([describeAmendment(amendment)]);
  });
});

describe('audit diffs', () => {
  it('field by field, epic fields first; planned targets and amendments are not fields', () => {
    const a = epicOf({ milestoneId: 'm1' });
    const b = { ...a, title: 'Share outfits', milestoneId: 'm2', plannedTargets: [adoption(0.1)] };
    expect(fieldChanges(a, b)).toEqual([
      { field: 'title', from: 'Outfit sharing', to: 'Share outfits' },
      { field: 'milestoneId', from: 'm1', to: 'm2' },
    ]);
    expect(fieldChanges(undefined, { id: 'x', name: 'X' })).toEqual([
      { field: 'id', from: null, to: 'x' },
      { field: 'name', from: null, to: 'X' },
    ]);
  });

  it('an import: per-epic diffs and counts for the rest', () => {
    const a: Roadmap = { mission: { statement: 'm' }, themes: [{ id: 't', name: 'T' }], milestones: [], epics: [epicOf({ themeId: 't' })], stories: [] };
    const b: Roadmap = { ...a, themes: [...a.themes, { id: 'u', name: 'U' }], epics: [{ ...a.epics[0], status: 'cancelled', shippedAt: undefined }] };
    const { changes, counts } = roadmapChanges(a, b);
    expect(counts).toEqual({ 'themes.added': 1, 'epics.changed': 1 });
    expect(changes).toEqual([
      { field: 'status', from: 'shipped', to: 'cancelled', epicId: 'outfit-sharing' },
      { field: 'shippedAt', from: SHIP, to: null, epicId: 'outfit-sharing' },
    ]);
    expect(describeCounts(counts)).toBe('1 theme added, 1 epic changed');
  });
});

describe('field changes of stored documents', () => {
  it('a map read back with its keys in another order (as DynamoDB returns them) is no change', () => {
    const before = { title: 'A', estimate: { reach: 500, impact: 1, confidence: 0.5, effortWeeks: { engineering: 1, design: 0 } } };
    const after = { title: 'B', estimate: { effortWeeks: { design: 0, engineering: 1 }, confidence: 0.5, impact: 1, reach: 500 } };
    expect(fieldChanges(before, after)).toEqual([{ field: 'title', from: 'A', to: 'B' }]);
    expect(fieldChanges(before, { ...after, estimate: { ...after.estimate, reach: 600 } }).map((c) => c.field)).toEqual(['title', 'estimate']);
  });
});
