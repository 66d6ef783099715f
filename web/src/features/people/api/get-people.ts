/** GET /api/v1/people — who has access (people list, groups claim, admin emails). Admin only. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Person } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getPeople(signal?: AbortSignal): Promise<Person[]> {
  return call(api.GET('/api/v1/people', { signal }));
}

export function usePeople(enabled: boolean) {
  return useQuery({ queryKey: keys.people, queryFn: ({ signal }) => getPeople(signal), enabled });
}
