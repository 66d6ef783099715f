/** GET /api/v1/identity (public) — the identity provider the sign-in page offers, if any. */
import type { IdentityConfig } from '../../../shared/people';
import { api } from '../lib/api-client';

export function getIdentity(signal?: AbortSignal): Promise<IdentityConfig> {
  return api<IdentityConfig>('/identity', { token: '', signal });
}
