/**
 * Services for a Lambda container, built once per cold start: configuration from the
 * environment (validated), secrets (pseudonymisation key, bootstrap admin token) from
 * Secrets Manager — never from plain environment variables.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../config';
import { createServices, type Services } from '../services';
import { openStore } from '../store/client';

const LambdaSecret = z.object({ pseudonymKey: z.string().min(32), adminToken: z.string().min(16).optional() });

let cached: Promise<Services> | undefined;

/** Services of this container; `extra` (e.g. a queue) is taken from the first call. */
export function lambdaServices(extra: Partial<Services> = {}): Promise<Services> {
  cached ??= build(extra).catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function build(extra: Partial<Services>): Promise<Services> {
  const config = loadConfig({ ...process.env, SEXTANT_STORE: 'dynamodb', SEXTANT_DEMO: '0' });
  const secretArn = process.env.SEXTANT_SECRET_ARN;
  let secret: z.infer<typeof LambdaSecret> | undefined;
  if (secretArn) {
    const sm = new SecretsManagerClient({});
    const out = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secret = LambdaSecret.parse(JSON.parse(out.SecretString ?? '{}'));
  } else if (config.SEXTANT_PSEUDONYM_KEY) {
    // tests and local invocations of the bundled handlers
    secret = { pseudonymKey: config.SEXTANT_PSEUDONYM_KEY, adminToken: config.SEXTANT_ADMIN_TOKEN };
  } else {
    throw new Error('SEXTANT_SECRET_ARN is not set');
  }
  const store = await openStore({ kind: 'dynamodb', table: config.SEXTANT_TABLE, endpoint: config.DYNAMODB_ENDPOINT });
  const services = createServices(config, store, Buffer.from(secret.pseudonymKey, 'utf8'), extra);
  if (secret.adminToken && process.env.SEXTANT_ENSURE_ADMIN === '1') await services.keys.ensureBootstrapAdmin(secret.adminToken);
  return services;
}
