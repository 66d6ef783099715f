/**
 * The audit trail and amended targets in words, for the server's entries and the dashboard
 * alike. Pure, and free of zod (the dashboard imports it at runtime; schemas stay in
 * ./audit.ts and ./amendments.ts, which re-export these).
 */
import type { TargetAmendment, TargetGoal } from './amendments';

/** "3 epics changed, 1 theme added" from an import's counts. */
export function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => {
      const [kind, what] = k.split('.');
      const noun = n === 1 ? kind.replace(/ies$/, 'y').replace(/s$/, '') : kind;
      return `${n} ${noun} ${what}`;
    });
  return parts.length ? parts.join(', ') : 'no change';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2 Oct 2026" from an ISO time or date. */
export function dayInWords(iso: string): string {
  const d = iso.slice(0, 10).split('-').map(Number);
  return `${d[2]} ${MONTHS[d[1] - 1]} ${d[0]}`;
}

function percentOrNumber(metric: string, x: number): string {
  if (metric === 'adoption_rate') return `${Number((x * 100).toFixed(2))}%`;
  return String(Number(x.toPrecision(4)));
}

function goalText(metric: string, g: TargetGoal, withOp: boolean): string {
  return `${withOp ? `${g.op === '>=' ? '≥' : '≤'} ` : ''}${percentOrNumber(metric, g.value)}`;
}

/**
 * One amendment in words, for every place a verdict is shown:
 * "target lowered from 10% to 3% on 2 Oct 2026 by ana@fabrikam.example: <reason>".
 */
export function describeAmendment(a: TargetAmendment): string {
  const tail = ` on ${dayInWords(a.at)} by ${a.by}: ${a.reason}`;
  const what = a.metric === 'adoption_rate' ? 'target' : `${a.metric} target`;
  if (!a.from && a.to) return `${what} ${goalText(a.metric, a.to, true)} added after ship${tail}`;
  if (a.from && !a.to) return `${what} ${goalText(a.metric, a.from, true)} removed after ship${tail}`;
  const from = a.from!;
  const to = a.to!;
  const opChanged = from.op !== to.op;
  const windowChanged = (from.windowDays ?? 28) !== (to.windowDays ?? 28);
  const verb = opChanged || from.value === to.value ? 'changed' : to.value < from.value ? 'lowered' : 'raised';
  const window = windowChanged ? ` (window ${from.windowDays ?? 28} → ${to.windowDays ?? 28} days)` : '';
  return `${what} ${verb} from ${goalText(a.metric, from, opChanged)} to ${goalText(a.metric, to, opChanged)}${window}${tail}`;
}
