// @vitest-environment jsdom
/** Iterations and planner views: diff grouping and rendering, capacity requests, usage bars; runtime config. */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInApp } from '../helpers/web-render';
import type { IterationDiff } from '../../shared/iteration';
import type { PlanProposal } from '../../shared/planner';
import { DiffView } from '../../web/src/features/iterations/components/DiffView';
import { factorWords } from '../../web/src/features/iterations/components/CalibrationPanel';
import { defaultIterationName, describeChange, groupByEpic, namesFrom, previousOf, verdictCounts } from '../../web/src/features/iterations/lib/diff-view';
import { byMilestone, capacityRows, planRequest, usageShares } from '../../web/src/features/planner/lib/plan-view';
import { apiUrl, loadRuntimeConfig, setApiBase } from '../../web/src/lib/api-client';

afterEach(cleanup);

const DIFF: IterationDiff = {
  from: { id: 'it-1', name: 'October 2026', asOf: '2026-10-31' },
  to: { id: 'it-2', name: 'November 2026', asOf: '2026-11-26' },
  changes: [
    { epicId: 'outfit-sharing', title: 'Outfit sharing', kind: 'moved', from: { themeId: 'acquire', milestoneId: '2026-12' }, to: { themeId: 'acquire', milestoneId: null }, detail: 'milestone 2026-12 → unscheduled', evidence: 'Outfit sharing moved: adoption 3% vs target ≥ 10%, decision sunset', decision: 'sunset' },
    { epicId: 'outfit-sharing', title: 'Outfit sharing', kind: 'status', from: 'planned', to: 'cancelled', detail: 'planned → cancelled', evidence: 'Outfit sharing moved: adoption 3% vs target ≥ 10%, decision sunset', decision: 'sunset' },
    { epicId: 'stylist-chat-v2', title: 'AI stylist chat (follow-up)', kind: 'added', from: null, to: { themeId: 'ai', milestoneId: '2027-01', status: 'planned' }, detail: 'added to 2027-01 (theme ai, planned)' },
  ],
  summary: { added: 1, removed: 0, moved: 1, status: 1, targets: 0, estimate: 0, renamed: 0, total: 3 },
};

describe('iteration diff', () => {
  it('groups an epic\'s changes together, in the diff\'s order', () => {
    expect(groupByEpic(DIFF.changes).map((g) => [g.epicId, g.changes.map((c) => c.kind)])).toEqual([
      ['outfit-sharing', ['moved', 'status']],
      ['stylist-chat-v2', ['added']],
    ]);
  });

  it('shows each change with its evidence once, and the decision', async () => {
    await renderInApp(<DiffView diff={DIFF} />);
    expect(screen.getByText('Moved: 2026-12 → unscheduled')).toBeTruthy();
    expect(screen.getAllByText('Outfit sharing moved: adoption 3% vs target ≥ 10%, decision sunset')).toHaveLength(1);
    expect(screen.getByText('Sunset')).toBeTruthy();
    expect(screen.getByText('1 added')).toBeTruthy();
    expect(document.body.textContent).toContain('3 changes');
  });

  it('names milestones and themes from the snapshots', () => {
    const names = namesFrom({
      roadmap: {
        mission: { statement: 'm' },
        themes: [{ id: 'ai', name: 'AI styling' }],
        milestones: [
          { id: '2026-12', name: 'December 2026', start: '2026-12-01', end: '2026-12-31' },
          { id: '2027-01', name: 'January 2027', start: '2027-01-01', end: '2027-01-31' },
        ],
        epics: [],
        stories: [],
      },
    });
    expect(describeChange(DIFF.changes[0], names)).toBe('Moved: December 2026 → unscheduled');
    expect(describeChange(DIFF.changes[1], names)).toBe('Planned → Cancelled');
    expect(describeChange(DIFF.changes[2], names)).toBe('Added to January 2027 in AI styling (planned)');
  });

  it('compares with the previous snapshot by default and counts verdicts', () => {
    const list = [{ id: 'c' }, { id: 'b' }, { id: 'a' }];
    expect(previousOf(list, 'c')).toBe('b');
    expect(previousOf(list, 'a')).toBeNull();
    expect(defaultIterationName('2026-11-26')).toBe('November 2026');
    const counts = verdictCounts({
      outcomes: [
        { verdict: 'met', decision: 'keep' },
        { verdict: 'missed', decision: null },
        { verdict: 'missed', decision: 'sunset' },
      ] as never,
    });
    expect(counts).toMatchObject({ met: 1, missed: 2, decided: 2 });
  });

  it('reads a calibration factor in words', () => {
    expect(factorWords(0.5)).toBe('estimates 2.0× too optimistic');
    expect(factorWords(1.6)).toBe('estimates 1.6× too cautious');
    expect(factorWords(1.02)).toBe('estimates on target');
  });
});

describe('planner capacity', () => {
  const roadmap = {
    milestones: [
      { id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' },
      { id: '2026-12', name: 'December 2026', start: '2026-12-01', end: '2026-12-31' },
      { id: '2026-11', name: 'November 2026', start: '2026-11-01', end: '2026-11-30' },
    ],
    epics: [
      { id: 'a', title: 'A', themeId: 't', milestoneId: '2026-11', status: 'in_progress', signals: { events: [] }, targets: [], estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 15, design: 4.5 } } },
      { id: 'b', title: 'B', themeId: 't', milestoneId: '2026-12', status: 'planned', signals: { events: [] }, targets: [], estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 3, design: 1 } } },
    ],
  } as const;

  it('lists milestones not yet over, defaulting to enough capacity for what is scheduled', () => {
    const rows = capacityRows(roadmap as never, '2026-11-26');
    expect(rows.map((r) => [r.milestoneId, r.engineering, r.design])).toEqual([
      ['2026-11', '15', '5'],
      ['2026-12', '12', '4'],
    ]);
  });

  it('builds the request from included rows and reports bad numbers', () => {
    const rows = capacityRows(roadmap as never, '2026-11-26');
    rows[1].include = false;
    expect(planRequest(rows, { horizonMonths: 3 })).toEqual({ request: { capacity: [{ milestoneId: '2026-11', engineering: 15, design: 5 }], horizonMonths: 3 }, problems: [] });
    rows[0].engineering = '';
    expect(planRequest(rows).problems).toEqual(['November 2026: engineering weeks must be a number ≥ 0']);
    rows[0].include = false;
    expect(planRequest(rows).problems).toContain('Include at least one milestone.');
  });

  it('splits a capacity bar into committed and newly placed work', () => {
    expect(usageShares({ committed: 3, used: 9, capacity: 12 })).toEqual({ committed: 0.25, placed: 0.5, over: false });
    expect(usageShares({ committed: 0, used: 0, capacity: 0 })).toEqual({ committed: 0, placed: 0, over: false });
    expect(usageShares({ committed: 10, used: 14, capacity: 12 }).over).toBe(true);
  });

  it('arranges placements per milestone, best score first', () => {
    const p = {
      placements: [
        { epicId: 'x', milestoneId: '2026-12', score: 1, value: 1, engineering: 1, design: 0, followUp: false, reason: '' },
        { epicId: 'y', milestoneId: '2026-12', score: 5, value: 5, engineering: 1, design: 0, followUp: false, reason: '' },
      ],
      committed: [{ epicId: 'a', milestoneId: '2026-11', engineering: 15, design: 4.5, reason: 'in progress' }],
      totals: [
        { milestoneId: '2026-11', engineering: { committed: 15, used: 15, capacity: 15 }, design: { committed: 4.5, used: 4.5, capacity: 5 } },
        { milestoneId: '2026-12', engineering: { committed: 0, used: 2, capacity: 12 }, design: { committed: 0, used: 0, capacity: 4 } },
      ],
    } as unknown as PlanProposal;
    const g = byMilestone(p);
    expect(g.map((x) => x.milestoneId)).toEqual(['2026-11', '2026-12']);
    expect(g[0].committed.map((c) => c.epicId)).toEqual(['a']);
    expect(g[1].placements.map((c) => c.epicId)).toEqual(['y', 'x']);
  });
});

describe('runtime config', () => {
  const response = (body: string, type: string, status = 200) => new Response(body, { status, headers: { 'content-type': type } });

  it('reads the API URL from /config.json, and falls back to the same origin', async () => {
    setApiBase('');
    expect(await loadRuntimeConfig(async () => response('{"apiUrl":"https://api.example.test/"}', 'application/json'))).toBe('https://api.example.test');
    expect(apiUrl('/impact', { asOf: '2026-11-01', empty: '' })).toBe('https://api.example.test/api/v1/impact?asOf=2026-11-01');
    setApiBase('');
    // the local server answers unknown paths with the app shell (HTML): same origin
    expect(await loadRuntimeConfig(async () => response('<!doctype html>', 'text/html'))).toBe('');
    expect(await loadRuntimeConfig(async () => response('', 'application/json', 404))).toBe('');
    expect(await loadRuntimeConfig(async () => Promise.reject(new Error('offline')))).toBe('');
    expect(apiUrl('/me')).toBe('/api/v1/me');
  });
});
