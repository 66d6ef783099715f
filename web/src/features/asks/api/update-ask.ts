/** PATCH /api/v1/asks/:id — triage: link or unlink epics, decline with a reason, reopen. */
import type { Ask, AskPatch } from '../../../../../shared/asks';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function updateAsk(id: string, patch: AskPatch): Promise<Ask> {
  const ask = await api<Ask>(`/asks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
  invalidate('asks:');
  invalidate('demand:');
  return ask;
}

/** Link many asks to one epic (keeping their other links). */
export async function linkAsks(asks: Ask[], epicId: string): Promise<Ask[]> {
  const out: Ask[] = [];
  for (const a of asks) out.push(await updateAsk(a.id, { epicIds: [...new Set([...a.epicIds, epicId])] }));
  return out;
}
