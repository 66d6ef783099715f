/** POST /api/v1/asks/import (?dryRun=1 previews) — CSV with a column mapping. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { AskImportRequest, AskImportResult } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function importAsks(req: AskImportRequest, dryRun: boolean): Promise<AskImportResult> {
  const result = await call(api.POST('/api/v1/asks/import', { body: req, params: { query: dryRun ? { dryRun: '1' } : {} } }));
  if (!dryRun) {
    await invalidate(keys.asks.all, keys.demand.all);
  }
  return result;
}
