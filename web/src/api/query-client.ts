/**
 * The dashboard's TanStack Query client: one cache for every page. Reads stay fresh until a
 * mutation invalidates them (as before), but for the impact page, which refetches when the tab
 * regains focus. Retries: on 429 and 503 after the server's `Retry-After` (at most
 * RETRY_LIMIT times), once on a network error or another 5xx, never on another 4xx.
 */
import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../lib/api-client';
import { keys } from './keys';

export const RETRY_LIMIT = 3;
/** longest wait honoured from `Retry-After` (a longer one shows the error and its retry button) */
export const MAX_RETRY_AFTER_MS = 30_000;

export function shouldRetry(failures: number, error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 429 || error.status === 503) return failures < RETRY_LIMIT && (error.retryAfter ?? 0) * 1000 <= MAX_RETRY_AFTER_MS;
  if (error.status === 0 || error.status >= 500) return failures < 1;
  return false;
}

export function retryDelay(failures: number, error: unknown): number {
  if (error instanceof ApiError && error.retryAfter !== null) return error.retryAfter * 1000;
  return Math.min(1000 * 2 ** failures, 8000);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: shouldRetry, retryDelay },
      mutations: { retry: false },
    },
  });
}

/** The app's client (tests make their own with `createQueryClient()` or clear this one). */
export const queryClient = createQueryClient();

/** Forget everything (sign-in, sign-out). */
export function clearQueries() {
  queryClient.clear();
}

/**
 * After a write: refetch what shows the changed resources, and resolve once they are fresh (so
 * a mutation is pending until the page shows its effect). Queries nobody reads are only marked stale.
 */
export async function invalidate(...queryKeys: QueryKey[]): Promise<void> {
  // every write records an audit entry (the History page and each epic's history show them)
  await Promise.all([...queryKeys, keys.audit.all].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}
