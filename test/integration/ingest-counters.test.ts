/**
 * Ingest counters off the hot item (issue #11): each request adds to one of INGEST_PARTS
 * partitions of the day, picked at random; the settings page's reader
 * (GET /api/v1/ingest/stats) shows their sum, including counters written by earlier versions
 * to the single `INGEST` partition.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_PARTS, K } from '../../functions/src/store/keys';
import { createTestContext, type TestContext } from '../helpers/context';
import { itemsWithPrefix } from '../helpers/table';

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const TODAY = '2026-11-20';
const YESTERDAY = '2026-11-19';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  ctx.setNow(NOW);
});
afterAll(async () => ctx?.close());

describe('ingest counters', () => {
  it('spread over partitions and summed exactly on the settings page', async () => {
    const requests = 40;
    for (let i = 0; i < requests; i++) {
      const batch = [
        { type: 'track', event: 'App Opened', userId: `u${i}`, messageId: `c-${i}`, timestamp: new Date(NOW - 60_000).toISOString() },
        { type: 'track', event: 'App Opened', userId: `u${i}`, messageId: `c-${i}` }, // duplicate in the request
        { type: 'track', userId: `u${i}`, messageId: `bad-${i}` }, // rejected: no event name
      ];
      const res = await ctx.call('POST', '/v1/batch', { token: ctx.tokens.ingest, body: { batch } });
      expect(res.status).toBe(200);
    }
    const items = (await itemsWithPrefix(ctx.services.store, 'INGEST')).filter((i) => i.SK === `DAY#${TODAY}`);
    // 40 requests over 64 partitions land on several of them, never on the old single one
    expect(items.length).toBeGreaterThan(10);
    expect(items.every((i) => /^INGEST#\d+$/.test(i.PK as string) && Number((i.PK as string).slice(7)) < INGEST_PARTS)).toBe(true);
    expect(items.reduce((a, i) => a + Number(i.received), 0)).toBe(3 * requests);

    const stats = await ctx.call('GET', '/api/v1/ingest/stats', { token: ctx.tokens.viewer });
    expect(stats.status).toBe(200);
    expect(stats.body.days.find((d: { date: string }) => d.date === TODAY)).toEqual({ date: TODAY, received: 120, accepted: 40, duplicates: 40, rejected: 40 });
  });

  it('adds the counters of the single partition of earlier versions', async () => {
    await ctx.services.store.doc.send(
      new PutCommand({ TableName: ctx.services.store.table, Item: { PK: K.ingestLegacyPartition(), SK: `DAY#${YESTERDAY}`, date: YESTERDAY, received: 7, accepted: 5, duplicates: 1, rejected: 1 } }),
    );
    await ctx.services.events.countIngest(YESTERDAY, { received: 3, accepted: 3, duplicates: 0, rejected: 0 }, 5);
    await ctx.services.events.countIngest(YESTERDAY, { received: 2, accepted: 1, duplicates: 1, rejected: 0 }, 63);
    const stats = await ctx.call('GET', '/api/v1/ingest/stats?days=2', { token: ctx.tokens.viewer });
    expect(stats.body.days).toEqual([
      { date: YESTERDAY, received: 12, accepted: 9, duplicates: 2, rejected: 1 },
      { date: TODAY, received: 120, accepted: 40, duplicates: 40, rejected: 40 },
    ]);
  });
});
