/** An epic on the timeline: coloured by status and verdict, and always labelled in words. */
import type { ImpactEpic } from '../../../../../shared/impact';
import type { Epic } from '../../../../../shared/roadmap';
import type { DemandSummary } from '../../../../../shared/asks';
import { describeDemand } from '../../../../../shared/demand';
import { Link } from '@tanstack/react-router';
import { Badge, StatusBadge, VerdictBadge } from '../../../components/Badge';
import { formatDate, formatNumber, formatPercent } from '../../../lib/format';

/** What the card shows of a shipped epic's outcome (from GET /impact) and of the customer demand behind it (asks). */
export type EpicOutcomeHint = Partial<Pick<ImpactEpic, 'verdict' | 'adoptionRate'>> & { demand?: DemandSummary };

export function EpicCard({
  epic,
  outcome,
  canEdit,
  onOpen,
  onShip,
}: {
  epic: Epic;
  outcome?: EpicOutcomeHint;
  canEdit: boolean;
  onOpen(epic: Epic): void;
  onShip(epic: Epic): void;
}) {
  const verdict = epic.status === 'shipped' ? outcome?.verdict : undefined;
  const effort = epic.estimate ? epic.estimate.effortWeeks.engineering + epic.estimate.effortWeeks.design : null;
  return (
    <article className={`epic-card epic-card--${epic.status} ${verdict ? `epic-card--verdict-${verdict}` : ''}`} data-epic={epic.id} aria-label={epic.title}>
      <h3 className="epic-card__title">
        <button type="button" className="link-button" onClick={() => onOpen(epic)} aria-haspopup="dialog">
          {epic.title}
        </button>
      </h3>
      <div className="epic-card__meta">
        <StatusBadge status={epic.status} />
        {verdict && <VerdictBadge verdict={verdict} />}
        {outcome?.demand && (
          <Badge tone="info" icon="✉" title={describeDemand(outcome.demand)}>
            {outcome.demand.accounts ? `${outcome.demand.accounts} account${outcome.demand.accounts === 1 ? '' : 's'}` : `${outcome.demand.asks} ask${outcome.demand.asks === 1 ? '' : 's'}`}
          </Badge>
        )}
      </div>
      <div className="epic-card__line">
        {epic.status === 'shipped' && epic.shippedAt ? (
          <>
            Shipped {formatDate(epic.shippedAt)}
            {outcome?.adoptionRate !== null && outcome?.adoptionRate !== undefined && <> · adoption {formatPercent(outcome.adoptionRate)}</>}
          </>
        ) : (
          <>
            {epic.targets.length} target{epic.targets.length === 1 ? '' : 's'}
            {effort !== null && <> · {formatNumber(effort)} person-weeks</>}
          </>
        )}
      </div>
      {(epic.status === 'shipped' || (canEdit && epic.status !== 'cancelled')) && (
        <div className="epic-card__actions">
          {epic.status === 'shipped' && (
            <Link to="/epics/$id" params={{ id: epic.id }} className="button button--ghost button--small">
              Outcome →
            </Link>
          )}
          {canEdit && epic.status !== 'shipped' && (
            <button type="button" className="button button--ghost button--small" onClick={() => onShip(epic)} aria-label={`Ship ${epic.title}`}>
              Ship…
            </button>
          )}
        </div>
      )}
    </article>
  );
}
