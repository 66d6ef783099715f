/** GET /api/v1/keys — every key (never its secret), newest first. Admin only. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { KeyRecord } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getKeys(signal?: AbortSignal): Promise<KeyRecord[]> {
  return call(api.GET('/api/v1/keys', { signal }));
}

export function useKeys(enabled: boolean) {
  return useQuery({ queryKey: keys.keys, queryFn: ({ signal }) => getKeys(signal), enabled });
}
