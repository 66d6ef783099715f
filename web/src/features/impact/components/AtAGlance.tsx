/** The answers leadership opens the page for: which epics missed and by how much, and what was decided. */
import type { Impact } from '../../../../../shared/impact';
import { Link } from '@tanstack/react-router';
import { DecisionBadge, VerdictBadge } from '../../../components/Badge';
import { Panel } from '../../../components/Layout';
import { EmptyState } from '../../../components/States';
import { formatDate } from '../../../lib/format';
import { describeWorstMiss, missedEpics } from '../lib/impact-view';

export function AtAGlance({ impact }: { impact: Impact }) {
  const missed = missedEpics(impact.epics);
  const decided = impact.epics.filter((e) => e.decision).sort((a, b) => ((a.decisionAt ?? '') < (b.decisionAt ?? '') ? 1 : -1));
  const awaiting = impact.epics.filter((e) => e.awaitingDecision);
  const themeName = new Map(impact.themes.map((t) => [t.id, t.name]));
  // awaiting decisions shown: at least 2, more when few decisions fill the list
  const awaitingShown = Math.max(2, 6 - Math.min(decided.length, 5));
  return (
    <div className="grid-2">
      <Panel title="Missed targets" subtitle="Shipped epics whose measured outcome fell short, worst first" id="missed">
        {missed.length === 0 ? (
          <EmptyState title="No shipped epic missed its targets" icon="✓">
            Epics still inside their measurement window are not judged yet.
          </EmptyState>
        ) : (
          <ul className="callout-list">
            {missed.map((e) => {
              const miss = describeWorstMiss(e);
              return (
                <li key={e.id} className="callout callout--bad">
                  <span className="callout__icon" aria-hidden="true">
                    ✕
                  </span>
                  <div className="callout__title">
                    <Link to="/epics/$id" params={{ id: e.id }} search={impact.asOf ? { asOf: impact.asOf } : {}}>{e.title}</Link>{' '}
                    <span className="muted small">· {themeName.get(e.themeId) ?? e.themeId}</span>
                  </div>
                  <div className="callout__body">
                    {miss ? (
                      <>
                        {miss.metric} <strong>{miss.actual}</strong> vs target {miss.target}: <strong>{miss.gap}</strong>
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
              );
            })}
          </ul>
        )}
      </Panel>
      <Panel title="PM decisions" subtitle={awaiting.length ? `${awaiting.length} evaluated epic${awaiting.length === 1 ? '' : 's'} awaiting a decision` : 'Every evaluated epic has a decision'} id="decisions">
        {decided.length === 0 && awaiting.length === 0 ? (
          <EmptyState title="No decisions to take yet" icon="⚑">
            Decisions are recorded once an epic&apos;s measurement window has closed.
          </EmptyState>
        ) : (
          <ul className="callout-list">
            {decided.slice(0, 5).map((e) => (
              <li key={e.id} className={`callout callout--${e.verdict === 'met' ? 'good' : e.verdict === 'missed' ? 'bad' : 'warn'}`}>
                <span className="callout__icon" aria-hidden="true">
                  ⚑
                </span>
                <div className="callout__title">
                  <Link to="/epics/$id" params={{ id: e.id }}>{e.title}</Link> <DecisionBadge decision={e.decision!} />
                </div>
                <div className="callout__body">
                  {e.decisionBy ? `by ${e.decisionBy}` : ''} {e.decisionAt ? `on ${formatDate(e.decisionAt)}` : ''} · outcome {e.verdict === 'met' ? 'met its targets' : e.verdict === 'missed' ? 'missed a target' : 'not judged yet'}
                </div>
              </li>
            ))}
            {awaiting.slice(0, awaitingShown).map((e) => (
              <li key={e.id} className="callout callout--warn">
                <span className="callout__icon" aria-hidden="true">
                  ?
                </span>
                <div className="callout__title">
                  <Link to="/epics/$id" params={{ id: e.id }} hash="review">{e.title}</Link> <VerdictBadge verdict={e.verdict} />
                </div>
                <div className="callout__body">Awaiting a decision · window closed {formatDate(e.windowEnd)}</div>
              </li>
            ))}
          </ul>
        )}
        {awaiting.length > awaitingShown && (
          <p className="muted small" style={{ marginTop: 10 }}>
            and {awaiting.length - awaitingShown} more in the scoreboard below.
          </p>
        )}
      </Panel>
    </div>
  );
}
