/** GET /api/v1/asks — a page of asks, newest first, filtered; and every ask (paged through) for demand badges. */
import type { Ask, AskList, AskStatus } from '../../../shared/asks';
import { api } from '../lib/api-client';
import { useQuery } from '../lib/query';

export interface AskFilters {
  status?: AskStatus | null;
  source?: string | null;
  epicId?: string | null;
  accountId?: string | null;
  q?: string | null;
}

export function getAsks(filters: AskFilters, next?: string, signal?: AbortSignal): Promise<AskList> {
  return api<AskList>('/asks', { query: { ...filters, limit: 200, next }, signal });
}

export function useAsks(filters: AskFilters) {
  const key = `asks:list:${JSON.stringify(filters)}`;
  return useQuery(key, (signal) => getAsks(filters, undefined, signal));
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
  return useQuery(enabled ? 'asks:all' : null, getAllAsks);
}
