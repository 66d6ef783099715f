/** GET /api/v1/asks/:id/suggestions — epics the ask may be about and similar asks, best first. */
import type { Suggestions } from '../../../../../shared/asks';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getSuggestions(id: string, signal?: AbortSignal): Promise<Suggestions> {
  return api<Suggestions>(`/asks/${encodeURIComponent(id)}/suggestions`, { signal });
}

export function useSuggestions(id: string | null) {
  return useQuery(id ? `asks:suggestions:${id}` : null, (signal) => getSuggestions(id!, signal));
}
