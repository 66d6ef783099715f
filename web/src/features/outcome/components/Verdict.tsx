/** The verdict with its sample sizes, the confounding flag, and each target's result. */
import type { Outcome } from '../../../../../shared/outcome-types';
import { Link } from '@tanstack/react-router';
import { Badge, VerdictBadge } from '../../../components/Badge';
import { describeTarget, formatMetricValue, metricKind, metricValueKind, VERDICTS } from '../../../lib/domain';
import { formatAgo, formatDate, formatInt, formatInterval, formatSampleSize } from '../../../lib/format';
import { targetStatusText } from '../lib/outcome-view';
import { AmendmentNotes } from '../../../components/AmendmentNotes';

export function VerdictBanner({ outcome }: { outcome: Outcome }) {
  const v = VERDICTS[outcome.verdict];
  const responses = (outcome.satisfaction.csat?.n ?? 0) + (outcome.satisfaction.nps?.n ?? 0);
  return (
    <section className={`verdict-banner verdict-banner--${v.tone}`} aria-label="Verdict">
      <VerdictBadge verdict={outcome.verdict} />
      <p className="verdict-banner__reason">{outcome.verdictReason.charAt(0).toUpperCase() + outcome.verdictReason.slice(1)}</p>
      <div className="verdict-banner__facts">
        <span>{formatSampleSize(outcome.adoption.activeUsers)} active users</span>
        <span>{formatInt(outcome.adoption.adopters)} adopters</span>
        {responses > 0 && <span>{formatInt(responses)} survey responses about the epic</span>}
        {outcome.satisfaction.productCsat && <span>{formatInt(outcome.satisfaction.productCsat.after.n)} product CSAT responses in the window</span>}
        <span>distinct counts: {outcome.distinctCounts}</span>
        {outcome.freshness?.rolledUpAt && <span>data as of {formatAgo(outcome.freshness.rolledUpAt)}</span>}
      </div>
      {outcome.confounded && (
        <div className="notice notice--warn" style={{ gridColumn: '1 / -1', margin: 0 }} role="note">
          <strong>⚠ Confounded:</strong> another epic of the same theme shipped in an overlapping window, so part of these changes may be theirs:{' '}
          {outcome.overlaps.map((o, i) => (
            <span key={o.epicId}>
              {i > 0 && ', '}
              <Link to="/epics/$id" params={{ id: o.epicId }}>{o.title}</Link> (shipped {formatDate(o.shippedAt)})
            </span>
          ))}
          .
        </div>
      )}
      <AmendmentNotes amendments={outcome.targets.flatMap((t) => t.amendments ?? [])} verdictAmended={outcome.verdictAmended} />
    </section>
  );
}

export function TargetsTable({ outcome }: { outcome: Outcome }) {
  const kpiBaseline = (metric: string) => (metricKind(metric) === 'kpi' ? outcome.kpis.find((k) => `kpi:${k.name}` === metric)?.before.mean ?? null : undefined);
  if (outcome.targets.length === 0) return <p className="muted">No targets were set for this epic.</p>;
  return (
    <div className="table-wrap">
      <table className="table table--cards targets-table">
        <caption className="visually-hidden">Targets and measured results</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col" className="num">
              Measured
            </th>
            <th scope="col" className="num">
              95% CI
            </th>
            <th scope="col" className="num">
              Sample
            </th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {outcome.targets.map((t) => {
            const s = targetStatusText(t);
            const base = kpiBaseline(t.metric);
            const kind = metricKind(t.metric);
            return (
              <tr key={`${t.metric}${t.op}`}>
                <td data-label="Target">
                  {/* judged against the target as planned at ship; an amendment is shown beneath it */}
                  {describeTarget(t.planned ? { ...t, ...t.planned } : t, base)}
                  {t.planned && t.statusAmended && (
                    <div className="cell-sub">
                      amended after ship to {describeTarget(t, base)}: {t.statusAmended} against it
                    </div>
                  )}
                  {t.planned === null && <div className="cell-sub">added after ship</div>}
                </td>
                <td data-label="Measured" className="num">
                  {formatMetricValue(t.metric, t.actual, base)}
                </td>
                <td data-label="95% CI" className="num">
                  {t.ci95 ? formatInterval(t.ci95, metricValueKind(t.metric, base)) : '—'}
                </td>
                <td data-label="Sample" className="num">
                  {t.n !== undefined ? (kind === 'kpi' ? `${t.n} days` : formatSampleSize(t.n)) : '—'}
                </td>
                <td data-label="Result">
                  <Badge tone={s.tone} icon={t.status === 'met' ? '✓' : t.status === 'missed' ? '✕' : '◔'}>
                    {s.label}
                  </Badge>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
