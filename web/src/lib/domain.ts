/**
 * The dashboard's words for the domain: verdicts, statuses, decisions, roles and target
 * metrics. Lists are `Record`s over the shared types, so a value added in `shared/` fails to
 * compile here until it has a label (and no zod runtime enters the bundle).
 */
import type { EpicStatus, Target } from '../../../shared/roadmap';
import type { EpicVerdict } from '../../../shared/outcome-types';
import type { Decision } from '../../../shared/review';
import type { KeyScope, Role } from '../../../shared/keys';
import { trimZeros } from './scale';
import { DEFAULT_WINDOW_DAYS, ROLE_RANK } from '../../../shared/constants';
import { formatDecimal, formatNumber, formatPercent, formatPp, formatValue, humanize, type ValueKind } from './format';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info' | 'muted';

export const VERDICTS: Record<EpicVerdict, { label: string; tone: Tone; icon: string; help: string }> = {
  met: { label: 'Met targets', tone: 'good', icon: '✓', help: 'every target met by the point estimate' },
  missed: { label: 'Missed', tone: 'bad', icon: '✕', help: 'at least one target missed' },
  too_early: { label: 'Too early', tone: 'info', icon: '◔', help: 'the measurement window has not closed yet' },
  insufficient_data: { label: 'Not enough data', tone: 'warn', icon: '?', help: 'fewer than 30 active users or responses' },
  not_shipped: { label: 'Not shipped', tone: 'muted', icon: '·', help: 'no outcome until the epic ships' },
};

export const STATUSES: Record<EpicStatus, { label: string; tone: Tone; icon: string }> = {
  planned: { label: 'Planned', tone: 'neutral', icon: '○' },
  in_progress: { label: 'In progress', tone: 'info', icon: '◐' },
  shipped: { label: 'Shipped', tone: 'good', icon: '●' },
  cancelled: { label: 'Cancelled', tone: 'muted', icon: '⊘' },
};
export const STATUS_LIST = Object.keys(STATUSES) as EpicStatus[];

export const DECISIONS: Record<Decision, { label: string; tone: Tone; help: string }> = {
  double_down: { label: 'Double down', tone: 'good', help: 'It works: invest more in this direction.' },
  iterate: { label: 'Iterate', tone: 'warn', help: 'Promising but short of target: plan a follow-up.' },
  keep: { label: 'Keep', tone: 'neutral', help: 'Leave it as it is; no further investment.' },
  sunset: { label: 'Sunset', tone: 'bad', help: 'It did not pay off: remove it.' },
};
export const DECISION_LIST = Object.keys(DECISIONS) as Decision[];

export const SCOPES: Record<KeyScope, { label: string; help: string }> = {
  ingest: { label: 'Ingest (write key)', help: 'sends events and metrics from your analytics pipeline' },
  viewer: { label: 'Viewer', help: 'reads the dashboard and the API' },
  editor: { label: 'Editor', help: 'also edits the roadmap and records reviews' },
  admin: { label: 'Admin', help: 'also manages keys' },
};
export const SCOPE_LIST = Object.keys(SCOPES) as KeyScope[];

/** Can a key of `scope` do what `needed` may? (`ingest` keys cannot use the dashboard.) */
export function canAct(scope: KeyScope | undefined, needed: Role): boolean {
  if (!scope || scope === 'ingest') return false;
  return ROLE_RANK[scope] >= ROLE_RANK[needed];
}

// ---------------------------------------------------------------------------
// Target metrics
// ---------------------------------------------------------------------------

export const METRIC_KINDS = ['adoption_rate', 'csat', 'nps', 'satisfaction_lift', 'kpi'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export function metricKind(metric: string): MetricKind {
  return metric.startsWith('kpi:') ? 'kpi' : (metric as MetricKind);
}

/** "Adoption", "CSAT", "NPS", "Satisfaction change", "Checkout conversion lift". */
export function metricLabel(metric: string): string {
  switch (metricKind(metric)) {
    case 'adoption_rate':
      return 'Adoption';
    case 'csat':
      return 'CSAT';
    case 'nps':
      return 'NPS';
    case 'satisfaction_lift':
      return 'Satisfaction change';
    default:
      return `${humanize(metric.slice(4))} lift`;
  }
}

/**
 * A KPI whose values are shares (0–1, like a conversion rate) reads best in percentage points;
 * others as plain numbers. Decided from the KPI's pre-window mean when known.
 */
export function kpiKind(baseline: number | null | undefined): ValueKind {
  return typeof baseline === 'number' && baseline >= 0 && baseline <= 1 ? 'pp' : 'signedNumber';
}

/** The unit a target metric's value is shown in. */
export function metricValueKind(metric: string, kpiBaseline?: number | null): ValueKind {
  switch (metricKind(metric)) {
    case 'adoption_rate':
      return 'percent';
    case 'csat':
      return 'decimal';
    case 'nps':
      return 'signedNumber';
    case 'satisfaction_lift':
      return 'signed';
    default:
      return kpiBaseline === undefined ? 'signedNumber' : kpiKind(kpiBaseline);
  }
}

export function formatMetricValue(metric: string, value: number | null | undefined, kpiBaseline?: number | null): string {
  return formatValue(metricValueKind(metric, kpiBaseline), value);
}

/** A target as set by a PM (round numbers): "10%", "4.2", "+0.2 pp". */
export function formatTargetValue(metric: string, value: number, kpiBaseline?: number | null): string {
  return trimZeros(formatMetricValue(metric, value, kpiBaseline));
}

/** "Adoption ≥ 15% within 28 days". */
export function describeTarget(t: Pick<Target, 'metric' | 'op' | 'value' | 'windowDays'>, kpiBaseline?: number | null): string {
  const op = t.op === '>=' ? '≥' : '≤';
  const within = t.windowDays && t.windowDays !== DEFAULT_WINDOW_DAYS ? ` within ${t.windowDays} days` : '';
  return `${metricLabel(t.metric)} ${op} ${formatTargetValue(t.metric, t.value, kpiBaseline)}${within}`;
}

/**
 * How far a missed target was missed, in the metric's unit: adoption in percentage points
 * ("7.0 pp short"), CSAT and changes in points ("0.17 short"), KPIs in pp or numbers.
 */
export function describeGap(metric: string, actual: number, target: number, kpiBaseline?: number | null): string {
  const gap = actual - target;
  const kind = metricKind(metric);
  let size: string;
  if (kind === 'adoption_rate' || (kind === 'kpi' && kpiKind(kpiBaseline) === 'pp')) size = formatPp(Math.abs(gap)).replace('+', '');
  else if (kind === 'nps') size = formatNumber(Math.abs(gap));
  else size = formatDecimal(Math.abs(gap), kind === 'kpi' ? 4 : 2);
  const relative = target !== 0 ? ` (${formatPercent(Math.abs(gap / target), 0)} of target)` : '';
  return `${size} ${gap < 0 ? 'short' : 'over'}${relative}`;
}

