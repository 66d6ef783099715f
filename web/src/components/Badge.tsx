/** Labels that carry meaning in words and an icon, with colour only as a second cue. */
import type { ReactNode } from 'react';
import type { EpicStatus } from '../../../shared/roadmap';
import type { EpicVerdict } from '../../../shared/outcome-types';
import type { Decision } from '../../../shared/review';
import { DECISIONS, STATUSES, VERDICTS, type Tone } from '../lib/domain';

export function Badge({ tone = 'neutral', icon, children, title }: { tone?: Tone; icon?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {icon && (
        <span className="badge__icon" aria-hidden="true">
          {icon}
        </span>
      )}
      {children}
    </span>
  );
}

export function VerdictBadge({ verdict }: { verdict: EpicVerdict }) {
  const v = VERDICTS[verdict];
  return (
    <Badge tone={v.tone} icon={v.icon} title={v.help}>
      {v.label}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: EpicStatus }) {
  const s = STATUSES[status];
  return (
    <Badge tone={s.tone} icon={s.icon}>
      {s.label}
    </Badge>
  );
}

export function DecisionBadge({ decision }: { decision: Decision | string }) {
  const d = DECISIONS[decision as Decision];
  if (!d) return <Badge>{decision}</Badge>;
  return (
    <Badge tone={d.tone} icon="⚑" title={d.help}>
      {d.label}
    </Badge>
  );
}
