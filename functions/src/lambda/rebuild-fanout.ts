/**
 * The rebuild on AWS, as a parallel segmented Scan fanned out over the job queue, so it fits
 * in Lambda's timeout at any table size (the single-pass `rebuild()` of analytics/jobs.ts holds
 * every raw event of the table in one 5-minute invocation):
 *
 * 1. `{"job":"rebuild","fix":false}` (the operator's message) starts a run named after the SQS
 *    message id (a redelivery restarts the same run) and enqueues one
 *    `{"job":"rebuild-segment", run, segment, totalSegments}` per Scan segment.
 * 2. A segment job scans its segment of the raw events page by page, recomputes the facts of
 *    each page and stores them in the run's scratch partitions (`REBUILD#<run>#<month>`, keyed
 *    by fact key: writing a fact twice is writing it once). When its time runs low it enqueues
 *    its own continuation (with the Scan cursor and the events counted so far); when its
 *    segment is exhausted it writes the segment's event count and adds itself to the run's set
 *    of finished segments, and the job that completes the set enqueues
 *    `{"job":"rebuild-compare", run}`. A duplicate delivery starts a second chain over the same
 *    segment: page boundaries may differ (Scan pages count the scratch items written
 *    meanwhile), but it counts the same raw events and recomputes the same facts.
 * 3. The compare job reads the recomputed facts month by month, compares them with the stored
 *    facts exactly as `rebuild()` does, repairs them with `fix`, and records the report on the
 *    run (`REBUILD#<run>` / `RUN`) and in the log.
 *
 * Every step is idempotent (SQS delivers at least once; a failed job is retried): pages are
 * keyed by (segment, page number), facts by their key, finished segments form a set, and a
 * repeated compare finds what the first one left.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { addDays, todayUtc } from '../../../shared/primitives';
import { compareMonthFacts, type RebuildReport } from '../analytics/jobs';
import { factsOf } from '../ingest/ingest';
import { log } from '../log';
import type { Services } from '../services';
import type { RawEvent } from '../store/event-store';
import { K } from '../store/keys';
import { batchWrite, queryAll } from '../store/ops';

const Run = z.string().regex(/^[A-Za-z0-9-]{1,80}$/);
export const RebuildJob = z.discriminatedUnion('job', [
  z.object({ job: z.literal('rebuild'), fix: z.boolean().default(false), segments: z.number().int().min(1).max(64).default(8) }),
  z.object({
    job: z.literal('rebuild-segment'),
    run: Run,
    segment: z.number().int().min(0),
    totalSegments: z.number().int().min(1).max(64),
    /** raw events counted so far by this chain of continuations */
    counted: z.number().int().min(0).default(0),
    cursor: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ job: z.literal('rebuild-compare'), run: Run }),
]);
export type RebuildJob = z.infer<typeof RebuildJob>;
export const REBUILD_JOBS = new Set(['rebuild', 'rebuild-segment', 'rebuild-compare']);

/** Scratch data of a run expires a week after it was written (DynamoDB TTL). */
const SCRATCH_TTL_SECONDS = 7 * 86400;
/** Fields of a raw event the facts depend on (the Scan returns nothing else). */
const RAW_FIELDS = ['id', 't', 'u', 'd', 'e', 'ep', 'sc', 's'];

export interface FanoutOptions {
  /** put a job on the job queue */
  enqueue: (job: Record<string, unknown>) => Promise<void>;
  /** the SQS message id (names a new run) */
  messageId: string;
  /** true when the invocation should stop scanning and hand over to a continuation */
  timeUp: () => boolean;
  /** Scan page size (items evaluated); default DynamoDB's 1 MB pages */
  pageLimit?: number;
}

/** Run one step of a segmented rebuild. */
export async function runRebuildJob(services: Services, body: unknown, opts: FanoutOptions): Promise<unknown> {
  const job = RebuildJob.parse(body);
  if (job.job === 'rebuild') return start(services, job, opts);
  if (job.job === 'rebuild-segment') return scanSegment(services, job, opts);
  return compare(services, job.run, opts);
}

const expiresAt = (services: Services) => Math.floor(services.now() / 1000) + SCRATCH_TTL_SECONDS;

async function start(services: Services, job: Extract<RebuildJob, { job: 'rebuild' }>, opts: FanoutOptions) {
  const run = opts.messageId;
  const { store } = services;
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...K.rebuildRun(run), fix: job.fix, totalSegments: job.segments, startedAt: new Date(services.now()).toISOString(), expiresAt: expiresAt(services) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (e) {
    // a redelivered start message: the run exists; enqueueing its segments again is harmless
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
  for (let segment = 0; segment < job.segments; segment++) await opts.enqueue({ job: 'rebuild-segment', run, segment, totalSegments: job.segments });
  log.info('rebuild started', { run, segments: job.segments, fix: job.fix });
  return { run, segments: job.segments };
}

async function scanSegment(services: Services, job: Extract<RebuildJob, { job: 'rebuild-segment' }>, opts: FanoutOptions) {
  const { store, events } = services;
  let cursor: Record<string, unknown> | undefined = job.cursor;
  let counted = job.counted;
  let scanned = 0;
  do {
    const out = await store.doc.send(
      new ScanCommand({
        TableName: store.table,
        Segment: job.segment,
        TotalSegments: job.totalSegments,
        FilterExpression: 'begins_with(#pk, :p)',
        ProjectionExpression: RAW_FIELDS.map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: { '#pk': 'PK', ...Object.fromEntries(RAW_FIELDS.map((f, i) => [`#f${i}`, f])) },
        ExpressionAttributeValues: { ':p': K.rawEventPrefix },
        ExclusiveStartKey: cursor,
        Limit: opts.pageLimit,
      }),
    );
    const raws = (out.Items ?? []) as RawEvent[];
    const { users, surveys } = factsOf(raws);
    const scratch: Record<string, unknown>[] = [];
    const months = new Set<string>();
    const ttl = expiresAt(services);
    for (const [key, item] of events.factItems(users, surveys)) {
      const month = monthOfFact(item.PK);
      months.add(month);
      const { PK, SK, ...attrs } = item;
      scratch.push({ ...K.rebuildFact(job.run, month, key), fpk: PK, fsk: SK, ...attrs, expiresAt: ttl });
    }
    await batchWrite(store, scratch);
    if (months.size) {
      await store.doc.send(
        new UpdateCommand({ TableName: store.table, Key: K.rebuildRun(job.run), UpdateExpression: 'ADD months :m', ExpressionAttributeValues: { ':m': months } }),
      );
    }
    scanned += raws.length;
    counted += raws.length;
    cursor = out.LastEvaluatedKey;
  } while (cursor && !opts.timeUp());

  if (cursor) {
    await opts.enqueue({ job: 'rebuild-segment', run: job.run, segment: job.segment, totalSegments: job.totalSegments, counted, cursor });
    return { run: job.run, segment: job.segment, scanned, continued: true };
  }
  await store.doc.send(new PutCommand({ TableName: store.table, Item: { ...K.rebuildSegment(job.run, job.segment), count: counted, expiresAt: expiresAt(services) } }));
  const done = await store.doc.send(
    new UpdateCommand({
      TableName: store.table,
      Key: K.rebuildRun(job.run),
      UpdateExpression: 'ADD done :s',
      ExpressionAttributeValues: { ':s': new Set([job.segment]) },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const finished = (done.Attributes?.done as Set<number> | undefined)?.size ?? 0;
  if (finished >= job.totalSegments) await opts.enqueue({ job: 'rebuild-compare', run: job.run });
  return { run: job.run, segment: job.segment, scanned, finishedSegments: finished };
}

/** UF#<month>#<shard> or SRV#<month> */
const monthOfFact = (pk: string) => (K.isSurveyFact(pk) ? pk.slice(4, 11) : pk.slice(3, 10));

async function compare(services: Services, run: string, opts: FanoutOptions): Promise<RebuildReport & { run: string }> {
  const { store, events } = services;
  const state = (await store.doc.send(new GetCommand({ TableName: store.table, Key: K.rebuildRun(run), ConsistentRead: true }))).Item;
  if (!state) throw new Error(`rebuild ${run}: no such run (expired?)`);
  const pages = await queryAll(store, K.rebuildRun(run).PK, { prefix: 'SEG#' });
  const oldestFullMonth = addDays(todayUtc(services.now()), -services.config.SEXTANT_RAW_RETENTION_DAYS + 31).slice(0, 7);
  const months = [...((state.months as Set<string> | undefined) ?? [])].filter((m) => m >= oldestFullMonth).sort();
  const report: RebuildReport & { run: string } = {
    run,
    rawEvents: pages.reduce((a, p) => a + Number(p.count ?? 0), 0),
    months,
    userFacts: { expected: 0, stored: 0, missing: 0, extra: 0 },
    surveys: { expected: 0, stored: 0, missing: 0, extra: 0 },
    redundantUserFacts: 0,
    fixed: false,
  };
  const puts: (Record<string, unknown> & { PK: string; SK: string })[] = [];
  const deletes: { PK: string; SK: string }[] = [];
  for (const month of months) {
    const want = new Map<string, Record<string, unknown> & { PK: string; SK: string }>();
    for (const s of await queryAll(store, K.rebuildFactsPartition(run, month))) {
      const { PK: _pk, SK: key, fpk, fsk, expiresAt: _ttl, ...attrs } = s;
      want.set(key as string, { PK: fpk as string, SK: fsk as string, ...attrs });
    }
    compareMonthFacts(want, await events.storedFactKeys(month), report, puts, deletes);
  }
  if (state.fix === true && (puts.length || deletes.length)) {
    await Promise.all([events.putFacts(puts), events.deleteFacts(deletes)]);
    await services.markDirty();
    await opts.enqueue({ job: 'rollup' });
    report.fixed = true;
  }
  await store.doc.send(
    new UpdateCommand({
      TableName: store.table,
      Key: K.rebuildRun(run),
      UpdateExpression: 'SET report = :r, finishedAt = :t',
      ExpressionAttributeValues: { ':r': report, ':t': new Date(services.now()).toISOString() },
    }),
  );
  log.info('rebuild finished', { ...report });
  return report;
}
