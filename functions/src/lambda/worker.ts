/**
 * Background work on AWS: EventBridge Scheduler invokes `handler` every minute (rollups when
 * data changed, retention once a day); SQS delivers re-attribution / rebuild requests to
 * `queueHandler`, which reports partial-batch failures so only failed messages are retried.
 */
import type { SQSBatchResponse, SQSEvent } from './sqs-types';
import { runScheduledWork, runQueuedJob } from '../analytics/jobs';
import { jobHandler } from './job-handler';
import { lambdaServices } from './runtime';
import { registerEmailSender } from '../digests/email-sender';
import { sendEmail } from '../digests/email';

registerEmailSender(sendEmail);

export const handler = jobHandler('scheduled work', (s, event) => runScheduledWork(s, event));

export async function queueHandler(event: SQSEvent): Promise<SQSBatchResponse> {
  const services = await lambdaServices();
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
