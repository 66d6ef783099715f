/** GET /api/v1/me — the caller's key record; the dashboard follows its scope. */
import type { KeyRecord } from '../../../shared/keys';
import { api } from '../lib/api-client';

export function getMe(token?: string, signal?: AbortSignal): Promise<KeyRecord> {
  return api<KeyRecord>('/me', { token, signal });
}
