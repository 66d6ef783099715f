/**
 * Powertools for AWS Lambda on every function: structured logs with the request id and cold
 * start, metrics in CloudWatch's embedded metric format (EMF: JSON lines on stdout that
 * CloudWatch turns into metrics, no API call), and X-Ray traces of the AWS SDK calls.
 *
 * The application keeps logging through functions/src/log.ts (the seam): on Lambda, this
 * module routes those records to the Powertools logger, whose formatter keeps the local
 * server's shape `{ level, time, msg, ...fields }` and adds `service`, `requestId`,
 * `coldStart`, `functionName` and `xrayTraceId`. Secrets are redacted the same way.
 *
 * Metric names, namespace and dimension: ./metric-names.ts (alarms are built from the same file).
 */
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { log, redact } from '../log';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

/** Sextant's log shape (as the local server writes it), plus the Lambda context. */
class SextantLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const ctx = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel.toLowerCase(),
        time: this.formatTimestamp(attributes.timestamp),
        msg: attributes.message,
        service: attributes.serviceName,
        requestId: ctx?.awsRequestId,
        coldStart: ctx?.coldStart,
        functionName: ctx?.functionName,
        xrayTraceId: attributes.xRayTraceId,
      },
    }).addAttributes(Object.fromEntries(Object.entries(additional).map(([k, v]) => [k.startsWith(ESCAPED) ? k.slice(ESCAPED.length) : k, v])));
  }
}

/**
 * Powertools drops fields named like its own (`message`, `level`, `service`, …) with a warning;
 * Sextant's records use `message` for error messages. The backend escapes such names and the
 * formatter restores them, so a record reads the same on Lambda as locally.
 */
const ESCAPED = '__sextant_';
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);
const escapeReserved = (fields: Record<string, unknown>) =>
  Object.keys(fields).some((k) => RESERVED.has(k)) ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [RESERVED.has(k) ? ESCAPED + k : k, v])) : fields;

/** Any string value that looks like a Sextant key keeps only its visible prefix (as in log.ts). */
const redacting = (_key: string, value: unknown) => (typeof value === 'string' ? redact(value) : value);

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sextant',
  // log.ts applies SEXTANT_LOG_LEVEL before a record gets here
  logLevel: 'DEBUG',
  logFormatter: new SextantLogFormatter(),
  jsonReplacerFn: redacting,
});

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Active on Lambda only (X-Ray); elsewhere every call is a no-op. HTTP calls are the SDK's: captured per client. */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sextant', captureHTTPsRequests: false });

log.setBackend((level, msg, fields) => logger[level](msg, escapeReserved(fields)));

export { METRIC, MetricUnit };

/** The parts of the Lambda context used here (Hono's LambdaContext and tests' plain objects fit). */
export interface InvocationContext {
  awsRequestId: string;
  functionName?: string;
  [k: string]: unknown;
}

/**
 * Wrap a handler: request id and cold start on every log line, a traced subsegment with the
 * cold-start and service annotations, stored metrics flushed as one EMF line at the end
 * (also when the handler throws).
 */
export function instrumented<E, R>(fn: (event: E, context: InvocationContext | undefined) => Promise<R>) {
  return async (event: E, context?: InvocationContext): Promise<R> => {
    if (context) logger.addContext(context as never);
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (segment) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await fn(event, context);
    } catch (e) {
      segment?.addError(e as Error);
      throw e;
    } finally {
      segment?.close();
      if (parent) tracer.setSegment(parent);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
