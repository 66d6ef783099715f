/** The History page (editor and up): every change, newest first; filters by epic, person and dates live in the URL. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry } from '../../../../../shared/audit';
import { useRoadmap } from '../../../api/get-roadmap';
import { useSearchParam } from '../../../app/router';
import { useCan } from '../../../app/session';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, ErrorState, Loading } from '../../../components/States';
import { getAudit } from '../api/get-audit';
import { EntryList } from './EntryList';
import '../history.css';

const PAGE = 50;

export default function HistoryPage() {
  const canRead = useCan('editor');
  const [epicId, setEpicId] = useSearchParam('epic');
  const [actor, setActor] = useSearchParam('person');
  const [from, setFrom] = useSearchParam('from');
  const [to, setTo] = useSearchParam('to');
  const roadmap = useRoadmap();
  const [person, setPerson] = useState(actor ?? '');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const filters = { epicId, actor, from, to, limit: PAGE };
  const key = JSON.stringify(filters);

  // a new filter starts again from the newest entry
  useEffect(() => {
    if (!canRead) return;
    const controller = new AbortController();
    setEntries(null);
    setError(null);
    getAudit(filters, controller.signal).then(
      (p) => {
        setEntries(p.entries);
        setNext(p.next);
      },
      (e) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, canRead]);

  const more = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const p = await getAudit({ ...filters, cursor: next });
      setEntries((old) => [...(old ?? []), ...p.entries]);
      setNext(p.next);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

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
                setEpicId(null);
                setActor(null);
                setFrom(null);
                setTo(null);
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
            <EntryList entries={entries} />
            {next && (
              <button type="button" className="button button--secondary" onClick={() => void more()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Older changes'}
              </button>
            )}
          </>
        )}
      </Panel>
    </>
  );
}
