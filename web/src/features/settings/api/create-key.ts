/** POST /api/v1/keys — create a write key or role token; the secret is in this response only. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { KeyCreated, RequestBody } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export type KeyRequest = RequestBody<'/api/v1/keys', 'post'>;
export type NewKey = KeyCreated;

export async function createKey(input: KeyRequest): Promise<NewKey> {
  const created = await call(api.POST('/api/v1/keys', { body: input }));
  await invalidate(keys.keys);
  return created;
}
