/** Create, edit or delete a milestone (a time box, usually a month). */
import { useId, useState, type FormEvent } from 'react';
import type { Milestone } from '../../../../../shared/roadmap';
import { ConfirmDialog, Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { addDaysIso, formatMonth, monthStartIso, todayIso } from '../../../lib/format';
import { useMutation } from '../../../lib/query';
import { createEntity } from '../api/create-entity';
import { deleteEntity } from '../api/delete-entity';
import { updateEntity } from '../api/update-entity';

/** The month after the last milestone (or this month), as a ready-made new milestone. */
export function nextMilestone(existing: Milestone[], today = todayIso()): Milestone {
  const last = [...existing].sort((a, b) => (a.end < b.end ? 1 : -1))[0];
  const start = last ? addDaysIso(last.end, 1) : monthStartIso(today);
  const monthStart = monthStartIso(start);
  const end = addDaysIso(monthStartIso(monthStart, 1), -1);
  return { id: monthStart.slice(0, 7), name: formatMonth(monthStart, true), start: monthStart, end };
}

export function MilestoneDialog({ milestone, existing, onClose }: { milestone?: Milestone; existing: Milestone[]; onClose(): void }) {
  const [draft, setDraft] = useState<Milestone>(() => milestone ?? nextMilestone(existing));
  const [confirm, setConfirm] = useState(false);
  const formId = useId();
  const ids = { id: useId(), name: useId(), start: useId(), end: useId() };
  const save = useMutation(() =>
    milestone ? updateEntity('milestones', milestone.id, { name: draft.name, start: draft.start, end: draft.end }) : createEntity('milestones', draft),
  );
  const remove = useMutation(() => deleteEntity('milestones', milestone!.id));
  const set = (k: keyof Milestone, v: string) => setDraft((d) => ({ ...d, [k]: v }));
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
        title={milestone ? `Edit milestone “${milestone.name}”` : 'New milestone'}
        onClose={onClose}
        size="small"
        footer={
          <>
            {milestone && (
              <button type="button" className="button button--danger-ghost" style={{ marginRight: 'auto' }} onClick={() => setConfirm(true)}>
                Delete
              </button>
            )}
            <button type="button" className="button button--secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form={formId} className="button button--primary" disabled={save.pending}>
              {save.pending ? 'Saving…' : milestone ? 'Save' : 'Create milestone'}
            </button>
          </>
        }
      >
        <form id={formId} onSubmit={submit}>
          <FormError error={save.error} />
          {!milestone && (
            <div className="field">
              <label htmlFor={ids.id}>Id</label>
              <input id={ids.id} type="text" className="mono" value={draft.id} onChange={(e) => set('id', e.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input id={ids.name} type="text" value={draft.name} onChange={(e) => set('name', e.target.value)} />
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.start}>Starts</label>
              <input id={ids.start} type="date" value={draft.start} onChange={(e) => set('start', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={ids.end}>Ends</label>
              <input id={ids.end} type="date" value={draft.end} onChange={(e) => set('end', e.target.value)} />
            </div>
          </div>
        </form>
      </Dialog>
      {milestone && (
        <ConfirmDialog
          open={confirm}
          title={`Delete milestone “${milestone.name}”?`}
          confirmLabel="Delete milestone"
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
          <p>A milestone can only be deleted once no epic is scheduled in it.</p>
          <FormError error={remove.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
