/** Create, edit or delete a theme (a swimlane). */
import { useId, useState, type FormEvent } from 'react';
import type { Theme } from '../../../../../shared/roadmap';
import { ConfirmDialog, Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { useMutation } from '../../../lib/query';
import { createEntity } from '../api/create-entity';
import { deleteEntity } from '../api/delete-entity';
import { updateEntity } from '../api/update-entity';
import { slugify } from '../lib/epic-form';

export function ThemeDialog({ theme, onClose }: { theme?: Theme; onClose(): void }) {
  const [name, setName] = useState(theme?.name ?? '');
  const [description, setDescription] = useState(theme?.description ?? '');
  const [confirm, setConfirm] = useState(false);
  const formId = useId();
  const nameId = useId();
  const descId = useId();
  const save = useMutation(() =>
    theme
      ? updateEntity('themes', theme.id, { name: name.trim(), description: description.trim() })
      : createEntity('themes', { id: slugify(name), name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) }),
  );
  const remove = useMutation(() => deleteEntity('themes', theme!.id));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await save.mutate(undefined);
      onClose();
    } catch {
      // shown in the form
    }
  };
  return (
    <>
      <Dialog
        open
        title={theme ? `Edit theme “${theme.name}”` : 'New theme'}
        onClose={onClose}
        size="small"
        footer={
          <>
            {theme && (
              <button type="button" className="button button--danger-ghost" style={{ marginRight: 'auto' }} onClick={() => setConfirm(true)}>
                Delete
              </button>
            )}
            <button type="button" className="button button--secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form={formId} className="button button--primary" disabled={save.pending || !name.trim()}>
              {save.pending ? 'Saving…' : theme ? 'Save' : 'Create theme'}
            </button>
          </>
        }
      >
        <form id={formId} onSubmit={submit}>
          <FormError error={save.error} />
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input id={nameId} type="text" value={name} onChange={(e) => setName(e.target.value)} required />
            {!theme && name && <p className="field__hint">Id: <code>{slugify(name)}</code></p>}
          </div>
          <div className="field">
            <label htmlFor={descId}>Description</label>
            <textarea id={descId} value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
          </div>
        </form>
      </Dialog>
      {theme && (
        <ConfirmDialog
          open={confirm}
          title={`Delete theme “${theme.name}”?`}
          confirmLabel="Delete theme"
          pending={remove.pending}
          onClose={() => setConfirm(false)}
          onConfirm={async () => {
            try {
              await remove.mutate(undefined);
              setConfirm(false);
              onClose();
            } catch {
              // shown below
            }
          }}
        >
          <p>A theme can only be deleted once it has no epics.</p>
          <FormError error={remove.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
