/**
 * Calibration: how far each theme's predicted adoption was from the adoption its shipped
 * epics actually reached, as a factor the planner multiplies estimates by.
 * Pure: no AWS, Hono or React imports.
 */
import { z } from 'zod';
import type { Estimate, Roadmap } from './roadmap';
import type { EpicVerdict } from './outcome-types';

/** Weight (in epics) of the prior factor 1: with n epics, factor = (n·r + K·1)/(n + K). */
export const CALIBRATION_PRIOR_WEIGHT = 2;
export const CALIBRATION_MIN_FACTOR = 0.25;
export const CALIBRATION_MAX_FACTOR = 2;
/**
 * Predicted adoption when an estimate has no `expectedAdoption`: RICE impact scaled so that
 * impact 3 ("massive") predicts 30% adoption, 1 ("medium") 10%, 0.25 ("minimal") 2.5%.
 */
export const ADOPTION_PER_IMPACT_POINT = 0.1;

const Point = z.object({ epicId: z.string(), predicted: z.number(), measured: z.number() });

export const ThemeCalibration = z
  .object({
    themeId: z.string(),
    /** shrunk measured/predicted ratio, clipped to [0.25, 2]; 1 when n = 0 */
    factor: z.number(),
    /** epics with a measured outcome (verdict met or missed) */
    n: z.number().int(),
    /** raw Σmeasured / Σpredicted before shrinkage and clipping; null when n = 0 */
    ratio: z.number().nullable(),
    predictedMean: z.number().nullable(),
    measuredMean: z.number().nullable(),
    points: z.array(Point),
  })
  .meta({ id: 'ThemeCalibration' });
export type ThemeCalibration = z.infer<typeof ThemeCalibration>;

export const Calibration = z
  .object({
    themes: z.array(ThemeCalibration),
    overall: z.object({
      factor: z.number(),
      n: z.number().int(),
      ratio: z.number().nullable(),
      predictedMean: z.number().nullable(),
      measuredMean: z.number().nullable(),
    }),
  })
  .meta({ id: 'Calibration' });
export type Calibration = z.infer<typeof Calibration>;

export interface CalibrationOutcome {
  epicId: string;
  adoptionRate: number | null;
  verdict: EpicVerdict | string;
}

/** Predicted adoption of an epic: `expectedAdoption`, else impact × 0.1 (impact/3 × 30%), capped at 1. */
export function predictedAdoption(estimate: Pick<Estimate, 'impact' | 'expectedAdoption'>): number {
  if (estimate.expectedAdoption !== undefined) return estimate.expectedAdoption;
  return Math.min(1, estimate.impact * ADOPTION_PER_IMPACT_POINT);
}

/**
 * Shrunk calibration factor: r = Σmeasured / Σpredicted, factor = (n·r + K)/(n + K) with
 * K = 2, clipped to [0.25, 2]. n = 0 → 1. Σpredicted = 0 → r = 1 if nothing was measured
 * either, else the largest factor (everything came in above a zero prediction).
 */
export function shrunkFactor(sumMeasured: number, sumPredicted: number, n: number): number {
  if (n === 0) return 1;
  const r = rawRatio(sumMeasured, sumPredicted);
  const shrunk = (n * r + CALIBRATION_PRIOR_WEIGHT) / (n + CALIBRATION_PRIOR_WEIGHT);
  return Math.min(CALIBRATION_MAX_FACTOR, Math.max(CALIBRATION_MIN_FACTOR, shrunk));
}

function rawRatio(sumMeasured: number, sumPredicted: number): number {
  if (sumPredicted > 0) return sumMeasured / sumPredicted;
  return sumMeasured > 0 ? CALIBRATION_MAX_FACTOR : 1;
}

function summarize(points: { predicted: number; measured: number }[]) {
  const n = points.length;
  if (n === 0) return { factor: 1, n: 0, ratio: null, predictedMean: null, measuredMean: null };
  const sp = points.reduce((s, p) => s + p.predicted, 0);
  const sm = points.reduce((s, p) => s + p.measured, 0);
  return { factor: shrunkFactor(sm, sp, n), n, ratio: rawRatio(sm, sp), predictedMean: sp / n, measuredMean: sm / n };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Predicted vs measured adoption of shipped epics, per theme and overall. An epic counts when
 * it is shipped, has an estimate, and its outcome verdict is `met` or `missed` (window closed
 * with enough data) with a measured adoption rate. Themes and points are ordered by id.
 */
export function calibrate(roadmap: Roadmap, outcomes: CalibrationOutcome[]): Calibration {
  const byEpic = new Map(outcomes.map((o) => [o.epicId, o]));
  const pointsByTheme = new Map<string, z.infer<typeof Point>[]>(roadmap.themes.map((t) => [t.id, []]));
  for (const epic of roadmap.epics) {
    const o = byEpic.get(epic.id);
    if (epic.status !== 'shipped' || !epic.estimate || !o) continue;
    if ((o.verdict !== 'met' && o.verdict !== 'missed') || o.adoptionRate === null || !Number.isFinite(o.adoptionRate)) continue;
    const list = pointsByTheme.get(epic.themeId) ?? [];
    list.push({ epicId: epic.id, predicted: predictedAdoption(epic.estimate), measured: o.adoptionRate });
    pointsByTheme.set(epic.themeId, list);
  }
  const themes = [...pointsByTheme.entries()]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([themeId, points]) => {
      points.sort((a, b) => byCodeUnits(a.epicId, b.epicId));
      return { themeId, ...summarize(points), points };
    });
  return { themes, overall: summarize(themes.flatMap((t) => t.points)) };
}

/** The factor for a theme (1 when the theme has no measured epics or is unknown). */
export function factorFor(calibration: Pick<Calibration, 'themes'>, themeId: string): { factor: number; n: number } {
  const t = calibration.themes.find((x) => x.themeId === themeId);
  return t ? { factor: t.factor, n: t.n } : { factor: 1, n: 0 };
}
