/** GET /api/v1/people — who has access (people list, groups claim, admin emails). Admin only. */
import type { Person } from '../../../../../shared/people';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getPeople(signal?: AbortSignal): Promise<Person[]> {
  return api<Person[]>('/people', { signal });
}

export function usePeople(enabled: boolean) {
  return useQuery(enabled ? 'people' : null, getPeople);
}
