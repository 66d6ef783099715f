/**
 * Write routes (POST/PUT/PATCH/DELETE) that record no audit entry, each with why. Every other
 * write route records one (functions/src/audit/record.ts); the app logs an error for a write
 * that answered 2xx without one, and test/integration/audit.test.ts fails the suite.
 */
export const AUDIT_EXEMPT: Record<string, string> = {
  // measured data, not changes anyone makes: events and KPI values from pipelines (thousands a
  // second; each is kept as a raw event or fact already, with its messageId)
  'POST /v1/batch': 'ingest: events',
  'POST /v1/track': 'ingest: events',
  'POST /v1/page': 'ingest: events',
  'POST /v1/screen': 'ingest: events',
  'POST /v1/identify': 'ingest: events',
  'POST /v1/group': 'ingest: events',
  'POST /v1/alias': 'ingest: events',
  'POST /v1/b': 'ingest: events',
  'POST /v1/t': 'ingest: events',
  'POST /v1/p': 'ingest: events',
  'POST /v1/s': 'ingest: events',
  'POST /v1/i': 'ingest: events',
  'POST /v1/g': 'ingest: events',
  'POST /v1/a': 'ingest: events',
  'POST /v1/event': 'ingest: events',
  'POST /v1/metrics': 'ingest: KPI values',
  // a preview: computes a proposal and changes nothing (accepting it, POST /plan/accept, is recorded)
  'POST /api/v1/plan': 'changes nothing',
};

/** Also changes nothing: `POST /api/v1/asks/import?dryRun=1` (the import itself is recorded). */
export const isExempt = (method: string, routePath: string) => `${method.toUpperCase()} ${routePath}` in AUDIT_EXEMPT;
