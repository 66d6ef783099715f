/** Adapter from scheduled / queued Lambda events to a background job (no HTTP app loaded). */
import { log } from '../log';
import type { Services } from '../services';
import { instrumented } from './observability';
import { lambdaServices } from './runtime';

/** The error fields a log line may carry (name and message; no stack, no input). */
export const errorFields = (e: unknown) => ({ error: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) });

/**
 * A scheduled job handler: runs `job` once per invocation with structured logs. A failure is
 * logged and rethrown, so Lambda counts it (Errors alarm), retries the asynchronous invocation
 * and finally sends the event to the function's on-failure destination. `after` runs in both
 * cases (e.g. to measure rollup lag) and never hides the job's outcome.
 */
export function jobHandler<R>(name: string, job: (s: Services, event: unknown) => Promise<R>, opts: { after?: (s: Services, result: R | undefined) => Promise<void>; extra?: Partial<Services> } = {}) {
  return instrumented(async (event: unknown) => {
    const started = Date.now();
    let services: Services | undefined;
    let result: R | undefined;
    try {
      services = await lambdaServices(opts.extra);
      result = await job(services, event);
      log.info(`${name} done`, { ms: Date.now() - started, result: result as unknown });
      return result;
    } catch (e) {
      log.error(`${name} failed`, { ms: Date.now() - started, ...errorFields(e) });
      throw e;
    } finally {
      if (opts.after && services) await opts.after(services, result).catch((e) => log.warn(`${name}: after-job step failed`, errorFields(e)));
    }
  });
}
