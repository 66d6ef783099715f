/** Create, edit or delete a theme (a swimlane). */
import { useId, useState, type FormEvent } from 'react';
import type { Theme } from '../../../../../shared/roadmap';
import { FormDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { useMutation } from '@tanstack/react-query';
import { createEntity } from '../api/create-entity';
import { updateEntity } from '../api/update-entity';
import { slugify } from '../lib/epic-form';
import { DeleteEntityDialog } from './DeleteEntityDialog';

export function ThemeDialog({ theme, onClose }: { theme?: Theme; onClose(): void }) {
  const [name, setName] = useState(theme?.name ?? '');
  const [description, setDescription] = useState(theme?.description ?? '');
  const [confirm, setConfirm] = useState(false);
  const formId = useId();
  const nameId = useId();
  const descId = useId();
  const save = useMutation({ mutationFn: () =>
    theme
      ? updateEntity('themes', theme.id, { name: name.trim(), description: description.trim() })
      : createEntity('themes', { id: slugify(name), name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) }),
   });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await save.mutateAsync();
      onClose();
    } catch {
      // shown in the form
    }
  };
  return (
    <>
      <FormDialog
        title={theme ? `Edit theme “${theme.name}”` : 'New theme'}
        onClose={onClose}
        formId={formId}
        submitLabel={theme ? 'Save' : 'Create theme'}
        pending={save.isPending}
        disabled={!name.trim()}
        onDelete={theme ? () => setConfirm(true) : undefined}
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
      </FormDialog>
      {theme && (
        <DeleteEntityDialog
          collection="themes"
          id={theme.id}
          open={confirm}
          title={`Delete theme “${theme.name}”?`}
          confirmLabel="Delete theme"
          onClose={() => setConfirm(false)}
          onDeleted={onClose}
        >
          <p>A theme can only be deleted once it has no epics.</p>
        </DeleteEntityDialog>
      )}
    </>
  );
}
