/**
 * Deployment settings, read once from CDK context (`cdk.json` or `-c key=value`) and
 * validated, failing synth with one line per bad value.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { ConfigSchema } from '../functions/src/config';

/** SEXTANT_* runtime settings an operator may set on the functions (see functions/src/config.ts). */
const RUNTIME_KEYS = [
  'SEXTANT_MAX_EVENT_AGE_DAYS',
  'SEXTANT_MAX_FUTURE_MINUTES',
  'SEXTANT_RAW_RETENTION_DAYS',
  'SEXTANT_RATE_LIMIT_PER_MINUTE',
  'SEXTANT_CREDENTIAL_CACHE_SECONDS',
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
  /** default-stage throttling of the HTTP API (requests per second, burst): routes without their own limit */
  throttle: { rateLimit: number; burstLimit: number };
  /** route-level throttling: ingest (`POST /v1/{proxy+}`) and the dashboard API (`ANY /api/{proxy+}`) each have their own bucket */
  routeThrottle: { ingest: { rateLimit: number; burstLimit: number }; api: { rateLimit: number; burstLimit: number } };
  /** reserved concurrency per function, or false for none (accounts with a concurrency quota below ~200) */
  reservedConcurrency: { api: number; ingest: number; worker: number; jobs: number } | false;
  /** e-mail address subscribed to the alarm topic (unset: the topic has no subscriber yet) */
  alarmEmail?: string;
  /** minutes between worker ticks (rollup when data changed) */
  rollupEveryMinutes: number;
  /** exact API origin for the dashboard's CSP `connect-src` (see docs/deploy.md); region-wide pattern when unset */
  apiOrigin?: string;
  /** digests by e-mail: the SES identity (a verified domain or address) the worker may send from, and the From header */
  sesIdentity?: string;
  mailFrom?: string;
  /**
   * Sign-in for people (OpenID Connect; docs/deploy.md "Sign-in with your identity provider"):
   * a Cognito user pool made here (default), or an external issuer (Okta, Entra ID, Google…).
   */
  identity: IdentitySettings;
  /** extra SEXTANT_* environment for every function */
  runtime: Partial<Record<(typeof RUNTIME_KEYS)[number], string>>;
}

export type IdentitySettings =
  | { kind: 'cognito'; adminEmails: string[]; featurePlan: 'essentials' | 'plus'; domainPrefix?: string }
  | { kind: 'external'; issuer: string; clientId: string; adminEmails: string[]; origins: string[]; rolesClaim?: string; roleValues?: string; scopes?: string; providerName?: string };

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
  ingestThrottleRate: 'sextant:ingestThrottleRate',
  ingestThrottleBurst: 'sextant:ingestThrottleBurst',
  apiThrottleRate: 'sextant:apiThrottleRate',
  apiThrottleBurst: 'sextant:apiThrottleBurst',
  reservedConcurrency: 'sextant:reservedConcurrency',
  alarmEmail: 'sextant:alarmEmail',
  sesIdentity: 'sextant:sesIdentity',
  mailFrom: 'sextant:mailFrom',
  oidcIssuer: 'sextant:oidcIssuer',
  oidcClientId: 'sextant:oidcClientId',
  oidcRolesClaim: 'sextant:oidcRolesClaim',
  oidcRoleValues: 'sextant:oidcRoleValues',
  oidcScopes: 'sextant:oidcScopes',
  oidcProviderName: 'sextant:oidcProviderName',
  oidcOrigins: 'sextant:oidcOrigins',
  adminEmails: 'sextant:adminEmails',
  cognitoFeaturePlan: 'sextant:cognitoFeaturePlan',
  cognitoDomainPrefix: 'sextant:cognitoDomainPrefix',
} as const;

/**
 * Reserved concurrency per function (see docs/deploy.md, "Concurrency"). Sized from the stage
 * throttles and measured durations: ingest answers a 100-event batch in ~100 ms, so 150
 * requests/s need ~15 concurrent executions; 50 leaves room for slow requests (DynamoDB
 * retries) without letting a flood take the account's pool. The API serves a team's dashboard
 * (tens of requests per page load at most). The worker is ticked once a minute: 2 lets a slow
 * rollup overlap the next tick once (the rollup is idempotent). Jobs: at least the queue event
 * source's maximum concurrency (see JOBS_MAX_CONCURRENCY), or SQS batches would be throttled.
 */
export const DEFAULT_RESERVED_CONCURRENCY = { api: 20, ingest: 50, worker: 2, jobs: 16 } as const;


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

  const routeThrottle = {
    ingest: { rateLimit: Number(get(CONTEXT.ingestThrottleRate) ?? 150), burstLimit: Number(get(CONTEXT.ingestThrottleBurst) ?? 300) },
    api: { rateLimit: Number(get(CONTEXT.apiThrottleRate) ?? 50), burstLimit: Number(get(CONTEXT.apiThrottleBurst) ?? 100) },
  };
  for (const [k, v] of [
    [CONTEXT.ingestThrottleRate, routeThrottle.ingest.rateLimit],
    [CONTEXT.ingestThrottleBurst, routeThrottle.ingest.burstLimit],
    [CONTEXT.apiThrottleRate, routeThrottle.api.rateLimit],
    [CONTEXT.apiThrottleBurst, routeThrottle.api.burstLimit],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) errors.push(`${k}: a positive integer`);
  }

  const rawReserved = parseJsonContext(get(CONTEXT.reservedConcurrency));
  let reservedConcurrency: SextantSettings['reservedConcurrency'] = { ...DEFAULT_RESERVED_CONCURRENCY };
  if (rawReserved === false || rawReserved === 'false') reservedConcurrency = false;
  else if (rawReserved !== undefined && rawReserved !== true && rawReserved !== 'true') {
    if (typeof rawReserved !== 'object' || rawReserved === null || Array.isArray(rawReserved)) {
      errors.push(`${CONTEXT.reservedConcurrency}: false, or an object like {"ingest": 50, "api": 20, "worker": 2, "jobs": 5}`);
    } else {
      for (const [k, v] of Object.entries(rawReserved)) {
        if (!(k in DEFAULT_RESERVED_CONCURRENCY)) errors.push(`${CONTEXT.reservedConcurrency}.${k}: not a function (api, ingest, worker, jobs)`);
        else if (!Number.isInteger(Number(v)) || Number(v) < 1) errors.push(`${CONTEXT.reservedConcurrency}.${k}: a positive integer`);
        else reservedConcurrency[k as keyof typeof DEFAULT_RESERVED_CONCURRENCY] = Number(v);
      }
    }
  }

  const alarmEmail = get(CONTEXT.alarmEmail) as string | undefined;
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail))) {
    errors.push(`${CONTEXT.alarmEmail}: an e-mail address, got '${String(alarmEmail)}'`);
  }

  const rollupEveryMinutes = Number(get(CONTEXT.rollupEveryMinutes) ?? 1);
  if (!Number.isInteger(rollupEveryMinutes) || rollupEveryMinutes < 1 || rollupEveryMinutes > 60) errors.push(`${CONTEXT.rollupEveryMinutes}: whole minutes, 1 to 60`);

  const apiOrigin = get(CONTEXT.apiOrigin) as string | undefined;
  if (apiOrigin !== undefined && !/^https:\/\/[a-z0-9.-]+$/.test(apiOrigin)) errors.push(`${CONTEXT.apiOrigin}: an origin like https://abc123.execute-api.eu-west-1.amazonaws.com (no path, no trailing slash)`);

  // `-c 'sextant:runtime={...}'` arrives as a string; cdk.json gives an object
  const rawRuntime = parseJsonContext(get(CONTEXT.runtime) ?? {});
  const runtime: SextantSettings['runtime'] = {};
  if (typeof rawRuntime !== 'object' || rawRuntime === null || Array.isArray(rawRuntime)) {
    errors.push(`${CONTEXT.runtime}: an object of SEXTANT_* settings (JSON), got ${JSON.stringify(rawRuntime)}`);
  } else {
    for (const [k, v] of Object.entries(rawRuntime)) {
      if (!(RUNTIME_KEYS as readonly string[]).includes(k)) errors.push(`${CONTEXT.runtime}.${k}: not a runtime setting (allowed: ${RUNTIME_KEYS.join(', ')})`);
      else runtime[k as (typeof RUNTIME_KEYS)[number]] = String(v);
    }
    errors.push(...runtimeErrors(runtime));
  }

  const sesIdentity = get(CONTEXT.sesIdentity) as string | undefined;
  if (sesIdentity !== undefined && !/^([^@\s]+@)?[a-z0-9.-]+\.[a-z]{2,}$/i.test(sesIdentity)) errors.push(`${CONTEXT.sesIdentity}: a verified SES domain (example.com) or address (digest@example.com)`);
  const mailFrom = get(CONTEXT.mailFrom) as string | undefined;

  const identity = readIdentity(get, errors);

  if (errors.length) throw new Error(`Invalid Sextant deployment settings:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return {
    prefix,
    removalPolicy,
    deletionProtection,
    encryption: encryption as SextantSettings['encryption'],
    logRetention: days as RetentionDays,
    throttle: { rateLimit, burstLimit },
    routeThrottle,
    reservedConcurrency,
    alarmEmail,
    rollupEveryMinutes,
    apiOrigin,
    sesIdentity,
    mailFrom,
    identity,
    runtime,
  };
}

/** The identity context keys: an external issuer with its client id, or a Cognito user pool made by the app. */
function readIdentity(get: (k: string) => unknown, errors: string[]): IdentitySettings {
  const str = (k: string) => {
    const v = get(k);
    return v === undefined || v === '' ? undefined : String(v);
  };
  const rawEmails = get(CONTEXT.adminEmails);
  const adminEmails = (Array.isArray(rawEmails) ? rawEmails.map(String) : String(rawEmails ?? '').split(',')).map((e) => e.trim().toLowerCase()).filter(Boolean);
  for (const e of adminEmails) if (!/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(e)) errors.push(`${CONTEXT.adminEmails}: "${e}" is not an e-mail address`);
  const issuer = str(CONTEXT.oidcIssuer);
  const clientId = str(CONTEXT.oidcClientId);
  if (issuer || clientId) {
    if (!issuer || !clientId) errors.push(`${CONTEXT.oidcIssuer} and ${CONTEXT.oidcClientId} go together: set both for an external identity provider, or neither for a Cognito user pool`);
    const external = {
      SEXTANT_OIDC_ISSUER: issuer,
      SEXTANT_OIDC_CLIENT_ID: clientId,
      SEXTANT_OIDC_ROLES_CLAIM: str(CONTEXT.oidcRolesClaim),
      SEXTANT_OIDC_ROLE_VALUES: str(CONTEXT.oidcRoleValues),
      SEXTANT_OIDC_SCOPES: str(CONTEXT.oidcScopes),
      SEXTANT_OIDC_PROVIDER_NAME: str(CONTEXT.oidcProviderName),
      SEXTANT_OIDC_ORIGINS: str(CONTEXT.oidcOrigins),
    };
    const shape = Object.fromEntries(Object.keys(external).map((k) => [k, true])) as { [K in keyof typeof external]: true };
    const parsed = ConfigSchema.pick(shape).safeParse(Object.fromEntries(Object.entries(external).filter(([, v]) => v !== undefined)));
    if (!parsed.success) for (const i of parsed.error.issues) errors.push(`${String(i.path[0])} (sextant:oidc…): ${i.message}`);
    if (issuer && !issuer.startsWith('https://')) errors.push(`${CONTEXT.oidcIssuer}: an https:// issuer URL`);
    return { kind: 'external', issuer: issuer ?? '', clientId: clientId ?? '', adminEmails, rolesClaim: external.SEXTANT_OIDC_ROLES_CLAIM, roleValues: external.SEXTANT_OIDC_ROLE_VALUES, scopes: external.SEXTANT_OIDC_SCOPES, providerName: external.SEXTANT_OIDC_PROVIDER_NAME, origins: parsed.success ? parsed.data.SEXTANT_OIDC_ORIGINS : [] };
  }
  const plan = String(get(CONTEXT.cognitoFeaturePlan) ?? 'essentials');
  if (plan !== 'essentials' && plan !== 'plus') errors.push(`${CONTEXT.cognitoFeaturePlan}: 'essentials' or 'plus' (threat protection, billed per active user), got '${plan}'`);
  const domainPrefix = str(CONTEXT.cognitoDomainPrefix);
  if (domainPrefix !== undefined && (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix) || /aws|amazon|cognito/.test(domainPrefix))) {
    errors.push(`${CONTEXT.cognitoDomainPrefix}: lower-case letters, digits and '-', without "aws", "amazon" or "cognito"`);
  }
  return { kind: 'cognito', adminEmails, featurePlan: plan as 'essentials' | 'plus', domainPrefix };
}

/** A context value given as JSON text on the command line (`-c key={...}`), parsed; anything else as is. */
function parseJsonContext(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/**
 * Runtime settings checked with the functions' own schema (functions/src/config.ts), so a value
 * the functions would refuse at cold start (e.g. SEXTANT_RAW_RETENTION_DAYS below 7) fails synth.
 */
export function runtimeErrors(runtime: SextantSettings['runtime']): string[] {
  const shape = Object.fromEntries(RUNTIME_KEYS.map((k) => [k, true])) as { [K in (typeof RUNTIME_KEYS)[number]]: true };
  const parsed = ConfigSchema.pick(shape).safeParse(runtime);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${CONTEXT.runtime}.${i.path.join('.')}: ${i.message} (got ${JSON.stringify((runtime as Record<string, unknown>)[String(i.path[0])])})`);
}
