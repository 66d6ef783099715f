/** Adapters from Lambda events to the shared Hono app and background jobs. */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp, type AppOptions } from '../app';
import { log } from '../log';
import type { Services } from '../services';
import { lambdaServices } from './runtime';

/** An API Gateway HTTP API (payload v2) handler for the given route groups. */
export function httpHandler(parts: NonNullable<AppOptions['parts']>, docs?: AppOptions['docs']) {
  let ready: Promise<ReturnType<typeof handle>> | undefined;
  return async (event: LambdaEvent, context: LambdaContext) => {
    ready ??= lambdaServices().then((s) => handle(createApp(s, { parts, docs })));
    return (await ready)(event, context);
  };
}

/** A scheduled / queued job handler: runs `job` once per invocation with structured logs. */
export function jobHandler<R>(name: string, job: (s: Services, event: unknown) => Promise<R>) {
  return async (event: unknown) => {
    const started = Date.now();
    const services = await lambdaServices();
    const result = await job(services, event);
    log.info(`${name} done`, { ms: Date.now() - started, result: result as unknown });
    return result;
  };
}
