/**
 * Failed authentication is limited, per client address and per key prefix (the visible first 13
 * characters of a presented key), in a sliding window of one minute:
 * - an address over the limit gets 429 + Retry-After before any work is done for it (no store
 *   read), whatever it presents, until its window frees up;
 * - a prefix over the limit: a wrong key with that prefix gets 429 instead of 401 (the key it
 *   aims at keeps working: a flood aimed at one key must not lock its owner out).
 * Per process: on AWS the API Gateway stage throttle and the WAF rate rule of the CDK app bound
 * the fleet (see infra/constructs/api-protection.ts); this bounds each Lambda container and the
 * local server.
 */
import type { Context } from 'hono';
import { rateLimited } from './errors';
import type { Services } from './services';

const WINDOW_MS = 60_000;
/** distinct addresses and prefixes remembered; the oldest are forgotten first */
const MAX_TRACKED = 10_000;

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may fail again, or 0 when it is under the limit. */
  retryAfter(key: string): number {
    const times = this.recent(key);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.limit] + WINDOW_MS - this.now()) / 1000));
  }

  record(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, times.slice(-this.limit));
    if (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value as string);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - WINDOW_MS;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }
}

const limiters = new WeakMap<Services, FailureLimiter>();
function limiterOf(s: Services): FailureLimiter {
  let l = limiters.get(s);
  if (!l) limiters.set(s, (l = new FailureLimiter(s.config.SEXTANT_AUTH_FAILURES_PER_MINUTE, () => s.now())));
  return l;
}

/**
 * The caller's address: the socket's peer locally (@hono/node-server), API Gateway's
 * `sourceIp` on Lambda. Never a header the client writes (X-Forwarded-For).
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.event?.requestContext?.http?.sourceIp ?? env?.event?.requestContext?.identity?.sourceIp ?? 'unknown';
}

const prefixOf = (key: string) => key.slice(0, 13);

/** Before authenticating: 429 when the caller's address failed too often. */
export function checkAuthAllowed(c: Context, services: Services): void {
  const wait = limiterOf(services).retryAfter(`addr:${clientAddress(c)}`);
  if (wait > 0) throw rateLimited(wait);
}

/** After a failed authentication: count it; 429 (instead of 401) once the key's prefix is over the limit. */
export function recordAuthFailure(c: Context, services: Services, presented: string | undefined): void {
  const l = limiterOf(services);
  l.record(`addr:${clientAddress(c)}`);
  if (!presented) return;
  const prefix = `prefix:${prefixOf(presented)}`;
  const wait = l.retryAfter(prefix);
  l.record(prefix);
  if (wait > 0) throw rateLimited(wait);
}
