/** DELETE /api/v1/keys/:id — revoke a key (refused at once by the process that revoked it, by every process within SEXTANT_CREDENTIAL_CACHE_SECONDS). */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { KeyRecord } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function revokeKey(id: string): Promise<KeyRecord> {
  const revoked = await call(api.DELETE('/api/v1/keys/{id}', { params: { path: { id } } }));
  await invalidate(keys.keys);
  return revoked;
}
