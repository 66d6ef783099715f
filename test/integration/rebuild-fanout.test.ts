/**
 * The segmented rebuild of the jobs function (functions/src/lambda/rebuild-fanout.ts), run
 * against the real store: its steps go through a recorded queue and are delivered in a
 * shuffled order, some twice (SQS is at-least-once), with tiny Scan pages and no time left
 * after each page so every segment hands over to continuations. Its report must equal the
 * single-pass rebuild's on the same data, before and after facts are damaged, and `fix` must
 * repair exactly what the single pass would.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuild, runQueuedJob } from '../../functions/src/analytics/jobs';
import { REBUILD_JOBS, runRebuildJob } from '../../functions/src/lambda/rebuild-fanout';
import { K } from '../../functions/src/store/keys';
import { todayUtc } from '../../shared/primitives';
import { createTestContext, type TestContext } from '../helpers/context';
import { rng } from '../helpers/ground-truth';
import { workload } from '../helpers/workload';

describe('segmented rebuild fanned out over the job queue', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
    for (const batch of workload({ today: todayUtc(), batches: 4, perBatch: 100, users: 70, seed: 7, prefix: 'fan' })) {
      const res = await ctx.call('POST', '/v1/batch', { token: ctx.tokens.ingest, body: { batch } });
      expect(res.status).toBe(200);
    }
  }, 60_000);
  afterAll(() => ctx?.close());

  /** Drive a run to its end: deliver queued steps in a shuffled order, every third one twice. */
  async function fanOut(start: Record<string, unknown>, seed: number, pageLimit = 200) {
    const next = rng(seed);
    const queue: { id: string; body: Record<string, unknown> }[] = [{ id: `msg-${seed}`, body: start }];
    const kinds: string[] = [];
    let reports: unknown[] = [];
    let n = 0;
    while (queue.length) {
      const [msg] = queue.splice(Math.floor(next() * queue.length), 1);
      const deliveries = ++n % 3 === 0 ? 2 : 1;
      for (let d = 0; d < deliveries; d++) {
        const sent: Record<string, unknown>[] = [];
        kinds.push(String(msg.body.job));
        // as the jobs function's queueHandler dispatches: rebuild steps here, other jobs (the rollup after a fix) as usual
        if (!REBUILD_JOBS.has(String(msg.body.job))) {
          await runQueuedJob(ctx.services, msg.body);
          continue;
        }
        const result = await runRebuildJob(ctx.services, JSON.parse(JSON.stringify(msg.body)), {
          enqueue: async (job) => void sent.push(job),
          messageId: msg.id,
          timeUp: () => true, // hand over after every page
          pageLimit,
        });
        if (msg.body.job === 'rebuild-compare') reports.push(result);
        // a redelivered step re-sends what it sent: every message goes on the queue
        sent.forEach((body, i) => queue.push({ id: `${msg.id}.${d}.${i}`, body }));
      }
      if (n > 2000) throw new Error('the run does not end');
    }
    reports = reports.map((r) => ({ ...(r as object), run: undefined }));
    return { kinds, reports: reports as Awaited<ReturnType<typeof rebuild>>[] };
  }

  it('reports what the single-pass rebuild reports, after many continuations and duplicate deliveries', async () => {
    const single = await rebuild(ctx.services);
    expect(single.rawEvents).toBe(400);
    const { kinds, reports } = await fanOut({ job: 'rebuild', fix: false, segments: 4 }, 1, 60);
    expect(kinds.filter((k) => k === 'rebuild-segment').length).toBeGreaterThan(10); // continuations happened
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const r of reports) expect({ ...r, run: undefined }).toEqual({ ...single, run: undefined });
    expect(single.userFacts.missing + single.userFacts.extra + single.surveys.missing + single.surveys.extra).toBe(0);
  }, 300_000);

  it('finds and repairs damaged facts exactly as the single pass would, and a second run finds nothing', async () => {
    const { store } = ctx.services;
    const month = todayUtc().slice(0, 7);
    const stored = [...(await ctx.services.events.storedFactKeys(month)).values()];
    const userFact = stored.find((k) => !K.isSurveyFact(k.PK) && K.parseUserFact(k.SK).usageKey !== undefined)!;
    const survey = stored.find((k) => K.isSurveyFact(k.PK));
    await store.doc.send(new DeleteCommand({ TableName: store.table, Key: userFact }));
    if (survey) await store.doc.send(new DeleteCommand({ TableName: store.table, Key: survey }));
    await store.doc.send(new PutCommand({ TableName: store.table, Item: { ...K.userFact(month, 0, 'zzzzzzzzzzzzzzzzzzzzzz', 20000, 'try-on') } }));

    const single = await rebuild(ctx.services);
    expect(single.userFacts).toMatchObject({ missing: 1, extra: 1 });
    if (survey) expect(single.surveys).toMatchObject({ missing: 1, extra: 0 });
    const { reports, kinds } = await fanOut({ job: 'rebuild', fix: true, segments: 3 }, 2);
    expect(kinds).toContain('rollup'); // the repair is followed by a rollup
    expect({ ...reports[0], fixed: false }).toEqual({ ...single, run: undefined });
    expect(reports[0].fixed).toBe(true);

    const after = await rebuild(ctx.services);
    expect(after.userFacts).toMatchObject({ missing: 0, extra: 0 });
    expect(after.surveys).toMatchObject({ missing: 0, extra: 0 });
    const again = await fanOut({ job: 'rebuild', fix: false, segments: 5 }, 3);
    expect({ ...again.reports[0], run: undefined }).toEqual({ ...after, run: undefined });
  }, 300_000);

  it('refuses malformed steps', async () => {
    const opts = { enqueue: async () => {}, messageId: 'x', timeUp: () => false };
    await expect(runRebuildJob(ctx.services, { job: 'rebuild-segment', run: 'r', segment: -1, totalSegments: 2 }, opts)).rejects.toThrow();
    await expect(runRebuildJob(ctx.services, { job: 'rebuild', segments: 1000 }, opts)).rejects.toThrow();
    await expect(runRebuildJob(ctx.services, { job: 'rebuild-compare', run: 'no-such-run' }, opts)).rejects.toThrow(/no such run/);
  });
});
