import { openApiDocs } from '../openapi';
import { httpHandler } from './handler';
export const handler = httpHandler(['api', 'health'], openApiDocs());
