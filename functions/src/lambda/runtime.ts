/**
 * Services for a Lambda container, built once per cold start: configuration from the
 * environment (validated), secrets from Secrets Manager — never from plain environment
 * variables. Each function reads only the secret it needs: ingest `{ pseudonymKey }`, the API
 * `{ adminToken }`; worker and jobs none. A function without the pseudonymisation key fails
 * loudly if anything ever asks for it, rather than hashing user ids under another key.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { loadConfig } from '../config';
import { createServices, type Services } from '../services';
import { openStore } from '../store/client';
import { tracer } from './observability';

const LambdaSecret = z.object({ pseudonymKey: z.string().min(32).optional(), adminToken: z.string().min(16).optional() });

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
  let secret: z.infer<typeof LambdaSecret> = {};
  if (secretArn) {
    const sm = tracer.captureAWSv3Client(new SecretsManagerClient({}));
    const out = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secret = LambdaSecret.parse(JSON.parse(out.SecretString ?? '{}'));
  } else {
    // tests and local invocations of the bundled handlers
    secret = { pseudonymKey: config.SEXTANT_PSEUDONYM_KEY, adminToken: config.SEXTANT_ADMIN_TOKEN };
  }
  const store = await openStore({ kind: 'dynamodb', table: config.SEXTANT_TABLE, endpoint: config.DYNAMODB_ENDPOINT });
  // the document client shares the DynamoDB client's middleware stack: every table call becomes an X-Ray subsegment
  tracer.captureAWSv3Client(store.doc);
  const services = createServices(config, store, Buffer.alloc(0), extra);
  const key = secret.pseudonymKey;
  Object.defineProperty(services, 'pseudonymKey', {
    get() {
      if (!key) throw new Error('this function holds no pseudonymisation key (only ingest reads it)');
      return Buffer.from(key, 'utf8');
    },
  });
  if (secret.adminToken && process.env.SEXTANT_ENSURE_ADMIN === '1') await services.keys.ensureBootstrapAdmin(secret.adminToken);
  return services;
}
