/** Runtime configuration, read once from the environment and validated at start-up. */
import { z } from 'zod';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
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
  SEXTANT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** rollup shards (users per shard are rolled up independently); a power of two. Changing it re-seeds the rollup state. */
  SEXTANT_ROLLUP_SHARDS: z.coerce.number().int().refine((n) => n >= 1 && n <= 1024 && (n & (n - 1)) === 0, 'must be a power of two from 1 to 1024').default(2),
  /** change-log partitions per hour bucket (spreads ingest's change-log writes) */
  SEXTANT_CHANGELOG_PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
  /** the rollup reads the change log up to now − this lag (ms), so a slow in-flight write is never skipped */
  SEXTANT_CHANGELOG_LAG_MS: z.coerce.number().int().min(0).max(300_000).default(2000),
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
  return parsed.data;
}
