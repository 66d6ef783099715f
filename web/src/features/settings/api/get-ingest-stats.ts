/** GET /api/v1/ingest/stats?days= — events received per day, recent rejections, data freshness. */
import type { IngestStats } from '../../../../../shared/ingest';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getIngestStats(days: number, signal?: AbortSignal): Promise<IngestStats> {
  return api<IngestStats>('/ingest/stats', { query: { days }, signal });
}

export function useIngestStats(days: number) {
  return useQuery(`ingest:${days}`, (signal) => getIngestStats(days, signal));
}
