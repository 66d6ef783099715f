import { openApiDocs } from '../openapi';
import { httpHandler } from './handler';
import { workerQueue } from './queue';
export const handler = httpHandler(['api', 'health'], { docs: openApiDocs(), enqueue: workerQueue() });
