// @vitest-environment jsdom
/** The epic page's KPI and engagement panels say what the statistics can and cannot show. */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Outcome } from '../../shared/outcome-types';
import { AdoptionChart, EngagementChart, KpiCharts, trendWarningText } from '../../web/src/features/outcome/components/OutcomeCharts';

afterEach(cleanup);

const base = Outcome.parse({
  epicId: 'one-click', asOf: '2026-11-20', shippedAt: '2026-10-06', windowDays: 28, windowEnd: '2026-11-02',
  verdict: 'met', verdictReason: 'target met', confounded: false, overlaps: [],
  adoption: { adopters: 412, activeUsers: 1630, rate: 0.2528, ci95: [0.23, 0.27], series: [] },
  satisfaction: { csat: null, nps: null, productCsat: null },
  kpis: [{
    name: 'checkout_conversion', before: { mean: 0.03, n: 28 }, after: { mean: 0.036, n: 28 }, lift: 0.006, relativeLift: 0.2,
    ci95: [0.003, 0.009], pValue: 0.001, placebo: { lift: 0.004, ci95: [0.002, 0.006], pValue: 0.002 }, trendWarning: true,
    series: [{ date: '2026-10-01', value: 0.03 }, { date: '2026-10-10', value: 0.036 }],
  }],
  engagement: { adopters: { before: 5.1, after: 7.9, n: 380 }, nonAdopters: { before: 5, after: 5.2, n: 1100 },
    did: 2.6, effect: 0.8, ci95: [0.3, 1.3], matched: 342, horizonDays: 14 },
  targets: [], distinctCounts: 'exact',
});

describe('epic outcome panels', () => {
  it('a KPI whose placebo found a change carries the trend warning in words', () => {
    render(<KpiCharts outcome={base} />);
    expect(screen.getByTestId('kpi-trend-warning').textContent).toContain('Checkout conversion was already rising before launch: this lift may be the trend');
    expect(screen.getByText('Lift (95% CI, robust to day-to-day correlation)')).toBeTruthy();
    expect(trendWarningText({ name: 'checkout_conversion', placebo: { lift: -0.001, ci95: null, pValue: 0.01 } })).toContain('already falling');
  });

  it('no warning without a placebo finding', () => {
    render(<KpiCharts outcome={{ ...base, kpis: [{ ...base.kpis[0], trendWarning: false }] }} />);
    expect(screen.queryByTestId('kpi-trend-warning')).toBeNull();
  });

  it('engagement: the matched estimate has the interval; the difference-in-differences is labelled descriptive, without one', () => {
    render(<EngagementChart outcome={base} />);
    expect(screen.getByText(/Extra active days in the 14 days after first use \(matched, 95% CI\)/)).toBeTruthy();
    expect(screen.getByText('Difference-in-differences (descriptive, no interval)')).toBeTruthy();
    expect(screen.getByText(/high even for a feature that does nothing/)).toBeTruthy();
  });

  it('the adoption chart draws the target as planned at ship, and an amended one beside it', () => {
    const series = [{ date: '2026-10-06', adopters: 10, activeUsers: 500, rate: 0.02 }, { date: '2026-10-07', adopters: 20, activeUsers: 600, rate: 0.033 }];
    const amended = { ...base, adoption: { ...base.adoption, series },
      targets: [{ metric: 'adoption_rate', op: '>=' as const, value: 0.03, windowDays: 28, actual: 0.033, status: 'missed' as const, confident: true,
        planned: { op: '>=' as const, value: 0.1 }, statusAmended: 'met' as const,
        amendments: [{ at: '2026-10-29T16:20:00Z', by: 'marco@fabrikam.example', metric: 'adoption_rate', from: { op: '>=' as const, value: 0.1 }, to: { op: '>=' as const, value: 0.03 }, reason: 'benchmark' }] }] };
    const { container } = render(<AdoptionChart outcome={amended as typeof base} />);
    expect(container.textContent).toContain('Target 10% (planned)');
    expect(container.textContent).toContain('Amended 3%');
    expect(container.querySelector('[role="img"]')!.getAttribute('aria-label')).toContain('against a target of 10%, amended after ship to 3%');
    cleanup();
    const plain = { ...base, adoption: { ...base.adoption, series }, targets: [{ ...amended.targets[0], value: 0.1, planned: { op: '>=' as const, value: 0.1 }, amendments: [], statusAmended: undefined }] };
    const again = render(<AdoptionChart outcome={plain as typeof base} />);
    expect(again.container.textContent).toContain('Target 10%');
    expect(again.container.textContent).not.toContain('Amended');
  });
});
