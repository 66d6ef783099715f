/** PATCH /api/v1/asks/:id — triage: link or unlink epics, decline with a reason, reopen. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Ask, AskPatch } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

function patchAsk(id: string, patch: AskPatch): Promise<Ask> {
  return call(api.PATCH('/api/v1/asks/{id}', { params: { path: { id } }, body: patch }));
}

export async function updateAsk(id: string, patch: AskPatch): Promise<Ask> {
  const ask = await patchAsk(id, patch);
  await invalidate(keys.asks.all, keys.demand.all);
  return ask;
}

/** Link many asks to one epic (keeping their other links); the lists refetch once, at the end. */
export async function linkAsks(asks: Ask[], epicId: string): Promise<Ask[]> {
  const out: Ask[] = [];
  try {
    for (const a of asks) out.push(await patchAsk(a.id, { epicIds: [...new Set([...a.epicIds, epicId])] }));
  } finally {
    await invalidate(keys.asks.all, keys.demand.all);
  }
  return out;
}
