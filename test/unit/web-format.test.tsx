// @vitest-environment jsdom
/** Numbers a person reads: exact strings for percentages, changes, CIs, sample sizes, dates and axis ticks. */
import { describe, expect, it } from 'vitest';
import {
  addDaysIso,
  ciVerdict,
  formatAgo,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatDuration,
  formatEstimate,
  formatInt,
  formatInterval,
  formatMonth,
  formatNumber,
  formatPercent,
  formatPp,
  formatSampleSize,
  formatSigned,
  formatSignedPercent,
  humanize,
  monthStartIso,
} from '../../web/src/lib/format';
import { niceTicks, trimZeros } from '../../web/src/lib/scale';

describe('numbers', () => {
  it('formats shares as percentages, small ones with two decimals', () => {
    expect(formatPercent(0.2528)).toBe('25.3%');
    expect(formatPercent(0.1)).toBe('10.0%');
    expect(formatPercent(0.0042)).toBe('0.42%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(0.625, 0)).toBe('63%');
    expect(formatPercent(-0.031)).toBe('\u22123.1%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('signs changes with a true minus and never shows −0', () => {
    expect(formatSigned(0.15)).toBe('+0.15');
    expect(formatSigned(-0.02)).toBe('\u22120.02');
    expect(formatSigned(-0.001)).toBe('0.00');
    expect(formatSignedPercent(0.126)).toBe('+12.6%');
    expect(formatSignedPercent(-0.004066)).toBe('\u22120.4%');
  });

  it('formats differences of shares in percentage points', () => {
    expect(formatPp(0.0039)).toBe('+0.39 pp');
    expect(formatPp(-0.0704)).toBe('\u22127.0 pp');
    expect(formatPp(0)).toBe('0.00 pp');
  });

  it('groups thousands and writes sample sizes as "n = 1,630"', () => {
    expect(formatInt(1630)).toBe('1,630');
    expect(formatInt(63748)).toBe('63,748');
    expect(formatSampleSize(1630)).toBe('n = 1,630');
    expect(formatSampleSize(28)).toBe('n = 28');
    expect(formatNumber(0.00393)).toBe('0.00393');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatDecimal(4.3444)).toBe('4.34');
  });
});

describe('confidence intervals', () => {
  it('uses ± for a symmetric (Welch) interval', () => {
    expect(formatEstimate(0.15, [0.02, 0.28], 'signed')).toBe('+0.15 ± 0.13');
    expect(formatEstimate(0.0037, [0.0024, 0.005], 'pp')).toBe('+0.37 pp ± 0.13 pp');
  });

  it('uses [a, b] for an asymmetric (Wilson) interval of a rate', () => {
    expect(formatEstimate(0.0296, [0.0224, 0.039], 'percent')).toBe('3.0% [2.2%, 3.9%]');
    expect(formatEstimate(0.2415, [0.2202, 0.264], 'percent')).toBe('24.1% ± 2.2%');
    expect(formatEstimate(0.2, [0.15, 0.3], 'percent')).toBe('20.0% [15.0%, 30.0%]');
  });

  it('prints only the point without an interval, a dash without a point', () => {
    expect(formatEstimate(0.25, null, 'percent')).toBe('25.0%');
    expect(formatEstimate(null, [0, 1], 'percent')).toBe('—');
    expect(formatInterval([-0.0132, 0.2928], 'signed')).toBe('[\u22120.01, +0.29]');
    expect(formatInterval(null, 'signed')).toBe('—');
  });

  it('says which side of zero an interval lies', () => {
    expect(ciVerdict([0.02, 0.28])).toBe('above');
    expect(ciVerdict([-0.3, -0.1])).toBe('below');
    expect(ciVerdict([-0.01, 0.29])).toBe('inconclusive');
    expect(ciVerdict(null)).toBe('unknown');
    expect(ciVerdict([0.9, 1.1], 1)).toBe('inconclusive');
  });
});

describe('dates', () => {
  it('formats days, months and instants in UTC', () => {
    expect(formatDate('2026-10-06')).toBe('6 Oct 2026');
    expect(formatDate('2026-11-26T08:15:52.756Z')).toBe('26 Nov 2026');
    expect(formatMonth('2026-12-01', true)).toBe('December 2026');
    expect(formatDateTime('2026-11-26T08:15:52.756Z')).toBe('26 Nov 2026, 08:15 UTC');
    expect(formatDuration(20)).toBe('20 s');
    expect(formatDuration(3 * 86400)).toBe('3 days');
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(formatAgo('2026-11-26T09:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-11-26T09:59:50Z', now)).toBe('just now');
  });

  it('does UTC day and month arithmetic', () => {
    expect(addDaysIso('2026-08-20', 27)).toBe('2026-09-16');
    expect(monthStartIso('2026-11-26', -3)).toBe('2026-08-01');
    expect(monthStartIso('2026-11-26', 2)).toBe('2027-01-01');
    expect(humanize('checkout_conversion')).toBe('Checkout conversion');
  });
});

describe('axis scales', () => {
  it('picks round steps covering the data', () => {
    expect(niceTicks([0.03, 0.26], { includeZero: true })).toEqual({ domain: [0, 0.3], ticks: [0, 0.1, 0.2, 0.3] });
    expect(niceTicks([406, 12])).toEqual({ domain: [0, 500], ticks: [0, 100, 200, 300, 400, 500] });
    expect(niceTicks([3.97, 4.1], { includeZero: true, count: 6 }).ticks).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks([0.09, 0.18], { includeZero: true }).domain).toEqual([0, 0.2]);
    expect(niceTicks([-0.05, 0.18]).domain[0]).toBeLessThanOrEqual(-0.05);
  });

  it('clamps a scale to limits that cannot be passed (CSAT 1–5)', () => {
    const s = niceTicks([3.2, 5.6], { clamp: [1, 5] });
    expect(s.domain[1]).toBe(5);
    expect(Math.max(...s.ticks)).toBe(5);
  });

  it('trims trailing zeros of round labels', () => {
    expect(trimZeros('10.0%')).toBe('10%');
    expect(trimZeros('4.20')).toBe('4.2');
    expect(trimZeros('\u22127.0 pp')).toBe('\u22127 pp');
    expect(trimZeros('25.3%')).toBe('25.3%');
    expect(trimZeros('0.05')).toBe('0.05');
  });
});
