/**
 * Capacity model (issue #11 "Proof by a capacity model", issue #17): the real ingest (the Hono
 * app of 1,000 "containers" on one dynalite store) at 10,000 events/s of a 1 M-monthly-user
 * product, through a meter that computes the capacity units DynamoDB would consume per
 * partition key and per simulated second (test/helpers/capacity.ts). No partition may take more
 * than half of DynamoDB's per-partition ceiling: 500 write units/s, 1,500 read units/s.
 *
 * One simulated second here (the per-second peaks are what matter, and the first second is
 * the worst for credential reads: every container is cold); `npm run bench -- capacity` runs
 * the same workload for a simulated minute.
 */
import { PutCommand, QueryCommand, UpdateCommand, GetCommand, BatchGetCommand, BatchWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log } from '../../functions/src/log';
import { openStore, type Store } from '../../functions/src/store/client';
import { INGEST_PARTS } from '../../functions/src/store/keys';
import { HALF_LIMITS, itemSize, withCapacityMeter } from '../helpers/capacity';
import { DEFAULT_WORKLOAD, runCapacityWorkload, type WorkloadRun } from '../helpers/capacity-workload';
import { testEndpoint } from '../helpers/context';

log.setLevel('silent');

describe('capacity meter: units as DynamoDB computes them', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ kind: testEndpoint() ? 'dynamodb' : 'memory', endpoint: testEndpoint(), table: `capm_${Date.now()}` });
  });
  afterAll(async () => store?.close());

  it('sizes items from attribute names and values', () => {
    // names 2+2+1 + values 'A'(1) + 'B'(1) + 'hello'(5) = 12
    expect(itemSize({ PK: 'A', SK: 'B', s: 'hello' })).toBe(12);
    // number 12345: 1 + ceil(5/2) = 4; name 'n' 1; PK/SK 'A','B' 6 → 11
    expect(itemSize({ PK: 'A', SK: 'B', n: 12345 })).toBe(11);
    // list of two 1-char strings: 3 + (1+1)·2 = 7, name 'l' 1; + 6 → 14
    expect(itemSize({ PK: 'A', SK: 'B', l: ['x', 'y'] })).toBe(14);
    // UTF-8 bytes, not UTF-16 units: 'é' is 2 bytes
    expect(itemSize({ PK: 'A', SK: 'B', s: 'é' })).toBe(9);
  });

  it('records write and read units per partition and per second', async () => {
    let now = 5_000;
    const meter = withCapacityMeter(store, { clock: () => now });
    const t = store.table;
    const big = 'x'.repeat(2500); // an item of ~2.5 KB: 3 write units, 1 read unit
    await store.doc.send(new PutCommand({ TableName: t, Item: { PK: 'P1', SK: 'a', big } }));
    await store.doc.send(new PutCommand({ TableName: t, Item: { PK: 'P1', SK: 'b', v: 1 } }));
    // an update is billed at the item's size after it: 1 unit, then 5 once it holds 4.5 KB
    await store.doc.send(new UpdateCommand({ TableName: t, Key: { PK: 'P2', SK: 'c' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }));
    const upd = await store.doc.send(new UpdateCommand({ TableName: t, Key: { PK: 'P2', SK: 'c' }, UpdateExpression: 'SET s = :s', ExpressionAttributeValues: { ':s': 'y'.repeat(4500) } }));
    expect(upd.Attributes).toBeUndefined(); // the meter's ALL_NEW is not handed to the caller
    now = 6_000;
    await store.doc.send(new GetCommand({ TableName: t, Key: { PK: 'P1', SK: 'a' }, ConsistentRead: true })); // 1
    await store.doc.send(new GetCommand({ TableName: t, Key: { PK: 'P1', SK: 'zz' } })); // absent, eventual: 0.5
    await store.doc.send(new BatchGetCommand({ RequestItems: { [t]: { Keys: [{ PK: 'P2', SK: 'c' }, { PK: 'P1', SK: 'b' }], ConsistentRead: false, ProjectionExpression: 'PK' } } })); // P2: 2·0.5, P1: 0.5
    // a query is billed on the summed size of the items it evaluates, projection or not: ~2.5 KB → 1
    await store.doc.send(new QueryCommand({ TableName: t, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': 'P1' }, ProjectionExpression: 'SK', ConsistentRead: true }));
    await store.doc.send(new BatchWriteCommand({ RequestItems: { [t]: [{ DeleteRequest: { Key: { PK: 'P1', SK: 'a' } } }, { PutRequest: { Item: { PK: 'P3', SK: 'd' } } }] } }));
    await store.doc.send(new DeleteCommand({ TableName: t, Key: { PK: 'P2', SK: 'c' } })); // 4.5 KB → 5
    meter.stop();

    const cells = Object.fromEntries(meter.perPartitionPerSecond().map((c) => [`${c.second}|${c.pk}`, c]));
    expect(cells['5|P1']).toMatchObject({ wcu: 3 + 1, rcu: 0, itemsWritten: 2 });
    expect(cells['5|P2']).toMatchObject({ wcu: 1 + 5, itemsWritten: 2 });
    expect(cells['6|P1']).toMatchObject({ rcu: 1 + 0.5 + 0.5 + 1, wcu: 3 });
    expect(cells['6|P2']).toMatchObject({ rcu: 1, wcu: 5 });
    expect(cells['6|P3']).toMatchObject({ wcu: 1 });
    expect(meter.totals()).toMatchObject({ wcu: 4 + 6 + 3 + 5 + 1, rcu: 4, requests: 10 });
    expect(meter.overLimit({ wcu: 5, rcu: 100 }).map((c) => `${c.second}|${c.pk}`)).toEqual(['5|P2']);
  });
});

describe('capacity model: 10,000 events/s, 1 M monthly users, one write key', () => {
  const SECONDS = 1;
  let run: WorkloadRun;
  beforeAll(async () => {
    run = await runCapacityWorkload({ seconds: SECONDS });
    // the figures behind the assertions, for whoever reads the log
    process.stdout.write(`\ncapacity model (${SECONDS} simulated s, ${run.requests} requests, ${(run.wallMs / 1000).toFixed(0)} s wall):\n${run.meter.report(12)}\n`);
  }, 30 * 60_000);
  afterAll(async () => run?.close());

  it('accepts every request of the mix', () => {
    expect(run.failures).toEqual([]);
    expect(run.events).toBe(SECONDS * DEFAULT_WORKLOAD.eventsPerSecond);
    // 10% single-event, 20% in 10s, 40% in 100s, 30% in 500s: 1,246 requests a second
    expect(run.requestsBySize).toEqual({ 1: 1000 * SECONDS, 10: 200 * SECONDS, 100: 40 * SECONDS, 500: 6 * SECONDS });
  });

  it('keeps every partition under 500 write units/s and 1,500 read units/s', () => {
    // nothing excluded; the rollup's input is the change log (one item per request with new
    // facts, over 32 partitions per hour), and nothing is written to one fixed item per request
    const over = run.meter.overLimit(HALF_LIMITS);
    expect(over.map((c) => `${c.pk} s${c.second}: ${c.wcu} WCU, ${c.rcu} RCU`)).toEqual([]);
    // the meter saw the traffic it judges: raw events, facts, counters, credentials
    expect(Object.keys(run.meter.totals().byFamily)).toEqual(expect.arrayContaining(['EVT#*', 'UF#*', 'INGEST#*', 'CRED#*', 'CHG#*']));
    expect(run.meter.perPartitionPerSecond().filter((c) => c.pk === 'META' && c.wcu > 0)).toEqual([]);
  });

  it('reads the write key once per container, not once per request', () => {
    const cred = run.meter.perPartitionPerSecond().filter((c) => c.pk.startsWith('CRED#'));
    // one key, so one partition; every container is cold in the first second and then trusts
    // its cache for 30 s: 1,000 strongly consistent reads in second 0, none in second 1
    expect(new Set(cred.map((c) => c.pk)).size).toBe(1);
    const bySecond = cred.sort((a, b) => a.second - b.second).map((c) => c.rcu);
    expect(bySecond).toEqual([DEFAULT_WORKLOAD.containers]);
    expect(bySecond[0]).toBeLessThanOrEqual(HALF_LIMITS.rcu);
  });

  it('spreads the ingest counters: every request adds to one of 64 partitions, none near the limit', () => {
    const counters = run.meter.perPartitionPerSecond().filter((c) => c.pk.startsWith('INGEST'));
    expect(counters.every((c) => /^INGEST#\d+$/.test(c.pk))).toBe(true);
    expect(new Set(counters.map((c) => c.pk)).size).toBe(INGEST_PARTS);
    const perSecond = counters.reduce((a, c) => a + c.wcu, 0) / SECONDS;
    expect(perSecond).toBe(run.requests / SECONDS); // one ~100-byte update per request
    expect(Math.max(...counters.map((c) => c.wcu))).toBeLessThan(HALF_LIMITS.wcu / 10);
  });
});
