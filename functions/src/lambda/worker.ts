/**
 * Background work on AWS: EventBridge Scheduler invokes `handler` every minute (the rollup's
 * coordinator: it sends one job per touched shard and a merge to the queue; retention once a
 * day); SQS delivers those jobs and re-attribution / rebuild requests to `queueHandler`, which
 * reports partial-batch failures so only failed messages are retried.
 */
import type { SQSBatchResponse, SQSEvent } from './sqs-types';
import { runScheduledWork, runQueuedJob } from '../analytics/jobs';
import { jobHandler } from './job-handler';
import { lambdaServices } from './runtime';
import { queueFanOut } from './queue';

const extra = { fanOut: queueFanOut() };

export const handler = jobHandler('scheduled work', (s, event) => runScheduledWork(s, event), extra);

export async function queueHandler(event: SQSEvent): Promise<SQSBatchResponse> {
  const services = await lambdaServices(extra);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await runQueuedJob(services, JSON.parse(record.body));
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
