/** What changed between two iterations, and the outcome evidence and decision behind each change. */
import type { IterationDiff } from '../../../../../shared/iteration';
import { Link } from '@tanstack/react-router';
import { Badge, DecisionBadge } from '../../../components/Badge';
import { EmptyState } from '../../../components/States';
import { formatDate } from '../../../lib/format';
import { AmendmentNotes } from '../../../components/AmendmentNotes';
import { CHANGE_KIND_LIST, CHANGE_LABELS, describeChange, groupByEpic, namesFrom, type Names } from '../lib/diff-view';

export function DiffView({ diff, names = namesFrom() }: { diff: IterationDiff; names?: Names }) {
  const groups = groupByEpic(diff.changes);
  return (
    <div className="stack" style={{ gap: 14 }}>
      <p>
        From <strong>{diff.from.name}</strong> ({formatDate(diff.from.asOf)}) to <strong>{diff.to.name}</strong> ({formatDate(diff.to.asOf)}):{' '}
        <strong>{diff.summary.total}</strong> change{diff.summary.total === 1 ? '' : 's'}.
      </p>
      <div className="chips" aria-label="Changes by kind">
        {CHANGE_KIND_LIST.filter((k) => diff.summary[k] > 0).map((k) => (
          <Badge key={k} tone={CHANGE_LABELS[k].tone} icon={CHANGE_LABELS[k].icon}>
            {diff.summary[k]} {CHANGE_LABELS[k].label.toLowerCase()}
          </Badge>
        ))}
      </div>
      {groups.length === 0 ? (
        <EmptyState title="Nothing changed between these snapshots" icon="=" />
      ) : (
        <ul className="change-list">
          {groups.map((g) => {
            const decision = g.changes.find((c) => c.decision)?.decision;
            return (
              <li key={g.epicId} className="change" data-epic={g.epicId}>
                <div className="change__head">
                  <Link to="/epics/$id" params={{ id: g.epicId }} className="cell-main">
                    {g.title}
                  </Link>
                  {g.changes.map((c) => (
                    <Badge key={c.kind} tone={CHANGE_LABELS[c.kind].tone} icon={CHANGE_LABELS[c.kind].icon}>
                      {CHANGE_LABELS[c.kind].label}
                    </Badge>
                  ))}
                </div>
                {g.changes.map((c) => (
                  <div key={c.kind} className="change__detail">
                    <span className="visually-hidden">{CHANGE_LABELS[c.kind].label}: </span>
                    {describeChange(c, names)}
                    {c.kind === 'targets' && c.amendments && <AmendmentNotes amendments={c.amendments} compact />}
                  </div>
                ))}
                {[...new Set(g.changes.map((c) => c.evidence).filter(Boolean))].map((ev) => (
                  <div key={ev} className="change__evidence">
                    <span className="muted small">Why: </span>
                    {ev}
                  </div>
                ))}
                {decision && (
                  <div className="small">
                    PM decision: <DecisionBadge decision={decision} />
                  </div>
                )}
              </li>
              );
            })}
        </ul>
      )}
    </div>
  );
}
