/** DELETE /api/v1/keys/:id — revoke a key (refused at once by the process that revoked it, by every process within SEXTANT_CREDENTIAL_CACHE_SECONDS). */
import type { KeyRecord } from '../../../../../shared/keys';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function revokeKey(id: string): Promise<KeyRecord> {
  const revoked = await api<KeyRecord>(`/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
  invalidate('keys');
  return revoked;
}
