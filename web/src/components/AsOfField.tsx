/** "As of" a past day: a date input up to today; today (or an emptied input) reads as null, i.e. live. */
import { useId } from 'react';
import { todayIso } from '../lib/format';

export function AsOfField({ value, onChange }: { value: string | null; onChange(v: string | null): void }) {
  const id = useId();
  const today = todayIso();
  return (
    <div className="field field--inline">
      <label htmlFor={id}>As of</label>
      <input id={id} type="date" value={value ?? today} max={today} onChange={(e) => onChange(e.target.value && e.target.value !== today ? e.target.value : null)} />
    </div>
  );
}
