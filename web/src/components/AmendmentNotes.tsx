/**
 * A target moved after ship, in words beside the verdict: "target lowered from 10% to 3% on
 * 2 Oct 2026 by ana@fabrikam.example: <reason>". Used on the epic page, the impact scoreboard
 * and the iteration diff (the words come from shared/amendments.ts).
 */
import type { TargetAmendment } from '../../../shared/amendments';
import { describeAmendment } from '../../../shared/audit-words';
import type { EpicVerdict } from '../../../shared/outcome-types';
import { VERDICTS } from '../lib/domain';
import './amendment-notes.css';

export function AmendmentNotes({ amendments, verdictAmended, compact = false }: { amendments: (TargetAmendment | string)[]; verdictAmended?: EpicVerdict; compact?: boolean }) {
  if (!amendments.length) return null;
  const words = amendments.map((a) => (typeof a === 'string' ? a : describeAmendment(a)));
  return (
    <div className={`amendment-notes${compact ? ' amendment-notes--compact' : ''}`} role="note" aria-label="Targets amended after ship">
      {!compact && <strong>Judged against the targets as planned at ship. </strong>}
      {words.map((w) => (
        <span key={w} className="amendment-note">
          ⚑ {w.charAt(0).toUpperCase() + w.slice(1)}
        </span>
      ))}
      {verdictAmended && <span className="amendment-note">Against the amended targets: {VERDICTS[verdictAmended].label.toLowerCase()}.</span>}
    </div>
  );
}
