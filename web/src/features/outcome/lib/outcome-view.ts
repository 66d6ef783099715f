/** From an outcome to the page's charts and tables: KPI windows, target rows, engagement bars. Pure. */
import type { Outcome } from '../../../../../shared/outcome-types';
import { kpiKind } from '../../../lib/domain';
import { addDaysIso } from '../../../lib/format';

type Kpi = Outcome['kpis'][number];

/** The window days of an outcome: ship day S … windowEnd, and the pre-window S−W … S−1. */
export function windows(o: Pick<Outcome, 'shippedAt' | 'windowDays' | 'windowEnd'>) {
  if (!o.shippedAt) return null;
  return {
    preFrom: addDaysIso(o.shippedAt, -o.windowDays),
    preTo: addDaysIso(o.shippedAt, -1),
    from: o.shippedAt,
    to: o.windowEnd ?? addDaysIso(o.shippedAt, o.windowDays - 1),
  };
}

/**
 * A KPI's daily values with the pre-window and window means drawn as level lines over their
 * own days (so the chart shows the before/after step, not a line across the whole range).
 */
export function kpiChartRows(kpi: Kpi, o: Pick<Outcome, 'shippedAt' | 'windowDays' | 'windowEnd'>) {
  const w = windows(o);
  return kpi.series.map((p) => ({
    date: p.date,
    value: p.value,
    before: w && p.date >= w.preFrom && p.date <= w.preTo ? kpi.before.mean : null,
    after: w && p.date >= w.from && p.date <= w.to ? kpi.after.mean : null,
  }));
}

/** KPIs that are shares (0–1) read in percent and their lift in percentage points. */
export function kpiUnits(kpi: Pick<Kpi, 'before'>) {
  const lift = kpiKind(kpi.before.mean);
  return { value: lift === 'pp' ? ('percent' as const) : ('number' as const), lift };
}

/** The adoption curve: cumulative rate per day from the ship day. */
export function adoptionRows(o: Pick<Outcome, 'adoption'>) {
  return o.adoption.series.map((p) => ({ date: p.date, rate: p.rate, adopters: p.adopters, activeUsers: p.activeUsers }));
}

/** Target status in words, with how sure the 95% CI makes it. */
export function targetStatusText(t: Outcome['targets'][number]): { label: string; tone: 'good' | 'bad' | 'info' | 'muted' } {
  switch (t.status) {
    case 'met':
      return { label: t.confident ? 'Met, confidently' : 'Met, CI includes the target', tone: 'good' };
    case 'missed':
      return { label: t.confident ? 'Missed, confidently' : 'Missed, CI includes the target', tone: 'bad' };
    case 'pending':
      return { label: 'Pending: window still open', tone: 'info' };
    default:
      return { label: 'No data', tone: 'muted' };
  }
}
