/** GET /api/v1/epics/:id/outcome?asOf= — an epic's measured outcome and verdict. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Outcome } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getOutcome(epicId: string, asOf: string | null, signal?: AbortSignal): Promise<Outcome> {
  return call(api.GET('/api/v1/epics/{id}/outcome', { params: { path: { id: epicId }, query: asOf ? { asOf } : {} }, signal })) as Promise<Outcome>;
}

export function useOutcome(epicId: string, asOf: string | null) {
  return useQuery({ queryKey: keys.outcome.at(epicId, asOf), queryFn: ({ signal }) => getOutcome(epicId, asOf, signal) });
}
