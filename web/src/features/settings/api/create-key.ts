/** POST /api/v1/keys — create a write key or role token; the secret is in this response only. */
import type { z } from 'zod';
import type { KeyCreate, KeyCreated } from '../../../../../shared/keys';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export type KeyRequest = z.input<typeof KeyCreate>;
export type NewKey = z.infer<typeof KeyCreated>;

export async function createKey(input: KeyRequest): Promise<NewKey> {
  const created = await api<NewKey>('/keys', { method: 'POST', body: input });
  invalidate('keys');
  return created;
}
