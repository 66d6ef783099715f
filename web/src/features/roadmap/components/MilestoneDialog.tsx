/** Create, edit or delete a milestone (a time box, usually a month). */
import { useId, useState, type FormEvent } from 'react';
import type { Milestone } from '../../../../../shared/roadmap';
import { FormDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { addDaysIso, formatMonth, monthStartIso, todayIso } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { createEntity } from '../api/create-entity';
import { updateEntity } from '../api/update-entity';
import { DeleteEntityDialog } from './DeleteEntityDialog';

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
  const save = useMutation({ mutationFn: () =>
    milestone ? updateEntity('milestones', milestone.id, { name: draft.name, start: draft.start, end: draft.end }) : createEntity('milestones', draft),
   });
  const set = (k: keyof Milestone, v: string) => setDraft((d) => ({ ...d, [k]: v }));
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
        title={milestone ? `Edit milestone “${milestone.name}”` : 'New milestone'}
        onClose={onClose}
        formId={formId}
        submitLabel={milestone ? 'Save' : 'Create milestone'}
        pending={save.isPending}
        onDelete={milestone ? () => setConfirm(true) : undefined}
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
      </FormDialog>
      {milestone && (
        <DeleteEntityDialog
          collection="milestones"
          id={milestone.id}
          open={confirm}
          title={`Delete milestone “${milestone.name}”?`}
          confirmLabel="Delete milestone"
          onClose={() => setConfirm(false)}
          onDeleted={onClose}
        >
          <p>A milestone can only be deleted once no epic is scheduled in it.</p>
        </DeleteEntityDialog>
      )}
    </>
  );
}
