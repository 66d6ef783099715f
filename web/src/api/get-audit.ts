/** GET /api/v1/audit — the audit trail, newest first (editor and up): one page, or pages on demand. */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../lib/api-client';
import { keys } from './keys';
import type { AuditPage } from './types';

export interface AuditFilters {
  epicId?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export function getAudit(f: AuditFilters & { cursor?: string }, signal?: AbortSignal): Promise<AuditPage> {
  // the document makes a change's `from`/`to` (any JSON, null included) optional; the server always sends them
  return call(api.GET('/api/v1/audit', { params: { query: { epicId: f.epicId, actor: f.actor, from: f.from, to: f.to, cursor: f.cursor, limit: f.limit } }, signal })) as Promise<AuditPage>;
}

/** The newest page; `enabled: false` for a role that may not read the trail. */
export function useAudit(f: AuditFilters, enabled = true) {
  return useQuery({ queryKey: keys.audit.page(f), queryFn: ({ signal }) => getAudit(f, signal), enabled });
}

/** Every page loaded so far, newest first; `fetchNextPage()` reads the next older one. */
export function useAuditPages(f: AuditFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.audit.pages(f),
    queryFn: ({ pageParam, signal }) => getAudit({ ...f, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    enabled,
  });
}
