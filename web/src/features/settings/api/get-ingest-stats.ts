/** GET /api/v1/ingest/stats?days= — events received per day, recent rejections, data freshness. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { IngestStats } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getIngestStats(days: number, signal?: AbortSignal): Promise<IngestStats> {
  return call(api.GET('/api/v1/ingest/stats', { params: { query: { days } }, signal }));
}

export function useIngestStats(days: number) {
  return useQuery({ queryKey: keys.ingestStats(days), queryFn: ({ signal }) => getIngestStats(days, signal) });
}
