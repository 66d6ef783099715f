/** POST /api/v1/asks/import (?dryRun=1 previews) — CSV with a column mapping. */
import { keys } from '../../../api/keys';
import { queryClient } from '../../../api/query-client';
import type { AskImportRequest, AskImportResult } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function importAsks(req: AskImportRequest, dryRun: boolean): Promise<AskImportResult> {
  const result = await call(api.POST('/api/v1/asks/import', { body: req, params: { query: dryRun ? { dryRun: '1' } : {} } }));
  if (!dryRun) {
    void queryClient.invalidateQueries({ queryKey: keys.asks.all });
    void queryClient.invalidateQueries({ queryKey: keys.demand.all });
  }
  return result;
}
