/** Adapter from scheduled / queued Lambda events to a background job (no HTTP app loaded). */
import { log } from '../log';
import type { Services } from '../services';
import { lambdaServices } from './runtime';

/** A scheduled / queued job handler: runs `job` once per invocation with structured logs. */
export function jobHandler<R>(name: string, job: (s: Services, event: unknown) => Promise<R>, extra: Partial<Services> = {}) {
  return async (event: unknown) => {
    const started = Date.now();
    const services = await lambdaServices(extra);
    const result = await job(services, event);
    log.info(`${name} done`, { ms: Date.now() - started, result: result as unknown });
    return result;
  };
}
