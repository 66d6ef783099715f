// @vitest-environment jsdom
/** The roadmap page's logic: timeline layout (lanes × milestone columns), the epic form ↔ API input, import files. */
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInApp } from '../helpers/web-render';
import type { Epic, Roadmap } from '../../shared/roadmap';
import { EpicCard } from '../../web/src/features/roadmap/components/EpicCard';
import { describeImport } from '../../web/src/features/roadmap/components/ImportExport';
import { nextMilestone } from '../../web/src/features/roadmap/components/MilestoneDialog';
import { emptyEpicForm, epicToForm, formToEpicInput, formToEpicPatch, slugify } from '../../web/src/features/roadmap/lib/epic-form';
import { effortByColumn, layoutTimeline, rangeWindow, UNSCHEDULED } from '../../web/src/features/roadmap/lib/timeline';

afterEach(cleanup);

const month = (id: string, start: string, end: string) => ({ id, name: id, start, end });
const e = (id: string, themeId: string, milestoneId: string | undefined, status: Epic['status'], extra: Partial<Epic> = {}): Epic => ({
  id,
  title: id.replace(/-/g, ' '),
  themeId,
  ...(milestoneId ? { milestoneId } : {}),
  status,
  ...(status === 'shipped' ? { shippedAt: `${milestoneId ?? '2026-08'}-05` } : {}),
  signals: { events: [] },
  targets: [],
  ...extra,
});

const ROADMAP: Roadmap = {
  mission: { statement: 'Help everyone dress with confidence' },
  themes: [
    { id: 'ai', name: 'AI styling' },
    { id: 'acquire', name: 'Acquire' },
  ],
  milestones: [
    month('2027-02', '2027-02-01', '2027-02-28'),
    month('2026-07', '2026-07-01', '2026-07-31'),
    month('2026-08', '2026-08-01', '2026-08-31'),
    month('2026-11', '2026-11-01', '2026-11-30'),
    month('2026-12', '2026-12-01', '2026-12-31'),
    month('2027-01', '2027-01-01', '2027-01-31'),
  ],
  epics: [
    e('try-on', 'ai', '2026-08', 'shipped', { estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 6, design: 2 } } }),
    e('chat', 'ai', '2026-08', 'in_progress', { estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 3, design: 1 } } }),
    e('old-idea', 'ai', '2026-08', 'cancelled', { estimate: { reach: 1, impact: 1, confidence: 1, effortWeeks: { engineering: 50, design: 0 } } }),
    e('quiz', 'acquire', '2026-11', 'planned'),
    e('someday', 'acquire', undefined, 'planned'),
    e('far-future', 'ai', '2027-02', 'planned'),
    e('ancient', 'ai', '2026-07', 'shipped'),
  ],
  stories: [],
};

describe('timeline layout', () => {
  it('spans three months back and three ahead by default, in time order, with the current month marked', () => {
    expect(rangeWindow('around', '2026-11-26')).toEqual({ from: '2026-08-01', to: '2027-01-31' });
    const layout = layoutTimeline(ROADMAP, { today: '2026-11-26', range: 'around' });
    expect(layout.columns.map((c) => c.id)).toEqual(['2026-08', '2026-11', '2026-12', '2027-01', UNSCHEDULED]);
    expect(layout.columns.find((c) => c.current)?.id).toBe('2026-11');
    expect(layout.columns[0].past).toBe(true);
    // July and February are outside: their epics are counted as hidden
    expect(layout.hidden).toBe(2);
  });

  it('puts each epic in its theme lane and milestone cell, shipped first', () => {
    const layout = layoutTimeline(ROADMAP, { today: '2026-11-26', range: 'around' });
    expect(layout.lanes.map((l) => l.theme.id)).toEqual(['ai', 'acquire']);
    const ai = layout.lanes[0];
    expect(ai.cells.find((c) => c.columnId === '2026-08')?.epics.map((x) => x.id)).toEqual(['try-on', 'chat', 'old-idea']);
    const acquire = layout.lanes[1];
    expect(acquire.cells.find((c) => c.columnId === '2026-11')?.epics.map((x) => x.id)).toEqual(['quiz']);
    expect(acquire.cells.find((c) => c.columnId === UNSCHEDULED)?.epics.map((x) => x.id)).toEqual(['someday']);
    expect(ai.visible).toBe(3);
  });

  it('shows only the coming months for "next 3" and everything for "all"', () => {
    expect(layoutTimeline(ROADMAP, { today: '2026-11-26', range: 'next3' }).columns.map((c) => c.id)).toEqual(['2026-11', '2026-12', '2027-01', UNSCHEDULED]);
    const all = layoutTimeline(ROADMAP, { today: '2026-11-26', range: 'all' });
    expect(all.columns.map((c) => c.id)).toEqual(['2026-07', '2026-08', '2026-11', '2026-12', '2027-01', '2027-02', UNSCHEDULED]);
    expect(all.hidden).toBe(0);
  });

  it('sums the effort scheduled per milestone, leaving cancelled epics out', () => {
    const effort = effortByColumn(layoutTimeline(ROADMAP, { today: '2026-11-26', range: 'around' }));
    expect(effort['2026-08']).toEqual({ engineering: 9, design: 3 });
    expect(effort['2026-12']).toEqual({ engineering: 0, design: 0 });
  });

  it('proposes the month after the last milestone as the next one', () => {
    expect(nextMilestone(ROADMAP.milestones)).toEqual({ id: '2027-03', name: 'March 2027', start: '2027-03-01', end: '2027-03-31' });
    expect(nextMilestone([], '2026-11-26')).toEqual({ id: '2026-11', name: 'November 2026', start: '2026-11-01', end: '2026-11-30' });
  });
});

describe('epic form', () => {
  it('turns percentages into shares and KPI targets into kpi:<name>', () => {
    const f = emptyEpicForm('ai', '2026-12');
    f.title = 'Virtual try-on';
    f.signalEvents = 'Try-On Started\n Try-On Shared ,';
    f.targets = [
      { kind: 'adoption_rate', kpiName: '', op: '>=', value: '15', windowDays: '28' },
      { kind: 'kpi', kpiName: 'checkout_conversion', op: '>=', value: '0.002', windowDays: '28' },
      { kind: 'csat', kpiName: '', op: '>=', value: '', windowDays: '28' },
    ];
    f.estimate = { reach: '20000', impact: '2', confidence: '80', engineering: '6', design: '2', expectedAdoption: '20' };
    const { input, problems } = formToEpicInput(f);
    expect(problems).toEqual([]);
    expect(input).toEqual({
      id: 'virtual-try-on',
      title: 'Virtual try-on',
      themeId: 'ai',
      milestoneId: '2026-12',
      status: 'planned',
      signals: { events: ['Try-On Started', 'Try-On Shared'] },
      targets: [
        { metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28 },
        { metric: 'kpi:checkout_conversion', op: '>=', value: 0.002, windowDays: 28 },
      ],
      estimate: { reach: 20000, impact: 2, confidence: 0.8, effortWeeks: { engineering: 6, design: 2 }, expectedAdoption: 0.2 },
    });
  });

  it('round-trips an epic through the form into a patch, removing what was cleared', () => {
    const epic = e('try-on', 'ai', '2026-08', 'shipped', {
      title: 'Virtual try-on',
      targets: [{ metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28 }],
      estimate: { reach: 20000, impact: 2, confidence: 0.8, effortWeeks: { engineering: 6, design: 2 } },
    });
    const f = epicToForm(epic);
    expect(f.targets[0].value).toBe('15');
    expect(f.estimate.confidence).toBe('80');
    f.milestoneId = '';
    f.status = 'in_progress';
    f.estimate = { reach: '', impact: '', confidence: '', engineering: '', design: '', expectedAdoption: '' };
    const { patch, problems } = formToEpicPatch(f);
    expect(problems).toEqual([]);
    expect(patch).toMatchObject({ milestoneId: null, status: 'in_progress', shippedAt: null, estimate: null, targets: [{ metric: 'adoption_rate', value: 0.15 }] });
  });

  it('reports what to fix before sending', () => {
    const f = emptyEpicForm('', '');
    f.targets = [{ kind: 'kpi', kpiName: '', op: '>=', value: 'lots', windowDays: '28' }];
    const { problems } = formToEpicInput(f);
    expect(problems.map((p) => p.field)).toEqual(['title', 'themeId', 'id', 'targets.0.value']);
  });

  it('makes ids that the API accepts', () => {
    expect(slugify('Apple Pay & Google Pay!')).toBe('apple-pay-google-pay');
    expect(slugify('Café déjà vu')).toBe('cafe-deja-vu');
    expect(slugify('x'.repeat(80))).toHaveLength(64);
  });
});

describe('import file', () => {
  it('summarises a document, or says why it cannot be read', () => {
    expect(describeImport(JSON.stringify(ROADMAP))).toMatchObject({ summary: '2 themes, 6 milestones, 7 epics and 0 stories' });
    expect(describeImport('{ nope')).toMatchObject({ error: expect.stringContaining('not valid JSON') });
    expect(describeImport('[1,2]')).toMatchObject({ error: expect.stringContaining('does not hold a roadmap') });
  });
});

describe('<EpicCard>', () => {
  it('labels status and verdict in words, not only colour, and hides edit controls from viewers', async () => {
    const shipped = ROADMAP.epics[0];
    const { container } = await renderInApp(<EpicCard epic={shipped} outcome={{ verdict: 'missed', adoptionRate: 0.0296 }} canEdit={false} onOpen={() => undefined} onShip={() => undefined} />);
    expect(screen.getByText('Shipped')).toBeTruthy();
    expect(screen.getByText('Missed')).toBeTruthy();
    expect(container.textContent).toContain('adoption 3.0%');
    expect(container.querySelector('.epic-card--verdict-missed')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Ship/ })).toBeNull();
    cleanup();
    await renderInApp(<EpicCard epic={ROADMAP.epics[3]} canEdit onOpen={() => undefined} onShip={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Ship quiz' })).toBeTruthy();
  });
});
