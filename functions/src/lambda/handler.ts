/** Adapter from API Gateway HTTP API events to the shared Hono app. */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp, type AppOptions } from '../app';
import type { Services } from '../services';
import { instrumented, METRIC, metrics, MetricUnit } from './observability';
import { lambdaServices } from './runtime';

type HttpResult = { statusCode: number; body: string; isBase64Encoded?: boolean };

/** An API Gateway HTTP API (payload v2) handler for the given route groups. */
export function httpHandler(parts: NonNullable<AppOptions['parts']>, opts: { docs?: AppOptions['docs']; enqueue?: Services['enqueue'] } = {}) {
  let ready: Promise<ReturnType<typeof handle>> | undefined;
  const ingest = parts.includes('ingest');
  return instrumented(async (event: LambdaEvent, context) => {
    ready ??= lambdaServices({ enqueue: opts.enqueue }).then((s) => handle(createApp(s, { parts, docs: opts.docs })));
    const res = (await (await ready)(event, context as unknown as LambdaContext)) as HttpResult;
    if (ingest) recordIngest(event, res);
    return res;
  });
}

/**
 * Ingest metrics from the response the app gave (the ingest code stays free of metrics):
 * accepted, duplicates and rejected events of a 200; every event of a request answered 429 or
 * 503 counts as shed (nothing of it was stored; the sender retries). /v1/metrics carries KPI
 * values, not events.
 */
function recordIngest(event: LambdaEvent, res: HttpResult) {
  const path = (event as { rawPath?: string }).rawPath ?? '';
  if (!path.startsWith('/v1/') || path === '/v1/metrics') return;
  if (res.statusCode === 200) {
    const body = parse(res.body, false) as { accepted?: unknown; duplicates?: unknown; rejected?: unknown } | undefined;
    if (typeof body?.accepted !== 'number') return;
    metrics.addMetric(METRIC.eventsAccepted, MetricUnit.Count, body.accepted);
    metrics.addMetric(METRIC.eventsDuplicate, MetricUnit.Count, typeof body.duplicates === 'number' ? body.duplicates : 0);
    metrics.addMetric(METRIC.eventsRejected, MetricUnit.Count, Array.isArray(body.rejected) ? body.rejected.length : 0);
  } else if (res.statusCode === 429 || res.statusCode === 503) {
    const { body, isBase64Encoded } = event as { body?: string; isBase64Encoded?: boolean };
    const req = parse(body, isBase64Encoded) as { batch?: unknown } | undefined;
    metrics.addMetric(METRIC.eventsShed, MetricUnit.Count, Array.isArray(req?.batch) ? req.batch.length : 1);
  }
}

function parse(text: string | undefined, base64: boolean | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(base64 ? Buffer.from(text, 'base64').toString('utf8') : text);
  } catch {
    return undefined;
  }
}
