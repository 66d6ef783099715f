/**
 * Background work on AWS: EventBridge Scheduler invokes `handler` every minute (the rollup's
 * coordinator: it sends one job per touched shard and a merge to the queue; retention once a
 * day); SQS delivers those jobs and re-attribution / rebuild requests to `queueHandler`, which
 * reports partial-batch failures so only failed messages are retried.
 *
 * Failures are never silent: a failing tick is logged and thrown (Lambda retries it twice,
 * then the on-failure destination queue holds it, alarmed); a failing job is logged, counted
 * (metric JobsFailed, alarmed) and reported as a batch item failure (SQS retries it, then the
 * jobs dead-letter queue holds it, alarmed).
 */
import type { SQSBatchResponse, SQSEvent } from './sqs-types';
import { runScheduledWork, runQueuedJob } from '../analytics/jobs';
import { log } from '../log';
import type { Services } from '../services';
import { errorFields, jobHandler } from './job-handler';
import { instrumented, METRIC, metrics, MetricUnit, type InvocationContext } from './observability';
import { queueFanOut, workerQueue } from './queue';
import { REBUILD_JOBS, runRebuildJob } from './rebuild-fanout';
import { lambdaServices } from './runtime';
import { rollupLagSeconds } from './rollup-lag';
import { registerEmailSender } from '../digests/email-sender';
import { sendEmail } from '../digests/email';

registerEmailSender(sendEmail);

const extra = { fanOut: queueFanOut() };

export const handler = jobHandler('scheduled work', (s, event) => runScheduledWork(s, event), {
  extra,
  after: async (s, result) => {
    recordRollup((result as { rollup?: unknown } | undefined)?.rollup);
    await recordRollupLag(s);
  },
});

/** The job queue itself (SEXTANT_QUEUE_URL): the segmented rebuild enqueues its own steps. */
const jobQueue = workerQueue();
/** a rebuild segment hands over to a continuation when less than this is left of the invocation */
const HANDOVER_MS = 90_000;

export const queueHandler = instrumented(async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
  let services: Services;
  try {
    services = await lambdaServices(extra);
  } catch (e) {
    // nothing can run: every message is retried (and counted, and logged once)
    log.error('jobs: services unavailable', { messages: event.Records.length, ...errorFields(e) });
    metrics.addMetric(METRIC.jobsFailed, MetricUnit.Count, event.Records.length);
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
  }
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const started = Date.now();
    let kind: unknown;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    try {
      const body = JSON.parse(record.body) as unknown;
      kind = (body as { job?: unknown } | null)?.job;
      const result = REBUILD_JOBS.has(kind as string) ? await rebuildStep(services, body, record.messageId, context) : await runQueuedJob(services, body);
      recordRollup(result);
      log.info('job done', { messageId: record.messageId, job: kind, receiveCount, ms: Date.now() - started, result: result as unknown });
    } catch (e) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      log.error('job failed', { messageId: record.messageId, job: typeof kind === 'string' ? kind : null, receiveCount, ms: Date.now() - started, ...errorFields(e) });
    }
  }
  // one value per invocation (Powertools would otherwise write a list of 1s)
  metrics.addMetric(METRIC.jobsFailed, MetricUnit.Count, batchItemFailures.length);
  return { batchItemFailures };
});

/** One step of the segmented rebuild (./rebuild-fanout.ts), which needs the queue to fan out. */
function rebuildStep(services: Services, body: unknown, messageId: string, context: InvocationContext | undefined) {
  if (!jobQueue) throw new Error('the segmented rebuild needs the job queue (SEXTANT_QUEUE_URL)');
  const remaining = context?.getRemainingTimeInMillis as (() => number) | undefined;
  // the queue's type lists the API's jobs; the rebuild's steps are jobs of the same queue
  const enqueue = jobQueue as unknown as (job: Record<string, unknown>) => Promise<void>;
  return runRebuildJob(services, body, { enqueue, messageId, timeUp: () => (remaining ? remaining.call(context) < HANDOVER_MS : false) });
}

/** Duration of a rollup that ran (RollupResult-shaped results only). */
function recordRollup(result: unknown) {
  const r = result as { ran?: unknown; ms?: unknown } | undefined;
  if (r?.ran === true && typeof r.ms === 'number') metrics.addMetric(METRIC.rollupDuration, MetricUnit.Milliseconds, r.ms);
}

/** RollupLagSeconds after every tick, failed or not (see ./rollup-lag.ts). */
export async function recordRollupLag(services: Services) {
  const [state, cursor] = await Promise.all([services.analytics.state(), services.rollups.cursor()]);
  metrics.addMetric(METRIC.rollupLag, MetricUnit.Seconds, rollupLagSeconds(state, services.now(), cursor?.cursor));
}
