/**
 * Background jobs shared by the local server and the AWS worker: rollups, retention, and the
 * rebuild that recomputes every aggregate fact from raw events and reports differences.
 */
import { z } from 'zod';
import { addDays, todayUtc } from '../../../shared/primitives';
import { factsOf } from '../ingest/ingest';
import type { Services } from '../services';
import type { RawEvent } from '../store/event-store';
import { K } from '../store/keys';
import { runMergeJob, runRollup, runShard } from './rollup';
import { runDigests } from '../digests/run';

/**
 * Delete raw events and rejection logs past their retention, and consumed change-log entries
 * (DynamoDB TTL does this on AWS; dynalite has no TTL). Aggregate facts are kept: they are what outcomes are computed from.
 */
export async function purgeExpired(services: Services): Promise<{ deleted: number }> {
  const deleted = await services.events.purgeExpired(Math.floor(services.now() / 1000));
  // change-log entries a day behind the rollup's cursor are consumed (their facts are in the user states)
  const cursor = await services.rollups.cursor();
  if (cursor) await services.rollups.purgeChanges(cursor.cursor - 86_400_000);
  return { deleted };
}

export interface RebuildReport {
  rawEvents: number;
  months: string[];
  userFacts: { expected: number; stored: number; missing: number; extra: number };
  surveys: { expected: number; stored: number; missing: number; extra: number };
  /**
   * Stored plain "user active on day d" facts beside usage facts of the same user-day: counted in
   * `userFacts.stored` but not expected, and not a difference (they mean the same). So
   * stored − expected = redundantUserFacts + extra − missing.
   */
  redundantUserFacts: number;
  fixed: boolean;
}

/**
 * Recompute every aggregate fact from the raw events and compare with what is stored. Months
 * older than the raw-event retention are skipped (their raw events may be gone by design).
 * With `fix`, stored facts are replaced by the recomputed ones and the rollup state of every
 * shard is re-seeded from the facts (a user state may hold a fact that was removed).
 */
export async function rebuild(services: Services, opts: { fix?: boolean } = {}): Promise<RebuildReport> {
  const { events } = services;
  const raws: RawEvent[] = [];
  for await (const page of events.scanRaw()) raws.push(...page);
  const oldestFullMonth = addDays(todayUtc(services.now()), -services.config.SEXTANT_RAW_RETENTION_DAYS + 31).slice(0, 7);
  const expected = factsOf(raws);
  const months = [...new Set(expected.users.map((u) => u.month).concat(expected.surveys.map((s) => s.date.slice(0, 7))))].filter((m) => m >= oldestFullMonth).sort();

  const report: RebuildReport = { rawEvents: raws.length, months, userFacts: { expected: 0, stored: 0, missing: 0, extra: 0 }, surveys: { expected: 0, stored: 0, missing: 0, extra: 0 }, redundantUserFacts: 0, fixed: false };
  const puts: FactItem[] = [];
  const deletes: { PK: string; SK: string }[] = [];
  for (const month of months) {
    const want = events.factItems(
      expected.users.filter((u) => u.month === month),
      expected.surveys.filter((s) => s.date.startsWith(month)),
    );
    compareMonthFacts(want, await events.storedFactKeys(month), report, puts, deletes);
  }
  if (opts.fix && (puts.length || deletes.length)) {
    await Promise.all([events.putFacts(puts), events.deleteFacts(deletes)]);
    await services.markDirty();
    await runRollup(services, { force: true, reseed: true });
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
  const digests = await runDigests(services).catch((e: Error) => ({ error: e.message }));
  return { rollup, purge: purgeNow ? await purgeExpired(services) : null, digests };
}

export const QueuedJob = z.discriminatedUnion('job', [
  z.object({ job: z.literal('rollup') }),
  z.object({ job: z.literal('rebuild'), fix: z.boolean().default(false) }),
  z.object({ job: z.literal('purge') }),
  // the rollup's fan-out (sent by the minute tick): one shard's new facts, then the merge
  z.object({
    job: z.literal('rollup-shard'),
    shard: z.number().int().min(0).max(1023),
    users: z.record(z.string(), z.object({ a: z.string(), k: z.record(z.string(), z.string()).optional() })).default({}),
    surveys: z.array(z.object({ id: z.string(), d: z.string(), scope: z.string(), sc: z.enum(['csat', 'nps']), s: z.number() })).default([]),
    seed: z.boolean().optional(),
  }),
  z.object({ job: z.literal('rollup-merge'), computedAt: z.string().optional(), gen: z.number().optional() }),
]);

/** A job from the queue (re-attribution after a signal change, a rebuild, a purge). */
export async function runQueuedJob(services: Services, body: unknown) {
  const job = QueuedJob.parse(body);
  if (job.job === 'rollup') return runRollup(services, { force: true });
  if (job.job === 'rollup-shard') return runShard(services, job);
  if (job.job === 'rollup-merge') return runMergeJob(services, job);
  if (job.job === 'rebuild') return rebuild(services, { fix: job.fix });
  return purgeExpired(services);
}

type FactItem = Record<string, unknown> & { PK: string; SK: string };

/**
 * Compare one month's expected fact items (keyed `PK|SK`) with the stored keys: tallies `report`,
 * collects the missing items into `puts` and the extra keys into `deletes`. A plain user-day fact
 * beside usage facts of the same user-day is redundant, not wrong (ingest writes it when one
 * request carries only non-usage events of a day whose usage came in another): it is counted as
 * redundant, neither expected nor extra. Shared by `rebuild` and the segmented rebuild.
 */
export function compareMonthFacts(want: Map<string, FactItem>, stored: Map<string, { PK: string; SK: string }>, report: RebuildReport, puts: FactItem[], deletes: { PK: string; SK: string }[]): void {
  const tally = (pk: string) => (K.isSurveyFact(pk) ? report.surveys : report.userFacts);
  const usedDays = new Set<string>();
  for (const item of want.values()) {
    if (K.isSurveyFact(item.PK)) continue;
    const f = K.parseUserFact(item.SK);
    if (f.usageKey !== undefined) usedDays.add(`${item.PK}|${f.user}|${f.day}`);
  }
  const redundant = (key: { PK: string; SK: string }) => {
    if (K.isSurveyFact(key.PK)) return false;
    const f = K.parseUserFact(key.SK);
    return f.usageKey === undefined && usedDays.has(`${key.PK}|${f.user}|${f.day}`);
  };
  // facts computed apart (segments) may expect a plain fact that one pass over all events would not
  for (const [k, item] of want) if (redundant(item)) want.delete(k);
  for (const item of want.values()) tally(item.PK).expected++;
  for (const [k, key] of stored) {
    tally(key.PK).stored++;
    if (want.has(k)) continue;
    if (redundant(key)) {
      report.redundantUserFacts++;
      continue;
    }
    tally(key.PK).extra++;
    deletes.push(key);
  }
  for (const [k, item] of want) {
    if (stored.has(k)) continue;
    tally(item.PK).missing++;
    puts.push(item);
  }
}
