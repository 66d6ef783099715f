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
  })
  .meta({ id: 'KeyRecord' });
export type KeyRecord = z.infer<typeof KeyRecord>;

export const KeyCreated = KeyRecord.extend({ key: z.string().describe('shown in this response only') }).meta({ id: 'KeyCreated' });
