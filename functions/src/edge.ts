/**
 * The HTTP edge: reading request bodies within a limit (gzip and deflate inflated as they
 * stream, the limit applied to the inflated size), finding a body's write key without parsing
 * it, keeping kept-alive connections usable after an early refusal, and bounding the ingest
 * work in flight (load shedding).
 *
 * Early refusals (413, 401/403, 415, 429, 503) are answered before the body is read. A client
 * that keeps its connection alive (undici, Node's fetch, every Segment SDK) sends the next request
 * on the same socket, so the unread body must not be left there: `keepAliveSafe` reads and
 * discards it (up to DRAIN_MAX_BYTES, within DRAIN_DEADLINE_MS) before answering, or answers
 * `Connection: close` so the client opens a new connection for its next request.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createGunzip, createInflate, createInflateRaw, type Gunzip, type Inflate, type InflateRaw } from 'node:zlib';
import { AppError, badRequest, tooLarge } from './errors';

/** the body limit of the dashboard API */
export const API_BODY_LIMIT = 2 * 1024 * 1024;
/** an unread body up to this size is read and discarded after an early refusal; beyond, the connection is closed */
export const DRAIN_MAX_BYTES = 4 * 1024 * 1024;
export const DRAIN_DEADLINE_MS = 2_000;

/** requests whose unread body could not be drained: answered with `Connection: close` */
const closeAfter = new WeakSet<Request>();

export type Encoding = 'identity' | 'gzip' | 'deflate';

/** The declared `Content-Encoding`; anything but gzip, deflate or identity is 415. */
export function contentEncoding(c: Context): Encoding {
  const raw = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'identity') return 'identity';
  if (raw === 'gzip' || raw === 'x-gzip') return 'gzip';
  if (raw === 'deflate') return 'deflate';
  throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${raw.slice(0, 40)}" is not supported; send gzip, deflate or an uncompressed body`);
}

/** The declared `Content-Length`, when there is one. */
export function declaredLength(c: Context): number | undefined {
  const v = c.req.header('content-length');
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}

function hasBody(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return false;
  const len = req.headers.get('content-length');
  return len === null ? req.headers.has('transfer-encoding') : len.trim() !== '0';
}

/** Refuse from `Content-Length` alone, before a byte of the body is read (uncompressed bodies only: a compressed one is checked as it inflates). */
export function refuseDeclaredLength(c: Context, limit: number, message: string, encoding: Encoding = 'identity') {
  const len = declaredLength(c);
  if (len !== undefined && encoding === 'identity' && len > limit) throw tooLarge(message);
  // a compressed body far larger than the inflated limit cannot be honest either
  if (len !== undefined && encoding !== 'identity' && len > limit + 64 * 1024) throw tooLarge(message);
}

/** Middleware form of `refuseDeclaredLength` (the API routes). */
export function declaredLengthLimit(limit: number, message: string): MiddlewareHandler {
  return async (c, next) => {
    refuseDeclaredLength(c, limit, message);
    await next();
  };
}

/**
 * Read and discard the rest of a body: true when it ended within the byte and time bounds.
 * `already` counts what was read before.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, already = 0): Promise<boolean> {
  let total = already;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((ok) => {
    timer = setTimeout(() => ok('late'), DRAIN_DEADLINE_MS);
    timer.unref?.();
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') return false;
      if (next.done) return true;
      total += next.value.byteLength;
      if (total > DRAIN_MAX_BYTES) return false;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

type Inflater = Gunzip | Inflate | InflateRaw;

/** zlib-wrapped deflate (RFC 1950), as HTTP says; some clients send raw deflate (RFC 1951): tell them apart by the header. */
function deflaterFor(first: Uint8Array): Inflater {
  const zlibWrapped = first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0;
  return zlibWrapped ? createInflate() : createInflateRaw();
}

/**
 * Read a request body of at most `limit` bytes (inflated bytes when it is compressed) and
 * return it. Inflation streams and stops as soon as the output passes the limit, so a
 * decompression bomb costs at most `limit` bytes of output. Past the limit: 413 with `message`
 * (the rest of the body is discarded, or the connection closed after the answer).
 */
export async function readBody(c: Context, limit: number, message: string): Promise<Buffer> {
  const req = c.req.raw;
  const encoding = contentEncoding(c);
  refuseDeclaredLength(c, limit, message, encoding);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const out: Buffer[] = [];
  let outBytes = 0;
  let rawBytes = 0;
  let over = false;
  let inflater: Inflater | undefined;
  let inflateError: Error | undefined;
  let inflaterDone: Promise<void> | undefined;
  const rawCap = encoding === 'identity' ? limit : limit + 64 * 1024;

  const startInflater = (first: Uint8Array) => {
    const z = encoding === 'gzip' ? createGunzip() : deflaterFor(first);
    z.on('data', (d: Buffer) => {
      if (over) return;
      outBytes += d.length;
      edgeStats.inflatedBytes += d.length;
      if (outBytes > limit) {
        // stop inflating here: the rest of a bomb is never expanded
        over = true;
        z.destroy();
        return;
      }
      out.push(d);
    });
    inflaterDone = new Promise<void>((ok) => {
      z.once('end', ok);
      z.once('close', ok);
      z.once('error', (e) => {
        inflateError = e;
        ok();
      });
    });
    return z;
  };

  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw badRequest('the request body was cut off');
    }
    if (next.done) break;
    const chunk = next.value;
    rawBytes += chunk.byteLength;
    if (rawBytes > rawCap) over = true;
    if (over) break;
    if (encoding === 'identity') {
      outBytes += chunk.byteLength;
      if (outBytes > limit) {
        over = true;
        break;
      }
      out.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      continue;
    }
    inflater ??= startInflater(chunk);
    const z = inflater;
    if (z.destroyed) continue;
    if (!z.write(chunk)) {
      await new Promise<void>((ok) => {
        const done = () => {
          z.off('drain', done);
          z.off('close', done);
          ok();
        };
        z.once('drain', done);
        z.once('close', done);
      });
    }
    if (over) break;
  }
  if (!over && inflater && !inflater.destroyed) {
    inflater.end();
    await inflaterDone;
  } else if (inflater && !inflater.destroyed) inflater.destroy();
  if (over) {
    inflater?.destroy();
    if (!(await discard(reader, rawBytes))) closeAfter.add(req);
    throw tooLarge(message);
  }
  if (inflateError) throw badRequest(`the request body is not valid ${encoding} data: ${inflateError.message}`);
  return Buffer.concat(out, outBytes);
}

/** JSON.parse with the project's 400 (JSON.parse creates own properties only: no prototype pollution). */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest('request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`request body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The string value of `key` in the top-level object of a JSON text, found in one linear scan
 * without building the document (the last occurrence wins, as in JSON.parse). Used to check a
 * body's `writeKey` before the body is parsed: an unauthenticated body costs a scan, not a parse.
 * Returns undefined when the text is not an object, the key is absent or its value is not a string.
 */
export function topLevelString(text: string, key: string): string | undefined {
  let i = 0;
  const n = text.length;
  const ws = (ch: number) => ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0xfeff;
  while (i < n && ws(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  let depth = 0;
  let found: string | undefined;
  /** end index (exclusive) of the string starting at `s` (a quote), or -1 */
  const stringEnd = (s: number) => {
    for (let j = s + 1; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 0x5c) j++;
      else if (ch === 0x22) return j + 1;
    }
    return -1;
  };
  let expectKey = false;
  for (; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const end = stringEnd(i);
      if (end < 0) return found;
      if (depth === 1 && expectKey) {
        // a key of the top-level object: is it ours, and is its value a string?
        let j = end;
        while (j < n && ws(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === 0x3a && text.slice(i + 1, end - 1) === key) {
          j++;
          while (j < n && ws(text.charCodeAt(j))) j++;
          if (text.charCodeAt(j) === 0x22) {
            const vEnd = stringEnd(j);
            if (vEnd < 0) return found;
            try {
              found = JSON.parse(text.slice(j, vEnd)) as string;
            } catch {
              found = undefined;
            }
            i = vEnd - 1;
            expectKey = false;
            continue;
          }
        }
        expectKey = false;
      }
      i = end - 1;
    } else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      expectKey = ch === 0x7b && depth === 1;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
      if (depth === 0) return found;
    } else if (ch === 0x2c && depth === 1) expectKey = true;
  }
  return found;
}

/**
 * Keep kept-alive connections usable: after the answer is ready, a body nobody read is read
 * and discarded (bounded), or the answer says `Connection: close`.
 */
export const keepAliveSafe: MiddlewareHandler = async (c, next) => {
  const req = c.req.raw;
  await next();
  if (!hasBody(req)) return;
  if (!closeAfter.has(req) && !req.bodyUsed) {
    const len = declaredLength(c);
    if (len !== undefined && len > DRAIN_MAX_BYTES) closeAfter.add(req);
    else if (!(await discard(req.body!.getReader()))) closeAfter.add(req);
  }
  if (closeAfter.has(req)) c.header('Connection', 'close');
};

/** What the ingest edge has seen in this process (for the burst benchmark and logs). */
export const edgeStats = {
  admitted: 0,
  shed: 0,
  /** requests that waited for a slot (admitted afterwards, or shed when the wait ran out) */
  queued: 0,
  peakInFlight: 0,
  /** the lowest the adaptive in-flight bound went */
  lowestLimit: Infinity,
  highestLimit: 0,
  /** bytes produced by inflating compressed bodies (a bomb stops adding at its limit) */
  inflatedBytes: 0,
  reset() {
    this.admitted = 0;
    this.shed = 0;
    this.queued = 0;
    this.peakInFlight = 0;
    this.lowestLimit = Infinity;
    this.highestLimit = 0;
    this.inflatedBytes = 0;
  },
};

/** a request should be answered well inside a client's time-out (analytics-node: 10 s) */
export const TARGET_SERVICE_MS = 4_000;

/**
 * Load shedding: at most `max` ingest requests are worked on at once, fewer while the server is
 * slow: the bound drops by one each time a request takes longer than TARGET_SERVICE_MS and grows
 * back by one each time one takes less than half of it, so a starved machine does not keep `max`
 * requests waiting past a client's time-out. A few more requests (up to 4 × `max`) may
 * wait for a slot before their body is read, when the recent service time says the slot comes
 * within `maxWaitMs`: that keeps the store busy between clients' retries. Any other request
 * beyond the bound is answered at once with 503 and `Retry-After`, before its body is read, so
 * clients back off and retry (every Segment client retries 5xx) instead of queueing until they
 * time out and retry into the same queue. (A waiting request whose slot does not come in time
 * is shed too.)
 */
export function inFlightLimit(max: number, opts: { maxWaitMs?: number; retryAfterSeconds?: number } = {}): MiddlewareHandler {
  const maxWaitMs = opts.maxWaitMs ?? 2_000;
  const maxQueued = maxWaitMs > 0 ? 4 * max : 0;
  const retryAfterSeconds = opts.retryAfterSeconds ?? 1;
  let inFlight = 0;
  let limit = max;
  const waiting: (() => void)[] = [];
  /** moving average of the time a request holds a slot, ms (0 until one has: then anyone may wait, up to maxWaitMs) */
  let serviceMs = 0;
  const shed = (c: Context): never => {
    edgeStats.shed++;
    c.header('Retry-After', String(retryAfterSeconds));
    throw new AppError(503, 'overloaded', `the server is at its ingest capacity (${limit} requests in flight); retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  };
  const release = (took: number) => {
    serviceMs = serviceMs ? 0.8 * serviceMs + 0.2 * took : took;
    if (took > TARGET_SERVICE_MS) limit = Math.max(1, limit - 1);
    else if (took < TARGET_SERVICE_MS / 2) limit = Math.min(max, limit + 1);
    if (limit < edgeStats.lowestLimit) edgeStats.lowestLimit = limit;
    if (limit > edgeStats.highestLimit) edgeStats.highestLimit = limit;
    inFlight--;
    // hand free slots to waiting requests, oldest first
    while (inFlight < limit && waiting.length) {
      inFlight++;
      waiting.shift()!();
    }
  };
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return next();
    if (inFlight < limit) inFlight++;
    else if (waiting.length < maxQueued && ((waiting.length + 1) * serviceMs) / limit <= maxWaitMs) {
      edgeStats.queued++;
      const granted = await new Promise<boolean>((ok) => {
        const grant = () => {
          clearTimeout(timer);
          ok(true);
        };
        const timer = setTimeout(() => {
          const i = waiting.indexOf(grant);
          if (i >= 0) waiting.splice(i, 1);
          ok(false);
        }, maxWaitMs);
        waiting.push(grant);
      });
      if (!granted) shed(c);
      if (c.req.raw.signal?.aborted) {
        // the client gave up while it waited: do not store what it will send again
        release(0);
        shed(c);
      }
    } else shed(c);
    edgeStats.admitted++;
    if (inFlight > edgeStats.peakInFlight) edgeStats.peakInFlight = inFlight;
    const started = performance.now();
    try {
      await next();
    } finally {
      release(performance.now() - started);
    }
  };
}

/**
 * CORS for the ingest routes: any origin may send events with a write key (write keys are
 * public in a web page, as Segment's are); the preflight is answered here. The API routes do
 * not use this (they stay same-origin).
 */
export const ingestCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') {
    const asked = c.req.header('access-control-request-headers') ?? '';
    // echo the asked-for headers when they are plain header names (authorization is never covered by "*")
    const headers = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/.test(asked.trim()) ? asked : 'authorization, content-type, content-encoding, x-retry-count';
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': headers,
      'Access-Control-Max-Age': '86400',
    });
  }
  await next();
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Access-Control-Expose-Headers', 'Retry-After');
};
