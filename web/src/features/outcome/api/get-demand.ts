/** GET /api/v1/epics/:id/demand — customer demand for an epic and, once shipped, whether the askers adopted. */
import type { Demand } from '../../../../../shared/asks';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getDemand(epicId: string, asOf: string | null, signal?: AbortSignal): Promise<Demand> {
  return api<Demand>(`/epics/${encodeURIComponent(epicId)}/demand`, { query: { asOf }, signal });
}

export function useDemand(epicId: string, asOf: string | null) {
  return useQuery(`demand:${epicId}:${asOf ?? ''}`, (signal) => getDemand(epicId, asOf, signal));
}
