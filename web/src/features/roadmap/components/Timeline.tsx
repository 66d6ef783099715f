/** Themes as swimlanes, milestones as columns, epics as cards. Stacks into one block per theme on a phone. */
import type { CSSProperties } from 'react';
import type { Epic, Milestone, Theme } from '../../../../../shared/roadmap';
import { Badge } from '../../../components/Badge';
import { formatDayMonth, formatNumber } from '../../../lib/format';
import { effortByColumn, UNSCHEDULED, type TimelineLayout } from '../lib/timeline';
import { EpicCard, type EpicOutcomeHint } from './EpicCard';

export function Timeline({
  layout,
  outcomes,
  canEdit,
  onOpenEpic,
  onShipEpic,
  onEditTheme,
  onEditMilestone,
  onAddEpic,
}: {
  layout: TimelineLayout;
  outcomes: Map<string, EpicOutcomeHint>;
  canEdit: boolean;
  onOpenEpic(e: Epic): void;
  onShipEpic(e: Epic): void;
  onEditTheme(t: Theme): void;
  onEditMilestone(m: Milestone): void;
  onAddEpic(themeId: string, milestoneId: string): void;
}) {
  const effort = effortByColumn(layout);
  const columnName = (id: string) => layout.columns.find((c) => c.id === id)?.milestone?.name ?? 'Unscheduled';
  return (
    <div className="timeline-scroll" tabIndex={0} aria-label="Roadmap timeline (scrolls sideways)">
      <div className="timeline" style={{ '--cols': layout.columns.length } as CSSProperties} role="table" aria-label="Roadmap: themes by milestone">
        <div role="rowgroup" className="timeline__lane-end">
          <div role="row" className="timeline__lane-end">
            <div className="timeline__corner" role="columnheader">
              <span className="muted small">Theme ╲ Milestone</span>
            </div>
            {layout.columns.map((c) => (
              <div key={c.id} role="columnheader" className={`timeline__col-head ${c.current ? 'is-current' : ''}`}>
                <div className="timeline__col-name">
                  {c.milestone ? c.milestone.name : 'Unscheduled'}
                  {c.current && <Badge tone="info">Now</Badge>}
                  {canEdit && c.milestone && (
                    <button type="button" className="icon-button" onClick={() => onEditMilestone(c.milestone!)} aria-label={`Edit milestone ${c.milestone.name}`} title="Edit milestone">
                      ✎
                    </button>
                  )}
                </div>
                <div className="timeline__col-dates">
                  {c.milestone ? `${formatDayMonth(c.milestone.start)} – ${formatDayMonth(c.milestone.end)}` : 'No milestone yet'}
                  {c.id !== UNSCHEDULED && (effort[c.id].engineering > 0 || effort[c.id].design > 0) && (
                    <> · {formatNumber(effort[c.id].engineering)} eng + {formatNumber(effort[c.id].design)} design pw</>
                  )}
                </div>
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="timeline__lane-end">
          {layout.lanes.map((lane) => (
            <div role="row" key={lane.theme.id} className="timeline__lane-end">
              <div role="rowheader" className="timeline__lane-head">
                <span className="timeline__lane-name">{lane.theme.name}</span>
                {lane.theme.description && <span className="timeline__lane-desc">{lane.theme.description}</span>}
                <span className="timeline__lane-desc">
                  {lane.visible} epic{lane.visible === 1 ? '' : 's'} shown
                </span>
                {canEdit && (
                  <span>
                    <button type="button" className="button button--ghost button--small" onClick={() => onEditTheme(lane.theme)} aria-label={`Edit theme ${lane.theme.name}`}>
                      Edit theme
                    </button>
                  </span>
                )}
              </div>
              {lane.cells.map((cell) => {
                const col = layout.columns.find((c) => c.id === cell.columnId)!;
                return (
                  <div role="cell" key={cell.columnId} className={`timeline__cell ${col.current ? 'is-current' : ''} ${cell.epics.length === 0 ? 'is-empty' : ''}`}>
                    <span className="timeline__cell-label">{columnName(cell.columnId)}</span>
                    {cell.epics.map((e) => (
                      <EpicCard key={e.id} epic={e} outcome={outcomes.get(e.id)} canEdit={canEdit} onOpen={onOpenEpic} onShip={onShipEpic} />
                    ))}
                    {canEdit && !col.past && (
                      <button
                        type="button"
                        className="button button--ghost button--small add-epic"
                        onClick={() => onAddEpic(lane.theme.id, cell.columnId === UNSCHEDULED ? '' : cell.columnId)}
                        aria-label={`Add an epic to ${lane.theme.name}, ${columnName(cell.columnId)}`}
                      >
                        + Add epic
                      </button>
                    )}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
