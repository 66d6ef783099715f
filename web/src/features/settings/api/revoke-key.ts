/** DELETE /api/v1/keys/:id — revoke a key (effective on its next request). */
import type { KeyRecord } from '../../../../../shared/keys';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function revokeKey(id: string): Promise<KeyRecord> {
  const revoked = await api<KeyRecord>(`/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
  invalidate('keys');
  return revoked;
}
