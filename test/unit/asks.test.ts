/** The pure core of customer asks: triage rules, CSV mapping, demand, Newcombe's interval, planner weight. */
import { describe, expect, it } from 'vitest';
import { afterShipOf, askFromRecord, demandOf, demandScores, newcombeDiff, parseMoney, patchAsk, upsertAsk, type Ask } from '../../shared/asks';
import { plan } from '../../shared/planner';
import type { Roadmap } from '../../shared/roadmap';

const NOW = '2026-11-20T00:00:00.000Z';
const ask = (over: Partial<Ask> = {}): Ask => ({ id: 'ask-1', source: 'support', title: 'T', askedAt: '2026-11-01', status: 'new', epicIds: [], createdAt: NOW, updatedAt: NOW, ...over });

describe('triage', () => {
  it('derives status from links, keeps a decline, needs a reason to decline', () => {
    expect(patchAsk(ask(), { epicIds: ['b', 'a', 'a'] }, NOW)).toMatchObject({ status: 'linked', epicIds: ['a', 'b'] });
    expect(() => patchAsk(ask(), { status: 'declined' }, NOW)).toThrow(/declinedReason/);
    const d = patchAsk(ask(), { status: 'declined', declinedReason: 'no' }, NOW);
    expect(d).toMatchObject({ status: 'declined', declinedReason: 'no' });
    // editing the reason keeps it declined; linking reopens it and drops the reason
    expect(patchAsk(d, { declinedReason: 'not now' }, NOW)).toMatchObject({ status: 'declined', declinedReason: 'not now' });
    const relinked = patchAsk(d, { epicIds: ['x'] }, NOW);
    expect(relinked.status).toBe('linked');
    expect(relinked.declinedReason).toBeUndefined();
    expect(() => patchAsk(ask({ epicIds: ['x'], status: 'linked' }), { status: 'new' }, NOW)).toThrow(/unlink/);
  });

  it('a re-send keeps the PM links and the decline; the sender fields win', () => {
    const stored = ask({ epicIds: ['pm-link'], status: 'declined', declinedReason: 'dup', title: 'Old' });
    const next = upsertAsk(stored, { source: 'support', title: 'New', askedAt: '2026-11-02', epicIds: ['sent'] }, 'ask-1', undefined, '2026-11-21T00:00:00.000Z');
    expect(next).toMatchObject({ title: 'New', epicIds: ['pm-link', 'sent'], status: 'declined', declinedReason: 'dup', createdAt: NOW, updatedAt: '2026-11-21T00:00:00.000Z' });
  });
});

describe('CSV mapping', () => {
  it('maps dotted paths, defaults, money and dates; refuses what the schema refuses', () => {
    const r = askFromRecord({ S: 'Boards', C: 'acme', A: '$1.2M', D: '2026-10-03T23:30:00-02:00', E: 'a-b; c' }, { title: 'S', 'account.id': 'C', 'account.arr': 'A', askedAt: 'D', epicIds: 'E' }, { source: 'Sales' });
    expect(r.success && r.data).toEqual({ title: 'Boards', source: 'sales', account: { id: 'acme', arr: 1_200_000 }, askedAt: '2026-10-04', epicIds: ['a-b', 'c'] });
    expect(askFromRecord({ S: 'x', D: '2026-02-31' }, { title: 'S', askedAt: 'D' }, { source: 'support' }).success).toBe(false);
    expect(askFromRecord({ S: 'x', D: '2026-02-01', A: 'lots' }, { title: 'S', askedAt: 'D', 'account.id': 'S', 'account.arr': 'A' }, { source: 'support' }).success).toBe(false);
    expect([parseMoney('120,000'), parseMoney('€80k'), parseMoney('42'), parseMoney('n/a')]).toEqual([120000, 80000, 42, 'n/a']);
  });
});

describe('demand', () => {
  it('counts an account once with its newest ARR, skips declined asks and asks after asOf', () => {
    const asks = [
      ask({ id: 'a1', epicIds: ['e'], status: 'linked', account: { id: 'acme', arr: 100 }, askedAt: '2026-10-01' }),
      ask({ id: 'a2', epicIds: ['e'], status: 'linked', account: { id: 'acme', arr: 300 }, askedAt: '2026-10-05', source: 'sales' }),
      ask({ id: 'a3', epicIds: ['e'], status: 'declined', account: { id: 'globex', arr: 1000 } }),
      ask({ id: 'a4', epicIds: ['e'], status: 'linked', requester: 'h1', askedAt: '2026-12-01' }),
    ];
    expect(demandOf('e', asks, '2026-11-30')).toMatchObject({ asks: 2, accounts: 1, arr: 300, requesters: 0 });
    expect(demandOf('e', asks)).toMatchObject({ asks: 3, requesters: 1 });
  });

  it('scores demand relative to the most-asked epic, half customers half ARR', () => {
    const s = demandScores({ a: { asks: 4, accounts: 2, requesters: 0, arr: 100 }, b: { asks: 1, accounts: 1, requesters: 3, arr: 0 } }, ['a', 'b', 'c']);
    expect([s.get('a'), s.get('b'), s.get('c')]).toEqual([0.5 * (2 / 3) + 0.5, 0.5, 0]);
  });
});

describe("Newcombe's hybrid score interval", () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
  ])('%i/%i vs %i/%i → [%f, %f]', (x1, n1, x2, n2, lo, hi) => {
    const ci = newcombeDiff(x1, n1, x2, n2)!;
    expect(ci[0]).toBeCloseTo(lo, 3);
    expect(ci[1]).toBeCloseTo(hi, 3);
  });

  it('after ship: others are everyone active minus the requesters; too few requesters is said', () => {
    const a = afterShipOf({ windowDays: 28, requesters: { active: 10, adopters: 7 }, all: { active: 110, adopters: 17 }, accounts: [{ id: 'acme', members: 3, adopters: 1 }, { id: 'none', members: 0, adopters: 0 }] });
    expect(a.others).toEqual({ active: 100, adopters: 10, rate: 0.1 });
    expect(a.diff).toBeCloseTo(0.6, 12);
    expect(a).toMatchObject({ accountsWithAdopter: 1, accountsKnown: 1, sufficient: false });
    expect(a.summary).toContain('Of 10 requesters active in the window, 7 adopted (70%) vs 10% of other active users. Fewer than 30 requesters');
  });
});

describe('planner demand weight', () => {
  const roadmap: Roadmap = {
    mission: { statement: 'm' },
    themes: [{ id: 't', name: 'T' }],
    milestones: [{ id: 'm1', name: 'M1', start: '2027-01-01', end: '2027-01-31' }],
    epics: ['a', 'b', 'c', 'd'].map((id, i) => ({ id, title: id, themeId: 't', status: 'planned' as const, signals: { events: [] }, targets: [], estimate: { reach: 1000 * (4 - i), impact: 1, confidence: 1, effortWeeks: { engineering: 2, design: 0 } } })),
    stories: [],
  };
  const args = { roadmap, capacity: [{ milestoneId: 'm1', engineering: 4, design: 0 }], calibration: { themes: [] } };
  const demand = { d: { asks: 9, accounts: 9, requesters: 0, arr: 0 }, c: { asks: 3, accounts: 3, requesters: 0, arr: 0 } };
  const placed = (p: ReturnType<typeof plan>) => p.placements.map((x) => x.epicId).sort();

  it('weight 0 gives the plan without asks; weight 1 follows the asks; in between trades off', () => {
    const none = plan(args);
    expect(placed(none)).toEqual(['a', 'b']);
    const zero = plan({ ...args, demand, demandWeight: 0 });
    const withoutReasons = (p: ReturnType<typeof plan>) => ({ ...p, placements: p.placements.map(({ reason: _r, demand: _d, ...x }) => x), excluded: p.excluded.map(({ reason: _r, ...x }) => x) });
    expect(withoutReasons(zero)).toEqual(withoutReasons(none));
    // the asks are still shown beside the reason, they just weigh nothing
    expect(zero.excluded.find((x) => x.epicId === 'd')!.reason).toContain('demand: 9 asks, 9 accounts asked');
    expect(placed(plan({ ...args, demand, demandWeight: 1 }))).toEqual(['c', 'd']);
    const mid = plan({ ...args, demand, demandWeight: 0.5 });
    expect(placed(mid)).toEqual(['a', 'd']);
    expect(plan({ ...args, demand, demandWeight: 0.5, roadmap: { ...roadmap, epics: [...roadmap.epics].reverse() } })).toEqual(mid);
  });
});
