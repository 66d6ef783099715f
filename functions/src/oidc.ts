/**
 * People signed in with the company's identity provider: `Authorization: Bearer <JWT>` from
 * SEXTANT_OIDC_ISSUER, verified with `jose` (no hand-written crypto):
 * - signature against the issuer's JWKS (jwks_uri from discovery; `createRemoteJWKSet` caches
 *   the keys, refetches on an unknown `kid` at most every 30 s, times out after 5 s);
 * - algorithms: asymmetric only (RS*, PS*, ES*, EdDSA): never `none`, never HS* (a token
 *   "signed" with the provider's public key as an HMAC secret is refused);
 * - `iss` equal to the issuer; `exp` required and `nbf` honoured, with CLOCK_TOLERANCE_S of skew;
 * - audience: `aud` contains SEXTANT_OIDC_CLIENT_ID (ID tokens, and access tokens of providers
 *   that put the client there); or, for an access token without `aud` (Cognito's), `client_id`
 *   equals it. When `azp` is present it must equal the client id too (OIDC Core 3.1.3.7), so a
 *   token issued to another client of the same provider is refused even when it lists us in `aud`.
 * The role: SEXTANT_ADMIN_EMAILS (verified email) → admin; else the highest role the roles claim
 * maps to (SEXTANT_OIDC_ROLE_VALUES); else the people list (verified email), read on every such
 * request and never cached, so a removal or a role change takes effect on the next request.
 * No role → 403. A verified email is the `email` claim with `email_verified: true` (Cognito's
 * user pools may send the string "true"), or, from Entra ID (which sends no email_verified), with
 * its optional claim `xms_edov` (the email's domain is verified by its owner) true.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { KeyRecord } from '../../shared/keys';
import { claimAt, normalizeEmail, parseRoleValues, roleFromClaim, type PersonRole, type RoleSource } from '../../shared/people';
import type { Config } from './config';
import { AppError, forbidden, unauthorized } from './errors';
import { log } from './log';
import type { PeopleStore } from './store/people-store';

export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
export const CLOCK_TOLERANCE_S = 30;
/** a JWT is longer than any Sextant key but bounded: bigger headers are refused before any parsing */
export const MAX_JWT_LENGTH = 16_384;

/** Three base64url parts: a JWT (JWS compact form), told apart from Sextant's `sx_…` keys without parsing. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

export interface Identity {
  principal: KeyRecord;
  source: RoleSource;
}

interface Discovered {
  jwks: ReturnType<typeof createRemoteJWKSet>;
  endSession?: string;
}

export class OidcVerifier {
  readonly issuer: string;
  readonly clientId: string;
  private readonly roleValues: Map<string, PersonRole>;
  private readonly adminEmails: Set<string>;
  private discovered?: Promise<Discovered>;

  constructor(
    private readonly config: Config,
    private readonly people: PeopleStore,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.issuer = config.SEXTANT_OIDC_ISSUER!;
    this.clientId = config.SEXTANT_OIDC_CLIENT_ID!;
    this.roleValues = parseRoleValues(config.SEXTANT_OIDC_ROLE_VALUES);
    this.adminEmails = new Set(config.SEXTANT_ADMIN_EMAILS);
  }

  /** Discovery, once per process (retried on the next request after a failure). */
  private discover(): Promise<Discovered> {
    this.discovered ??= (async () => {
      const url = `${this.issuer}/.well-known/openid-configuration`;
      const res = await this.fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`discovery ${url} answered ${res.status}`);
      const meta = (await res.json()) as { issuer?: string; jwks_uri?: string; end_session_endpoint?: string };
      // the document must name the very issuer configured (OIDC Discovery 4.3)
      if (meta.issuer?.replace(/\/+$/, '') !== this.issuer) throw new Error(`discovery names issuer ${meta.issuer}, not ${this.issuer}`);
      if (!meta.jwks_uri) throw new Error('discovery has no jwks_uri');
      return { jwks: createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }), endSession: meta.end_session_endpoint };
    })();
    this.discovered.catch(() => {
      this.discovered = undefined;
    });
    return this.discovered;
  }

  /** Verify a JWT; 401 for any token that is not a valid one of ours (no detail of why, beyond the log). */
  async verify(token: string, now: number): Promise<JWTPayload> {
    if (token.length > MAX_JWT_LENGTH) throw unauthorized('invalid credentials');
    let d: Discovered;
    try {
      d = await this.discover();
    } catch (e) {
      log.error('identity provider discovery failed', { issuer: this.issuer, message: (e as Error).message });
      throw new AppError(503, 'unavailable', 'the identity provider cannot be reached to check your sign-in; retry shortly', { retryAfterSeconds: 5 });
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, d.jwks, {
        issuer: this.issuer,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iss', 'sub'],
        currentDate: new Date(now),
      }));
    } catch (e) {
      const expired = e instanceof joseErrors.JWTExpired;
      log.info('identity token refused', { reason: (e as { code?: string }).code ?? (e as Error).name });
      throw unauthorized(expired ? 'your sign-in expired; sign in again' : 'invalid credentials');
    }
    if (!this.audienceMatches(payload)) {
      log.info('identity token refused', { reason: 'audience' });
      throw unauthorized('invalid credentials');
    }
    return payload;
  }

  private audienceMatches(p: JWTPayload): boolean {
    if (typeof p.azp === 'string' && p.azp !== this.clientId) return false;
    const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud : undefined;
    if (aud) return aud.includes(this.clientId);
    // no `aud`: an access token naming its client (Cognito: token_use=access, client_id)
    return typeof p.client_id === 'string' && p.client_id === this.clientId;
  }

  /** The person behind a verified token, with their role now (403 when they have none). */
  async identify(token: string, now: number): Promise<Identity> {
    const claims = (await this.verify(token, now)) as JWTPayload & Record<string, unknown>;
    const email = typeof claims.email === 'string' && emailVerified(claims) ? normalizeEmail(claims.email) : undefined;
    const name = (typeof claims.name === 'string' && claims.name.trim()) || email || (typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined) || String(claims.sub);
    let role: PersonRole | undefined;
    let source: RoleSource | undefined;
    if (email && this.adminEmails.has(email)) [role, source] = ['admin', 'admin_email'];
    if (!role) {
      const fromClaim = roleFromClaim(claimAt(claims, this.config.SEXTANT_OIDC_ROLES_CLAIM), this.roleValues);
      if (fromClaim) [role, source] = [fromClaim, 'claim'];
    }
    if (!role && email) {
      const listed = await this.people.getByEmail(email);
      if (listed) [role, source] = [listed.role, 'people'];
    }
    if (!role || !source) {
      throw forbidden(
        email
          ? `${email} has no role in Sextant: ask an admin to add you on the People page (or to put you in one of the groups ${[...this.roleValues.keys()].join(', ')})`
          : `your sign-in carries no verified email and none of the groups ${[...this.roleValues.keys()].join(', ')}: ask an admin to give you a role`,
      );
    }
    if (email) {
      // last seen: at most every 5 minutes per person; a failure here never fails the request
      this.people.seen({ email, name: name !== email ? name : undefined, role, source }).catch((e) => log.warn('last-seen write failed', { message: (e as Error).message }));
    }
    const principal: KeyRecord = {
      id: `oidc:${String(claims.sub).slice(0, 200)}`,
      name,
      scope: role,
      prefix: 'oidc',
      createdAt: new Date((claims.iat ?? Math.floor(now / 1000)) * 1000).toISOString(),
      expiresAt: new Date(claims.exp! * 1000).toISOString(),
      ...(email ? { email } : {}),
    };
    return { principal, source };
  }

  /** For tests and the People page: is this email an admin from configuration? */
  isAdminEmail(email: string): boolean {
    return this.adminEmails.has(normalizeEmail(email));
  }
}

/** A principal signed in with the identity provider (not a key or a session). */
export const isPerson = (p: KeyRecord) => p.id.startsWith('oidc:');

/** Origins the dashboard's sign-in calls (CSP connect-src): the issuer's and SEXTANT_OIDC_ORIGINS. */
export function signInOrigins(config: Config): string[] {
  if (!config.SEXTANT_OIDC_ISSUER) return [];
  return [...new Set([new URL(config.SEXTANT_OIDC_ISSUER).origin, ...config.SEXTANT_OIDC_ORIGINS])];
}

/** The provider vouches for the email (see the header). An unverified email never matches the people list or SEXTANT_ADMIN_EMAILS. */
export function emailVerified(claims: Record<string, unknown>): boolean {
  const yes = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';
  return yes(claims.email_verified) || (claims.email_verified === undefined && yes(claims.xms_edov));
}
