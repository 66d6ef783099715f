/** POST /api/v1/asks/import (?dryRun=1 previews) — CSV with a column mapping. */
import type { AskImportRequest, AskImportResult } from '../../../../../shared/asks';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function importAsks(req: AskImportRequest, dryRun: boolean): Promise<AskImportResult> {
  const result = await api<AskImportResult>('/asks/import', { method: 'POST', body: req, query: { dryRun: dryRun ? '1' : undefined } });
  if (!dryRun) {
    invalidate('asks:');
    invalidate('demand:');
  }
  return result;
}
