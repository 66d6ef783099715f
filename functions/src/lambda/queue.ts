/**
 * The worker's queue, for the API function (which may not write rollups itself): a job sent
 * here is run by the worker's `queueHandler`. Only the API entry imports this module.
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
