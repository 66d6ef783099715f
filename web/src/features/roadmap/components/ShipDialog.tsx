/** Ship an epic on a day: its outcome window (28 days by default) starts then. */
import { useId, useState, type FormEvent } from 'react';
import type { Epic } from '../../../../../shared/roadmap';
import { FormDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { addDaysIso, formatDate, todayIso } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { shipEpic } from '../api/ship-epic';

export function ShipDialog({ epic, onClose, onShipped }: { epic: Epic; onClose(): void; onShipped?(e: Epic): void }) {
  const today = todayIso();
  const [date, setDate] = useState(today);
  const formId = useId();
  const dateId = useId();
  const ship = useMutation({ mutationFn: (d: string) => shipEpic(epic.id, d) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const shipped = await ship.mutateAsync(date);
      onShipped?.(shipped);
      onClose();
    } catch {
      // shown in the form
    }
  };
  const windowDays = epic.targets[0]?.windowDays ?? 28;
  return (
    <FormDialog title={`Ship “${epic.title}”`} onClose={onClose} formId={formId} submitLabel="Mark as shipped" pendingLabel="Shipping…" pending={ship.isPending} disabled={!date}>
      <form id={formId} onSubmit={submit}>
        <FormError error={ship.error} />
        <div className="field">
          <label htmlFor={dateId}>Shipped on</label>
          <input id={dateId} type="date" value={date} max={today} onChange={(e) => setDate(e.target.value)} required />
          <p className="field__hint">
            Sextant measures adoption and satisfaction from this day; the {windowDays}-day window closes on {date ? formatDate(addDaysIso(date, windowDays - 1)) : '—'}.
          </p>
        </div>
      </form>
    </FormDialog>
  );
}
