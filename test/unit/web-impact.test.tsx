// @vitest-environment jsdom
/** The impact page's data-to-view logic: trends, scoreboard sorting, misses, and the rendered scoreboard. */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInApp } from '../helpers/web-render';
import type { Impact, ImpactEpic } from '../../shared/impact';
import { addDaysIso } from '../../web/src/lib/format';
import { ciGeometry } from '../../web/src/components/CiRange';
import { describeGap, describeTarget, formatTargetValue, canAct, metricLabel } from '../../web/src/lib/domain';
import { Scoreboard } from '../../web/src/features/impact/components/Scoreboard';
import { activeUsersTrend, csatTrend, kpiBaseline, missedEpics, relativeGap, sortScoreboard } from '../../web/src/features/impact/lib/impact-view';

afterEach(cleanup);

function epic(p: Partial<ImpactEpic> & Pick<ImpactEpic, 'id' | 'title'>): ImpactEpic {
  return {
    themeId: 'acquire',
    milestoneId: '2026-08',
    shippedAt: '2026-08-12',
    windowEnd: '2026-09-08',
    verdict: 'met',
    verdictReason: 'all targets met',
    confounded: false,
    adoptionRate: 0.2,
    adoptionCi95: [0.18, 0.22],
    adopters: 300,
    activeUsers: 1500,
    csat: null,
    csatN: 0,
    nps: null,
    npsN: 0,
    satisfactionChange: 0.1,
    satisfactionCi95: [0.0, 0.2],
    engagementDid: 1,
    kpiLifts: [],
    targetsMet: 1,
    targetsMissed: 0,
    targetsPending: 0,
    targetsTotal: 1,
    worstMiss: null,
    decision: null,
    decisionAt: null,
    decisionBy: null,
    awaitingDecision: true,
    ...p,
  };
}

const ROWS: ImpactEpic[] = [
  epic({ id: 'style-quiz', title: 'Style quiz onboarding', adoptionRate: 0.306, shippedAt: '2026-08-12' }),
  epic({
    id: 'outfit-sharing',
    title: 'Outfit sharing',
    verdict: 'missed',
    adoptionRate: 0.0296,
    adoptionCi95: [0.0224, 0.039],
    activeUsers: 1621,
    shippedAt: '2026-08-20',
    worstMiss: { metric: 'adoption_rate', actual: 0.0296, target: 0.1, gap: -0.0704 },
    satisfactionChange: 0.1398,
    satisfactionCi95: [-0.0132, 0.2928],
    kpiLifts: [{ name: 'checkout_conversion', lift: 0.00368, relativeLift: 0.1111, ci95: [0.0024, 0.0049], pValue: 0.0000004 }],
    decision: 'sunset',
    awaitingDecision: false,
  }),
  epic({
    id: 'ai-stylist-chat',
    title: 'AI stylist chat',
    themeId: 'ai-styling',
    verdict: 'missed',
    adoptionRate: 0.1775,
    shippedAt: '2026-09-04',
    worstMiss: { metric: 'adoption_rate', actual: 0.1775, target: 0.2, gap: -0.0225 },
    satisfactionChange: null,
    satisfactionCi95: null,
  }),
  epic({ id: 'referral-rewards', title: 'Referral rewards', verdict: 'too_early', adoptionRate: null, adoptionCi95: null, shippedAt: '2026-11-02', awaitingDecision: false }),
];

describe('scoreboard sorting', () => {
  it('puts missed epics first, the worst miss (relative to its target) leading', () => {
    expect(sortScoreboard(ROWS, 'verdict', 'asc').map((r) => r.id)).toEqual(['outfit-sharing', 'ai-stylist-chat', 'style-quiz', 'referral-rewards']);
  });

  it('sorts figures high to low and keeps rows without a value last in both directions', () => {
    expect(sortScoreboard(ROWS, 'adoption', 'desc').map((r) => r.id)).toEqual(['style-quiz', 'ai-stylist-chat', 'outfit-sharing', 'referral-rewards']);
    expect(sortScoreboard(ROWS, 'adoption', 'asc').map((r) => r.id)).toEqual(['outfit-sharing', 'ai-stylist-chat', 'style-quiz', 'referral-rewards']);
    expect(sortScoreboard(ROWS, 'satisfaction', 'asc').at(-1)?.id).toBe('ai-stylist-chat');
    expect(sortScoreboard(ROWS, 'kpi', 'desc')[0].id).toBe('outfit-sharing');
  });

  it('sorts decisions with the ones awaiting a decision first', () => {
    const sorted = sortScoreboard(ROWS, 'decision', 'asc').map((r) => r.id);
    expect(sorted.slice(0, 2).sort()).toEqual(['ai-stylist-chat', 'style-quiz']);
    expect(sorted[2]).toBe('outfit-sharing');
    expect(sorted[3]).toBe('referral-rewards');
  });

  it('lists misses by how far they fell short', () => {
    expect(missedEpics(ROWS).map((r) => r.id)).toEqual(['outfit-sharing', 'ai-stylist-chat']);
    expect(relativeGap(ROWS[1])).toBeCloseTo(-0.704, 6);
  });

  it('recovers a KPI baseline from absolute and relative lift', () => {
    expect(kpiBaseline({ lift: 0.00368, relativeLift: 0.1111 })).toBeCloseTo(0.03312, 4);
    expect(kpiBaseline({ lift: 0.1, relativeLift: 0 })).toBeNull();
  });
});

describe('trends', () => {
  const days = Array.from({ length: 56 }, (_, i) => ({ date: addDaysIso('2026-09-30', i), activeUsers: i < 28 ? 100 : 110 }));
  it('compares the last 28 complete days with the 28 before, dropping today', () => {
    const t = activeUsersTrend({ productActiveTrend: [...days.slice(0, 56), { date: '2026-11-26', activeUsers: 0 }] }, '2026-11-26', '2026-11-26');
    expect(t.current).toBe(110);
    expect(t.previous).toBe(100);
    expect(t.relativeChange).toBeCloseTo(0.1, 10);
    expect(t.series).toHaveLength(56);
    expect(t.series[6].avg7).toBe(100);
    expect(t.series[5].avg7).toBeNull();
  });

  it('pools weekly CSAT by responses', () => {
    const weeks = [
      { week: 'a', mean: 4.0, n: 100, ci95: null },
      { week: 'b', mean: 4.0, n: 100, ci95: null },
      { week: 'c', mean: 4.5, n: 100, ci95: null },
      { week: 'd', mean: 4.0, n: 300, ci95: null },
    ];
    const t = csatTrend({ productCsatTrend: weeks }, 2);
    expect(t.current).toBeCloseTo((4.5 * 100 + 4.0 * 300) / 400, 10);
    expect(t.previous).toBe(4.0);
    expect(t.n).toBe(400);
  });
});

describe('targets in words', () => {
  it('describes targets and misses in the metric unit', () => {
    expect(describeTarget({ metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28 })).toBe('Adoption ≥ 15%');
    expect(describeTarget({ metric: 'csat', op: '>=', value: 4.2, windowDays: 14 })).toBe('CSAT ≥ 4.2 within 14 days');
    expect(describeTarget({ metric: 'kpi:checkout_conversion', op: '>=', value: 0.002, windowDays: 28 }, 0.031)).toBe('Checkout conversion lift ≥ +0.2 pp');
    expect(formatTargetValue('satisfaction_lift', 0.05)).toBe('+0.05');
    expect(describeGap('adoption_rate', 0.0296, 0.1)).toBe('7.0 pp short (70% of target)');
    expect(describeGap('csat', 3.83, 4)).toBe('0.17 short (4% of target)');
    expect(metricLabel('nps')).toBe('NPS');
  });

  it('follows the role: viewers read, editors edit, admins manage keys, write keys cannot sign in', () => {
    expect(canAct('viewer', 'editor')).toBe(false);
    expect(canAct('editor', 'editor')).toBe(true);
    expect(canAct('editor', 'admin')).toBe(false);
    expect(canAct('admin', 'viewer')).toBe(true);
    expect(canAct('ingest', 'viewer')).toBe(false);
  });
});

describe('CI range geometry', () => {
  it('widens the domain to include every mark and maps it onto the width', () => {
    const g = ciGeometry(0.03, [0.02, 0.04], { domain: [0, 0.4], target: 0.1, width: 112 });
    expect(g.lo).toBe(0);
    expect(g.hi).toBe(0.4);
    expect(g.x(0)).toBe(6);
    expect(g.x(0.4)).toBe(106);
    expect(g.x(0.1)).toBe(31);
    const h = ciGeometry(0.5, [0.3, 0.7], { domain: [-0.3, 0.3], reference: 0 });
    expect(h.hi).toBe(0.7);
  });
});

describe('<Scoreboard>', () => {
  const impact = {
    asOf: '2026-11-26',
    headline: {} as Impact['headline'],
    themes: [
      { id: 'acquire', name: 'Acquire new customers' },
      { id: 'ai-styling', name: 'AI styling' },
    ] as Impact['themes'],
    epics: ROWS,
  } as Impact;

  it('shows verdicts, formatted figures and CIs, and the decision', async () => {
    await renderInApp(<Scoreboard impact={impact} />);
    const row = document.querySelector('tr[data-epic="outfit-sharing"]') as HTMLElement;
    const cells = within(row);
    expect(cells.getByText('Missed')).toBeTruthy();
    expect(cells.getByText('3.0%')).toBeTruthy();
    expect(cells.getByText('95% CI [2.2%, 3.9%]')).toBeTruthy();
    expect(cells.getByText('n = 1,621 active')).toBeTruthy();
    expect(cells.getByText('+0.14 ± 0.15')).toBeTruthy();
    expect(cells.getByText('+11.1%')).toBeTruthy();
    expect(cells.getByText('Sunset')).toBeTruthy();
    expect(row.textContent).toContain('7.0 pp short (70% of target)');
  });

  it('sorts when a column header is clicked, and says so to screen readers', async () => {
    await renderInApp(<Scoreboard impact={impact} />);
    const order = () => [...document.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-epic'));
    expect(order()[0]).toBe('outfit-sharing');
    fireEvent.click(screen.getByRole('button', { name: /Adoption/ }));
    expect(order()).toEqual(['style-quiz', 'ai-stylist-chat', 'outfit-sharing', 'referral-rewards']);
    expect(screen.getByRole('columnheader', { name: /Adoption/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: /Adoption/ }));
    expect(order()[0]).toBe('outfit-sharing');
    expect(screen.getByRole('columnheader', { name: /Adoption/ }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('filters by theme', async () => {
    await renderInApp(<Scoreboard impact={impact} />);
    fireEvent.change(screen.getByLabelText('Theme'), { target: { value: 'ai-styling' } });
    expect([...document.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-epic'))).toEqual(['ai-stylist-chat']);
  });
});
