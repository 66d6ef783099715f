/** GET /api/v1/keys — every key (never its secret), newest first. Admin only. */
import type { KeyRecord } from '../../../../../shared/keys';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getKeys(signal?: AbortSignal): Promise<KeyRecord[]> {
  return api<KeyRecord[]>('/keys', { signal });
}

export function useKeys(enabled: boolean) {
  return useQuery(enabled ? 'keys' : null, getKeys);
}
