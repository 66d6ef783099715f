/**
 * Targets frozen at ship (DESIGN.md "Amended targets", binding). When an epic ships, its targets
 * as they are then are kept on the epic as `plannedTargets`; a later change to a target needs a
 * reason and is appended to `targetAmendments`. Verdicts are judged against the planned value;
 * the amended value is shown beside it. Pure: no AWS, Hono or React imports.
 */
import { z } from 'zod';
import type { Epic, Target } from './roadmap';

/** What a target asks for: the part an amendment can change. */
export const TargetGoal = z
  .object({ op: z.enum(['>=', '<=']), value: z.number(), windowDays: z.number().int().optional() })
  .meta({ id: 'TargetGoal' });
export type TargetGoal = z.infer<typeof TargetGoal>;

/** One change to one target after ship: `from` null = added, `to` null = removed. */
export const TargetAmendment = z
  .object({
    at: z.string().describe('when the change was made (ISO time)'),
    by: z.string().describe('who made it: the signed-in email, or the key name'),
    metric: z.string(),
    from: TargetGoal.nullable(),
    to: TargetGoal.nullable(),
    reason: z.string(),
  })
  .meta({ id: 'TargetAmendment' });
export type TargetAmendment = z.infer<typeof TargetAmendment>;

/** A reason for a change after ship: required, short enough to read in a list. */
export const AmendmentReason = z.string().trim().min(1).max(500);

const goalOf = (t: Target): TargetGoal => ({ op: t.op, value: t.value, windowDays: t.windowDays });
const sameGoal = (a: TargetGoal | null, b: TargetGoal | null) => (a === null || b === null ? a === b : a.op === b.op && a.value === b.value && (a.windowDays ?? 28) === (b.windowDays ?? 28));

/**
 * Targets keyed for comparison: by metric, and `metric#2`, `metric#3`… when a metric appears
 * more than once (a `>=` and a `<=` bound), in document order.
 */
export function keyedTargets(targets: readonly Target[]): Map<string, Target> {
  const out = new Map<string, Target>();
  const seen = new Map<string, number>();
  for (const t of targets) {
    const n = (seen.get(t.metric) ?? 0) + 1;
    seen.set(t.metric, n);
    out.set(n === 1 ? t.metric : `${t.metric}#${n}`, t);
  }
  return out;
}

/** The targets whose goal differs between two lists (added, removed or changed), by key. */
export function targetDifferences(before: readonly Target[], after: readonly Target[]): { key: string; metric: string; from: TargetGoal | null; to: TargetGoal | null }[] {
  const a = keyedTargets(before);
  const b = keyedTargets(after);
  const out: { key: string; metric: string; from: TargetGoal | null; to: TargetGoal | null }[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const from = a.has(key) ? goalOf(a.get(key)!) : null;
    const to = b.has(key) ? goalOf(b.get(key)!) : null;
    if (!sameGoal(from, to)) out.push({ key, metric: (a.get(key) ?? b.get(key))!.metric, from, to });
  }
  return out;
}

/** The planned targets an epic is judged against: recorded at ship; an epic shipped before this was recorded counts its current targets. */
export function plannedOf(epic: Pick<Epic, 'status' | 'targets' | 'plannedTargets'>): Target[] | undefined {
  if (epic.plannedTargets) return epic.plannedTargets;
  return epic.status === 'shipped' ? epic.targets : undefined;
}

export type AmendmentCheck = { ok: true; epic: Epic } | { ok: false; message: string; changes: { metric: string; from: TargetGoal | null; to: TargetGoal | null }[] };

/**
 * Apply the ship-freeze rules to one epic write (PATCH, POST, import, ship):
 * - a shipped epic's planned targets are its targets as they were when it shipped; they are
 *   written down (`plannedTargets`) the moment they could be lost: when a target changes after
 *   ship, or when the epic leaves `shipped` (so un-shipping, editing and re-shipping cannot reset
 *   them). Until then the targets themselves are the plan (`plannedOf`), so an export of an
 *   unamended roadmap round-trips unchanged;
 * - once shipped (or planned targets exist), a change to the targets needs `reason` (else not
 *   ok: 409), and each changed target is appended to `targetAmendments` with when, who and why;
 * - the planned targets and the amendments are the server's: whatever `after` carries is replaced
 *   by `before`'s.
 */
export function applyTargetRules(before: Epic | undefined, after: Epic, ctx: { at: string; by: string; reason?: string }): AmendmentCheck {
  const planned = before ? plannedOf(before) : undefined;
  const amendments = before?.targetAmendments ?? [];
  const { plannedTargets: _p, targetAmendments: _a, ...rest } = after;
  const next: Epic = { ...rest } as Epic;
  if (planned) {
    const diffs = targetDifferences(before!.targets, after.targets);
    if (diffs.length && !ctx.reason) {
      return {
        ok: false,
        message: `epic "${after.id}" has shipped: its targets are frozen as planned; changing ${diffs.map((d) => d.metric).join(', ')} needs a "reason" (kept as an amendment)`,
        changes: diffs.map(({ metric, from, to }) => ({ metric, from, to })),
      };
    }
    if (before!.plannedTargets || diffs.length || after.status !== 'shipped') next.plannedTargets = planned;
    const added = diffs.map((d) => ({ at: ctx.at, by: ctx.by, metric: d.metric, from: d.from, to: d.to, reason: ctx.reason! }));
    if (amendments.length || added.length) next.targetAmendments = [...amendments, ...added];
    return { ok: true, epic: next };
  }
  return { ok: true, epic: next };
}

// in words (no zod: the dashboard imports them): ./audit-words.ts
export { dayInWords, describeAmendment } from './audit-words';
