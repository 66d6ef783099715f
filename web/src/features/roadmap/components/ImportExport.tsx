/** Export the roadmap document as a JSON file; import one (replacing the roadmap) with the API's errors shown. */
import { useRef, useState } from 'react';
import type { Roadmap } from '../../../../../shared/roadmap';
import { getRoadmap } from '../../../api/get-roadmap';
import { ConfirmDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { todayIso } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { importRoadmap } from '../api/import-roadmap';

/** Save a value as a pretty-printed JSON download. */
export function downloadJson(value: unknown, fileName: string) {
  const blob = new Blob([JSON.stringify(value, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** What an import file holds, in words, or why it cannot be read. */
export function describeImport(text: string): { doc: unknown; summary: string } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `The file is not valid JSON: ${(e as Error).message}` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'The file does not hold a roadmap document (expected a JSON object with themes, milestones and epics).' };
  const d = doc as Partial<Record<keyof Roadmap, unknown>>;
  const count = (x: unknown) => (Array.isArray(x) ? x.length : 0);
  return { doc, summary: `${count(d.themes)} themes, ${count(d.milestones)} milestones, ${count(d.epics)} epics and ${count(d.stories)} stories` };
}

export function ExportButton() {
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className="button button--secondary"
        onClick={async () => {
          try {
            setError(null);
            downloadJson(await getRoadmap(), `sextant-roadmap-${todayIso()}.json`);
          } catch (e) {
            setError(e);
          }
        }}
      >
        Export JSON
      </button>
      {error ? <FormError error={error} /> : null}
    </>
  );
}

export function ImportButton({ onImported }: { onImported(summary: string): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<{ doc: unknown; summary: string; fileName: string } | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const put = useMutation({ mutationFn: (doc: unknown) => importRoadmap(doc) });
  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          put.reset();
          const read = describeImport(await file.text());
          if ('error' in read) {
            setReadError(read.error);
            setPending({ doc: null, summary: '', fileName: file.name });
          } else {
            setReadError(null);
            setPending({ ...read, fileName: file.name });
          }
        }}
      />
      <button type="button" className="button button--secondary" onClick={() => input.current?.click()}>
        Import JSON…
      </button>
      <ConfirmDialog
        open={pending !== null}
        title={readError ? 'This file cannot be imported' : 'Replace the roadmap?'}
        confirmLabel={readError ? 'Choose another file' : 'Replace roadmap'}
        danger={!readError}
        pending={put.isPending}
        onClose={() => {
          setPending(null);
          put.reset();
        }}
        onConfirm={async () => {
          if (readError || !pending) {
            setPending(null);
            input.current?.click();
            return;
          }
          try {
            await put.mutateAsync(pending.doc);
            onImported(pending.summary);
            setPending(null);
          } catch {
            // the API's messages are shown in the dialog
          }
        }}
      >
        {readError ? (
          <p className="form-error" role="alert">
            {readError}
          </p>
        ) : (
          <p>
            <strong>{pending?.fileName}</strong> holds {pending?.summary}. Importing replaces the whole roadmap; an invalid document changes nothing.
          </p>
        )}
        <FormError error={put.error} />
      </ConfirmDialog>
    </>
  );
}
