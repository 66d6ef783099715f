/** A proposal: capacity used per milestone, placements with their reasons, committed work, follow-ups and exclusions. */
import type { PlanProposal } from '../../../../../shared/planner';
import type { Roadmap } from '../../../../../shared/roadmap';
import { Badge } from '../../../components/Badge';
import { Panel } from '../../../components/Layout';
import { EmptyState } from '../../../components/States';
import { formatDecimal, formatInt, formatNumber } from '../../../lib/format';
import { byMilestone, usageShares, type Usage } from '../lib/plan-view';

const EXCLUSION_LABELS: Record<PlanProposal['excluded'][number]['code'], string> = {
  no_estimate: 'No estimate',
  zero_score: 'Zero score',
  too_large: 'Too large',
  capacity: 'No capacity left',
  search_budget: 'Search budget',
};

function UsageBar({ label, u }: { label: string; u: Usage }) {
  const s = usageShares(u);
  return (
    <div className="usage">
      <span className="small">
        {label}: <strong>{formatNumber(u.used)}</strong> of {formatNumber(u.capacity)} weeks{s.over ? ' (over!)' : ''}
      </span>
      <div className="usage__bar" role="img" aria-label={`${label}: ${formatNumber(u.committed)} committed, ${formatNumber(u.used - u.committed)} newly placed, of ${formatNumber(u.capacity)} person-weeks`}>
        <div className="usage__committed" style={{ width: `${s.committed * 100}%` }} />
        <div className="usage__placed" style={{ width: `${s.placed * 100}%` }} />
      </div>
    </div>
  );
}

export function ProposalView({ proposal, roadmap, title }: { proposal: PlanProposal; roadmap: Roadmap; title(id: string): string }) {
  const milestoneName = (id: string) => roadmap.milestones.find((m) => m.id === id)?.name ?? id;
  const themeName = (id: string) => roadmap.themes.find((t) => t.id === id)?.name ?? id;
  const themeOf = (id: string) => roadmap.epics.find((e) => e.id === id)?.themeId ?? proposal.followUps.find((f) => f.epicId === id)?.themeId ?? '';
  const groups = byMilestone(proposal);
  return (
    <div className="stack">
      <Panel
        title="Proposal"
        subtitle={`Total calibrated RICE value ${formatInt(proposal.objective.value)}${proposal.optimal ? ' — the best possible within capacity' : ' — the best found within the search budget'}`}
        id="proposal"
        actions={<Badge tone={proposal.optimal ? 'good' : 'warn'}>{proposal.optimal ? 'Optimal' : 'Best found'}</Badge>}
      >
        {proposal.warnings.length > 0 && (
          <div className="notice notice--warn" role="note">
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {proposal.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="stack" style={{ gap: 18 }}>
          {groups.map((g) => (
            <section key={g.milestoneId} aria-label={milestoneName(g.milestoneId)}>
              <div className="toolbar" style={{ justifyContent: 'space-between', marginBottom: 8 }}>
                <h3>{milestoneName(g.milestoneId)}</h3>
                <div className="toolbar">
                  <UsageBar label="Engineering" u={g.totals.engineering} />
                  <UsageBar label="Design" u={g.totals.design} />
                </div>
              </div>
              {g.placements.length === 0 && g.committed.length === 0 ? (
                <p className="muted">Nothing placed here.</p>
              ) : (
                <div className="table-wrap">
                  <table className="table table--cards">
                    <caption className="visually-hidden">Epics planned in {milestoneName(g.milestoneId)}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Epic</th>
                        <th scope="col" className="num">
                          Score
                        </th>
                        <th scope="col" className="num">
                          Effort (eng + design)
                        </th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.committed.map((c) => (
                        <tr key={c.epicId}>
                          <td data-label="Epic">
                            <span className="cell-main">{title(c.epicId)}</span>
                            <div className="cell-sub">{themeName(themeOf(c.epicId))}</div>
                            <Badge tone="info" icon="◐">
                              In progress
                            </Badge>
                          </td>
                          <td data-label="Score" className="num">
                            —
                          </td>
                          <td data-label="Effort" className="num">
                            {formatNumber(c.engineering)} + {formatNumber(c.design)}
                          </td>
                          <td data-label="Why">{c.reason}</td>
                        </tr>
                      ))}
                      {g.placements.map((p) => (
                        <tr key={p.epicId} data-epic={p.epicId}>
                          <td data-label="Epic">
                            <span className="cell-main">{title(p.epicId)}</span>
                            <div className="cell-sub">{themeName(themeOf(p.epicId))}</div>
                            {p.followUp && (
                              <Badge tone="warn" icon="↻">
                                Follow-up
                              </Badge>
                            )}
                          </td>
                          <td data-label="Score" className="num">
                            <strong>{formatNumber(p.score)}</strong>
                          </td>
                          <td data-label="Effort" className="num">
                            {formatNumber(p.engineering)} + {formatNumber(p.design)}
                          </td>
                          <td data-label="Why">{p.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))}
        </div>
      </Panel>
      <div className="grid-2">
        <Panel title="Follow-ups" subtitle="Proposed for shipped epics that missed targets and were marked “iterate”">
          {proposal.followUps.length === 0 ? (
            <EmptyState title="No follow-ups proposed" icon="↻">
              A follow-up appears when a missed epic has the decision “Iterate”.
            </EmptyState>
          ) : (
            <ul className="callout-list">
              {proposal.followUps.map((f) => (
                <li key={f.epicId} className="callout callout--warn">
                  <span className="callout__icon" aria-hidden="true">
                    ↻
                  </span>
                  <div className="callout__title">
                    {f.title} <span className="muted small">· follows up {title(f.followUpOf)}</span>
                  </div>
                  <div className="callout__body">{f.reason}</div>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Left out" subtitle="Candidates not placed, and why">
          {proposal.excluded.length === 0 ? (
            <EmptyState title="Every candidate was placed" icon="✓" />
          ) : (
            <ul className="callout-list">
              {proposal.excluded.map((x) => (
                <li key={x.epicId} className="callout callout--bad">
                  <span className="callout__icon" aria-hidden="true">
                    −
                  </span>
                  <div className="callout__title">
                    {title(x.epicId)} <Badge tone="muted">{EXCLUSION_LABELS[x.code]}</Badge>
                  </div>
                  <div className="callout__body">{x.reason}</div>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <Panel title="Calibration used" subtitle="Each theme's impact estimates were multiplied by its factor (1 = no evidence to adjust)">
        <div className="chips">
          {proposal.calibration.map((c) => (
            <Badge key={c.themeId} tone={c.n === 0 ? 'muted' : c.factor < 1 ? 'warn' : 'good'}>
              {themeName(c.themeId)}: ×{formatDecimal(c.factor)} ({c.n} epic{c.n === 1 ? '' : 's'})
            </Badge>
          ))}
        </div>
      </Panel>
    </div>
  );
}
