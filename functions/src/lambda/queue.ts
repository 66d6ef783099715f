/**
 * The worker's queue: the API function hands jobs to it (it may not write rollups itself), and
 * the worker's minute tick fans the rollup out over it (one message per shard job, then the
 * merge). Messages are run by the worker's `queueHandler`.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Services } from '../services';
import { tracer } from './observability';

export function workerQueue(url = process.env.SEXTANT_QUEUE_URL): Services['enqueue'] {
  if (!url) return undefined;
  const sqs = tracer.captureAWSv3Client(new SQSClient({}));
  return async (job) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(job) }));
  };
}

/** Send rollup shard / merge jobs (each body is kept under 200 KB by the coordinator). */
export function queueFanOut(url = process.env.SEXTANT_QUEUE_URL): Services['fanOut'] {
  if (!url) return undefined;
  const sqs = new SQSClient({});
  return async (jobs, delaySeconds) => {
    await Promise.all(jobs.map((job) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(job), DelaySeconds: delaySeconds }))));
  };
}
