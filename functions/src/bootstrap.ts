/** Build everything a process needs from the configuration: store, secrets, services. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './config';
import { createServices, type Services } from './services';
import { openStore, type Store } from './store/client';

/**
 * The pseudonymisation key: `SEXTANT_PSEUDONYM_KEY` if set; else, for the embedded store,
 * a key generated once and kept beside the data (mode 0600); in memory, a fresh key.
 */
export function pseudonymKeyFor(config: Config): Buffer {
  if (config.SEXTANT_PSEUDONYM_KEY) return Buffer.from(config.SEXTANT_PSEUDONYM_KEY, 'utf8');
  if (config.SEXTANT_STORE === 'memory') return randomBytes(32);
  const dir = resolve(config.SEXTANT_DATA_DIR);
  const file = resolve(dir, 'pseudonym.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

export async function openConfiguredStore(config: Config): Promise<Store> {
  return openStore({
    kind: config.SEXTANT_STORE,
    table: config.SEXTANT_TABLE,
    dataDir: config.SEXTANT_DATA_DIR,
    endpoint: config.DYNAMODB_ENDPOINT,
  });
}

export async function bootstrap(config: Config, extra: Partial<Services> = {}): Promise<Services> {
  const store = await openConfiguredStore(config);
  const services = createServices(config, store, pseudonymKeyFor(config), extra);
  if (config.SEXTANT_ADMIN_TOKEN) await services.keys.ensureBootstrapAdmin(config.SEXTANT_ADMIN_TOKEN);
  return services;
}
