/** GET /api/v1/audit — the audit trail, newest first (editor and up). */
import type { AuditPage } from '../../../../../shared/audit';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export interface AuditFilters {
  epicId?: string | null;
  actor?: string | null;
  from?: string | null;
  to?: string | null;
  cursor?: string | null;
  limit?: number;
}

export const AUDIT_KEY = 'audit:';

export function getAudit(f: AuditFilters, signal?: AbortSignal): Promise<AuditPage> {
  return api<AuditPage>('/audit', { query: { epicId: f.epicId, actor: f.actor, from: f.from, to: f.to, cursor: f.cursor, limit: f.limit }, signal });
}

/** One page; `null` filters wait (e.g. a role that may not read the trail). */
export function useAudit(f: AuditFilters | null) {
  const key = f ? `${AUDIT_KEY}${JSON.stringify([f.epicId ?? '', f.actor ?? '', f.from ?? '', f.to ?? '', f.cursor ?? '', f.limit ?? 50])}` : null;
  return useQuery(key, (signal) => getAudit(f ?? {}, signal));
}
