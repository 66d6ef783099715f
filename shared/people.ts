/**
 * People who sign in with the company's identity provider (OpenID Connect), and how their role
 * is found. Pure: no Hono, no AWS SDK, no React.
 */
import { z } from 'zod';
import { ROLE_RANK } from './constants';

export const PERSON_ROLES = ['viewer', 'editor', 'admin'] as const;
export const PersonRole = z.enum(PERSON_ROLES);
export type PersonRole = z.infer<typeof PersonRole>;

/** An email as Sextant keys people by it: trimmed, lower case (providers differ in case). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'not an email address')
  .transform(normalizeEmail);

export const PersonCreate = z.object({ email: Email, role: PersonRole }).strict().meta({ id: 'PersonCreate' });
export type PersonCreate = z.infer<typeof PersonCreate>;
/** PATCH: the role (an email is the person's identity; `email`, when sent, must be theirs) */
export const PersonUpdate = z.object({ role: PersonRole, email: Email.optional() }).strict().meta({ id: 'PersonUpdate' });
export type PersonUpdate = z.infer<typeof PersonUpdate>;

/** Where a person's role comes from: Sextant's people list, the provider's groups claim, or SEXTANT_ADMIN_EMAILS. */
export const ROLE_SOURCES = ['people', 'claim', 'admin_email'] as const;
export const RoleSource = z.enum(ROLE_SOURCES);
export type RoleSource = z.infer<typeof RoleSource>;

/** One entry of the people list (GET /api/v1/people). */
export const Person = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().optional(),
    role: PersonRole,
    source: RoleSource.describe('people: invited here (removable); claim: the identity provider groups claim; admin_email: SEXTANT_ADMIN_EMAILS'),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    lastSeenAt: z.string().optional().describe('last request with this person’s token (written at most every 5 minutes)'),
  })
  .meta({ id: 'Person' });
export type Person = z.infer<typeof Person>;

/** What the dashboard needs to offer "Sign in with …" (GET /api/v1/identity; public). */
export const IdentityConfig = z
  .object({
    oidc: z
      .object({
        issuer: z.string(),
        clientId: z.string(),
        scopes: z.array(z.string()),
        providerName: z.string().describe('shown on the sign-in button'),
        logoutUrl: z.string().optional().describe("the provider's sign-out URL when its discovery names no end_session_endpoint (Cognito)"),
      })
      .nullable()
      .describe('null when no identity provider is configured (sign-in links and tokens only)'),
  })
  .meta({ id: 'IdentityConfig' });
export type IdentityConfig = z.infer<typeof IdentityConfig>;

/** `admin=sextant-admin,editor=sextant-editor,viewer=sextant-viewer` → claim value → role (several values per role allowed). */
export function parseRoleValues(spec: string): Map<string, PersonRole> {
  const out = new Map<string, PersonRole>();
  for (const part of spec.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) throw new Error(`"${part.trim()}" is not role=value`);
    const role = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (!PersonRole.safeParse(role).success) throw new Error(`"${role}" is not a role (viewer, editor or admin)`);
    if (!value) throw new Error(`role "${role}" has an empty value`);
    out.set(value, role as PersonRole);
  }
  return out;
}

/**
 * The highest role the claim grants: the claim may be a string, a space- or comma-separated
 * string, or an array of strings (Okta, Entra ID, Cognito's `cognito:groups`, Keycloak). Values
 * compare exactly (case-sensitive, as providers emit them).
 */
export function roleFromClaim(claim: unknown, values: Map<string, PersonRole>): PersonRole | undefined {
  const list = Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  let best: PersonRole | undefined;
  for (const v of list) {
    const r = values.get(v);
    if (r && (!best || ROLE_RANK[r] > ROLE_RANK[best])) best = r;
  }
  return best;
}

/** A claim by name; a dotted name reads a nested object (`realm_access.roles`) unless the name itself is a key (`cognito:groups`). */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let at: unknown = claims;
  for (const part of name.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
