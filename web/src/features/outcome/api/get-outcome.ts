/** GET /api/v1/epics/:id/outcome?asOf= — an epic's measured outcome and verdict. */
import type { Outcome } from '../../../../../shared/outcome-types';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getOutcome(epicId: string, asOf: string | null, signal?: AbortSignal): Promise<Outcome> {
  return api<Outcome>(`/epics/${encodeURIComponent(epicId)}/outcome`, { query: { asOf }, signal });
}

export function useOutcome(epicId: string, asOf: string | null) {
  return useQuery(`outcome:${epicId}:${asOf ?? 'today'}`, (signal) => getOutcome(epicId, asOf, signal));
}
