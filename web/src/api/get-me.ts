/** GET /api/v1/me — the caller's key record; the dashboard follows its scope. */
import { api, call, withToken } from '../lib/api-client';
import type { KeyRecord } from './types';

export function getMe(token?: string, signal?: AbortSignal): Promise<KeyRecord> {
  return call(api.GET('/api/v1/me', { ...(token === undefined ? {} : withToken(token)), signal }));
}
