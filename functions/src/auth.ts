/** Credentials: bearer tokens (roles) for the API, write keys (scope ingest) for ingest. */
import type { Context, MiddlewareHandler } from 'hono';
import { ROLE_RANK, type KeyRecord, type Role } from '../../shared/keys';
import { forbidden, unauthorized } from './errors';
import type { Env } from './context';
import { checkAuthAllowed, recordAuthFailure } from './auth-limit';
import { AppError } from './errors';
import { looksLikeJwt } from './oidc';

/** The key presented as `Bearer <key>` or as the Basic-auth user (Segment's way). */
export function presentedKey(c: Context<Env>): string | undefined {
  const h = c.req.header('authorization');
  if (!h) return undefined;
  const [scheme, value] = h.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    try {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const user = decoded.split(':')[0];
      return user || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Role tokens on /api/*: `Authorization: Bearer <token>` only (not Basic, not the query, not the body). */
export function bearerKey(c: Context<Env>): string | undefined {
  const [scheme, value] = (c.req.header('authorization') ?? '').trim().split(/\s+/, 2);
  return value && /^bearer$/i.test(scheme) ? value : undefined;
}

export async function authenticate(c: Context<Env>, key: string | undefined): Promise<KeyRecord> {
  const services = c.get('services');
  checkAuthAllowed(c, services); // 429 for an address that keeps failing (./auth-limit.ts)
  try {
    if (!key) throw unauthorized('missing credentials: send "Authorization: Bearer <token>"');
    // a person's token from the identity provider (functions/src/oidc.ts); Sextant keys have no dots
    if (services.identity && looksLikeJwt(key)) return (await services.identity.identify(key, services.now())).principal;
    if (key.length > 200) throw unauthorized('invalid credentials');
    const record = await services.keys.authenticate(key);
    if (!record) throw unauthorized('invalid or revoked credentials');
    // dashboard sessions expire (routes/session.ts)
    if (record.expiresAt && Date.parse(record.expiresAt) <= services.now()) throw unauthorized('your session expired; sign in again');
    return record;
  } catch (e) {
    // a JWT's first characters are its header, the same for everyone: count it by address only
    if (e instanceof AppError && e.status === 401) recordAuthFailure(c, services, key && looksLikeJwt(key) ? undefined : key);
    throw e;
  }
}

/** Require a role token of at least `min`. */
export function requireRole(min: Role): MiddlewareHandler<Env> {
  return async (c, next) => {
    const record = await authenticate(c, bearerKey(c));
    if (record.scope === 'ingest') throw forbidden('a write key (scope ingest) can only send events to /v1/*; use a viewer, editor or admin token');
    if (ROLE_RANK[record.scope] < ROLE_RANK[min]) throw forbidden(`this needs the ${min} role; your token has ${record.scope}`);
    c.set('principal', record);
    await next();
  };
}
