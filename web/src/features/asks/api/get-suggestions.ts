/** GET /api/v1/asks/:id/suggestions — epics the ask may be about and similar asks, best first. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { AskSuggestions } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getSuggestions(id: string, signal?: AbortSignal): Promise<AskSuggestions> {
  return call(api.GET('/api/v1/asks/{id}/suggestions', { params: { path: { id } }, signal }));
}

export function useSuggestions(id: string | null) {
  return useQuery({ queryKey: keys.asks.suggestions(id ?? ''), queryFn: ({ signal }) => getSuggestions(id!, signal), enabled: id !== null });
}
