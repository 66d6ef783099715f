/**
 * The planner: a proposal for the next iteration from capacity, estimates and measured
 * outcomes. Binding shape: ../shared/DESIGN.md "Shapes" (Plan). Pure: no AWS, Hono or React imports.
 *
 * Choices where the design is silent (each is documented where it is implemented):
 * - candidates are `planned` epics with an estimate, plus proposed follow-ups;
 * - `in_progress` epics keep their milestone and consume its capacity first (listed in `committed`);
 * - score = calibrated RICE: reach × (impact × theme factor) × confidence ÷ effort weeks;
 * - the optimiser maximises the summed calibrated RICE *value* (reach × impact × factor ×
 *   confidence, i.e. score × effort), then places higher-scoring epics earlier.
 */
import { z } from 'zod';
import { isoDate, slugId, addDays } from './primitives';
import { Estimate, Roadmap, Target, type Epic, type Milestone } from './roadmap';
import type { Review, Decision } from './review';
import { factorFor, type Calibration } from './calibration';
import { Iteration, describeTargetResult, formatNumber, formatPercent, type OutcomeSummary } from './iteration';
import { DEFAULT_DEMAND_WEIGHT, DemandSummary, demandScores, describeDemand } from './asks';

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

export const MilestoneCapacity = z
  .object({
    milestoneId: slugId,
    /** engineering person-weeks available in the milestone */
    engineering: z.number().finite().min(0).max(10_000),
    /** design person-weeks available in the milestone */
    design: z.number().finite().min(0).max(10_000).default(0),
  })
  .strict()
  .meta({ id: 'MilestoneCapacity' });
export type MilestoneCapacity = z.infer<typeof MilestoneCapacity>;

/** POST /api/v1/plan body. */
export const PlanRequest = z
  .object({
    capacity: z
      .array(MilestoneCapacity)
      .min(1)
      .max(12)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, i) => {
          if (seen.has(c.milestoneId)) {
            ctx.addIssue({ code: 'custom', path: [i, 'milestoneId'], message: `duplicate milestone "${c.milestoneId}" in capacity` });
          }
          seen.add(c.milestoneId);
        });
      }),
    /** outcomes are evaluated as of this day; milestones that ended before it are skipped */
    asOf: isoDate.optional(),
    /** with asOf: milestones starting more than this many months after asOf are skipped */
    horizonMonths: z.number().int().min(1).max(12).optional(),
    /**
     * how much customer demand (asks) weighs against the calibrated outcome value: 0 ignores asks,
     * 1 follows them alone; default 0.3
     */
    demandWeight: z.number().min(0).max(1).optional(),
  })
  .strict()
  .meta({ id: 'PlanRequest' });
export type PlanRequest = z.infer<typeof PlanRequest>;

const Usage = z.object({ committed: z.number(), used: z.number(), capacity: z.number() });

export const EXCLUSION_CODES = ['no_estimate', 'zero_score', 'too_large', 'capacity', 'search_budget'] as const;

export const PlanProposal = z
  .object({
    placements: z.array(
      z.object({
        epicId: z.string(),
        milestoneId: z.string(),
        /** calibrated RICE score: reach × impact × factor × confidence ÷ effort weeks */
        score: z.number(),
        /** score × effort: what the optimiser maximises the sum of */
        value: z.number(),
        engineering: z.number(),
        design: z.number(),
        /** a proposed follow-up epic (created by acceptPlan) */
        followUp: z.boolean(),
        /** the customer demand behind it, when it has asks */
        demand: DemandSummary.optional(),
        /** what the optimiser maximised the sum of: (1 − w) × value ÷ the largest value + w × demand score (= value without asks) */
        priority: z.number().optional(),
        reason: z.string(),
      }),
    ),
    /** in-progress epics: they keep their milestone and consume its capacity first */
    committed: z.array(
      z.object({ epicId: z.string(), milestoneId: z.string(), engineering: z.number(), design: z.number(), reason: z.string() }),
    ),
    excluded: z.array(z.object({ epicId: z.string(), code: z.enum(EXCLUSION_CODES), reason: z.string() })),
    followUps: z.array(
      z.object({
        epicId: z.string(),
        reason: z.string(),
        title: z.string(),
        themeId: z.string(),
        followUpOf: z.string(),
        estimate: Estimate.optional(),
        targets: z.array(Target),
      }),
    ),
    calibration: z.array(z.object({ themeId: z.string(), factor: z.number(), n: z.number().int() })),
    /** per planned milestone, in time order: weeks committed (in progress), used (committed + placed), capacity */
    totals: z.array(z.object({ milestoneId: z.string(), engineering: Usage, design: Usage })),
    objective: z.object({ value: z.number(), score: z.number() }),
    /** false when the search hit its node budget: the plan is the best found, not proven best */
    optimal: z.boolean(),
    nodes: z.number().int(),
    warnings: z.array(z.string()),
    /** the demand weight used (0 when there are no asks) */
    demandWeight: z.number(),
  })
  .meta({ id: 'PlanProposal' });
export type PlanProposal = z.infer<typeof PlanProposal>;

/** POST /api/v1/plan/accept: the request plus the name of the iteration it opens. */
export const PlanAcceptRequest = PlanRequest.extend({ iterationName: z.string().trim().min(1).max(120).optional() }).meta({ id: 'PlanAcceptRequest' });
export type PlanAcceptRequest = z.infer<typeof PlanAcceptRequest>;

/** What accepting a plan returns: the proposal applied, the new roadmap, the iteration it opened. */
export const PlanAccepted = z.object({ proposal: PlanProposal, roadmap: Roadmap, iteration: Iteration }).meta({ id: 'PlanAccepted' });
export type PlanAccepted = z.infer<typeof PlanAccepted>;

// ---------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------

/** Effort below which an estimate is treated as this many weeks, so a 0-week estimate keeps a finite score. */
export const MIN_EFFORT_WEEKS = 0.5;
export const DEFAULT_NODE_BUDGET = 200_000;

/**
 * Calibrated RICE of an estimate: value = reach × (impact × factor) × confidence, and
 * score = value ÷ max(0.5, engineering + design weeks). The theme factor scales impact
 * because calibration compares predicted adoption (derived from impact) with measured adoption.
 */
export function scoreEstimate(e: Estimate, factor: number): { value: number; score: number; effortWeeks: number } {
  const effortWeeks = e.effortWeeks.engineering + e.effortWeeks.design;
  const value = e.reach * e.impact * factor * e.confidence;
  return { value, score: value / Math.max(MIN_EFFORT_WEEKS, effortWeeks), effortWeeks };
}

/** Next version id of an epic: `x` → `x-v2`, `x-v2` → `x-v3` (kept within the 64-character id limit). */
export function followUpId(epicId: string): string {
  const m = /^(.*)-v(\d+)$/.exec(epicId);
  const base = m ? m[1] : epicId;
  const suffix = `-v${m ? Number(m[2]) + 1 : 2}`;
  return base.slice(0, 64 - suffix.length).replace(/-+$/, '') + suffix;
}

// ---------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------

export type PlanOutcome = Pick<OutcomeSummary, 'epicId' | 'verdict' | 'targets'> &
  Partial<Pick<OutcomeSummary, 'decision' | 'decisionNote' | 'adoptionRate'>>;
export type PlanReview = Pick<Review, 'epicId' | 'decision' | 'note' | 'createdAt'> & { id?: string };

export interface PlanArgs {
  roadmap: Roadmap;
  capacity: PlanRequest['capacity'];
  calibration: Pick<Calibration, 'themes'>;
  /** outcome summaries of shipped epics (for follow-ups) */
  outcomes?: PlanOutcome[];
  /** PM reviews; the latest per epic (by createdAt, then id) is used. Falls back to the outcome summary's decision. */
  reviews?: PlanReview[];
  asOf?: string;
  horizonMonths?: number;
  nodeBudget?: number;
  /** customer demand per epic (from asks) and its weight (default DEFAULT_DEMAND_WEIGHT) */
  demand?: Record<string, DemandSummary>;
  demandWeight?: number;
}

/** Weeks are compared in integer micro-weeks so sums are exact and capacity is respected exactly. */
const UNIT = 1_000_000;
const units = (weeks: number) => Math.round(weeks * UNIT);
const weeks = (u: number) => u / UNIT;
const round = (x: number, d = 4) => Number(x.toFixed(d));
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Candidate {
  id: string;
  title: string;
  themeId: string;
  estimate: Estimate;
  /** set on follow-ups proposed by this plan (not yet in the roadmap) */
  proposedFollowUpOf?: string;
  engU: number;
  desU: number;
  value: number;
  score: number;
  factor: number;
  n: number;
  demand?: DemandSummary;
  /** demand score 0 … 1 relative to the most-asked candidate */
  demandScore: number;
  /** what the search maximises: value, or with demand the blend (see PlanProposal.priority) */
  priority: number;
}

interface PlannedMilestone {
  id: string;
  capE: number;
  capD: number;
  commE: number;
  commD: number;
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return addDays(first.toISOString().slice(0, 10), Math.min(d, lastDay) - 1);
}

function latestReviews(reviews: PlanReview[]): Map<string, PlanReview> {
  const latest = new Map<string, PlanReview>();
  for (const r of reviews) {
    const cur = latest.get(r.epicId);
    if (!cur || r.createdAt > cur.createdAt || (r.createdAt === cur.createdAt && (r.id ?? '') > (cur.id ?? ''))) {
      latest.set(r.epicId, r);
    }
  }
  return latest;
}

/**
 * Proposal for the next iteration: assigns candidate epics (planned, with an estimate, plus
 * follow-ups of missed epics the PM chose to iterate on) to milestones so that the summed
 * engineering and design weeks of each milestone (in-progress epics first) never exceed its
 * capacity, maximising Σ value (= Σ score × effort), then placing higher scores earlier; exact
 * by branch and bound unless the node budget runs out (`optimal: false`). The output does not
 * depend on the order of the input lists.
 */
export function plan(args: PlanArgs): PlanProposal {
  const { roadmap } = args;
  const warnings: string[] = [];
  const epicsById = new Map(roadmap.epics.map((e) => [e.id, e]));
  const milestonesById = new Map(roadmap.milestones.map((m) => [m.id, m]));

  // --- milestones in time order, skipping unknown / past / beyond-horizon ones
  const horizonEnd = args.asOf && args.horizonMonths ? addMonths(args.asOf, args.horizonMonths) : undefined;
  const usable: { m: Milestone; cap: MilestoneCapacity }[] = [];
  const seenCapacity = new Set<string>();
  for (const cap of [...args.capacity].sort((a, b) => byCodeUnits(a.milestoneId, b.milestoneId))) {
    const m = milestonesById.get(cap.milestoneId);
    if (seenCapacity.has(cap.milestoneId)) warnings.push(`duplicate capacity for milestone "${cap.milestoneId}": the first listed is used`);
    else if (!m) warnings.push(`capacity for unknown milestone "${cap.milestoneId}" ignored`);
    else if (args.asOf && m.end < args.asOf) warnings.push(`milestone ${m.id} ended ${m.end}, before ${args.asOf}: not planned`);
    else if (horizonEnd && m.start > horizonEnd) {
      warnings.push(`milestone ${m.id} starts ${m.start}, beyond the ${args.horizonMonths}-month horizon: not planned`);
    } else usable.push({ m, cap });
    seenCapacity.add(cap.milestoneId);
  }
  usable.sort((a, b) => byCodeUnits(a.m.start, b.m.start) || byCodeUnits(a.m.id, b.m.id));
  const ms: PlannedMilestone[] = usable.map(({ cap }) => ({
    id: cap.milestoneId,
    capE: units(cap.engineering),
    capD: units(cap.design ?? 0),
    commE: 0,
    commD: 0,
  }));
  const msIndex = new Map(ms.map((m, i) => [m.id, i]));

  // --- in-progress epics keep their milestone and consume its capacity first
  const sortedEpics = [...roadmap.epics].sort((a, b) => byCodeUnits(a.id, b.id));
  const committed: PlanProposal['committed'] = [];
  for (const e of sortedEpics) {
    if (e.status !== 'in_progress' || !e.milestoneId || !msIndex.has(e.milestoneId)) continue;
    const m = ms[msIndex.get(e.milestoneId)!];
    const eng = e.estimate?.effortWeeks.engineering ?? 0;
    const des = e.estimate?.effortWeeks.design ?? 0;
    m.commE += units(eng);
    m.commD += units(des);
    committed.push({
      epicId: e.id,
      milestoneId: m.id,
      engineering: eng,
      design: des,
      reason: e.estimate
        ? `in progress: keeps ${m.id} and consumes ${formatNumber(eng)} eng + ${formatNumber(des)} design weeks first`
        : `in progress: keeps ${m.id}; no estimate, so it consumes no planned capacity`,
    });
  }
  for (const m of ms) {
    if (m.commE > m.capE || m.commD > m.capD) {
      warnings.push(
        `in-progress epics already exceed ${m.id}'s capacity (eng ${formatNumber(weeks(m.commE))}/${formatNumber(weeks(m.capE))}, design ${formatNumber(weeks(m.commD))}/${formatNumber(weeks(m.capD))}): nothing else is placed there`,
      );
    }
  }

  // --- follow-ups: shipped, verdict missed, latest decision iterate
  const reviews = latestReviews(args.reviews ?? []);
  const outcomes = new Map((args.outcomes ?? []).map((o) => [o.epicId, o]));
  const followedUp = new Set(roadmap.epics.flatMap((e) => (e.followUpOf ? [e.followUpOf] : [])));
  const followUps: PlanProposal['followUps'] = [];
  for (const e of sortedEpics) {
    const o = outcomes.get(e.id);
    if (e.status !== 'shipped' || !o || o.verdict !== 'missed') continue;
    const review = reviews.get(e.id);
    const decision: Decision | null = review?.decision ?? o.decision ?? null;
    if (decision !== 'iterate') continue;
    const id = followUpId(e.id);
    if (epicsById.has(id) || followedUp.has(e.id) || followUps.some((f) => f.epicId === id)) continue;
    const note = (review ? review.note : o.decisionNote) ?? '';
    const missed = o.targets.filter((t) => t.status === 'missed');
    const estimate = e.estimate
      ? {
          ...e.estimate,
          effortWeeks: { engineering: e.estimate.effortWeeks.engineering / 2, design: e.estimate.effortWeeks.design / 2 },
        }
      : undefined;
    followUps.push({
      epicId: id,
      title: `${e.title} v2`.slice(0, 200),
      themeId: e.themeId,
      followUpOf: e.id,
      ...(estimate ? { estimate } : {}),
      targets: e.targets.map((t) => ({ ...t })),
      reason:
        `${e.title} missed ${missed.length ? missed.map(describeTargetResult).join(', ') : 'its targets'}` +
        `; decision iterate${note ? `: "${note}"` : ''}` +
        (estimate ? '; estimated at half the original effort' : '; the original has no estimate, so neither has the follow-up'),
    });
  }

  // --- candidates
  const excluded: PlanProposal['excluded'] = [];
  // proposed follow-ups compete like planned epics, with their halved estimate
  const pool: { id: string; title: string; themeId: string; estimate?: Estimate; proposedFollowUpOf?: string }[] = [
    ...sortedEpics.filter((e) => e.status === 'planned'),
    ...followUps.map((f) => ({ id: f.epicId, title: f.title, themeId: f.themeId, estimate: f.estimate, proposedFollowUpOf: f.followUpOf })),
  ];
  const maxLeft = (dim: 'E' | 'D') =>
    ms.reduce((mx, m) => Math.max(mx, dim === 'E' ? m.capE - m.commE : m.capD - m.commD), 0);
  const cands: Candidate[] = [];
  for (const p of pool) {
    if (!p.estimate) {
      excluded.push({ epicId: p.id, code: 'no_estimate', reason: 'no estimate: add reach, impact, confidence and effort to plan it' });
      continue;
    }
    const { factor, n } = factorFor(args.calibration, p.themeId);
    const s = scoreEstimate(p.estimate, factor);
    const c: Candidate = {
      id: p.id,
      title: p.title,
      themeId: p.themeId,
      estimate: p.estimate,
      proposedFollowUpOf: p.proposedFollowUpOf,
      engU: units(p.estimate.effortWeeks.engineering),
      desU: units(p.estimate.effortWeeks.design),
      value: s.value,
      score: s.score,
      factor,
      n,
      ...(args.demand?.[p.id] ? { demand: args.demand[p.id] } : {}),
      demandScore: 0,
      priority: s.value,
    };
    if (!(s.value > 0)) {
      excluded.push({ epicId: p.id, code: 'zero_score', reason: 'score 0: reach, impact or confidence is 0' });
      continue;
    }
    const fitsSomewhere = ms.some((m) => c.engU <= m.capE - m.commE && c.desU <= m.capD - m.commD);
    if (!fitsSomewhere) {
      excluded.push({
        epicId: p.id,
        code: 'too_large',
        reason:
          ms.length === 0
            ? 'no milestone to plan into'
            : `effort (${formatNumber(p.estimate.effortWeeks.engineering)} eng + ${formatNumber(p.estimate.effortWeeks.design)} design weeks) exceeds every milestone's remaining capacity (at most ${formatNumber(weeks(maxLeft('E')))} eng, ${formatNumber(weeks(maxLeft('D')))} design weeks)`,
      });
      continue;
    }
    cands.push(c);
  }
  // customer demand: blend with the outcome value when there are asks and a weight
  const anyDemand = cands.some((c) => c.demand && c.demand.asks > 0);
  const w = anyDemand ? (args.demandWeight ?? DEFAULT_DEMAND_WEIGHT) : 0;
  if (w > 0) {
    const scores = demandScores(args.demand ?? {}, cands.map((c) => c.id));
    const maxValue = Math.max(...cands.map((c) => c.value));
    for (const c of cands) {
      c.demandScore = scores.get(c.id) ?? 0;
      c.priority = (1 - w) * (c.value / maxValue) + w * c.demandScore;
    }
    for (const c of cands.filter((x) => !(x.priority > 0))) {
      excluded.push({ epicId: c.id, code: 'zero_score', reason: `no customer asks and demand weight ${formatNumber(w)}: with the weight at 1 only asked-for epics are planned` });
    }
    cands.splice(0, cands.length, ...cands.filter((x) => x.priority > 0));
  }
  const density = (c: Candidate) => c.priority / Math.max(MIN_EFFORT_WEEKS, weeks(c.engU + c.desU));
  // branch order: priority density desc (knapsack density; the score without asks), then id — fixes which of equal plans wins
  cands.sort((a, b) => (w > 0 ? density(b) - density(a) : b.score - a.score) || byCodeUnits(a.id, b.id));

  const search = branchAndBound(
    w > 0 ? cands.map((c) => ({ engU: c.engU, desU: c.desU, value: c.priority, score: density(c) })) : cands,
    ms.map((m) => Math.max(0, m.capE - m.commE)),
    ms.map((m) => Math.max(0, m.capD - m.commD)),
    args.nodeBudget ?? DEFAULT_NODE_BUDGET,
  );
  if (!search.optimal) {
    warnings.push(`search stopped after ${search.nodes} nodes: this is the best plan found, not proven optimal`);
  } else if (!search.ordered) {
    warnings.push('the total score is optimal; the order of the placed epics across milestones is the earliest found, not proven earliest');
  }

  // --- placements with reasons, per milestone in score order
  const placements: PlanProposal['placements'] = [];
  const leftE = ms.map((m) => Math.max(0, m.capE - m.commE));
  const leftD = ms.map((m) => Math.max(0, m.capD - m.commD));
  const placedIdx = cands.map((_, i) => i).filter((i) => search.assign[i] >= 0);
  placedIdx.sort((i, j) => search.assign[i] - search.assign[j] || i - j);
  for (const i of placedIdx) {
    const c = cands[i];
    const mi = search.assign[i];
    const m = ms[mi];
    const fits =
      `fits ${m.id}: ${formatNumber(weeks(c.engU))} of ${formatNumber(weeks(leftE[mi]))} eng-weeks left (capacity ${formatNumber(weeks(m.capE))})` +
      `, ${formatNumber(weeks(c.desU))} of ${formatNumber(weeks(leftD[mi]))} design-weeks left (capacity ${formatNumber(weeks(m.capD))})`;
    leftE[mi] -= c.engU;
    leftD[mi] -= c.desU;
    placements.push({
      epicId: c.id,
      milestoneId: m.id,
      score: round(c.score),
      value: round(c.value),
      engineering: c.estimate.effortWeeks.engineering,
      design: c.estimate.effortWeeks.design,
      followUp: c.proposedFollowUpOf !== undefined,
      ...(c.demand ? { demand: c.demand } : {}),
      ...(w > 0 ? { priority: round(c.priority) } : {}),
      reason: `${c.proposedFollowUpOf ? `proposed follow-up of ${c.proposedFollowUpOf}; ` : ''}${scoreText(c)}${demandText(c, w)}; ${fits}`,
    });
  }
  for (let i = 0; i < cands.length; i++) {
    if (search.assign[i] >= 0) continue;
    const c = cands[i];
    const roomNow = ms.some((_, mi) => c.engU <= leftE[mi] && c.desU <= leftD[mi]);
    const left = ms
      .map((m, mi) => `${m.id} ${formatNumber(weeks(leftE[mi]))} eng/${formatNumber(weeks(leftD[mi]))} design`)
      .join(', ');
    excluded.push(
      roomNow && !search.optimal
        ? { epicId: c.id, code: 'search_budget', reason: `not placed: the search stopped before placing it (${scoreText(c)}${demandText(c, w)})` }
        : {
            epicId: c.id,
            code: 'capacity',
            reason: `not placed: ${scoreText(c)}${demandText(c, w)}, lower ${w > 0 ? 'priority' : 'value'} than the placed epics for the capacity it needs (${formatNumber(weeks(c.engU))} eng + ${formatNumber(weeks(c.desU))} design weeks; left: ${left})`,
          },
    );
  }
  excluded.sort((a, b) => byCodeUnits(a.epicId, b.epicId));

  const placedE = ms.map(() => 0);
  const placedD = ms.map(() => 0);
  for (const i of placedIdx) {
    placedE[search.assign[i]] += cands[i].engU;
    placedD[search.assign[i]] += cands[i].desU;
  }
  const totals: PlanProposal['totals'] = ms.map((m, mi) => ({
    milestoneId: m.id,
    engineering: { committed: weeks(m.commE), used: weeks(m.commE + placedE[mi]), capacity: weeks(m.capE) },
    design: { committed: weeks(m.commD), used: weeks(m.commD + placedD[mi]), capacity: weeks(m.capD) },
  }));

  return {
    placements,
    committed,
    excluded,
    followUps,
    calibration: [...args.calibration.themes]
      .sort((a, b) => byCodeUnits(a.themeId, b.themeId))
      .map((t) => ({ themeId: t.themeId, factor: t.factor, n: t.n })),
    totals,
    objective: {
      value: round(placedIdx.reduce((s, i) => s + cands[i].value, 0)),
      score: round(placedIdx.reduce((s, i) => s + cands[i].score, 0)),
    },
    optimal: search.optimal,
    nodes: search.nodes,
    warnings,
    demandWeight: w,
  };
}

/** The demand side of a reason: "; demand: 41 accounts, $380k ARR asked (score 0.83, weight 0.3)". */
function demandText(c: Candidate, w: number): string {
  if (w === 0) return c.demand ? `; demand: ${describeDemand(c.demand)}` : '';
  return `; demand: ${describeDemand(c.demand)} (score ${formatNumber(c.demandScore)}, weight ${formatNumber(w)})`;
}

function scoreText(c: Candidate): string {
  const e = c.estimate;
  const cal = c.n > 0 ? `calibration ${formatNumber(c.factor)} (${c.themeId}, ${c.n} measured)` : `calibration 1 (${c.themeId}, no measured epics)`;
  return (
    `score ${formatNumber(c.score)} = reach ${formatNumber(e.reach)} × impact ${formatNumber(e.impact)} × ${cal}` +
    ` × confidence ${formatPercent(e.confidence)} ÷ ${formatNumber(Math.max(MIN_EFFORT_WEEKS, e.effortWeeks.engineering + e.effortWeeks.design))} weeks`
  );
}

// ---------------------------------------------------------------------------
// Branch and bound (multiple two-dimensional knapsack)
// ---------------------------------------------------------------------------

const EPS = 1e-9;
const gt = (a: number, b: number) => a > b + EPS * Math.max(1, Math.abs(b));

export interface SearchResult {
  /** per candidate: milestone index, or −1 when not placed */
  assign: number[];
  total: number;
  earliness: number;
  /** the total value is proven maximal (phase 1 finished within the node budget) */
  optimal: boolean;
  /** the milestone order of the chosen epics is proven earliest (phase 2 finished too) */
  ordered: boolean;
  nodes: number;
}

/** A candidate as the search sees it: effort in integer units, value and score. */
export interface KnapsackItem {
  engU: number;
  desU: number;
  value: number;
  score: number;
}

/**
 * Multiple two-dimensional knapsack by depth-first branch and bound, in two phases, each with
 * `nodeBudget` nodes. Phase 1 maximises Σ value, starting from the greedy plan: candidates (in
 * the given order) go into the earliest milestone first, then later ones, then stay out;
 * milestones with the same remaining capacity as an earlier one are skipped (symmetric);
 * leaving a candidate out also leaves out the later ones it dominates (no more effort in
 * either dimension, no more value); completed states are remembered. Value bound: the least of
 * three fractional knapsacks over the pooled remaining capacity (engineering, design, their
 * sum) of the candidates that still fit. Phase 2 keeps the chosen candidates and reassigns them
 * to maximise earliness Σ score × (M − 1 − milestone index), bounded by filling milestones in
 * time order fractionally by score density. Only strictly better plans replace the incumbent,
 * so the result depends on the input order alone.
 */
export function branchAndBound(
  cands: KnapsackItem[],
  capE: number[],
  capD: number[],
  nodeBudget: number,
): SearchResult {
  const n = cands.length;
  const M = capE.length;
  const remE = [...capE];
  const remD = [...capD];
  const assign = new Array<number>(n).fill(-1);
  let best = { total: 0, earliness: 0, assign: [...assign] };
  let nodes = 0;
  let aborted = false;

  type Dim = { order: number[]; w: (i: number) => number; rem: (m: number) => number };
  const dim = (w: (i: number) => number, rem: (m: number) => number): Dim => ({
    w,
    rem,
    order: cands
      .map((_, i) => i)
      .sort((a, b) => {
        const da = w(a) === 0 ? Infinity : cands[a].value / w(a);
        const db = w(b) === 0 ? Infinity : cands[b].value / w(b);
        return da === db ? a - b : db > da ? 1 : -1;
      }),
  });
  const dims: Dim[] = [
    dim((i) => cands[i].engU, (m) => remE[m]),
    dim((i) => cands[i].desU, (m) => remD[m]),
    dim((i) => cands[i].engU + cands[i].desU, (m) => remE[m] + remD[m]),
  ];
  // phase 2 fills by score density: value ÷ size orders equal score ÷ size only for size = effort,
  // so it has its own orders
  const earlyOrders = dims.map((d) =>
    cands
      .map((_, i) => i)
      .sort((a, b) => {
        const da = d.w(a) === 0 ? Infinity : cands[a].score / d.w(a);
        const db = d.w(b) === 0 ? Infinity : cands[b].score / d.w(b);
        return da === db ? a - b : db > da ? 1 : -1;
      }),
  );
  const dominated: number[][] = cands.map((ci, i) =>
    cands
      .map((_, j) => j)
      .filter((j) => j > i && ci.engU <= cands[j].engU && ci.desU <= cands[j].desU && ci.value >= cands[j].value),
  );
  const forbidden = new Array<number>(n).fill(0);
  const live = new Array<boolean>(n).fill(false);

  /** marks which candidates from `from` on still fit some milestone and are not forbidden */
  const markLive = (from: number) => {
    for (let j = from; j < n; j++) {
      let ok = forbidden[j] === 0;
      if (ok) {
        ok = false;
        for (let m = 0; m < M && !ok; m++) ok = cands[j].engU <= remE[m] && cands[j].desU <= remD[m];
      }
      live[j] = ok;
    }
  };

  const valueBound = (from: number): number => {
    let bound = Infinity;
    for (const d of dims) {
      let cap = 0;
      for (let m = 0; m < M; m++) cap += d.rem(m);
      let acc = 0;
      for (const j of d.order) {
        if (j < from || !live[j]) continue;
        const wj = d.w(j);
        if (wj <= cap) {
          cap -= wj;
          acc += cands[j].value;
        } else {
          acc += (cands[j].value * cap) / wj;
          break;
        }
      }
      if (acc < bound) bound = acc;
    }
    return bound;
  };

  const earlinessBound = (from: number): number => {
    let bound = Infinity;
    dims.forEach((d, k) => {
      let m = 0;
      let cap = M > 0 ? d.rem(0) : 0;
      let acc = 0;
      for (const j of earlyOrders[k]) {
        if (j < from || !live[j]) continue;
        let size = d.w(j);
        if (size === 0) {
          acc += cands[j].score * (M - 1 - m);
          continue;
        }
        const density = cands[j].score / size;
        while (size > 0 && m < M) {
          const take = Math.min(size, cap);
          acc += density * take * (M - 1 - m);
          size -= take;
          cap -= take;
          if (cap === 0 && ++m < M) cap = d.rem(m);
        }
        if (m >= M) break;
      }
      if (acc < bound) bound = acc;
    });
    return bound;
  };

  const tick = () => {
    if (++nodes > nodeBudget) {
      aborted = true;
      nodes = nodeBudget;
    }
    return !aborted;
  };

  const place = (i: number, m: number) => {
    remE[m] -= cands[i].engU;
    remD[m] -= cands[i].desU;
    assign[i] = m;
  };
  const unplace = (i: number, m: number) => {
    remE[m] += cands[i].engU;
    remD[m] += cands[i].desU;
    assign[i] = -1;
  };
  const fits = (i: number, m: number) => cands[i].engU <= remE[m] && cands[i].desU <= remD[m];
  const skip = (i: number, next: () => void) => {
    for (const j of dominated[i]) forbidden[j]++;
    next();
    for (const j of dominated[i]) forbidden[j]--;
  };

  // Phase 1: the best total value. A completed subtree entered with value `total` proves that
  // no completion from that state beats the incumbent it ended with; states (next candidate,
  // remaining capacities as a multiset, forbidden candidates) recur often, so that proof is kept.
  const proven = new Map<string, number>();
  const MAX_PROVEN = 1_000_000;
  const stateKey = (i: number) => {
    const caps: string[] = [];
    for (let m = 0; m < M; m++) caps.push(`${remE[m]}:${remD[m]}`);
    caps.sort();
    let f = '';
    for (let j = i; j < n; j++) if (forbidden[j] > 0) f += `${j},`;
    return `${i}|${caps.join(' ')}|${f}`;
  };
  const phase1 = (i: number, total: number, earliness: number): void => {
    if (!tick()) return;
    if (i === n) {
      if (gt(total, best.total)) best = { total, earliness, assign: [...assign] };
      return;
    }
    const key = stateKey(i);
    const known = proven.get(key);
    if (known !== undefined && !gt(total + known, best.total)) return;
    markLive(i);
    if (!gt(total + valueBound(i), best.total)) return;
    const c = cands[i];
    if (live[i]) {
      for (let m = 0; m < M; m++) {
        if (!fits(i, m)) continue;
        let symmetric = false;
        for (let k = 0; k < m && !symmetric; k++) symmetric = remE[k] === remE[m] && remD[k] === remD[m];
        if (symmetric) continue;
        place(i, m);
        phase1(i + 1, total + c.value, earliness + c.score * (M - 1 - m));
        unplace(i, m);
        if (aborted) return;
      }
    }
    skip(i, () => phase1(i + 1, total, earliness));
    if (!aborted && proven.size < MAX_PROVEN) proven.set(key, best.total - total);
  };

  // Phase 2: the chosen epics stay chosen; reassign them so the highest scores come earliest.
  const chosen = best.assign.map((m) => m >= 0);
  const phase2 = (i: number, earliness: number): void => {
    if (!tick()) return;
    if (i === n) {
      if (gt(earliness, best.earliness)) best = { ...best, earliness, assign: [...assign] };
      return;
    }
    if (!chosen[i]) return phase2(i + 1, earliness);
    for (let j = i; j < n; j++) live[j] = chosen[j];
    if (!gt(earliness + earlinessBound(i), best.earliness)) return;
    for (let m = 0; m < M; m++) {
      if (!fits(i, m)) continue;
      place(i, m);
      phase2(i + 1, earliness + cands[i].score * (M - 1 - m));
      unplace(i, m);
      if (aborted) return;
    }
  };

  // the greedy plan (each candidate, in order, into the earliest milestone it fits) is the
  // first incumbent, so even a search stopped at once returns a sensible plan
  {
    let total = 0;
    let earliness = 0;
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < M; m++) {
        if (!fits(i, m)) continue;
        place(i, m);
        total += cands[i].value;
        earliness += cands[i].score * (M - 1 - m);
        break;
      }
    }
    best = { total, earliness, assign: [...assign] };
    for (let i = 0; i < n; i++) if (assign[i] >= 0) unplace(i, assign[i]);
  }
  phase1(0, 0, 0);
  const optimal = !aborted;
  let ordered = optimal;
  if (optimal && M > 1) {
    const phase1Nodes = nodes;
    nodes = 0;
    chosen.splice(0, n, ...best.assign.map((m) => m >= 0));
    phase2(0, 0);
    ordered = !aborted;
    nodes += phase1Nodes;
  }
  return { assign: best.assign, total: best.total, earliness: best.earliness, optimal, ordered, nodes };
}

// ---------------------------------------------------------------------------
// Accept
// ---------------------------------------------------------------------------

/**
 * The roadmap after accepting a proposal: follow-ups created (planned, `followUpOf` set,
 * targets and signals copied), placed epics moved to their milestone, and planned epics with
 * an estimate that sit in a planned milestone but were not placed unscheduled (the plan owns
 * those milestones' capacity). Validated with `Roadmap`; throws a ZodError on a stale proposal.
 */
export function acceptPlan(roadmap: Roadmap, proposal: PlanProposal): Roadmap {
  const issues: z.core.$ZodIssue[] = [];
  const epics: Epic[] = roadmap.epics.map((e) => ({ ...e }));
  const byId = new Map(epics.map((e) => [e.id, e]));

  proposal.followUps.forEach((f, i) => {
    if (byId.has(f.epicId)) return; // already created: accepting twice is harmless
    const original = byId.get(f.followUpOf);
    if (!original) {
      issues.push({ code: 'custom', path: ['followUps', i, 'followUpOf'], message: `follow-up of unknown epic "${f.followUpOf}"`, input: f });
      return;
    }
    const created: Epic = {
      id: f.epicId,
      title: f.title,
      themeId: f.themeId,
      status: 'planned',
      signals: { events: [...original.signals.events] },
      targets: f.targets.map((t) => ({ ...t })),
      ...(f.estimate ? { estimate: f.estimate } : {}),
      followUpOf: f.followUpOf,
    };
    epics.push(created);
    byId.set(created.id, created);
  });

  const planned = new Set(proposal.totals.map((t) => t.milestoneId));
  const placed = new Set(proposal.placements.map((p) => p.epicId));
  for (const e of epics) {
    if (e.status === 'planned' && e.estimate && e.milestoneId && planned.has(e.milestoneId) && !placed.has(e.id)) {
      delete e.milestoneId;
    }
  }
  proposal.placements.forEach((p, i) => {
    const e = byId.get(p.epicId);
    if (!e) {
      issues.push({ code: 'custom', path: ['placements', i, 'epicId'], message: `unknown epic "${p.epicId}": re-run the plan`, input: p });
    } else if (e.status !== 'planned') {
      issues.push({ code: 'custom', path: ['placements', i, 'epicId'], message: `epic "${p.epicId}" is ${e.status}, not planned: re-run the plan`, input: p });
    } else {
      e.milestoneId = p.milestoneId;
    }
  });
  if (issues.length > 0) throw new z.ZodError(issues);
  return Roadmap.parse({ ...roadmap, epics });
}
