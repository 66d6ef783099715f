/** GET /api/v1/asks — a page of asks, newest first, filtered; and every ask (paged through) for demand badges. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../lib/api-client';
import { keys } from './keys';
import type { paths } from './schema';
import type { Ask, AskList } from './types';

type AskQuery = NonNullable<paths['/api/v1/asks']['get']['parameters']['query']>;

export interface AskFilters {
  status?: AskQuery['status'] | null;
  source?: string | null;
  epicId?: string | null;
  accountId?: string | null;
  q?: string | null;
}

export function getAsks(filters: AskFilters, next?: string, signal?: AbortSignal): Promise<AskList> {
  const query: AskQuery = { limit: 200, next };
  if (filters.status) query.status = filters.status;
  if (filters.source) query.source = filters.source;
  if (filters.epicId) query.epicId = filters.epicId;
  if (filters.accountId) query.accountId = filters.accountId;
  if (filters.q) query.q = filters.q;
  return call(api.GET('/api/v1/asks', { params: { query }, signal }));
}

export function useAsks(filters: AskFilters) {
  return useQuery({ queryKey: keys.asks.list(filters), queryFn: ({ signal }) => getAsks(filters, undefined, signal) });
}

/** Every ask (following `next`), for the roadmap's demand badges. */
export async function getAllAsks(signal?: AbortSignal): Promise<Ask[]> {
  const out: Ask[] = [];
  let next: string | undefined;
  do {
    const page = await getAsks({}, next, signal);
    out.push(...page.asks);
    next = page.next;
  } while (next);
  return out;
}

export function useAllAsks(enabled = true) {
  return useQuery({ queryKey: keys.asks.every, queryFn: ({ signal }) => getAllAsks(signal), enabled });
}
