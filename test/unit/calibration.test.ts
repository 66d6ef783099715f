import { describe, expect, it } from 'vitest';
import { Roadmap, type EpicInput } from '../../shared/roadmap';
import {
  Calibration,
  calibrate,
  factorFor,
  predictedAdoption,
  shrunkFactor,
  type CalibrationOutcome,
} from '../../shared/calibration';

const estimate = (impact: number, expectedAdoption?: number) => ({
  reach: 1000,
  impact,
  confidence: 0.8,
  effortWeeks: { engineering: 2, design: 1 },
  ...(expectedAdoption !== undefined ? { expectedAdoption } : {}),
});

function roadmap(epics: EpicInput[]): Roadmap {
  return Roadmap.parse({
    mission: { statement: 'Help everyone dress with confidence' },
    themes: [
      { id: 'styling', name: 'Styling' },
      { id: 'growth', name: 'Growth' },
      { id: 'checkout', name: 'Checkout' },
    ],
    milestones: [{ id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' }],
    epics,
  });
}

const shipped = (id: string, themeId: string, est?: ReturnType<typeof estimate>): EpicInput => ({
  id,
  title: id,
  themeId,
  status: 'shipped',
  shippedAt: '2026-10-06',
  ...(est ? { estimate: est } : {}),
});

describe('predictedAdoption', () => {
  it('uses expectedAdoption when the estimate has one', () => {
    expect(predictedAdoption({ impact: 3, expectedAdoption: 0.12 })).toBe(0.12);
    expect(predictedAdoption({ impact: 3, expectedAdoption: 0 })).toBe(0);
  });
  it('derives impact/3 × 30% otherwise', () => {
    expect(predictedAdoption({ impact: 2 })).toBeCloseTo(0.2, 12);
    expect(predictedAdoption({ impact: 3 })).toBeCloseTo(0.3, 12);
    expect(predictedAdoption({ impact: 0.25 })).toBeCloseTo(0.025, 12);
  });
});

describe('shrunkFactor', () => {
  it('is 1 without evidence', () => {
    expect(shrunkFactor(0, 0, 0)).toBe(1);
  });
  it('shrinks the ratio toward 1 with prior weight 2', () => {
    // r = 0.1 / 0.4 = 0.25; (2·0.25 + 2) / 4 = 0.625
    expect(shrunkFactor(0.1, 0.4, 2)).toBeCloseTo(0.625, 12);
    // r = 3; (1·3 + 2) / 3
    expect(shrunkFactor(0.3, 0.1, 1)).toBeCloseTo(5 / 3, 12);
    // much evidence: close to the raw ratio
    expect(shrunkFactor(0.5 * 98, 98, 98)).toBeCloseTo((98 * 0.5 + 2) / 100, 12);
  });
  it('clips to [0.25, 2]', () => {
    // (10·0.01 + 2) / 12 = 0.175 → 0.25
    expect(shrunkFactor(0.01, 1, 10)).toBe(0.25);
    // (10·5 + 2) / 12 = 4.33 → 2
    expect(shrunkFactor(5, 1, 10)).toBe(2);
  });
  it('handles a zero prediction', () => {
    expect(shrunkFactor(0, 0, 3)).toBe(1);
    // r taken as the largest factor, 2: (1·2 + 2) / 3
    expect(shrunkFactor(0.2, 0, 1)).toBeCloseTo(4 / 3, 12);
  });
});

describe('calibrate', () => {
  const doc = roadmap([
    shipped('a1', 'styling', estimate(3, 0.2)), // predicted 0.2 (expectedAdoption)
    shipped('a2', 'styling', estimate(1)), // predicted 0.1 (impact 1)
    shipped('a3', 'styling', estimate(2)), // too early: ignored
    shipped('a4', 'styling'), // no estimate: ignored
    shipped('a5', 'styling', estimate(2)), // insufficient data: ignored
    shipped('a6', 'styling', estimate(2)), // no adoption rate: ignored
    { id: 'a7', title: 'a7', themeId: 'styling', status: 'planned', estimate: estimate(2) }, // not shipped
    shipped('c1', 'checkout', estimate(1)), // predicted 0.1
  ]);
  const outcomes: CalibrationOutcome[] = [
    { epicId: 'a1', adoptionRate: 0.1, verdict: 'missed' },
    { epicId: 'a2', adoptionRate: 0.05, verdict: 'met' },
    { epicId: 'a3', adoptionRate: 0.9, verdict: 'too_early' },
    { epicId: 'a4', adoptionRate: 0.9, verdict: 'met' },
    { epicId: 'a5', adoptionRate: 0.9, verdict: 'insufficient_data' },
    { epicId: 'a6', adoptionRate: null, verdict: 'met' },
    { epicId: 'a7', adoptionRate: 0.9, verdict: 'met' },
    { epicId: 'c1', adoptionRate: 0.3, verdict: 'met' },
  ];

  it('computes per-theme factors by hand', () => {
    const cal = calibrate(doc, outcomes);
    expect(cal.themes.map((t) => t.themeId)).toEqual(['checkout', 'growth', 'styling']);
    const styling = cal.themes.find((t) => t.themeId === 'styling')!;
    expect(styling.n).toBe(2);
    expect(styling.points).toEqual([
      { epicId: 'a1', predicted: 0.2, measured: 0.1 },
      { epicId: 'a2', predicted: expect.closeTo(0.1, 12), measured: 0.05 },
    ]);
    // r = 0.15 / 0.3 = 0.5; (2·0.5 + 2) / 4 = 0.75
    expect(styling.ratio).toBeCloseTo(0.5, 12);
    expect(styling.factor).toBeCloseTo(0.75, 12);
    expect(styling.predictedMean).toBeCloseTo(0.15, 12);
    expect(styling.measuredMean).toBeCloseTo(0.075, 12);

    const checkout = cal.themes.find((t) => t.themeId === 'checkout')!;
    // r = 3; (3 + 2) / 3
    expect(checkout.n).toBe(1);
    expect(checkout.factor).toBeCloseTo(5 / 3, 12);
  });

  it('gives a theme without measured epics factor 1 and n 0', () => {
    const growth = calibrate(doc, outcomes).themes.find((t) => t.themeId === 'growth')!;
    expect(growth).toEqual({ themeId: 'growth', factor: 1, n: 0, ratio: null, predictedMean: null, measuredMean: null, points: [] });
  });

  it('computes the overall factor over all measured epics', () => {
    const { overall } = calibrate(doc, outcomes);
    // Σp = 0.4, Σm = 0.45, r = 1.125, (3·1.125 + 2) / 5 = 1.075
    expect(overall.n).toBe(3);
    expect(overall.ratio).toBeCloseTo(1.125, 12);
    expect(overall.factor).toBeCloseTo(1.075, 12);
  });

  it('does not depend on the order of epics or outcomes', () => {
    const shuffled = { ...doc, epics: [...doc.epics].reverse(), themes: [...doc.themes].reverse() };
    expect(calibrate(shuffled, [...outcomes].reverse())).toEqual(calibrate(doc, outcomes));
  });

  it('produces a document the Calibration schema accepts', () => {
    const cal = calibrate(doc, outcomes);
    expect(Calibration.parse(cal)).toEqual(cal);
  });

  it('looks factors up by theme, defaulting to 1', () => {
    const cal = calibrate(doc, outcomes);
    expect(factorFor(cal, 'styling').factor).toBeCloseTo(0.75, 12);
    expect(factorFor(cal, 'growth')).toEqual({ factor: 1, n: 0 });
    expect(factorFor(cal, 'nope')).toEqual({ factor: 1, n: 0 });
  });
});
