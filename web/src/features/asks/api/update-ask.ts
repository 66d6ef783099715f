/** PATCH /api/v1/asks/:id — triage: link or unlink epics, decline with a reason, reopen. */
import { keys } from '../../../api/keys';
import { queryClient } from '../../../api/query-client';
import type { Ask, AskPatch } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function updateAsk(id: string, patch: AskPatch): Promise<Ask> {
  const ask = await call(api.PATCH('/api/v1/asks/{id}', { params: { path: { id } }, body: patch }));
  void queryClient.invalidateQueries({ queryKey: keys.asks.all });
  void queryClient.invalidateQueries({ queryKey: keys.demand.all });
  return ask;
}

/** Link many asks to one epic (keeping their other links). */
export async function linkAsks(asks: Ask[], epicId: string): Promise<Ask[]> {
  const out: Ask[] = [];
  for (const a of asks) out.push(await updateAsk(a.id, { epicIds: [...new Set([...a.epicIds, epicId])] }));
  return out;
}
