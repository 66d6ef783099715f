/**
 * The demo's customer asks, seeded as on first `npm start` (fewer users): an inbox to triage,
 * declined asks, demand on the roadmap, and the planted effect — shoppers who asked for wardrobe
 * sync adopted it far more than other active users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { PLANTED_ASK_EFFECT } from '../../functions/src/demo/fabrikam-asks';
import { simulateDemo } from '../../functions/src/local/demo';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-11-20';

describe('demo asks', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    ctx.setNow(Date.parse(`${TODAY}T12:00:00Z`));
    const world = fabrikamWorld(TODAY);
    await ctx.services.roadmaps.replace(world.roadmap);
    await simulateDemo(ctx.services, world, TODAY, 300);
  }, 180_000);
  afterAll(() => ctx?.close());

  it('starts with a few hundred asks over six months: most linked, an inbox, a few declined', async () => {
    const all = (await ctx.call('GET', '/api/v1/asks?limit=500', { token: ctx.tokens.viewer })).body;
    expect(all.total).toBeGreaterThanOrEqual(200);
    const count = (s: string) => all.asks.filter((a: { status: string }) => a.status === s).length;
    expect(count('new')).toBe(8);
    expect(count('declined')).toBe(3);
    expect(count('linked')).toBe(all.total - 11);
    expect(new Set(all.asks.map((a: { source: string }) => a.source))).toEqual(new Set(['support', 'sales', 'customer']));
    const inbox = all.asks.find((a: { title: string }) => a.title === 'Gift card for a birthday');
    const s = await ctx.call('GET', `/api/v1/asks/${inbox.id}/suggestions`, { token: ctx.tokens.viewer });
    expect(s.body.epics[0].epicId).toBe('gift-cards');
  });

  it('requesters of wardrobe sync adopted far more than other active users (the planted effect), and the interval says so', async () => {
    const d = (await ctx.call('GET', `/api/v1/epics/${PLANTED_ASK_EFFECT.epicId}/demand?asOf=${TODAY}`, { token: ctx.tokens.viewer })).body;
    expect(d.requesters).toBe(PLANTED_ASK_EFFECT.requesters);
    const a = d.afterShip;
    expect(a.requesters.active).toBeGreaterThanOrEqual(30);
    expect(a.requesters.rate).toBeGreaterThan(0.5);
    expect(a.others.rate).toBeLessThan(0.3);
    expect(a.ci95[0]).toBeGreaterThan(0);
    // a shipped epic without the planted effect: requesters adopt about like everyone else
    const plain = (await ctx.call('GET', `/api/v1/epics/size-advisor/demand?asOf=${TODAY}`)).body.afterShip;
    expect(plain.requesters.active).toBeGreaterThan(0);
    expect(plain.ci95[0]).toBeLessThan(0.15);
  });

  it('brand accounts carry ARR and members from group calls', async () => {
    const d = (await ctx.call('GET', '/api/v1/epics/creator-storefronts/demand', { token: ctx.tokens.viewer })).body;
    expect(d.accounts).toBeGreaterThan(0);
    expect(d.arr).toBeGreaterThan(0);
    expect(d.bySource.map((s: { source: string }) => s.source)).toContain('sales');
  });
});
