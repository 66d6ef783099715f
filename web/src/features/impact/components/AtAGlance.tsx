/** The answers leadership opens the page for: which epics missed and by how much, and what was decided. */
import type { Impact } from '../../../../../shared/impact';
import { Link } from '../../../app/router';
import { DecisionBadge } from '../../../components/Badge';
import { Panel } from '../../../components/Layout';
import { EmptyState } from '../../../components/States';
import { describeGap, formatMetricValue, formatTargetValue, metricLabel } from '../../../lib/domain';
import { formatDate } from '../../../lib/format';
import { kpiBaseline, missedEpics } from '../lib/impact-view';

export function AtAGlance({ impact }: { impact: Impact }) {
  const missed = missedEpics(impact.epics);
  const decided = impact.epics.filter((e) => e.decision).sort((a, b) => ((a.decisionAt ?? '') < (b.decisionAt ?? '') ? 1 : -1));
  const awaiting = impact.epics.filter((e) => e.awaitingDecision);
  const themeName = new Map(impact.themes.map((t) => [t.id, t.name]));
  const baselineOf = (e: (typeof missed)[number], metric: string) => {
    const k = e.kpiLifts.find((x) => `kpi:${x.name}` === metric);
    return k ? kpiBaseline(k) : undefined;
  };
  return (
    <div className="grid-2">
      <Panel title="Missed targets" subtitle="Shipped epics whose measured outcome fell short, worst first" id="missed">
        {missed.length === 0 ? (
          <EmptyState title="No shipped epic missed its targets" icon="✓">
            Epics still inside their measurement window are not judged yet.
          </EmptyState>
        ) : (
          <ul className="callout-list">
            {missed.map((e) => (
              <li key={e.id} className="callout callout--bad">
                <span className="callout__icon" aria-hidden="true">
                  ✕
                </span>
                <div className="callout__title">
                  <Link to={`/epics/${encodeURIComponent(e.id)}${impact.asOf ? `?asOf=${impact.asOf}` : ''}`}>{e.title}</Link>{' '}
                  <span className="muted small">· {themeName.get(e.themeId) ?? e.themeId}</span>
                </div>
                <div className="callout__body">
                  {e.worstMiss ? (
                    <>
                      {metricLabel(e.worstMiss.metric)} <strong>{formatMetricValue(e.worstMiss.metric, e.worstMiss.actual, baselineOf(e, e.worstMiss.metric))}</strong> vs target{' '}
                      {formatTargetValue(e.worstMiss.metric, e.worstMiss.target, baselineOf(e, e.worstMiss.metric))}:{' '}
                      <strong>{describeGap(e.worstMiss.metric, e.worstMiss.actual, e.worstMiss.target, baselineOf(e, e.worstMiss.metric))}</strong>
                    </>
                  ) : (
                    e.verdictReason
                  )}
                  {e.targetsMissed > 1 && <> · {e.targetsMissed} of {e.targetsTotal} targets missed</>}
                  <div style={{ marginTop: 6 }}>
                    {e.decision ? (
                      <>
                        Decision: <DecisionBadge decision={e.decision} />
                      </>
                    ) : (
                      <span className="muted">No decision recorded yet</span>
                    )}
                  </div>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title="PM decisions" subtitle={awaiting.length ? `${awaiting.length} evaluated epic${awaiting.length === 1 ? '' : 's'} awaiting a decision` : 'Every evaluated epic has a decision'} id="decisions">
        {decided.length === 0 ? (
          <EmptyState title="No decisions recorded yet" icon="⚑">
            Open an evaluated epic to record whether to double down, iterate, keep or sunset it.
            {awaiting[0] && (
              <div style={{ marginTop: 10 }}>
                <Link className="button button--secondary" to={`/epics/${encodeURIComponent(awaiting[0].id)}`}>
                  Review {awaiting[0].title}
                </Link>
              </div>
            )}
          </EmptyState>
        ) : (
          <ul className="callout-list">
            {decided.slice(0, 6).map((e) => (
              <li key={e.id} className={`callout callout--${e.verdict === 'met' ? 'good' : e.verdict === 'missed' ? 'bad' : 'warn'}`}>
                <span className="callout__icon" aria-hidden="true">
                  ⚑
                </span>
                <div className="callout__title">
                  <Link to={`/epics/${encodeURIComponent(e.id)}`}>{e.title}</Link> <DecisionBadge decision={e.decision!} />
                </div>
                <div className="callout__body">
                  {e.decisionBy ? `by ${e.decisionBy}` : ''} {e.decisionAt ? `on ${formatDate(e.decisionAt)}` : ''} · outcome {e.verdict === 'met' ? 'met its targets' : e.verdict === 'missed' ? 'missed a target' : 'not judged yet'}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
