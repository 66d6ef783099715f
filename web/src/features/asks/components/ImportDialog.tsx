/** Import asks from a CSV: paste or pick a file, map columns to ask fields, preview (dry run), import. */
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import type { AskImportResult } from '../../../../../shared/asks';
import { ASK_FIELD_PATHS, type AskFieldPath } from '../../../../../shared/constants';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { useMutation } from '@tanstack/react-query';
import { importAsks } from '../api/import-asks';
import { csvHeader, guessMapping } from '../lib/csv-header';

const FIELD_LABELS: Record<AskFieldPath, string> = {
  externalId: 'External id (idempotency)',
  source: 'Source',
  title: 'Title',
  text: 'Text',
  'account.id': 'Account id',
  'account.name': 'Account name',
  'account.plan': 'Account plan',
  'account.arr': 'Account ARR',
  requesterId: 'Requester (product user id)',
  askedAt: 'Asked on',
  url: 'Link to ticket or deal',
  epicIds: 'Epic ids',
};

export function ImportDialog({ open, onClose, sources }: { open: boolean; onClose(): void; sources: string[] }) {
  const [csv, setCsv] = useState('');
  const [mapping, setMapping] = useState<Partial<Record<AskFieldPath, string>>>({});
  const [source, setSource] = useState(sources[0] ?? 'support');
  const [preview, setPreview] = useState<AskImportResult | null>(null);
  const run = useMutation({ mutationFn: ({ dryRun }: { dryRun: boolean }) => importAsks({ csv, mapping, defaults: { source } }, dryRun) });
  const headers = useMemo(() => (csv.trim() ? csvHeader(csv) : []), [csv]);
  const fileId = useId();
  const textId = useId();
  const sourceId = useId();

  const load = (text: string) => {
    setCsv(text);
    setMapping(guessMapping(text.trim() ? csvHeader(text) : []));
    setPreview(null);
    run.reset();
  };
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) load(await f.text());
  };
  const close = () => {
    load('');
    onClose();
  };
  const doPreview = async () => setPreview(await run.mutateAsync({ dryRun: true }).catch(() => null));
  const doImport = async () => {
    const r = await run.mutateAsync({ dryRun: false }).catch(() => null);
    if (r) setPreview(r);
  };
  const done = preview && !preview.dryRun;

  return (
    <Dialog
      open={open}
      title="Import asks from CSV"
      size="large"
      onClose={close}
      description="An export from Zendesk, Intercom, Salesforce or a spreadsheet. Rows with the same external id (or the same content) update the ask they match, so importing a file twice changes nothing."
      footer={
        done ? (
          <button type="button" className="button button--primary" onClick={close}>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="button button--ghost" onClick={close}>
              Cancel
            </button>
            <button type="button" className="button button--secondary" disabled={!csv.trim() || !mapping.title || run.isPending} onClick={doPreview}>
              {run.isPending ? 'Checking…' : 'Preview'}
            </button>
            <button type="button" className="button button--primary" disabled={!preview || run.isPending || preview.created + preview.updated === 0} onClick={doImport}>
              Import {preview ? `${preview.created + preview.updated} asks` : ''}
            </button>
          </>
        )
      }
    >
      <div className="stack">
        <div className="form-row">
          <div className="field">
            <label className="label" htmlFor={fileId}>
              CSV file
            </label>
            <input id={fileId} type="file" accept=".csv,text/csv" onChange={onFile} />
          </div>
          <div className="field">
            <label className="label" htmlFor={sourceId}>
              Source when no column says
            </label>
            <select id={sourceId} value={source} onChange={(e) => setSource(e.target.value)}>
              {sources.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
        </div>
        <div className="field">
          <label className="label" htmlFor={textId}>
            …or paste it
          </label>
          <textarea id={textId} rows={4} className="mono" value={csv} onChange={(e) => load(e.target.value)} placeholder={'Ticket,Subject,Company,Created\nZD-1,"Save outfits, please",Acme,2026-11-02'} />
        </div>
        {headers.length > 0 && (
          <fieldset className="form-section">
            <legend className="form-section__title">Columns → ask fields</legend>
            <div className="mapping-grid">
              {ASK_FIELD_PATHS.map((f) => (
                <label key={f} className="field">
                  <span className="label">
                    {FIELD_LABELS[f]}
                    {f === 'title' ? ' *' : ''}
                  </span>
                  <select
                    value={mapping[f] ?? ''}
                    onChange={(e) => {
                      setMapping((m) => ({ ...m, [f]: e.target.value || undefined }));
                      setPreview(null);
                    }}
                  >
                    <option value="">— not mapped —</option>
                    {headers.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <FormError error={run.error} />
        {preview && <ImportPreview result={preview} />}
      </div>
    </Dialog>
  );
}

function ImportPreview({ result }: { result: AskImportResult }) {
  return (
    <section aria-label={result.dryRun ? 'Preview' : 'Imported'} className="stack">
      <p className={`notice ${result.rejected.length ? 'notice--warn' : 'notice--good'}`} role="status">
        {result.dryRun ? 'Would create' : 'Created'} <strong>{result.created}</strong>, {result.dryRun ? 'update' : 'updated'} <strong>{result.updated}</strong>, leave <strong>{result.unchanged}</strong> unchanged
        {result.rejected.length ? (
          <>
            ; <strong>{result.rejected.length}</strong> row{result.rejected.length === 1 ? '' : 's'} rejected (the others are not affected)
          </>
        ) : null}{' '}
        of {result.rows} rows.
      </p>
      {result.rejected.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption>Rejected rows</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Row
                </th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {result.rejected.map((r) => (
                <tr key={r.row}>
                  <td className="num">{r.row}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="table-wrap">
        <table className="table">
          <caption>{result.dryRun ? 'What each row would do' : 'What each row did'} (first 50)</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Ask</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {result.preview.slice(0, 50).map((p) => (
              <tr key={p.row}>
                <td className="num">{p.row}</td>
                <td>{p.title}</td>
                <td>{p.action === 'create' ? 'new ask' : p.action === 'update' ? 'updates an ask' : 'unchanged'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
