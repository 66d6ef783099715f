/**
 * Custom CloudWatch metrics of Sextant on AWS (embedded metric format, written by the functions
 * through Powertools; see functions/src/lambda/observability.ts). The CDK app builds its alarms
 * and dashboard from the same names (infra/constructs/monitoring.ts), so a rename cannot leave
 * an alarm watching nothing.
 *
 * Every metric lives in namespace `Sextant` with the single dimension `service=sextant`,
 * whichever function emits it: a new emitter (e.g. a sharded rollup coordinator) only has to
 * use the same name, unit and dimension for the existing alarm and dashboard to see it.
 */
export const METRICS_NAMESPACE = 'Sextant';
/** the value of the `service` dimension on every custom metric */
export const METRICS_SERVICE = 'sextant';

export const METRIC = {
  /** Count: events stored by ingest (new, not duplicates) */
  eventsAccepted: 'EventsAccepted',
  /** Count: events refused individually (validation, size, age), listed in the response */
  eventsRejected: 'EventsRejected',
  /** Count: events already stored (retries of at-least-once pipelines) */
  eventsDuplicate: 'EventsDuplicate',
  /** Count: events in requests ingest answered 429 or 503 (rate limit, store throttling): nothing stored, the sender must retry */
  eventsShed: 'EventsShed',
  /** Seconds: how long the oldest change not yet rolled up has waited (0 when rollups are current) */
  rollupLag: 'RollupLagSeconds',
  /** Milliseconds: duration of a rollup that ran */
  rollupDuration: 'RollupDurationMs',
  /** Count: queued jobs that failed (reported as batch item failures and retried by SQS) */
  jobsFailed: 'JobsFailed',
  /** Count: HTTP API requests answered 429 (stage/route throttling or the per-key rate limit), from the access logs */
  httpThrottled: 'HttpThrottled',
} as const;
