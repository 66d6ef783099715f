/** API keys: write keys (scope `ingest`) and bearer tokens of a role. Pure. */
import { z } from 'zod';

export const KEY_SCOPES = ['ingest', 'viewer', 'editor', 'admin'] as const;
export const KeyScope = z.enum(KEY_SCOPES);
export type KeyScope = z.infer<typeof KeyScope>;
export type Role = Exclude<KeyScope, 'ingest'>;

export { ROLE_RANK } from './constants';

export const KeyCreate = z
  .object({ name: z.string().trim().min(1).max(80), scope: KeyScope })
  .strict()
  .meta({ id: 'KeyCreate' });

export const KeyRecord = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: KeyScope,
    /** the first characters of the key, to recognise it in lists */
    prefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
    /** dashboard sessions (from a sign-in link or a pasted token) expire; keys do not */
    expiresAt: z.string().optional(),
    session: z.boolean().optional(),
    /** a person signed in through the identity provider (the audit trail names them by it) */
    email: z.string().optional(),
  })
  .meta({ id: 'KeyRecord' });
export type KeyRecord = z.infer<typeof KeyRecord>;

export const KeyCreated = KeyRecord.extend({ key: z.string().describe('shown in this response only') }).meta({ id: 'KeyCreated' });

/** Sign-in codes last this long (a link printed at start, or made by an admin). */
export const SIGN_IN_CODE_MINUTES = 10;
/** A dashboard session lasts at most this long. */
export const SESSION_HOURS = 12;

export const SignInRequest = z.object({ code: z.string().min(1).max(200) }).strict().meta({ id: 'SignInRequest' });
export const SessionCreated = z
  .object({
    token: z.string().describe('the session token: send it as "Authorization: Bearer …"; it expires at expiresAt'),
    expiresAt: z.string(),
    me: KeyRecord,
  })
  .meta({ id: 'SessionCreated' });
export type SessionCreated = z.infer<typeof SessionCreated>;
export const SignInCodeCreate = z.object({ scope: z.enum(['viewer', 'editor', 'admin']) }).strict().meta({ id: 'SignInCodeCreate' });
export const SignInCodeCreated = z
  .object({ code: z.string(), expiresAt: z.string(), path: z.string().describe('append to the dashboard URL: /#code=…') })
  .meta({ id: 'SignInCodeCreated' });
