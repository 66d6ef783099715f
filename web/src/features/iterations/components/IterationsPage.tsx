/** Iterations: the monthly history, the diff between two snapshots with its evidence, and calibration. */
import { useEffect, useId } from 'react';
import { useRoadmap } from '../../../api/get-roadmap';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { formatDate, formatDateTime } from '../../../lib/format';
import { useCalibration } from '../api/get-calibration';
import { useIteration } from '../api/get-iteration';
import { useIterationDiff } from '../api/get-iteration-diff';
import { useIterations } from '../api/get-iterations';
import { namesFrom, previousOf, verdictCounts } from '../lib/diff-view';
import { CalibrationPanel } from './CalibrationPanel';
import { DiffView } from './DiffView';
import { IterationList } from './IterationList';

function Comparison({ id }: { id: string }) {
  const list = useIterations();
  const againstParam = useSearch({ strict: false, select: (s) => s.against ?? null });
  const navigate = useNavigate();
  const setAgainst = (next: string | null) => void navigate({ to: '/iterations/$id', params: { id }, search: (s) => ({ ...s, against: next || undefined }), replace: true });
  const against = againstParam ?? (list.data ? previousOf(list.data, id) : null);
  const iteration = useIteration(id);
  const diff = useIterationDiff(id, against);
  const older = useIteration(against);
  const selectId = useId();
  const others = (list.data ?? []).filter((x) => x.id !== id);
  return (
    <Panel
      title={iteration.data ? iteration.data.name : 'Iteration'}
      subtitle={iteration.data ? `Outcomes as of ${formatDate(iteration.data.asOf)} · frozen ${formatDateTime(iteration.data.createdAt)} by ${iteration.data.author}` : undefined}
      id="diff"
      actions={
        others.length > 0 ? (
          <div className="field field--inline">
            <label htmlFor={selectId}>Compare with</label>
            <select id={selectId} value={against ?? ''} onChange={(e) => setAgainst(e.target.value || null)}>
              {!against && <option value="">Choose a snapshot</option>}
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({formatDate(o.asOf)})
                </option>
              ))}
            </select>
          </div>
        ) : undefined
      }
    >
      <QueryView query={iteration} loading={<Loading variant="table" rows={2} />}>
        {(it) => {
          const c = verdictCounts(it);
          return (
            <div className="stack">
              <p className="muted">
                {it.roadmap.epics.length} epics in {it.roadmap.milestones.length} milestones · shipped outcomes: {c.met} met, {c.missed} missed, {c.too_early} too early
                {c.insufficient_data ? `, ${c.insufficient_data} without enough data` : ''} · {c.decided} with a PM decision
              </p>
              {!against ? (
                <EmptyState title="Nothing to compare with yet" icon="⇄">
                  This is the only snapshot. Next month, create another one and see what changed and why.
                </EmptyState>
              ) : (
                <QueryView query={diff} loading={<Loading variant="table" rows={3} label="Comparing snapshots" />}>
                  {(d) => <DiffView diff={d} names={namesFrom(it, older.data)} />}
                </QueryView>
              )}
            </div>
          );
        }}
      </QueryView>
    </Panel>
  );
}

/** `/iterations` opens the newest snapshot; `/iterations/$id` one snapshot. */
export default function IterationsPage() {
  const list = useIterations();
  const calibration = useCalibration();
  const roadmap = useRoadmap();
  const selected = useParams({ strict: false, select: (p) => p.id ?? null });
  const navigate = useNavigate();
  const newest = list.data?.[0]?.id;
  // with no snapshot chosen, open the newest
  useEffect(() => {
    if (!selected && newest) void navigate({ to: '/iterations/$id', params: { id: newest }, replace: true });
  }, [selected, newest, navigate]);
  return (
    <>
      <PageHeader
        title="Iterations"
        subtitle={
          <>
            The roadmap is updated monthly. Each snapshot freezes it with the measured outcomes, so you can show what changed since last month and why. Plan the next one in the{' '}
            <Link to="/planner">Planner</Link>.
          </>
        }
      />
      <div className="stack">
        <div className={`iterations-layout ${list.status === 'error' || list.data?.length === 0 ? 'iterations-layout--single' : ''}`}>
          <IterationList query={list} selected={selected} />
          {selected ? <Comparison id={selected} /> : list.status === 'error' || list.data?.length === 0 ? null : <Loading variant="table" rows={3} label="Opening the newest snapshot" />}
        </div>
        <CalibrationPanel query={calibration} roadmap={roadmap.data} />
      </div>
    </>
  );
}
