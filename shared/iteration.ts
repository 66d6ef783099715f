/**
 * Monthly iterations: a snapshot of the roadmap plus each epic's measured outcome, and
 * the diff between two snapshots ("what changed since last month and why").
 * Binding shapes: ../shared/DESIGN.md "Shapes" (Iteration). Pure: no AWS, Hono or React imports.
 */
import { z } from 'zod';
import { DemandSummary, describeDemand } from './asks';
import { isoDate } from './primitives';
import { Roadmap, Target, Estimate, EpicStatus, type Epic } from './roadmap';
import { Decision, type Review } from './review';
import { EpicVerdict, type Outcome } from './outcome-types';
import { TargetAmendment, TargetGoal, describeAmendment } from './amendments';

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

/** POST /api/v1/iterations body. */
export const IterationInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** the day outcomes are evaluated as of (inclusive); default today */
    asOf: isoDate.optional(),
  })
  .strict()
  .meta({ id: 'IterationInput' });
export type IterationInput = z.infer<typeof IterationInput>;

export const OutcomeSummaryTarget = z
  .object({
    metric: z.string(),
    op: z.enum(['>=', '<=']),
    value: z.number(),
    windowDays: z.number().int(),
    actual: z.number().nullable(),
    status: z.enum(['met', 'missed', 'pending', 'unknown']),
    confident: z.boolean(),
    /** as planned at ship (null: added after ship); `status` is judged against it */
    planned: TargetGoal.nullable().optional(),
    /** the status against the amended target, when it was changed after ship */
    statusAmended: z.enum(['met', 'missed', 'pending', 'unknown']).optional(),
  })
  .meta({ id: 'OutcomeSummaryTarget' });
export type OutcomeSummaryTarget = z.infer<typeof OutcomeSummaryTarget>;

/** What an iteration snapshot keeps of one epic's outcome (headline figures, verdict, decision). */
export const OutcomeSummary = z
  .object({
    epicId: z.string(),
    verdict: EpicVerdict,
    verdictReason: z.string(),
    /** the verdict against the amended targets, when a target was changed after ship */
    verdictAmended: EpicVerdict.optional(),
    /** changes to targets after ship, each in words ("target lowered from 10% to 3% on … by …: …") */
    amendments: z.array(z.string()).optional(),
    /** adopters / active users over the window as of the snapshot's asOf */
    adoptionRate: z.number().nullable(),
    adopters: z.number().int(),
    activeUsers: z.number().int(),
    /** mean CSAT of the epic's own responses in the window */
    csat: z.number().nullable(),
    /** product-wide CSAT after − before */
    satisfactionChange: z.number().nullable(),
    kpiLifts: z.array(z.object({ name: z.string(), lift: z.number().nullable() })),
    targets: z.array(OutcomeSummaryTarget),
    /** the latest PM review decision on the epic, if any */
    decision: Decision.nullable(),
    decisionNote: z.string().nullable(),
  })
  .meta({ id: 'OutcomeSummary' });
export type OutcomeSummary = z.infer<typeof OutcomeSummary>;

/** A monthly snapshot: the whole roadmap document and each epic's outcome as of `asOf`. */
export const Iteration = z
  .object({
    id: z.string(),
    name: z.string(),
    asOf: isoDate,
    createdAt: z.string(),
    author: z.string(),
    roadmap: Roadmap,
    outcomes: z.array(OutcomeSummary),
    /** customer demand per epic when the snapshot was taken (epics with asks only) */
    demand: z.record(z.string(), DemandSummary).optional(),
  })
  .meta({ id: 'Iteration' });
export type Iteration = z.infer<typeof Iteration>;

/** An iteration in the history list (without its body). */
export const IterationHeader = Iteration.pick({ id: true, name: true, asOf: true, createdAt: true, author: true }).meta({ id: 'IterationHeader' });
export type IterationHeader = z.infer<typeof IterationHeader>;

export const CHANGE_KINDS = ['added', 'removed', 'moved', 'status', 'targets', 'estimate', 'renamed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Where an epic sits in the roadmap. `milestoneId` null = unscheduled. */
export const EpicPosition = z
  .object({ themeId: z.string(), milestoneId: z.string().nullable() })
  .meta({ id: 'EpicPosition' });
export type EpicPosition = z.infer<typeof EpicPosition>;

const EpicPlacement = EpicPosition.extend({ status: EpicStatus });

const ChangeBase = z.object({
  epicId: z.string(),
  /** the epic's title in the newer snapshot (the older one when removed) */
  title: z.string(),
  /** the change in words, e.g. "milestone 2026-11 → 2026-12" */
  detail: z.string(),
  /** why: headline outcome figures vs targets and the PM decision, when known */
  evidence: z.string().optional(),
  decision: Decision.optional(),
});

/** One change of one epic between two snapshots; `from`/`to` are typed per kind. */
export const IterationChange = z
  .discriminatedUnion('kind', [
    ChangeBase.extend({ kind: z.literal('added'), from: z.null(), to: EpicPlacement }),
    ChangeBase.extend({ kind: z.literal('removed'), from: EpicPlacement, to: z.null() }),
    ChangeBase.extend({ kind: z.literal('moved'), from: EpicPosition, to: EpicPosition }),
    ChangeBase.extend({ kind: z.literal('status'), from: EpicStatus, to: EpicStatus }),
    ChangeBase.extend({
      kind: z.literal('targets'),
      from: z.array(Target),
      to: z.array(Target),
      /** shipped epics: the targets as planned at ship (the verdict is judged against them) */
      planned: z.array(Target).optional(),
      /** the changes made after ship between the two snapshots, with when, who and why */
      amendments: z.array(TargetAmendment).optional(),
    }),
    ChangeBase.extend({ kind: z.literal('estimate'), from: Estimate.nullable(), to: Estimate.nullable() }),
    ChangeBase.extend({ kind: z.literal('renamed'), from: z.string(), to: z.string() }),
  ])
  .meta({ id: 'IterationChange' });
export type IterationChange = z.infer<typeof IterationChange>;

const IterationRef = z.object({ id: z.string(), name: z.string(), asOf: z.string() });

/** GET /api/v1/iterations/:id/diff?against=:otherId → diffIterations(against, self). */
export const IterationDiff = z
  .object({
    from: IterationRef,
    to: IterationRef,
    changes: z.array(IterationChange),
    summary: z.object({
      added: z.number().int(),
      removed: z.number().int(),
      moved: z.number().int(),
      status: z.number().int(),
      targets: z.number().int(),
      estimate: z.number().int(),
      renamed: z.number().int(),
      total: z.number().int(),
    }),
  })
  .meta({ id: 'IterationDiff' });
export type IterationDiff = z.infer<typeof IterationDiff>;

// ---------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------

/**
 * Headline of an outcome for a snapshot: verdict, adoption rate (adopters / active users),
 * CSAT mean, product CSAT change, KPI lifts, per-target results, plus the latest review's
 * decision (a review of another epic is ignored).
 */
export function summarizeOutcome(o: Outcome, latestReview?: Review): OutcomeSummary {
  const review = latestReview && latestReview.epicId === o.epicId ? latestReview : undefined;
  return {
    epicId: o.epicId,
    verdict: o.verdict,
    verdictReason: o.verdictReason,
    ...(o.verdictAmended ? { verdictAmended: o.verdictAmended } : {}),
    ...(o.targets.some((t) => t.amendments?.length) ? { amendments: o.targets.flatMap((t) => t.amendments ?? []).sort((a, b) => a.at.localeCompare(b.at)).map(describeAmendment) } : {}),
    adoptionRate: o.adoption.rate,
    adopters: o.adoption.adopters,
    activeUsers: o.adoption.activeUsers,
    csat: o.satisfaction.csat?.mean ?? null,
    satisfactionChange: o.satisfaction.productCsat?.diff ?? null,
    kpiLifts: o.kpis.map((k) => ({ name: k.name, lift: k.lift })),
    // op and value of the goal the status is judged against: as planned at ship when recorded
    targets: o.targets.map((t) => ({
      metric: t.metric,
      op: t.planned?.op ?? t.op,
      value: t.planned?.value ?? t.value,
      windowDays: t.windowDays,
      actual: t.actual,
      status: t.status,
      confident: t.confident,
      ...(t.planned !== undefined ? { planned: t.planned } : {}),
      ...(t.statusAmended ? { statusAmended: t.statusAmended } : {}),
    })),
    decision: review?.decision ?? null,
    decisionNote: review ? review.note : null,
  };
}

// ---------------------------------------------------------------------------
// Formatting (shared with the planner's reasons)
// ---------------------------------------------------------------------------

/** A share 0–1 as a percentage a person reads: 0.031 → "3.1%", 0.1 → "10%". */
export function formatPercent(x: number): string {
  const pct = x * 100;
  const digits = Math.abs(pct) < 1 && pct !== 0 ? 2 : 1;
  return `${Number(pct.toFixed(digits))}%`;
}

/** A number a person reads: three significant digits below 100, whole numbers above. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

const SIGNED = (metric: string) => metric === 'satisfaction_lift' || metric.startsWith('kpi:');

/** A metric value in its unit: adoption as a percentage, lifts signed, others as numbers. */
export function formatMetric(metric: string, x: number): string {
  if (metric === 'adoption_rate') return formatPercent(x);
  const s = formatNumber(x);
  return SIGNED(metric) && x > 0 ? `+${s}` : s;
}

/** The words for a target metric: adoption, CSAT, NPS, satisfaction change, `<kpi> lift`. */
export function metricLabel(metric: string): string {
  if (metric === 'adoption_rate') return 'adoption';
  if (metric === 'csat') return 'CSAT';
  if (metric === 'nps') return 'NPS';
  if (metric === 'satisfaction_lift') return 'satisfaction change';
  if (metric.startsWith('kpi:')) return `${metric.slice(4)} lift`;
  return metric;
}

/** "adoption 3.1% vs target 10% (missed)"; the op is shown only for `<=` targets. */
export function describeTargetResult(t: Pick<OutcomeSummaryTarget, 'metric' | 'op' | 'value' | 'actual' | 'status'>): string {
  const actual = t.actual === null ? 'no data' : formatMetric(t.metric, t.actual);
  const op = t.op === '<=' ? '≤ ' : '';
  return `${metricLabel(t.metric)} ${actual} vs target ${op}${formatMetric(t.metric, t.value)} (${t.status})`;
}

function describeTarget(t: Pick<Target, 'metric' | 'op' | 'value' | 'windowDays'>): string {
  return `${t.metric} ${t.op} ${formatMetric(t.metric, t.value)} (${t.windowDays}d)`;
}

function describeTargets(ts: Target[]): string {
  return ts.length === 0 ? 'no targets' : ts.map(describeTarget).join(', ');
}

function describeEstimate(e: Estimate | null): string {
  if (!e) return 'no estimate';
  const parts = [
    `reach ${formatNumber(e.reach)}`,
    `impact ${formatNumber(e.impact)}`,
    `confidence ${formatPercent(e.confidence)}`,
    `${formatNumber(e.effortWeeks.engineering)} eng + ${formatNumber(e.effortWeeks.design)} design weeks`,
  ];
  if (e.expectedAdoption !== undefined) parts.push(`expected adoption ${formatPercent(e.expectedAdoption)}`);
  return parts.join(', ');
}

const milestoneText = (id: string | null) => id ?? 'unscheduled';

// ---------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------

const MEASURED = new Set<string>(['met', 'missed']);
const VERDICT_WORDS: Record<string, string> = {
  too_early: 'too early to judge',
  insufficient_data: 'insufficient data',
};

/**
 * The outcome to cite for an epic: a measured one (verdict met/missed) from the older
 * snapshot, else from the newer; failing both, a partial one (too early / insufficient
 * data with figures), newer first. `not_shipped` is never cited.
 */
function citedOutcome(older?: OutcomeSummary, newer?: OutcomeSummary): OutcomeSummary | undefined {
  if (older && MEASURED.has(older.verdict)) return older;
  if (newer && MEASURED.has(newer.verdict)) return newer;
  const partial = (o?: OutcomeSummary) => o && o.verdict in VERDICT_WORDS;
  if (partial(newer)) return newer;
  if (partial(older)) return older;
  return undefined;
}

/** Outcome figures in words, e.g. ["adoption 3.1% vs target 10% (missed)"]. */
function outcomeFigures(o: OutcomeSummary): string[] {
  const parts: string[] = [];
  const words = VERDICT_WORDS[o.verdict];
  if (words) parts.push(words);
  const measured = o.targets.filter((t) => t.actual !== null);
  if (measured.length > 0) parts.push(...measured.map(describeTargetResult));
  else if (o.adoptionRate !== null) parts.push(`adoption ${formatPercent(o.adoptionRate)}`);
  return parts;
}

function changePhrase(c: { kind: ChangeKind; from: unknown; to: unknown }): string {
  switch (c.kind) {
    case 'added':
      return 'added';
    case 'removed':
      return 'removed';
    case 'moved': {
      const to = c.to as EpicPosition;
      return to.milestoneId ? `moved to ${to.milestoneId}` : 'unscheduled';
    }
    case 'status': {
      const to = c.to as EpicStatus;
      if (to === 'cancelled') return 'cut';
      if (to === 'shipped') return 'shipped';
      if (to === 'in_progress') return 'started';
      return 'back to planned';
    }
    case 'targets':
      return 'targets revised';
    case 'estimate':
      return 're-estimated';
    case 'renamed':
      return `renamed from "${String(c.from)}"`;
  }
}

function sameTargets(a: Target[], b: Target[]): boolean {
  const norm = (ts: Target[]) =>
    JSON.stringify(
      ts
        .map((t) => [t.metric, t.op, t.value, t.windowDays] as const)
        .sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : x[0] + x[1] > y[0] + y[1] ? 1 : 0)),
    );
  return norm(a) === norm(b);
}

function sameEstimate(a: Estimate | undefined, b: Estimate | undefined): boolean {
  const norm = (e?: Estimate) =>
    e
      ? JSON.stringify([e.reach, e.impact, e.confidence, e.effortWeeks.engineering, e.effortWeeks.design, e.expectedAdoption ?? null])
      : 'none';
  return norm(a) === norm(b);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Changes from `older` to `newer` (the API's `?against=` is `older`): epics added, removed,
 * moved (theme or milestone), status, targets, estimate and title changes, ordered by epic
 * id then kind (in CHANGE_KINDS order); each with evidence from the outcome summaries and
 * the latest review decision when there is any. Follow-ups cite the outcome of the epic they follow up.
 */
export function diffIterations(older: Iteration, newer: Iteration): IterationDiff {
  const olderEpics = new Map(older.roadmap.epics.map((e) => [e.id, e]));
  const newerEpics = new Map(newer.roadmap.epics.map((e) => [e.id, e]));
  const olderOutcomes = new Map(older.outcomes.map((o) => [o.epicId, o]));
  const newerOutcomes = new Map(newer.outcomes.map((o) => [o.epicId, o]));
  const titleOf = (id: string) => newerEpics.get(id)?.title ?? olderEpics.get(id)?.title ?? id;

  const changes: IterationChange[] = [];
  const push = (epic: Epic, change: Omit<IterationChange, 'epicId' | 'title' | 'evidence' | 'decision'>) => {
    // follow-ups added this month are explained by the outcome of the epic they follow up; so is
    // any other change of a follow-up that has no outcome of its own yet (moved, re-targeted, cut)
    let citeId = change.kind === 'added' && epic.followUpOf ? epic.followUpOf : epic.id;
    if (citeId === epic.id && epic.followUpOf && !citedOutcome(olderOutcomes.get(epic.id), newerOutcomes.get(epic.id))) citeId = epic.followUpOf;
    const cited = citedOutcome(olderOutcomes.get(citeId), newerOutcomes.get(citeId));
    const decision = newerOutcomes.get(citeId)?.decision ?? olderOutcomes.get(citeId)?.decision ?? undefined;
    const parts = cited ? outcomeFigures(cited) : [];
    if (decision) parts.push(`decision ${decision}`);
    // added or moved: the asks behind it, as they stood in the newer snapshot
    const asked = change.kind === 'added' || change.kind === 'moved' ? newer.demand?.[epic.id] : undefined;
    if (asked && asked.asks > 0) parts.push(describeDemand(asked));
    let evidence: string | undefined;
    if (parts.length > 0) {
      const subject =
        citeId === epic.id
          ? `${epic.title} ${changePhrase(change)}`
          : change.kind === 'added'
            ? `${epic.title} added as follow-up of ${titleOf(citeId)}`
            : `${epic.title} ${changePhrase(change)} (follow-up of ${titleOf(citeId)})`;
      evidence = `${subject}: ${parts.join(', ')}`;
    }
    changes.push({
      epicId: epic.id,
      title: epic.title,
      ...change,
      ...(evidence !== undefined ? { evidence } : {}),
      ...(decision ? { decision } : {}),
    } as IterationChange);
  };

  const ids = [...new Set([...olderEpics.keys(), ...newerEpics.keys()])].sort(byCodeUnits);
  for (const id of ids) {
    const a = olderEpics.get(id);
    const b = newerEpics.get(id);
    if (!a && b) {
      const to = { themeId: b.themeId, milestoneId: b.milestoneId ?? null, status: b.status };
      push(b, { kind: 'added', from: null, to, detail: `added to ${milestoneText(to.milestoneId)} (theme ${b.themeId}, ${b.status})` });
      continue;
    }
    if (a && !b) {
      const from = { themeId: a.themeId, milestoneId: a.milestoneId ?? null, status: a.status };
      push(a, { kind: 'removed', from, to: null, detail: `removed from ${milestoneText(from.milestoneId)} (theme ${a.themeId}, ${a.status})` });
      continue;
    }
    if (!a || !b) continue;
    const fromPos = { themeId: a.themeId, milestoneId: a.milestoneId ?? null };
    const toPos = { themeId: b.themeId, milestoneId: b.milestoneId ?? null };
    if (fromPos.themeId !== toPos.themeId || fromPos.milestoneId !== toPos.milestoneId) {
      const detail: string[] = [];
      if (fromPos.themeId !== toPos.themeId) detail.push(`theme ${fromPos.themeId} → ${toPos.themeId}`);
      if (fromPos.milestoneId !== toPos.milestoneId) {
        detail.push(`milestone ${milestoneText(fromPos.milestoneId)} → ${milestoneText(toPos.milestoneId)}`);
      }
      push(b, { kind: 'moved', from: fromPos, to: toPos, detail: detail.join('; ') });
    }
    if (a.status !== b.status) {
      const shipped = b.status === 'shipped' && b.shippedAt ? ` (${b.shippedAt})` : '';
      push(b, { kind: 'status', from: a.status, to: b.status, detail: `${a.status} → ${b.status}${shipped}` });
    }
    if (!sameTargets(a.targets, b.targets)) {
      // amendments made after ship between the snapshots: the original target and the change, in words
      const seen = new Set((a.targetAmendments ?? []).map((x) => `${x.at}|${x.metric}`));
      const amendments = (b.targetAmendments ?? []).filter((x) => !seen.has(`${x.at}|${x.metric}`));
      const planned = b.plannedTargets ?? (a.status === 'shipped' && b.status === 'shipped' ? a.targets : undefined);
      // the amendment's words travel in `amendments` (shown beside the change); `detail` stays the change itself
      push(b, { kind: 'targets', from: a.targets, to: b.targets, detail: `${describeTargets(a.targets)} → ${describeTargets(b.targets)}${amendments.length ? ' (amended after ship)' : ''}`, ...(planned && b.status === 'shipped' ? { planned } : {}), ...(amendments.length ? { amendments } : {}) });
    }
    if (!sameEstimate(a.estimate, b.estimate)) {
      const from = a.estimate ?? null;
      const to = b.estimate ?? null;
      push(b, { kind: 'estimate', from, to, detail: `${describeEstimate(from)} → ${describeEstimate(to)}` });
    }
    if (a.title !== b.title) {
      push(b, { kind: 'renamed', from: a.title, to: b.title, detail: `"${a.title}" → "${b.title}"` });
    }
  }

  // ids were visited in order and kinds pushed in CHANGE_KINDS order; sort anyway so the
  // order is a stated property, not an accident of the loop
  const rank = (k: ChangeKind) => CHANGE_KINDS.indexOf(k);
  changes.sort((x, y) => byCodeUnits(x.epicId, y.epicId) || rank(x.kind) - rank(y.kind));

  const summary = { added: 0, removed: 0, moved: 0, status: 0, targets: 0, estimate: 0, renamed: 0, total: changes.length };
  for (const c of changes) summary[c.kind]++;
  return {
    from: { id: older.id, name: older.name, asOf: older.asOf },
    to: { id: newer.id, name: newer.name, asOf: newer.asOf },
    changes,
    summary,
  };
}
