/** Planner: capacity per milestone → a proposal with reasons, exclusions and follow-ups → accept into the roadmap. */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { PlanAccepted, PlanProposal } from '../../../../../shared/planner';
import { DEFAULT_DEMAND_WEIGHT } from '../../../../../shared/demand';
import type { Roadmap } from '../../../../../shared/roadmap';
import { useRoadmap } from '../../../api/get-roadmap';
import { Link } from '@tanstack/react-router';
import { useCan } from '../../../app/session';
import { ConfirmDialog } from '../../../components/Dialog';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, ErrorState, FormError, Loading, QueryView } from '../../../components/States';
import { formatDayMonth, formatMonth, formatNumber, monthStartIso, todayIso } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { acceptPlan } from '../api/accept-plan';
import { createPlan, type PlanInput } from '../api/create-plan';
import { capacityRows, planRequest, type CapacityRow } from '../lib/plan-view';
import { ProposalView } from './ProposalView';

function CapacityForm({ roadmap, onPropose, pending }: { roadmap: Roadmap; onPropose(req: PlanInput): void; pending: boolean }) {
  const today = todayIso();
  const [rows, setRows] = useState<CapacityRow[]>(() => capacityRows(roadmap, today));
  const [horizon, setHorizon] = useState('');
  const [weight, setWeight] = useState(DEFAULT_DEMAND_WEIGHT);
  const [problems, setProblems] = useState<string[]>([]);
  const horizonId = useId();
  const weightId = useId();
  const set = (i: number, patch: Partial<CapacityRow>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { request, problems: p } = planRequest(rows, { horizonMonths: horizon ? Number(horizon) : undefined, demandWeight: weight });
    setProblems(p);
    if (!p.length) onPropose(request);
  };
  if (rows.length === 0) {
    return (
      <EmptyState title="No upcoming milestone to plan" icon="⚖" action={<Link to="/roadmap" className="button button--secondary">Add milestones on the roadmap</Link>}>
        The planner fills milestones that have not ended yet.
      </EmptyState>
    );
  }
  return (
    <form onSubmit={submit} aria-label="Capacity">
      <div className="table-wrap">
        <table className="table table--cards capacity-table">
          <caption className="visually-hidden">Capacity per milestone in person-weeks</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Milestone</th>
              <th scope="col">Engineering (person-weeks)</th>
              <th scope="col">Design (person-weeks)</th>
              <th scope="col" className="num">
                Scheduled now
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.milestoneId}>
                <td data-label="Plan">
                  <input type="checkbox" checked={r.include} onChange={(e) => set(i, { include: e.target.checked })} aria-label={`Plan ${r.name}`} />
                </td>
                <td data-label="Milestone">
                  <span className="cell-main">{r.name}</span>
                  <div className="cell-sub">
                    {formatDayMonth(r.start)} – {formatDayMonth(r.end)}
                  </div>
                </td>
                <td data-label="Engineering">
                  <input type="number" min={0} step="0.5" value={r.engineering} disabled={!r.include} onChange={(e) => set(i, { engineering: e.target.value })} aria-label={`Engineering person-weeks in ${r.name}`} />
                </td>
                <td data-label="Design">
                  <input type="number" min={0} step="0.5" value={r.design} disabled={!r.include} onChange={(e) => set(i, { design: e.target.value })} aria-label={`Design person-weeks in ${r.name}`} />
                </td>
                <td data-label="Scheduled now" className="num">
                  {formatNumber(r.scheduled.engineering)} eng + {formatNumber(r.scheduled.design)} design
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="toolbar" style={{ marginTop: 14, justifyContent: 'space-between' }}>
        <div className="field field--inline">
          <label htmlFor={horizonId}>Horizon</label>
          <select id={horizonId} value={horizon} onChange={(e) => setHorizon(e.target.value)}>
            <option value="">Every milestone above</option>
            {[3, 4, 6].map((m) => (
              <option key={m} value={m}>
                Next {m} months
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline demand-weight">
          <label htmlFor={weightId}>Customer asks weigh</label>
          <input id={weightId} type="range" min={0} max={1} step={0.05} value={weight} onChange={(e) => setWeight(Number(e.target.value))} aria-describedby={`${weightId}-hint`} />
          <output htmlFor={weightId} className="num">
            {Math.round(weight * 100)}%
          </output>
          <span id={`${weightId}-hint`} className="field__hint">
            {weight === 0 ? 'asks are shown, not weighed' : weight === 1 ? 'only asked-for epics are planned' : `against ${Math.round((1 - weight) * 100)}% measured, calibrated value`}
          </span>
        </div>
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? 'Planning…' : 'Propose a plan'}
        </button>
      </div>
      {problems.length > 0 && (
        <div className="form-error" role="alert" style={{ marginTop: 12 }}>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

export default function PlannerPage() {
  const roadmap = useRoadmap();
  const canEdit = useCan('editor');
  const [request, setRequest] = useState<PlanInput | null>(null);
  const [proposal, setProposal] = useState<PlanProposal | null>(null);
  const [accepted, setAccepted] = useState<PlanAccepted | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [name, setName] = useState(() => formatMonth(monthStartIso(todayIso(), 1), true));
  const nameId = useId();
  const plan = useMutation({ mutationFn: (req: PlanInput) => createPlan(req) });
  const accept = useMutation({ mutationFn: (req: PlanInput) => acceptPlan({ ...req, iterationName: name.trim() || undefined }) });
  const propose = async (req: PlanInput) => {
    setAccepted(null);
    try {
      setProposal(await plan.mutateAsync(req));
      setRequest(req);
    } catch {
      setProposal(null);
    }
  };
  const title = useMemo(() => {
    const doc = roadmap.data;
    return (id: string) => doc?.epics.find((e) => e.id === id)?.title ?? proposal?.followUps.find((f) => f.epicId === id)?.title ?? id;
  }, [roadmap.data, proposal]);
  useEffect(() => {
    if (accepted) document.querySelector<HTMLElement>('#accepted')?.focus();
  }, [accepted]);

  return (
    <>
      <PageHeader
        title="Planner"
        subtitle="Give each milestone its capacity; Sextant proposes which planned epics go where, scoring each by RICE with impact calibrated by how the theme's shipped epics actually did."
      />
      <QueryView query={roadmap} loading={<Loading variant="table" rows={3} label="Loading milestones" />}>
        {(doc) => (
          <div className="stack">
            <Panel title="Capacity" subtitle="Person-weeks available per milestone; in-progress epics keep their milestone and use its capacity first" id="capacity">
              <CapacityForm roadmap={doc} onPropose={propose} pending={plan.isPending} />
            </Panel>
            {plan.error ? <ErrorState error={plan.error} title="The planner could not make a proposal" /> : null}
            {plan.isPending && <Loading variant="table" rows={4} label="Planning" />}
            {accepted && (
              <div className="notice notice--good" id="accepted" tabIndex={-1} role="status">
                <strong>Plan accepted.</strong> The roadmap was updated and snapshot “{accepted.iteration.name}” was created.{' '}
                <Link to="/iterations/$id" params={{ id: accepted.iteration.id }}>See what changed and why →</Link>
              </div>
            )}
            {proposal && request && !plan.isPending && (
              <>
                <ProposalView proposal={proposal} roadmap={doc} title={title} />
                {canEdit ? (
                  <Panel title="Accept this plan" subtitle="Moves the placed epics into their milestones, creates the follow-ups, and freezes a snapshot you can compare with last month's.">
                    <div className="toolbar">
                      <div className="field field--inline" style={{ flex: '1 1 240px' }}>
                        <label htmlFor={nameId}>Name of the new iteration</label>
                        <input id={nameId} type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
                      </div>
                      <button type="button" className="button button--primary" onClick={() => setConfirm(true)} disabled={!!accepted}>
                        {accepted ? 'Accepted' : 'Accept plan…'}
                      </button>
                    </div>
                  </Panel>
                ) : (
                  <p className="muted">Editors can accept a proposal into the roadmap.</p>
                )}
              </>
            )}
            {!proposal && !plan.isPending && !plan.error && (
              <EmptyState title="No proposal yet" icon="⚖">
                Set the capacity above and choose “Propose a plan”. Nothing changes until an editor accepts it.
              </EmptyState>
            )}
          </div>
        )}
      </QueryView>
      <ConfirmDialog
        open={confirm}
        title="Accept the plan?"
        confirmLabel="Accept and update the roadmap"
        danger={false}
        pending={accept.isPending}
        onClose={() => {
          setConfirm(false);
          accept.reset();
        }}
        onConfirm={async () => {
          if (!request) return;
          try {
            setAccepted(await accept.mutateAsync(request));
            setConfirm(false);
          } catch {
            // shown below
          }
        }}
      >
        <p>
          {proposal?.placements.length ?? 0} epics are placed, {proposal?.followUps.length ?? 0} follow-ups created, and planned epics left out of the planned milestones become unscheduled. The
          planner is re-run on the server with the same capacity, so the result matches this proposal unless the roadmap changed meanwhile.
        </p>
        <FormError error={accept.error} />
      </ConfirmDialog>
    </>
  );
}
