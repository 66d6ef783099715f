/** Runtime configuration, read once from the environment and validated at start-up. */
import { createServer, isIP } from 'node:net';
import { z } from 'zod';
import { AskSource, DEFAULT_ASK_SOURCES } from '../../shared/asks';
import { normalizeEmail, parseRoleValues } from '../../shared/people';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens (an all-digit name is an IPv4 address, checked as such). */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z
    .string()
    .refine((h) => isIP(h) !== 0 || (HOSTNAME.test(h) && !/^[\d.]+$/.test(h)), {
      message: 'not an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1, localhost)',
    })
    .default('127.0.0.1'),
  SEXTANT_DATA_DIR: z.string().default('.data'),
  SEXTANT_STORE: z.enum(['dynalite', 'memory', 'dynamodb']).default('dynalite'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SEXTANT_TABLE: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/).default('sextant'),
  SEXTANT_ADMIN_TOKEN: z.string().min(16, 'SEXTANT_ADMIN_TOKEN must be at least 16 characters').optional(),
  SEXTANT_PSEUDONYM_KEY: z.string().min(32, 'SEXTANT_PSEUDONYM_KEY must be at least 32 characters').optional(),
  SEXTANT_DEMO: bool.default(true),
  SEXTANT_DEMO_USERS: z.coerce.number().int().min(10).max(100_000).default(2000),
  SEXTANT_MAX_EVENT_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  SEXTANT_MAX_FUTURE_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(24 * 60),
  SEXTANT_RAW_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(400),
  SEXTANT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** sources a customer ask may come from (comma-separated) */
  SEXTANT_ASK_SOURCES: z
    .string()
    .default(DEFAULT_ASK_SOURCES.join(','))
    .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(AskSource).min(1, 'SEXTANT_ASK_SOURCES needs at least one source')),
  /**
   * How long a process trusts a credential it has read (write keys, role tokens): a revocation
   * made through another process (another Lambda container) takes effect within this many
   * seconds; through the same process at once. 0 reads the store on every request.
   */
  SEXTANT_CREDENTIAL_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** failed authentications per client address (and per key prefix) per minute before 429 */
  SEXTANT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** ingest requests worked on at once per process; beyond, 503 + Retry-After (load shedding) */
  SEXTANT_INGEST_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(4),
  /** how long a request beyond that bound may wait for a slot before it is shed (0: shed at once) */
  SEXTANT_INGEST_MAX_WAIT_MS: z.coerce.number().int().min(0).max(8_000).default(2_000),
  SEXTANT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // digests (monthly review): links back to the dashboard, e-mail transport and sender
  SEXTANT_BASE_URL: z.string().url().optional(),
  SEXTANT_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SEXTANT_SMTP_URL must be smtp://… or smtps://…').optional(),
  SEXTANT_MAIL_FROM: z.string().min(3).default('Sextant <sextant@localhost>'),
  SEXTANT_EMAIL_TRANSPORT: z.enum(['auto', 'smtp', 'ses', 'outbox']).default('auto'),
  // identity (OpenID Connect; docs/deploy.md "Sign-in with your identity provider"): all optional
  /** the issuer URL; discovery at <issuer>/.well-known/openid-configuration */
  SEXTANT_OIDC_ISSUER: z.string().url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(u), 'SEXTANT_OIDC_ISSUER must be https:// (http:// only on 127.0.0.1 / localhost, for tests)').transform((u) => u.replace(/\/+$/, '')).optional(),
  /** the dashboard's client id at the provider: the audience tokens must carry */
  SEXTANT_OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  /** the claim with the person's groups or roles (dotted for nested: realm_access.roles) */
  SEXTANT_OIDC_ROLES_CLAIM: z.string().min(1).default('groups'),
  /** claim values that grant each role: role=value, comma-separated; a role may appear more than once */
  SEXTANT_OIDC_ROLE_VALUES: z.string().default('admin=sextant-admin,editor=sextant-editor,viewer=sextant-viewer').superRefine((v, ctx) => {
    try {
      parseRoleValues(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
  /** scopes the dashboard asks for (space-separated); offline_access gets a refresh token from most providers (not Cognito or Google: see docs/deploy.md) */
  SEXTANT_OIDC_SCOPES: z.string().default('openid email profile offline_access'),
  /** the name on the dashboard's sign-in button (default: the issuer's host) */
  SEXTANT_OIDC_PROVIDER_NAME: z.string().max(60).optional(),
  /** the provider's sign-out URL when discovery names none (Cognito: https://<domain>/logout; the dashboard adds client_id and logout_uri) */
  SEXTANT_OIDC_LOGOUT_URL: z.string().url().optional(),
  /** origins the dashboard's sign-in talks to besides the issuer's (CSP connect-src), comma-separated, e.g. Google's https://oauth2.googleapis.com */
  SEXTANT_OIDC_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin like https://login.example.com (no path)'))),
  /** emails (comma-separated) that are admins from the start (verified email of the token) */
  SEXTANT_ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map(normalizeEmail).filter(Boolean)),
  /** rollup shards (users per shard are rolled up independently); a power of two. Changing it re-seeds the rollup state. */
  SEXTANT_ROLLUP_SHARDS: z.coerce.number().int().refine((n) => n >= 1 && n <= 1024 && (n & (n - 1)) === 0, 'must be a power of two from 1 to 1024').default(2),
  /** change-log partitions per hour bucket (spreads ingest's change-log writes) */
  SEXTANT_CHANGELOG_PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
  /** the rollup reads the change log up to now − this lag (ms), so a slow in-flight write is never skipped */
  SEXTANT_CHANGELOG_LAG_MS: z.coerce.number().int().min(0).max(300_000).default(2000),
  /** a run's change of an epic partial is folded into the partial once the pending changes reach this share of its size (0: always; tests) */
  SEXTANT_ROLLUP_FOLD_RATIO: z.coerce.number().min(0).max(1_000_000).default(1),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Parse the environment, failing fast with one line per bad field. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (Boolean(c.SEXTANT_OIDC_ISSUER) !== Boolean(c.SEXTANT_OIDC_CLIENT_ID)) {
    throw new Error(`Invalid configuration:\n  ${c.SEXTANT_OIDC_ISSUER ? 'SEXTANT_OIDC_CLIENT_ID' : 'SEXTANT_OIDC_ISSUER'}: SEXTANT_OIDC_ISSUER and SEXTANT_OIDC_CLIENT_ID go together: set both or neither`);
  }
  return c;
}

/**
 * Can the server listen on `HOST`? Binds a throw-away socket on a free port of that interface,
 * so a name that does not resolve, or an address of another machine, stops the start-up with a
 * field message before anything else happens (no store opened, no token printed).
 */
export async function checkListenHost(host: string): Promise<void> {
  const srv = createServer();
  try {
    await new Promise<void>((ok, fail) => {
      srv.once('error', fail);
      srv.listen(0, host, () => ok());
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'the name does not resolve' : err.code === 'EADDRNOTAVAIL' ? 'it is not an address of this machine' : (err.code ?? err.message);
    throw new Error(`Invalid configuration:\n  HOST: cannot listen on "${host}": ${why}`);
  } finally {
    if (srv.listening) await new Promise<void>((ok) => srv.close(() => ok()));
  }
}
