/**
 * Shapes of the analytics pipeline: per-user facts → rollups → outcome.
 * The outcome response shape is binding (DESIGN.md "Shapes"); extend, don't rename.
 */
import { z } from 'zod';
import { Target } from './roadmap';
import { TargetAmendment, TargetGoal } from './amendments';
import type { MatchedCells } from './engagement';

// ---------------------------------------------------------------------------
// Facts (what ingest stores, idempotently) as the pure core sees them
// ---------------------------------------------------------------------------

/**
 * Everything Sextant knows about one pseudonymous user's activity, as day numbers
 * (days since 1970-01-01 UTC). Built from the per-user facts in the store.
 */
export interface UserActivity {
  /** days with any event from this user */
  active: Set<number>;
  /**
   * days on which a usage key was seen; keys are `ev:<track event name>` and
   * `epic:<properties.epicId>` (Survey Responded is never usage).
   */
  usage: Map<string, Set<number>>;
}

/** Daily satisfaction aggregate for one scope (`product` or an epic id) and scale. */
export interface SatisfactionDay {
  date: string;
  /** `product` for responses without epicId, else the epic id */
  scope: string;
  scale: 'csat' | 'nps';
  n: number;
  sum: number;
  sumSq: number;
  /** nps only: scores 9–10 */
  promoters: number;
  /** nps only: scores 0–6 */
  detractors: number;
}

export interface KpiPoint {
  date: string;
  value: number;
}

// ---------------------------------------------------------------------------
// Rollup of one epic for one window length (computed asynchronously, stored)
// ---------------------------------------------------------------------------

/** Sums over users of a group, enough for a Welch test on per-user changes. */
export interface ChangeMoments {
  n: number;
  sumBefore: number;
  sumAfter: number;
  sumChange: number;
  sumChangeSq: number;
}

export interface EpicRollup {
  epicId: string;
  shippedAt: string;
  windowDays: number;
  /** signature of the signals the rollup used (re-attribution when they change) */
  signalKey: string;
  /** day k (0-based from ship day) of the window: cumulative counts over [S, S+k] */
  series: { date: string; adopters: number; activeUsers: number }[];
  /**
   * Difference-in-differences inputs per window day k: among users active in the
   * pre-window, adopters (usage in [S, S+k]) vs non-adopters, change in active days from
   * the pre-window [S−W, S−1] to [S, S+k].
   */
  did: { date: string; adopters: ChangeMoments; nonAdopters: ChangeMoments }[];
  /**
   * Matched engagement comparison sums (shared/engagement.ts): sparse cells per (first-use
   * day, capped pre-window active days[, first-use bucket of later adopters]), plain sums over
   * users over the whole window, independent of today. Absent in rollups stored before it existed.
   */
  matched?: MatchedCells;
}

// ---------------------------------------------------------------------------
// Outcome (GET /api/v1/epics/:id/outcome) — binding shape
// ---------------------------------------------------------------------------

const Ci95 = z.tuple([z.number(), z.number()]).nullable();
const MeanN = z.object({ mean: z.number().nullable(), n: z.number().int() });

export const EPIC_VERDICTS = ['not_shipped', 'too_early', 'insufficient_data', 'met', 'missed'] as const;
export const EpicVerdict = z.enum(EPIC_VERDICTS);
export type EpicVerdict = z.infer<typeof EpicVerdict>;

export const TargetResult = Target.and(
  z.object({
    actual: z.number().nullable(),
    /** `pending` while the target's window has not closed by asOf; `unknown` when no data */
    status: z.enum(['met', 'missed', 'pending', 'unknown']),
    confident: z.boolean(),
    ci95: Ci95.optional(),
    n: z.number().int().optional(),
    /** shipped epics: the target as planned at ship (null: added after ship); `status` is judged against it */
    planned: TargetGoal.nullable().optional(),
    /** changes to this target after ship, oldest first, each with when, who and why */
    amendments: z.array(TargetAmendment).optional(),
    /** the status against the current (amended) target, when it differs from the planned one */
    statusAmended: z.enum(['met', 'missed', 'pending', 'unknown']).optional(),
  }),
).meta({ id: 'TargetResult' });
export type TargetResult = z.infer<typeof TargetResult>;

export const Outcome = z
  .object({
    epicId: z.string(),
    asOf: z.string(),
    shippedAt: z.string().nullable(),
    windowDays: z.number().int(),
    /** last day counted: min(S+W−1, asOf) */
    windowEnd: z.string().nullable(),
    verdict: EpicVerdict,
    verdictReason: z.string(),
    /** the verdict against the amended targets, when a target was changed after ship */
    verdictAmended: EpicVerdict.optional(),
    confounded: z.boolean(),
    overlaps: z.array(z.object({ epicId: z.string(), title: z.string(), shippedAt: z.string() })),
    adoption: z.object({
      adopters: z.number().int(),
      activeUsers: z.number().int(),
      rate: z.number().nullable(),
      ci95: Ci95,
      series: z.array(
        z.object({ date: z.string(), adopters: z.number().int(), activeUsers: z.number().int(), rate: z.number().nullable() }),
      ),
    }),
    satisfaction: z.object({
      csat: MeanN.extend({ ci95: Ci95 }).nullable(),
      nps: z.object({ score: z.number().nullable(), n: z.number().int(), promoters: z.number().int(), detractors: z.number().int() }).nullable(),
      productCsat: z
        .object({ before: MeanN, after: MeanN, diff: z.number().nullable(), ci95: Ci95, pValue: z.number().nullable() })
        .nullable(),
    }),
    kpis: z.array(
      z.object({
        name: z.string(),
        before: MeanN,
        after: MeanN,
        lift: z.number().nullable(),
        relativeLift: z.number().nullable(),
        /** 95% CI of `lift`, robust to day-to-day correlation: Welch with EWC long-run variances per side (README "KPI lift") */
        ci95: Ci95,
        pValue: z.number().nullable(),
        /** the same estimate on the 2W days before the pre-window, split at S−2W; null without data there */
        placebo: z.object({ lift: z.number().nullable(), ci95: Ci95, pValue: z.number().nullable() }).nullable(),
        /** the placebo "finds" a lift (p < 0.05): the KPI was already moving before launch */
        trendWarning: z.boolean(),
        series: z.array(z.object({ date: z.string(), value: z.number() })),
      }),
    ),
    engagement: z
      .object({
        adopters: z.object({ before: z.number().nullable(), after: z.number().nullable(), n: z.number().int() }),
        nonAdopters: z.object({ before: z.number().nullable(), after: z.number().nullable(), n: z.number().int() }),
        /** descriptive difference-in-differences; biased upwards by design, so no interval */
        did: z.number().nullable(),
        /** matched estimate: extra active days of adopters in the 14 days after first use */
        effect: z.number().nullable(),
        /** 95% interval of `effect` */
        ci95: Ci95,
        /** adopters with at least one matched control */
        matched: z.number().int(),
        horizonDays: z.number().int(),
      })
      .nullable(),
    targets: z.array(TargetResult),
    /** how distinct counts were computed */
    distinctCounts: z.literal('exact'),
    freshness: z.object({ rolledUpAt: z.string().nullable(), behindSeconds: z.number().nullable() }).optional(),
  })
  .meta({ id: 'Outcome' });
export type Outcome = z.infer<typeof Outcome>;
