/** The audit trail (editor and up): read only. No route updates or deletes an entry. */
import { AuditPage, AuditQuery } from '../../../shared/audit';
import { todayUtc } from '../../../shared/primitives';
import { endpoint, type Router } from '../http';
import { AuditStore } from '../store/audit-store';

export function auditRoutes(r: Router) {
  endpoint(
    r,
    {
      method: 'get',
      path: '/audit',
      summary: 'The audit trail, newest first: who changed what, when, field by field (append-only)',
      tags: ['Audit'],
      auth: 'editor',
      query: AuditQuery,
      responses: { 200: { description: 'A page of entries; `next` pages on to older ones', schema: AuditPage } },
    },
    async (c, { query }) => {
      const s = c.get('services');
      return c.json(await new AuditStore(s.store).page(query, todayUtc(s.now())));
    },
  );
}
