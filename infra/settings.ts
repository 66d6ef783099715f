/**
 * Deployment settings, read once from CDK context (`cdk.json` or `-c key=value`) and
 * validated, failing synth with one line per bad value.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

/** SEXTANT_* runtime settings an operator may set on the functions (see functions/src/config.ts). */
const RUNTIME_KEYS = [
  'SEXTANT_MAX_EVENT_AGE_DAYS',
  'SEXTANT_MAX_FUTURE_MINUTES',
  'SEXTANT_RAW_RETENTION_DAYS',
  'SEXTANT_RATE_LIMIT_PER_MINUTE',
  'SEXTANT_LOG_LEVEL',
  'SEXTANT_ROLLUP_SHARDS',
  'SEXTANT_CHANGELOG_PARTITIONS',
  'SEXTANT_CHANGELOG_LAG_MS',
] as const;

export interface SextantSettings {
  /** stack name prefix, so several installations can share an account */
  prefix: string;
  /** table, secrets, KMS key and log groups; buckets follow it too */
  removalPolicy: RemovalPolicy.RETAIN | RemovalPolicy.DESTROY;
  deletionProtection: boolean;
  /** `aws-managed`: the account's aws/dynamodb and aws/secretsmanager keys; `customer-managed`: one KMS key with rotation */
  encryption: 'aws-managed' | 'customer-managed';
  logRetention: RetentionDays;
  /** default-stage throttling of the HTTP API (requests per second, burst) */
  throttle: { rateLimit: number; burstLimit: number };
  /** minutes between worker ticks (rollup when data changed) */
  rollupEveryMinutes: number;
  /** exact API origin for the dashboard's CSP `connect-src` (see docs/deploy.md); region-wide pattern when unset */
  apiOrigin?: string;
  /** extra SEXTANT_* environment for every function */
  runtime: Partial<Record<(typeof RUNTIME_KEYS)[number], string>>;
}

export const CONTEXT = {
  prefix: 'sextant:prefix',
  removalPolicy: 'sextant:removalPolicy',
  deletionProtection: 'sextant:deletionProtection',
  encryption: 'sextant:encryption',
  logRetentionDays: 'sextant:logRetentionDays',
  throttleRate: 'sextant:throttleRate',
  throttleBurst: 'sextant:throttleBurst',
  rollupEveryMinutes: 'sextant:rollupEveryMinutes',
  apiOrigin: 'sextant:apiOrigin',
  runtime: 'sextant:runtime',
} as const;

const bool = (v: unknown) => v === true || v === 'true' || v === '1';
const retentionValues = new Set(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/** Read and validate the `sextant:*` context keys. */
export function readSettings(node: Node): SextantSettings {
  const errors: string[] = [];
  const get = (k: string) => node.tryGetContext(k) as unknown;

  const prefix = String(get(CONTEXT.prefix) ?? 'Sextant');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(prefix)) errors.push(`${CONTEXT.prefix}: letters, digits and '-', starting with a letter`);

  const removal = String(get(CONTEXT.removalPolicy) ?? 'retain');
  if (removal !== 'retain' && removal !== 'destroy') errors.push(`${CONTEXT.removalPolicy}: 'retain' or 'destroy', got '${removal}'`);
  const removalPolicy = removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

  // deletion protection follows the removal policy unless set: a protected table would make `cdk destroy` fail
  const dp = get(CONTEXT.deletionProtection);
  const deletionProtection = dp === undefined ? removalPolicy === RemovalPolicy.RETAIN : bool(dp);

  const encryption = String(get(CONTEXT.encryption) ?? 'aws-managed');
  if (encryption !== 'aws-managed' && encryption !== 'customer-managed') errors.push(`${CONTEXT.encryption}: 'aws-managed' or 'customer-managed', got '${encryption}'`);

  const days = Number(get(CONTEXT.logRetentionDays) ?? 30);
  if (!retentionValues.has(days)) errors.push(`${CONTEXT.logRetentionDays}: one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, …), got ${days}`);

  const rateLimit = Number(get(CONTEXT.throttleRate) ?? 200);
  const burstLimit = Number(get(CONTEXT.throttleBurst) ?? 400);
  if (!Number.isInteger(rateLimit) || rateLimit < 1) errors.push(`${CONTEXT.throttleRate}: a positive integer (requests per second)`);
  if (!Number.isInteger(burstLimit) || burstLimit < 1) errors.push(`${CONTEXT.throttleBurst}: a positive integer`);

  const rollupEveryMinutes = Number(get(CONTEXT.rollupEveryMinutes) ?? 1);
  if (!Number.isInteger(rollupEveryMinutes) || rollupEveryMinutes < 1 || rollupEveryMinutes > 60) errors.push(`${CONTEXT.rollupEveryMinutes}: whole minutes, 1 to 60`);

  const apiOrigin = get(CONTEXT.apiOrigin) as string | undefined;
  if (apiOrigin !== undefined && !/^https:\/\/[a-z0-9.-]+$/.test(apiOrigin)) errors.push(`${CONTEXT.apiOrigin}: an origin like https://abc123.execute-api.eu-west-1.amazonaws.com (no path, no trailing slash)`);

  const rawRuntime = get(CONTEXT.runtime) ?? {};
  const runtime: SextantSettings['runtime'] = {};
  if (typeof rawRuntime !== 'object' || rawRuntime === null || Array.isArray(rawRuntime)) {
    errors.push(`${CONTEXT.runtime}: an object of SEXTANT_* settings`);
  } else {
    for (const [k, v] of Object.entries(rawRuntime)) {
      if (!(RUNTIME_KEYS as readonly string[]).includes(k)) errors.push(`${CONTEXT.runtime}.${k}: not a runtime setting (allowed: ${RUNTIME_KEYS.join(', ')})`);
      else runtime[k as (typeof RUNTIME_KEYS)[number]] = String(v);
    }
  }

  if (errors.length) throw new Error(`Invalid Sextant deployment settings:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return {
    prefix,
    removalPolicy,
    deletionProtection,
    encryption: encryption as SextantSettings['encryption'],
    logRetention: days as RetentionDays,
    throttle: { rateLimit, burstLimit },
    rollupEveryMinutes,
    apiOrigin,
    runtime,
  };
}
