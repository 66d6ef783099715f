/** Path parameters checked with the shared schema before any handler runs (400, never a store error). */
import { issuesOf, summarize } from '../../shared/errors';
import { RouteParams } from '../../shared/params';
import { AppError } from './errors';

export function validateParams(params: Record<string, string>): Record<string, string> {
  const parsed = RouteParams.safeParse(params);
  if (!parsed.success) throw new AppError(400, 'invalid_request', `invalid path: ${summarize(parsed.error)}`, issuesOf(parsed.error));
  return parsed.data;
}
