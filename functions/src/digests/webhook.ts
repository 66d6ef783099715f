/**
 * Webhook delivery with an SSRF guard. On AWS a target must be `https://` on a public host: the
 * URL is checked when a subscription is created, and every address the host resolves to is
 * checked again at connect time (a DNS answer that changed to a private address is refused).
 * The local server also accepts `http://127.0.0.1:<port>/…` so a receiver on the same machine
 * can be used. Redirects are not followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64], ['2001::', 23],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** Is this address private, loopback, link-local, reserved or otherwise not a public host? */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address: judge that one
  const embedded = lower.match(/^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  if (embedded) return blocked.check(embedded, 'ipv4');
  if (lower.startsWith('::ffff:') || lower.startsWith('64:ff9b::')) return true;
  return blocked.check(address, 'ipv6');
}

export interface WebhookPolicy {
  /** the local server: also accept http://127.0.0.1:<port>/… */
  allowLoopback: boolean;
}

/** The policy of this runtime: on Lambda no loopback, ever. */
export function webhookPolicy(): WebhookPolicy {
  return { allowLoopback: !process.env.AWS_LAMBDA_FUNCTION_NAME };
}

const isLoopbackTarget = (u: URL) => u.protocol === 'http:' && u.hostname === '127.0.0.1' && u.port !== '';

/** Why a webhook URL is refused, or null when it is acceptable (checked without DNS). */
export function webhookUrlProblem(raw: string, policy: WebhookPolicy): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url is not a valid URL';
  }
  if (u.username || u.password) return 'url must not carry credentials';
  if (policy.allowLoopback && isLoopbackTarget(u)) return null;
  if (u.protocol !== 'https:') return policy.allowLoopback ? 'url must be https:// (or http://127.0.0.1:<port>/… on the local server)' : 'url must be https://';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isNonPublicAddress(host)) return `url host ${host} is not a public address`;
  if (!isIP(host) && (!host.includes('.') || /\.(localhost|local|internal|localdomain|home|lan|corp)$/i.test(host) || host === 'localhost')) {
    return `url host ${host} is not a public host name`;
  }
  return null;
}

/** A DNS lookup that refuses non-public answers: the check happens on the address actually connected to. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const bad = list.find((a) => isNonPublicAddress(a.address));
    if (bad || list.length === 0) {
      const e = Object.assign(new Error(`${hostname} resolves to a non-public address (${bad?.address ?? 'none'}); refused`), { code: 'ESSRF' });
      return callback(e, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** POST a JSON payload; resolves on 2xx, throws WebhookError otherwise (retryable: network, 408, 429, 5xx). */
export function postWebhook(raw: string, payload: unknown, headers: Record<string, string>, policy: WebhookPolicy, timeoutMs = 10_000): Promise<{ status: number }> {
  const problem = webhookUrlProblem(raw, policy);
  if (problem) return Promise.reject(new WebhookError(problem, false));
  const u = new URL(raw);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const loopback = policy.allowLoopback && isLoopbackTarget(u);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': 'Sextant-Digest/1', ...headers },
        timeout: timeoutMs,
        ...(loopback ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status });
          else reject(new WebhookError(`webhook answered ${status}`, status === 408 || status === 429 || status >= 500));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`webhook timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof WebhookError ? e : new WebhookError(e.message, (e as { code?: string }).code !== 'ESSRF')));
    req.end(body);
  });
}
