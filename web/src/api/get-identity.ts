/** GET /api/v1/identity (public) — the identity provider the sign-in page offers, if any. */
import { useQuery } from '@tanstack/react-query';
import { api, call, withToken } from '../lib/api-client';
import { keys } from './keys';
import type { Identity } from './types';

export function getIdentity(signal?: AbortSignal): Promise<Identity> {
  return call(api.GET('/api/v1/identity', { ...withToken(''), signal }));
}

export function useIdentity() {
  return useQuery({ queryKey: keys.identity, queryFn: ({ signal }) => getIdentity(signal), staleTime: Infinity });
}
