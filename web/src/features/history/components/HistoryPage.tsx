/** The History page (editor and up): every change, newest first; filters by epic, person and dates live in the URL. */
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useAuditPages } from '../../../api/get-audit';
import { useRoadmap } from '../../../api/get-roadmap';
import { useCan } from '../../../app/session';
import { AuditEntryList } from '../../../components/AuditEntryList';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, ErrorState, Loading } from '../../../components/States';

const PAGE = 50;

const route = getRouteApi('/history');

export default function HistoryPage() {
  const canRead = useCan('editor');
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const epicId = search.epic ?? null;
  const actor = search.person ?? null;
  const from = search.from ?? null;
  const to = search.to ?? null;
  const set = (next: { epic?: string | null; person?: string | null; from?: string | null; to?: string | null }) =>
    void navigate({ search: (s) => ({ ...s, ...Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v || undefined])) }), replace: true });
  const setEpicId = (epic: string | null) => set({ epic });
  const setActor = (person: string | null) => set({ person });
  const setFrom = (day: string | null) => set({ from: day });
  const setTo = (day: string | null) => set({ to: day });
  const roadmap = useRoadmap();
  const [person, setPerson] = useState(actor ?? '');
  // a new filter starts again from the newest entry (its own query key)
  const pages = useAuditPages({ epicId: epicId ?? undefined, actor: actor ?? undefined, from: from ?? undefined, to: to ?? undefined, limit: PAGE }, canRead);
  const entries = pages.data?.pages.flatMap((p) => p.entries) ?? null;
  const error = pages.data === undefined && pages.isError ? pages.error : null;

  const submitPerson = (e: FormEvent) => {
    e.preventDefault();
    setActor(person.trim() || null);
  };

  if (!canRead) {
    return (
      <>
        <PageHeader title="History" />
        <EmptyState title="The history is for editors and admins" icon="◷">
          Your role can read the roadmap and outcomes, not who changed them.
        </EmptyState>
      </>
    );
  }

  const epics = roadmap.data?.epics ?? [];
  const filtered = !!(epicId || actor || from || to);
  return (
    <>
      <PageHeader title="History" subtitle="Every change, newest first: who, when, what changed field by field, and why. Entries are append-only: nobody can edit or delete them." />
      <Panel title="Filters">
        <div className="history-filters">
          <label className="field">
            <span className="label">Epic</span>
            <select className="input" value={epicId ?? ''} onChange={(e) => setEpicId(e.target.value || null)} aria-label="Epic">
              <option value="">All epics and everything else</option>
              {epics.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title}
                </option>
              ))}
            </select>
          </label>
          <form className="field" onSubmit={submitPerson}>
            <label className="label" htmlFor="history-person">
              Person or key
            </label>
            <input id="history-person" type="text" className="input" value={person} placeholder="ana@fabrikam.example" onChange={(e) => setPerson(e.target.value)} onBlur={() => setActor(person.trim() || null)} />
          </form>
          <label className="field">
            <span className="label">From</span>
            <input className="input" type="date" value={from ?? ''} onChange={(e) => setFrom(e.target.value || null)} aria-label="From" />
          </label>
          <label className="field">
            <span className="label">To</span>
            <input className="input" type="date" value={to ?? ''} onChange={(e) => setTo(e.target.value || null)} aria-label="To" />
          </label>
          {filtered && (
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => {
                set({ epic: null, person: null, from: null, to: null });
                setPerson('');
              }}
            >
              Clear filters
            </button>
          )}
        </div>
      </Panel>
      <Panel title="Changes" subtitle="Newest first">
        {error ? (
          <ErrorState error={error} />
        ) : entries === null ? (
          <Loading rows={4} variant="table" label="Loading the history" />
        ) : entries.length === 0 ? (
          <EmptyState title={filtered ? 'No change matches these filters' : 'Nothing has changed yet'} icon="◷" />
        ) : (
          <>
            <AuditEntryList entries={entries} />
            {pages.isFetchNextPageError && <ErrorState error={pages.error} onRetry={() => void pages.fetchNextPage()} />}
            {pages.hasNextPage && (
              <button type="button" className="button button--secondary" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
                {pages.isFetchingNextPage ? 'Loading…' : 'Older changes'}
              </button>
            )}
          </>
        )}
      </Panel>
    </>
  );
}
