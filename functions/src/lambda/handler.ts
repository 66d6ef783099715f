/** Adapter from API Gateway HTTP API events to the shared Hono app. */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp, type AppOptions } from '../app';
import type { Services } from '../services';
import { lambdaServices } from './runtime';

/** An API Gateway HTTP API (payload v2) handler for the given route groups. */
export function httpHandler(parts: NonNullable<AppOptions['parts']>, opts: { docs?: AppOptions['docs']; enqueue?: Services['enqueue'] } = {}) {
  let ready: Promise<ReturnType<typeof handle>> | undefined;
  return async (event: LambdaEvent, context: LambdaContext) => {
    ready ??= lambdaServices({ enqueue: opts.enqueue }).then((s) => handle(createApp(s, { parts, docs: opts.docs })));
    return (await ready)(event, context);
  };
}
