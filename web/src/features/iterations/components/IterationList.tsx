/** The iteration history, and (for editors) freezing a new snapshot. */
import { useId, useState, type FormEvent } from 'react';
import type { IterationHeader } from '../../../../../shared/iteration';
import { Link, useNavigate } from '@tanstack/react-router';
import { useCan } from '../../../app/session';
import { Panel } from '../../../components/Layout';
import { EmptyState, FormError, Loading, QueryView } from '../../../components/States';
import { formatDate, formatDateTime, todayIso } from '../../../lib/format';
import { useMutation, type UseQueryResult } from '@tanstack/react-query';
import { createIteration } from '../api/create-iteration';
import { defaultIterationName } from '../lib/diff-view';

function CreateSnapshot() {
  const today = todayIso();
  const [name, setName] = useState(defaultIterationName(today));
  const [asOf, setAsOf] = useState(today);
  const nameId = useId();
  const asOfId = useId();
  const create = useMutation({ mutationFn: () => createIteration({ name: name.trim(), asOf }) });
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const it = await create.mutateAsync();
      void navigate({ to: '/iterations/$id', params: { id: it.id } });
    } catch {
      // shown below
    }
  };
  return (
    <form onSubmit={submit} aria-label="Create a snapshot" style={{ marginBottom: 16 }}>
      <div className="form-row">
        <div className="field">
          <label htmlFor={nameId}>Snapshot name</label>
          <input id={nameId} type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
        </div>
        <div className="field">
          <label htmlFor={asOfId}>Outcomes as of</label>
          <input id={asOfId} type="date" value={asOf} max={today} onChange={(e) => setAsOf(e.target.value)} />
        </div>
      </div>
      <FormError error={create.error} />
      <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
        {create.isPending ? 'Freezing…' : 'Create snapshot'}
      </button>
      <p className="field__hint" style={{ marginTop: 6 }}>
        Freezes the roadmap and every shipped epic&apos;s outcome; later edits never change it.
      </p>
    </form>
  );
}

export function IterationList({ query, selected }: { query: UseQueryResult<IterationHeader[]>; selected: string | null }) {
  const canEdit = useCan('editor');
  return (
    <Panel title="History" subtitle="Monthly snapshots of the roadmap and its outcomes, newest first" id="history">
      {canEdit && <CreateSnapshot />}
      <QueryView query={query} loading={<Loading variant="table" rows={3} label="Loading iterations" />}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No snapshot yet" icon="↻">
              {canEdit ? 'Create the first snapshot above; next month, compare against it.' : 'An editor creates a snapshot each month.'}
            </EmptyState>
          ) : (
            <ul className="iteration-list">
              {list.map((it) => (
                <li key={it.id} className={`iteration-item ${selected === it.id ? 'is-selected' : ''}`}>
                  <div>
                    <Link to="/iterations/$id" params={{ id: it.id }} className="cell-main" aria-current={selected === it.id ? 'true' : undefined}>
                      {it.name}
                    </Link>
                    <div className="cell-sub">
                      Outcomes as of {formatDate(it.asOf)} · by {it.author}
                    </div>
                  </div>
                  <span className="cell-sub nowrap" title={formatDateTime(it.createdAt)}>
                    {formatDate(it.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </Panel>
  );
}
