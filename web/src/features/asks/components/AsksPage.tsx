/**
 * Customer asks: the triage inbox (unlinked asks), filters kept in the URL, suggestions to link
 * in a click, bulk linking, declining with a reason, CSV import and a form for a new ask.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import type { Ask } from '../../../../../shared/asks';
import type { Schemas } from '../../../api/types';
import { formatMoney } from '../../../../../shared/demand';
import type { Roadmap } from '../../../../../shared/roadmap';
import { useRoadmap } from '../../../api/get-roadmap';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useCan } from '../../../app/session';
import { Badge } from '../../../components/Badge';
import { FormDialog } from '../../../components/Dialog';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, FormError, Loading, QueryView } from '../../../components/States';
import { formatDate, todayIso } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { createAsk } from '../api/create-ask';
import { useAsks } from '../../../api/get-asks';
import { useSuggestions } from '../api/get-suggestions';
import { linkAsks, updateAsk } from '../api/update-ask';
import { ImportDialog } from './ImportDialog';

const SOURCES = ['support', 'sales', 'marketing', 'customer', 'research'];
const TABS: { id: Schemas['Ask']['status'] | 'all'; label: string }[] = [
  { id: 'new', label: 'Inbox' },
  { id: 'linked', label: 'Linked' },
  { id: 'declined', label: 'Declined' },
  { id: 'all', label: 'All' },
];
const STATUS_TONE = { new: 'info', linked: 'good', declined: 'muted' } as const;

const route = getRouteApi('/asks');

export default function AsksPage() {
  const filters = route.useSearch();
  const navigate = route.useNavigate();
  const filter =
    <K extends keyof typeof filters>(key: K) =>
    (next: (typeof filters)[K] | '' | null) =>
      void navigate({ search: (s) => ({ ...s, [key]: next || undefined }), replace: true });
  const [setStatus, setSource, setEpicId, setAccount, setQ] = [filter('status'), filter('source'), filter('epic'), filter('account'), filter('q')];
  const { source = null, epic: epicId = null, account = null, q = null } = filters;
  const tab = filters.status ?? 'new';
  const asks = useAsks({ status: tab === 'all' ? null : tab, source, epicId, accountId: account, q });
  const roadmap = useRoadmap();
  const canEdit = useCan('editor');
  const [importing, setImporting] = useState(false);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState(q ?? '');
  const ids = { search: useId(), source: useId(), epic: useId(), account: useId() };
  const epics = useMemo(() => (roadmap.data?.epics ?? []).filter((e) => e.status !== 'cancelled').sort((a, b) => a.title.localeCompare(b.title)), [roadmap.data]);
  const titles = useMemo(() => new Map((roadmap.data?.epics ?? []).map((e) => [e.id, e.title])), [roadmap.data]);

  return (
    <>
      <PageHeader
        title="Customer asks"
        subtitle="What Support, Sales and customers request, linked to the epics that answer it"
        actions={
          canEdit && (
            <div className="toolbar">
              <button type="button" className="button button--secondary" onClick={() => setImporting(true)}>
                Import CSV…
              </button>
              <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
                New ask
              </button>
            </div>
          )
        }
      />
      <Panel>
        <div className="asks-filters">
          <div className="segmented" role="tablist" aria-label="Status">
            {TABS.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'is-active' : ''} onClick={() => setStatus(t.id === 'new' ? null : t.id)}>
                {t.label}
              </button>
            ))}
          </div>
          <form
            className="field field--inline"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setQ(search.trim() || null);
            }}
          >
            <label htmlFor={ids.search} className="visually-hidden">
              Search asks
            </label>
            <input id={ids.search} type="search" placeholder="Search title, text, account" value={search} onChange={(e) => setSearch(e.target.value)} />
          </form>
          <div className="field field--inline">
            <label htmlFor={ids.source}>Source</label>
            <select id={ids.source} value={source ?? ''} onChange={(e) => setSource(e.target.value || null)}>
              <option value="">Any</option>
              {SOURCES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
          <div className="field field--inline">
            <label htmlFor={ids.epic}>Epic</label>
            <select id={ids.epic} value={epicId ?? ''} onChange={(e) => setEpicId(e.target.value || null)}>
              <option value="">Any</option>
              {epics.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field field--inline">
            <label htmlFor={ids.account}>Account</label>
            <input id={ids.account} type="text" placeholder="account id" defaultValue={account ?? ''} onBlur={(e) => setAccount(e.target.value.trim() || null)} size={12} />
          </div>
        </div>
        <QueryView query={asks} loading={<Loading rows={4} variant="table" label="Loading asks" />}>
          {(page) =>
            page.asks.length === 0 ? (
              <EmptyState title={tab === 'new' ? 'Inbox zero' : 'No asks match'} icon="✉">
                {tab === 'new' ? 'Every ask is linked to an epic or declined. New asks arrive from your help desk, CRM or an import.' : 'Try other filters.'}
              </EmptyState>
            ) : (
              <>
                {canEdit && <BulkLink asks={page.asks.filter((a) => selected.has(a.id))} epics={epics} onDone={() => setSelected(new Set())} />}
                <p className="muted small asks-count" role="status">
                  {page.total} ask{page.total === 1 ? '' : 's'}
                  {page.next ? ` (showing the newest ${page.asks.length})` : ''}
                </p>
                <ul className="ask-list" aria-label="Asks">
                  {page.asks.map((a) => (
                    <AskRow
                      key={a.id}
                      ask={a}
                      titles={titles}
                      roadmap={roadmap.data}
                      canEdit={canEdit}
                      selected={selected.has(a.id)}
                      onSelect={(on) =>
                        setSelected((s) => {
                          const n = new Set(s);
                          if (on) n.add(a.id);
                          else n.delete(a.id);
                          return n;
                        })
                      }
                    />
                  ))}
                </ul>
              </>
            )
          }
        </QueryView>
      </Panel>
      <ImportDialog open={importing} onClose={() => setImporting(false)} sources={SOURCES} />
      {creating && <NewAskDialog onClose={() => setCreating(false)} epics={epics} />}
    </>
  );
}

function AskRow({ ask, titles, roadmap, canEdit, selected, onSelect }: { ask: Ask; titles: Map<string, string>; roadmap?: Roadmap; canEdit: boolean; selected: boolean; onSelect(on: boolean): void }) {
  const [open, setOpen] = useState(false);
  const detailId = useId();
  const save = useMutation({ mutationFn: (patch: Parameters<typeof updateAsk>[1]) => updateAsk(ask.id, patch) });
  return (
    <li className={`ask ask--${ask.status}`} data-ask={ask.id}>
      <div className="ask__head">
        {canEdit && <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} aria-label={`Select “${ask.title}”`} />}
        <button type="button" className="link-button ask__title" aria-expanded={open} aria-controls={detailId} onClick={() => setOpen((o) => !o)}>
          {ask.title}
        </button>
        <Badge tone={STATUS_TONE[ask.status]}>{ask.status === 'new' ? 'new' : ask.status}</Badge>
      </div>
      <div className="ask__meta small muted">
        <span>{ask.source}</span>
        {ask.account && (
          <span>
            {ask.account.name ?? ask.account.id}
            {ask.account.arr !== undefined ? ` · ${formatMoney(ask.account.arr)} ARR` : ''}
          </span>
        )}
        {ask.requester && <span title="The requester is a product user; their id is stored pseudonymised">product user</span>}
        <span>{formatDate(ask.askedAt)}</span>
        {ask.epicIds.map((id) => (
          <span key={id} className="ask__epic">
            <Link to="/epics/$id" params={{ id }}>{titles.get(id) ?? id}</Link>
            {canEdit && (
              <button type="button" className="icon-button icon-button--small" aria-label={`Unlink ${titles.get(id) ?? id}`} disabled={save.isPending} onClick={() => void save.mutateAsync({ epicIds: ask.epicIds.filter((x) => x !== id) }).catch(() => undefined)}>
                ×
              </button>
            )}
          </span>
        ))}
      </div>
      {open && (
        <div id={detailId} className="ask__detail">
          {ask.text && <p className="ask__text">{ask.text}</p>}
          {ask.url && (
            <p className="small">
              <a href={ask.url} target="_blank" rel="noopener noreferrer">
                Open the original ticket or deal ↗
              </a>
            </p>
          )}
          {ask.status === 'declined' && ask.declinedReason && <p className="notice">Declined: {ask.declinedReason}</p>}
          {roadmap && <Suggestions ask={ask} titles={titles} canEdit={canEdit} onLink={(epicId) => save.mutateAsync({ epicIds: [...ask.epicIds, epicId] })} />}
          {canEdit && ask.status !== 'declined' && <DeclineForm onDecline={(reason) => save.mutateAsync({ status: 'declined', declinedReason: reason })} pending={save.isPending} />}
          <FormError error={save.error} />
        </div>
      )}
    </li>
  );
}

function Suggestions({ ask, titles, canEdit, onLink }: { ask: Ask; titles: Map<string, string>; canEdit: boolean; onLink(epicId: string): Promise<unknown> }) {
  const s = useSuggestions(ask.id);
  return (
    <QueryView query={s} loading={<p className="muted small">Finding related epics…</p>}>
      {(data) => (
        <div className="grid-2 ask__suggest">
          <section aria-label="Suggested epics">
            <h4 className="small">Suggested epics</h4>
            {data.epics.length === 0 ? (
              <p className="muted small">No epic matches its words.</p>
            ) : (
              <ul className="plain-list">
                {data.epics.map((e) => (
                  <li key={e.epicId}>
                    {canEdit ? (
                      <button type="button" className="button button--small button--secondary" onClick={() => void onLink(e.epicId).catch(() => undefined)}>
                        Link to {titles.get(e.epicId) ?? e.epicId}
                      </button>
                    ) : (
                      titles.get(e.epicId) ?? e.epicId
                    )}{' '}
                    <span className="muted small">relevance {Math.round(e.score * 100)}%</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-label="Similar asks">
            <h4 className="small">Similar asks</h4>
            {data.similarAsks.length === 0 ? (
              <p className="muted small">None.</p>
            ) : (
              <ul className="plain-list small">
                {data.similarAsks.map((a) => (
                  <li key={a.id}>
                    {a.title} <span className="muted">({Math.round(a.score * 100)}%)</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </QueryView>
  );
}

function DeclineForm({ onDecline, pending }: { onDecline(reason: string): Promise<unknown>; pending: boolean }) {
  const [reason, setReason] = useState('');
  const id = useId();
  return (
    <form
      className="toolbar"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (reason.trim()) void onDecline(reason.trim()).catch(() => undefined);
      }}
    >
      <label htmlFor={id} className="small">
        Decline, because
      </label>
      <input id={id} type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="the reason the requester will hear" maxLength={1000} />
      <button type="submit" className="button button--small button--danger-ghost" disabled={!reason.trim() || pending}>
        Decline
      </button>
    </form>
  );
}

function BulkLink({ asks, epics, onDone }: { asks: Ask[]; epics: Roadmap['epics']; onDone(): void }) {
  const [epicId, setEpicId] = useState('');
  const run = useMutation({ mutationFn: (x: { asks: Ask[]; epicId: string }) => linkAsks(x.asks, x.epicId) });
  const id = useId();
  if (!asks.length) return null;
  return (
    <form
      className="toolbar bulk-bar"
      aria-label="Link selected asks"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!epicId) return;
        await run.mutateAsync({ asks, epicId }).catch(() => undefined);
        onDone();
      }}
    >
      <strong>{asks.length} selected</strong>
      <label htmlFor={id}>Link to</label>
      <select id={id} value={epicId} onChange={(e) => setEpicId(e.target.value)}>
        <option value="">choose an epic…</option>
        {epics.map((e) => (
          <option key={e.id} value={e.id}>
            {e.title}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--primary button--small" disabled={!epicId || run.isPending}>
        {run.isPending ? 'Linking…' : `Link ${asks.length} ask${asks.length === 1 ? '' : 's'}`}
      </button>
      <FormError error={run.error} />
    </form>
  );
}

function NewAskDialog({ onClose, epics }: { onClose(): void; epics: Roadmap['epics'] }) {
  const formId = useId();
  const create = useMutation({ mutationFn: createAsk });
  const [f, setF] = useState({ title: '', text: '', source: 'support', accountId: '', accountName: '', arr: '', askedAt: todayIso(), url: '', epicId: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const arr = f.arr.trim() ? Number(f.arr.replace(/[,$\s]/g, '')) : undefined;
    await create
      .mutateAsync({
        title: f.title.trim(),
        source: f.source,
        askedAt: f.askedAt,
        ...(f.text.trim() ? { text: f.text.trim() } : {}),
        ...(f.accountId.trim() ? { account: { id: f.accountId.trim(), ...(f.accountName.trim() ? { name: f.accountName.trim() } : {}), ...(arr !== undefined ? { arr } : {}) } } : {}),
        ...(f.url.trim() ? { url: f.url.trim() } : {}),
        ...(f.epicId ? { epicIds: [f.epicId] } : {}),
      })
      .then(onClose)
      .catch(() => undefined);
  };
  return (
    <FormDialog title="New ask" onClose={onClose} formId={formId} submitLabel="Add ask" pending={create.isPending} size="medium">
      <form id={formId} onSubmit={submit} className="stack">
        <label className="field">
          <span className="label">Title *</span>
          <input required maxLength={200} value={f.title} onChange={set('title')} />
        </label>
        <label className="field">
          <span className="label">What they said</span>
          <textarea rows={3} maxLength={10000} value={f.text} onChange={set('text')} />
        </label>
        <div className="form-row">
          <label className="field">
            <span className="label">Source</span>
            <select value={f.source} onChange={set('source')}>
              {SOURCES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="label">Asked on</span>
            <input type="date" required value={f.askedAt} onChange={set('askedAt')} />
          </label>
        </div>
        <div className="form-row">
          <label className="field">
            <span className="label">Account id</span>
            <input value={f.accountId} onChange={set('accountId')} />
          </label>
          <label className="field">
            <span className="label">Account name</span>
            <input value={f.accountName} onChange={set('accountName')} />
          </label>
          <label className="field">
            <span className="label">ARR</span>
            <input inputMode="decimal" value={f.arr} onChange={set('arr')} />
          </label>
        </div>
        <label className="field">
          <span className="label">Link to the ticket or deal</span>
          <input type="url" value={f.url} onChange={set('url')} placeholder="https://" />
        </label>
        <label className="field">
          <span className="label">Epic</span>
          <select value={f.epicId} onChange={set('epicId')}>
            <option value="">Not yet (inbox)</option>
            {epics.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
              </option>
            ))}
          </select>
        </label>
        <FormError error={create.error} />
      </form>
    </FormDialog>
  );
}
