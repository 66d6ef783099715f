/**
 * Background jobs shared by the local server and the AWS worker: rollups, retention, and the
 * rebuild that recomputes every aggregate fact from raw events and reports differences.
 */
import { ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { addDays, todayUtc } from '../../../shared/primitives';
import { factsOf } from '../ingest/ingest';
import type { Services } from '../services';
import { userFactItems, type RawEvent } from '../store/event-store';
import { K, USER_FACT_SHARDS } from '../store/keys';
import { batchWrite, queryAll } from '../store/ops';
import { runRollup } from './rollup';

/** Scan items whose PK starts with a prefix (CLI / maintenance only; never on a request path). */
async function* scanPrefix(services: Services, prefix: string, extraFilter?: { expr: string; values: Record<string, unknown> }) {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const input: ScanCommandInput = {
      TableName: services.store.table,
      FilterExpression: `begins_with(PK, :p)${extraFilter ? ` AND ${extraFilter.expr}` : ''}`,
      ExpressionAttributeValues: { ':p': prefix, ...(extraFilter?.values ?? {}) },
      ExclusiveStartKey,
    };
    const out = await services.store.doc.send(new ScanCommand(input));
    yield out.Items ?? [];
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * Delete raw events and rejection logs past their retention (DynamoDB TTL does this on AWS;
 * dynalite has no TTL). Aggregate facts are kept: they are what outcomes are computed from.
 */
export async function purgeExpired(services: Services): Promise<{ deleted: number }> {
  const now = Math.floor(services.now() / 1000);
  let deleted = 0;
  for (const prefix of [K.rawEventPrefix, 'REJECT#']) {
    for await (const items of scanPrefix(services, prefix, { expr: 'expiresAt < :now', values: { ':now': now } })) {
      await batchWrite(services.store, [], items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
      deleted += items.length;
    }
  }
  return { deleted };
}

export interface RebuildReport {
  rawEvents: number;
  months: string[];
  userFacts: { expected: number; stored: number; missing: number; extra: number };
  surveys: { expected: number; stored: number; missing: number; extra: number };
  fixed: boolean;
}

/**
 * Recompute every aggregate fact from the raw events and compare with what is stored. Months
 * older than the raw-event retention are skipped (their raw events may be gone by design).
 * With `fix`, stored facts are replaced by the recomputed ones and a rollup is forced.
 */
export async function rebuild(services: Services, opts: { fix?: boolean } = {}): Promise<RebuildReport> {
  const raws: RawEvent[] = [];
  for await (const items of scanPrefix(services, K.rawEventPrefix)) raws.push(...(items as RawEvent[]));
  const oldestFullMonth = addDays(todayUtc(services.now()), -services.config.SEXTANT_RAW_RETENTION_DAYS + 31).slice(0, 7);
  const expected = factsOf(raws);
  const months = [...new Set(expected.users.map((u) => u.month).concat(expected.surveys.map((s) => s.date.slice(0, 7))))].filter((m) => m >= oldestFullMonth).sort();

  const report: RebuildReport = { rawEvents: raws.length, months, userFacts: { expected: 0, stored: 0, missing: 0, extra: 0 }, surveys: { expected: 0, stored: 0, missing: 0, extra: 0 }, fixed: false };
  const puts: Record<string, unknown>[] = [];
  const deletes: { PK: string; SK: string }[] = [];
  for (const month of months) {
    const want = new Map(userFactItems(expected.users.filter((u) => u.month === month)).map((k) => [`${k.PK}|${k.SK}`, k]));
    const stored = new Map<string, { PK: string; SK: string }>();
    for (let shard = 0; shard < USER_FACT_SHARDS; shard++) {
      for (const item of await queryAll(services.store, K.userFactsPartition(month, shard), { projection: ['PK', 'SK'] })) {
        stored.set(`${item.PK}|${item.SK}`, { PK: item.PK as string, SK: item.SK as string });
      }
    }
    report.userFacts.expected += want.size;
    report.userFacts.stored += stored.size;
    for (const [k, key] of want) {
      if (stored.has(k)) continue;
      report.userFacts.missing++;
      puts.push(key);
    }
    // A plain user-day fact beside usage facts of the same user-day is redundant, not wrong: ingest
    // writes it when one request carries only non-usage events of a day whose usage came in another.
    const covered = new Set<string>();
    for (const key of want.values()) {
      const b = key.SK.indexOf('#', key.SK.indexOf('#') + 1);
      if (b > 0) covered.add(`${key.PK}|${key.SK.slice(0, b)}`);
    }
    for (const [k, key] of stored) {
      if (want.has(k) || covered.has(k)) continue;
      report.userFacts.extra++;
      deletes.push(key);
    }
    const wantSurveys = new Map(expected.surveys.filter((s) => s.date.startsWith(month)).map((s) => [`${s.date}#${s.messageId}`, s]));
    const haveSurveys = new Map((await queryAll(services.store, K.surveyPartition(month))).map((i) => [i.SK as string, i]));
    report.surveys.expected += wantSurveys.size;
    report.surveys.stored += haveSurveys.size;
    for (const [sk, s] of wantSurveys) {
      if (haveSurveys.has(sk)) continue;
      report.surveys.missing++;
      puts.push({ ...K.survey(month, s.date, s.messageId), d: s.date, scope: s.scope, sc: s.scale, s: s.score });
    }
    for (const [sk, i] of haveSurveys) {
      if (!wantSurveys.has(sk)) {
        report.surveys.extra++;
        deletes.push({ PK: i.PK as string, SK: sk });
      }
    }
  }
  if (opts.fix && (puts.length || deletes.length)) {
    await batchWrite(services.store, puts, deletes);
    await services.markDirty();
    await runRollup(services, { force: true });
    report.fixed = true;
  }
  return report;
}

/** EventBridge Scheduler's minute tick: roll up when dirty; purge once a day (at 03:00 UTC). */
export async function runScheduledWork(services: Services, event: unknown) {
  const rollup = await runRollup(services);
  const hour = new Date(services.now()).getUTCHours();
  const minute = new Date(services.now()).getUTCMinutes();
  const purgeNow = (event as { job?: string } | undefined)?.job === 'purge' || (hour === 3 && minute === 0 && process.env.SEXTANT_TTL_ENABLED !== '1');
  return { rollup, purge: purgeNow ? await purgeExpired(services) : null };
}

export const QueuedJob = z.discriminatedUnion('job', [
  z.object({ job: z.literal('rollup') }),
  z.object({ job: z.literal('rebuild'), fix: z.boolean().default(false) }),
  z.object({ job: z.literal('purge') }),
]);

/** A job from the queue (re-attribution after a signal change, a rebuild, a purge). */
export async function runQueuedJob(services: Services, body: unknown) {
  const job = QueuedJob.parse(body);
  if (job.job === 'rollup') return runRollup(services, { force: true });
  if (job.job === 'rebuild') return rebuild(services, { fix: job.fix });
  return purgeExpired(services);
}
