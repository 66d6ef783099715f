/** GET /api/v1/epics/:id/demand — customer demand for an epic and, once shipped, whether the askers adopted. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Demand } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getDemand(epicId: string, asOf: string | null, signal?: AbortSignal): Promise<Demand> {
  return call(api.GET('/api/v1/epics/{id}/demand', { params: { path: { id: epicId }, query: asOf ? { asOf } : {} }, signal })) as Promise<Demand>;
}

export function useDemand(epicId: string, asOf: string | null) {
  return useQuery({ queryKey: keys.demand.at(epicId, asOf), queryFn: ({ signal }) => getDemand(epicId, asOf, signal) });
}
