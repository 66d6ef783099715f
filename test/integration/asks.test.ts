/**
 * Customer asks through the real app and store: the write-key endpoint (idempotent by external
 * id), triage rules, filters and paging, CSV import round trips, suggestions, demand per epic,
 * the after-ship comparison on a world with a planted effect, and asks in the planner and diffs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollup } from '../../functions/src/analytics/rollup';
import { prng } from '../../functions/src/demo/simulate';
import { addDays, dateRange } from '../../shared/primitives';
import type { Roadmap } from '../../shared/roadmap';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-11-20';
const SHIPPED = '2026-10-01';

function roadmap(): Roadmap {
  return {
    mission: { statement: 'Asks fixture' },
    themes: [
      { id: 'ai-styling', name: 'AI styling' },
      { id: 'checkout', name: 'Checkout' },
    ],
    milestones: [{ id: '2027-01', name: 'January 2027', start: '2027-01-01', end: '2027-01-31' }],
    epics: [
      {
        id: 'virtual-try-on',
        title: 'Virtual try-on',
        description: 'See how clothes look on you from a photo before buying',
        themeId: 'ai-styling',
        status: 'shipped',
        shippedAt: SHIPPED,
        signals: { events: ['Try-On Started'] },
        targets: [{ metric: 'adoption_rate', op: '>=', value: 0.15, windowDays: 28 }],
      },
      { id: 'gift-cards', title: 'Digital gift cards', description: 'Send a gift card by email', themeId: 'checkout', status: 'planned', milestoneId: '2027-01', signals: { events: [] }, targets: [], estimate: { reach: 5000, impact: 1, confidence: 0.8, effortWeeks: { engineering: 4, design: 1 } } },
      { id: 'saved-outfits', title: 'Save outfits', description: 'Keep outfits you like in a board', themeId: 'ai-styling', status: 'planned', milestoneId: '2027-01', signals: { events: [] }, targets: [], estimate: { reach: 3000, impact: 1, confidence: 0.8, effortWeeks: { engineering: 4, design: 1 } } },
    ],
    stories: [{ id: 'tryon-upload', epicId: 'virtual-try-on', title: 'As a shopper I can upload a photo of myself', status: 'done' }],
  };
}

describe('customer asks', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.setNow(Date.parse(`${TODAY}T12:00:00Z`));
    await ctx.services.roadmaps.replace(roadmap());
  });
  afterAll(() => ctx?.close());

  const ingest = (asks: unknown[]) => ctx.call('POST', '/v1/asks', { token: ctx.tokens.ingest, body: { asks } });

  it('POST /v1/asks is idempotent by externalId (last write wins, a PM link stays) and rejects per ask', async () => {
    const zd = { externalId: 'zendesk-48213', source: 'support', title: 'Let me save outfits', text: 'I keep losing the looks I like', askedAt: '2026-11-02', requesterId: 'user-1' };
    const first = await ingest([zd, { source: 'support', title: '', askedAt: '2026-11-02' }, { source: 'fax', title: 'Old school', askedAt: '2026-11-02' }, { ...zd, externalId: 'zd-2', epicIds: ['nope'] }]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(first.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
    expect(first.body.rejected[1].reason).toContain('source "fax"');
    expect(first.body.rejected[2].reason).toContain('unknown epic');

    const again = await ingest([zd]);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const list = await ctx.call('GET', '/api/v1/asks?q=save%20outfits', { token: ctx.tokens.viewer });
    expect(list.body.total).toBe(1);
    const ask = list.body.asks[0];
    expect(ask.status).toBe('new');
    // the raw requester id is never stored or returned
    expect(JSON.stringify(ask)).not.toContain('user-1');
    expect(ask.requester).toMatch(/^[A-Za-z0-9_-]{10,}$/);

    const linked = await ctx.call('PATCH', `/api/v1/asks/${ask.id}`, { token: ctx.tokens.editor, body: { epicIds: ['saved-outfits'] } });
    expect(linked.body.status).toBe('linked');
    const edited = await ingest([{ ...zd, title: 'Let me save outfits to boards' }]);
    expect(edited.body).toMatchObject({ created: 0, updated: 1 });
    const after = await ctx.call('GET', `/api/v1/asks/${ask.id}`, { token: ctx.tokens.viewer });
    expect(after.body).toMatchObject({ title: 'Let me save outfits to boards', status: 'linked', epicIds: ['saved-outfits'], createdAt: ask.createdAt });
  });

  it('triage rules: declining needs a reason, linked needs epics, new needs none; unknown epics and ids refused', async () => {
    const created = await ctx.call('POST', '/api/v1/asks', { token: ctx.tokens.editor, body: { source: 'sales', title: 'Bulk gift cards for staff', askedAt: '2026-11-10', account: { id: 'acme', name: 'Acme Retail', arr: 120000 } } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const path = `/api/v1/asks/${id}`;
    expect((await ctx.call('PATCH', path, { body: { status: 'declined' } })).status).toBe(400);
    const declined = await ctx.call('PATCH', path, { body: { status: 'declined', declinedReason: 'Out of scope this year' } });
    expect(declined.body).toMatchObject({ status: 'declined', declinedReason: 'Out of scope this year' });
    expect((await ctx.call('PATCH', path, { body: { status: 'linked' } })).status).toBe(400);
    expect((await ctx.call('PATCH', path, { body: { epicIds: ['missing-epic'] } })).status).toBe(400);
    const reopened = await ctx.call('PATCH', path, { body: { epicIds: ['gift-cards'] } });
    expect(reopened.body.status).toBe('linked');
    expect(reopened.body).not.toHaveProperty('declinedReason');
    expect((await ctx.call('PATCH', path, { body: { status: 'new' } })).status).toBe(400);
    const unlinked = await ctx.call('PATCH', path, { body: { epicIds: [], status: 'new' } });
    expect(unlinked.body).toMatchObject({ status: 'new', epicIds: [] });
    expect((await ctx.call('GET', '/api/v1/asks/not-an-ask-id')).status).toBe(404);
    expect((await ctx.call('GET', `/api/v1/asks/ask-${'0'.repeat(20)}`)).status).toBe(404);
    expect((await ctx.call('POST', '/api/v1/asks', { body: { source: 'nowhere', title: 'x', askedAt: '2026-11-10' } })).status).toBe(400);
    const del = await ctx.call('DELETE', path, { token: ctx.tokens.editor });
    expect(del.status).toBe(204);
    expect((await ctx.call('GET', path)).status).toBe(404);
  });

  it('imports CSV with quoted commas, newlines in cells and a BOM; a bad row sinks nothing; dry run writes nothing; re-import changes nothing', async () => {
    const csv =
      '\uFEFFTicket,Subject,Body,Company,Company ARR,Requester,Created,Epics\r\n' +
      'T-1,"Try on, but with my photo","I want to see it on me.\nReally.",Globex,"$80k",shopper-7,2026-10-20,virtual-try-on\r\n' +
      'T-2,Gift cards for my team,,Initech,"250,000",,2026/11/01,gift-cards\r\n' +
      'T-3,,No subject here,,,,2026-11-03,\r\n' +
      'T-4,Send gifts by email,"Quote ""please""",Initech,,shopper-9,not-a-date,\r\n' +
      'T-5,Saving outfits,Boards would be great,,,shopper-7,2026-11-05,\r\n';
    const body = {
      csv,
      mapping: { externalId: 'Ticket', title: 'Subject', text: 'Body', 'account.id': 'Company', 'account.name': 'Company', 'account.arr': 'Company ARR', requesterId: 'Requester', askedAt: 'Created', epicIds: 'Epics' },
      defaults: { source: 'support' },
    };
    const before = (await ctx.call('GET', '/api/v1/asks?limit=500')).body.total;
    const dry = await ctx.call('POST', '/api/v1/asks/import?dryRun=1', { token: ctx.tokens.editor, body });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 5, created: 3, updated: 0, unchanged: 0 });
    expect(dry.body.rejected.map((r: { row: number }) => r.row)).toEqual([3, 4]);
    expect(dry.body.rejected[1].reason).toMatch(/date/);
    expect((await ctx.call('GET', '/api/v1/asks?limit=500')).body.total).toBe(before);

    const real = await ctx.call('POST', '/api/v1/asks/import', { token: ctx.tokens.editor, body });
    expect(real.body).toMatchObject({ dryRun: false, created: 3 });
    expect((await ctx.call('GET', '/api/v1/asks?limit=500')).body.total).toBe(before + 3);
    const t1 = (await ctx.call('GET', '/api/v1/asks?accountId=Globex')).body.asks[0];
    expect(t1).toMatchObject({ title: 'Try on, but with my photo', text: 'I want to see it on me.\nReally.', account: { id: 'Globex', name: 'Globex', arr: 80000 }, status: 'linked', epicIds: ['virtual-try-on'] });
    const t2 = (await ctx.call('GET', '/api/v1/asks?accountId=Initech')).body.asks[0];
    expect(t2).toMatchObject({ askedAt: '2026-11-01', account: { arr: 250000 } });

    const again = await ctx.call('POST', '/api/v1/asks/import', { token: ctx.tokens.editor, body });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect((await ctx.call('GET', '/api/v1/asks?limit=500')).body.total).toBe(before + 3);

    const badMap = await ctx.call('POST', '/api/v1/asks/import', { token: ctx.tokens.editor, body: { ...body, mapping: { title: 'Headline' } } });
    expect(badMap.status).toBe(400);
    expect(badMap.body.error.message).toContain('"Headline"');
  });

  it('lists newest first with filters and a cursor that pages through every ask once', async () => {
    const all = (await ctx.call('GET', '/api/v1/asks?limit=500')).body;
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await ctx.call('GET', `/api/v1/asks?limit=2${next ? `&next=${next}` : ''}`, { token: ctx.tokens.viewer });
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(all.total);
      seen.push(...page.body.asks.map((a: { id: string }) => a.id));
      next = page.body.next;
    } while (next);
    expect(seen).toEqual(all.asks.map((a: { id: string }) => a.id));
    const dates = all.asks.map((a: { askedAt: string }) => a.askedAt);
    expect(dates).toEqual([...dates].sort().reverse());
    const bySource = (await ctx.call('GET', '/api/v1/asks?source=support&status=linked')).body.asks;
    expect(bySource.length).toBeGreaterThan(0);
    expect(bySource.every((a: { source: string; status: string }) => a.source === 'support' && a.status === 'linked')).toBe(true);
    expect((await ctx.call('GET', '/api/v1/asks?next=garbage')).status).toBe(400);
  });

  it('suggests the epic an ask is about and similar asks, best first', async () => {
    const created = await ctx.call('POST', '/api/v1/asks', { body: { source: 'customer', title: 'Upload a photo to try clothes on', askedAt: '2026-11-12' } });
    const res = await ctx.call('GET', `/api/v1/asks/${created.body.id}/suggestions`, { token: ctx.tokens.viewer });
    expect(res.status).toBe(200);
    expect(res.body.epics[0]).toEqual({ epicId: 'virtual-try-on', score: 1 });
    expect(res.body.similarAsks[0].title).toBe('Try on, but with my photo');
    const scores = res.body.epics.map((e: { score: number }) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('counts demand once per account, sums ARR of distinct accounts, by source and month, newest quotes', async () => {
    const base = { source: 'sales', askedAt: '2026-09-15', epicIds: ['gift-cards'] };
    await ingest([
      { ...base, externalId: 'sf-1', title: 'Gift cards for corporate clients', account: { id: 'umbrella', name: 'Umbrella', arr: 100000 } },
      { ...base, externalId: 'sf-2', title: 'Gift cards again', askedAt: '2026-10-15', account: { id: 'umbrella', name: 'Umbrella', arr: 150000 } },
      { ...base, externalId: 'sf-3', title: 'Gift cards for partners', account: { id: 'hooli', name: 'Hooli', arr: 50000 } },
      { ...base, externalId: 'sp-1', source: 'support', title: 'Gift a card to my sister', requesterId: 'shopper-1', askedAt: '2026-10-20' },
      { ...base, externalId: 'sp-2', source: 'support', title: 'Gift card please', requesterId: 'shopper-1', askedAt: '2026-10-21' },
    ]);
    const d = (await ctx.call('GET', '/api/v1/epics/gift-cards/demand?asOf=2026-11-20', { token: ctx.tokens.viewer })).body;
    // Initech (250k) asked via the CSV import too
    expect(d).toMatchObject({ epicId: 'gift-cards', asks: 6, accounts: 3, requesters: 1, arr: 150000 + 50000 + 250000 });
    expect(d.bySource).toEqual([
      { source: 'sales', asks: 3, accounts: 2 },
      { source: 'support', asks: 3, accounts: 1 },
    ]);
    expect(d.byMonth).toEqual([
      { month: '2026-09', asks: 2 },
      { month: '2026-10', asks: 3 },
      { month: '2026-11', asks: 1 },
    ]);
    expect(d.quotes[0].askedAt).toBe('2026-11-01');
    expect(d).not.toHaveProperty('afterShip');
    const early = (await ctx.call('GET', '/api/v1/epics/gift-cards/demand?asOf=2026-09-30')).body;
    expect(early).toMatchObject({ asks: 2, accounts: 2, arr: 150000 });
    expect((await ctx.call('GET', '/api/v1/epics/nope/demand')).status).toBe(404);
  });

  it('after ship: requesters adopt far more than other active users in a world with a planted effect, with accounts whose members adopted', async () => {
    const rnd = prng(11);
    const requesters = Array.from({ length: 80 }, (_, i) => `req-${i}`);
    const others = Array.from({ length: 400 }, (_, i) => `other-${i}`);
    const days = dateRange(SHIPPED, addDays(SHIPPED, 27));
    const events: Record<string, unknown>[] = [];
    let n = 0;
    const truth = { reqActive: 0, reqAdopters: 0, active: 0, adopters: 0 };
    for (const [users, rate] of [[requesters, 0.6], [others, 0.1]] as const) {
      for (const u of users) {
        if (rnd.next() < 0.1) continue; // never active in the window
        const day = days[Math.floor(rnd.next() * days.length)];
        events.push({ type: 'track', event: 'App Opened', userId: u, messageId: `as-${++n}`, timestamp: `${day}T10:00:00Z` });
        const adopts = rnd.next() < rate;
        if (adopts) events.push({ type: 'track', event: 'Try-On Started', userId: u, messageId: `as-${++n}`, timestamp: `${day}T11:00:00Z` });
        truth.active++;
        if (adopts) truth.adopters++;
        if (users === requesters) {
          truth.reqActive++;
          if (adopts) truth.reqAdopters++;
        }
      }
    }
    // accounts: Globex's members are two requesters, Stark's one non-adopting other user
    events.push({ type: 'group', groupId: 'Globex', userId: 'req-0', messageId: `as-${++n}`, timestamp: `${SHIPPED}T09:00:00Z` });
    events.push({ type: 'group', groupId: 'Globex', userId: 'req-1', messageId: `as-${++n}`, timestamp: `${SHIPPED}T09:00:00Z` });
    for (let i = 0; i < events.length; i += 500) {
      const res = await ctx.call('POST', '/v1/batch', { token: ctx.tokens.ingest, body: { batch: events.slice(i, i + 500) } });
      expect(res.status).toBe(200);
    }
    await ingest(requesters.map((u, i) => ({ externalId: `tryon-${i}`, source: 'support', title: 'Let me try clothes on', requesterId: u, askedAt: '2026-09-01', epicIds: ['virtual-try-on'] })));
    await runRollup(ctx.services, { force: true });

    const res = await ctx.call('GET', `/api/v1/epics/virtual-try-on/demand?asOf=${TODAY}`, { token: ctx.tokens.viewer });
    expect(res.status).toBe(200);
    const a = res.body.afterShip;
    // shopper-7 (from the CSV import) asked too but was never active: not counted as active
    expect(a.requesters).toEqual({ active: truth.reqActive, adopters: truth.reqAdopters, rate: truth.reqAdopters / truth.reqActive });
    expect(a.others.active).toBe(truth.active - truth.reqActive);
    expect(a.others.adopters).toBe(truth.adopters - truth.reqAdopters);
    expect(a.sufficient).toBe(true);
    // the planted difference is 0.6 − 0.1 = 0.5: the interval covers it and excludes 0
    expect(a.ci95[0]).toBeGreaterThan(0);
    expect(a.ci95[0]).toBeLessThan(0.5);
    expect(a.ci95[1]).toBeGreaterThan(0.5);
    expect(a.diff).toBeCloseTo(a.requesters.rate - a.others.rate, 12);
    const globex = a.accounts.find((x: { id: string }) => x.id === 'Globex');
    expect(globex.members).toBe(2);
    expect(a.accountsKnown).toBe(1);
    expect(a.accountsWithAdopter).toBe(globex.adopters > 0 ? 1 : 0);
    expect(a.summary).toContain(`Of ${truth.reqActive} requesters active in the window, ${truth.reqAdopters} adopted`);
  });

  it('the planner weighs asks by demandWeight: 0 ignores them, 1 follows them, deterministic; diffs cite the asks', async () => {
    // capacity for one of the two planned epics (5 weeks each); gift-cards has more RICE value, saved-outfits gets the asks
    await ingest(Array.from({ length: 12 }, (_, i) => ({ externalId: `so-${i}`, source: 'sales', title: 'Outfit boards', askedAt: '2026-11-01', account: { id: `brand-${i}`, arr: 900000 }, epicIds: ['saved-outfits'] })));
    const req = (demandWeight?: number) => ({ capacity: [{ milestoneId: '2027-01', engineering: 5, design: 1 }], asOf: TODAY, ...(demandWeight !== undefined ? { demandWeight } : {}) });
    const plan = async (w?: number) => (await ctx.call('POST', '/api/v1/plan', { token: ctx.tokens.viewer, body: req(w) })).body;
    const p0 = await plan(0);
    expect(p0.placements.map((p: { epicId: string }) => p.epicId)).toEqual(['gift-cards']);
    expect(p0.demandWeight).toBe(0);
    const p1 = await plan(1);
    expect(p1.placements.map((p: { epicId: string }) => p.epicId)).toEqual(['saved-outfits']);
    expect(p1.placements[0].reason).toContain("demand: 13 asks, 12 accounts, 1 requester, $11M ARR asked");
    expect(p1.placements[0].reason).toContain('calibration');
    expect(await plan(1)).toEqual(p1);
    const pDefault = await plan();
    expect(pDefault.demandWeight).toBe(0.3);
    const out = pDefault.excluded.find((x: { epicId: string }) => x.epicId !== pDefault.placements[0].epicId);
    expect(out.reason).toContain('demand:');

    const first = await ctx.call('POST', '/api/v1/iterations', { token: ctx.tokens.editor, body: { name: 'Before', asOf: TODAY } });
    await ctx.call('PATCH', '/api/v1/epics/saved-outfits', { token: ctx.tokens.editor, body: { milestoneId: null } });
    const second = await ctx.call('POST', '/api/v1/iterations', { token: ctx.tokens.editor, body: { name: 'After', asOf: TODAY } });
    expect(second.body.demand['saved-outfits']).toMatchObject({ asks: 13, accounts: 12 });
    const diff = await ctx.call('GET', `/api/v1/iterations/${second.body.id}/diff?against=${first.body.id}`);
    const moved = diff.body.changes.find((c: { epicId: string; kind: string }) => c.epicId === 'saved-outfits' && c.kind === 'moved');
    expect(moved.evidence).toContain('13 asks, 12 accounts');
  });
});
