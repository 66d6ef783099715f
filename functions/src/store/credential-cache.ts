/**
 * Per-process cache of verified credentials (one Lambda container or the local server), keyed
 * by the SHA-256 hash of the presented key. It holds hashes and key records, never a secret.
 *
 * Without it a pipeline sending with one write key reads the same item (`CRED#<hash>`) on every
 * request: 10,000 single-event requests/s would be 10,000 reads/s of one partition, which
 * serves 3,000 read units/s at most. With it the store is read about once per key per process
 * per `ttlMs`.
 *
 * - Positive entries (an active credential) and negative ones (no such credential: unknown or
 *   revoked) both expire `ttlMs` after the read that produced them: a revocation made through
 *   another process takes effect here within `ttlMs`.
 * - A revocation or creation made through this process drops the entry at once (`forget`).
 * - Both maps are LRU-bounded, so a flood of wrong keys cannot grow memory without bound; it
 *   still costs one read per *distinct* wrong key (each on its own partition, never a hot one).
 */
import type { KeyRecord } from '../../../shared/keys';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** A bounded map in least-recently-used order (a Map iterates in insertion order). */
class Lru<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly max: number) {}

  get(key: string, now: number): Entry<T> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAt <= now) return undefined;
    this.entries.set(key, e);
    return e;
  }

  set(key: string, value: T, expiresAt: number) {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  get size() {
    return this.entries.size;
  }
}

export interface CredentialCacheOptions {
  /** how long a read result is trusted, ms; 0 turns the cache off */
  ttlMs: number;
  /** the clock (services.now, so tests can move it) */
  now: () => number;
  /** bound on cached active credentials (there are few keys; this is a safety net) */
  maxPositive?: number;
  /** bound on cached unknown hashes */
  maxNegative?: number;
}

export const DEFAULT_MAX_POSITIVE = 1_000;
export const DEFAULT_MAX_NEGATIVE = 10_000;

export class CredentialCache {
  private readonly positive: Lru<KeyRecord>;
  private readonly negative: Lru<true>;
  readonly ttlMs: number;
  private readonly now: () => number;
  /** bumped by every `forget`: a read that started before it must not be cached */
  private generation = 0;

  constructor(opts: CredentialCacheOptions) {
    this.ttlMs = opts.ttlMs;
    this.now = opts.now;
    this.positive = new Lru(opts.maxPositive ?? DEFAULT_MAX_POSITIVE);
    this.negative = new Lru(opts.maxNegative ?? DEFAULT_MAX_NEGATIVE);
  }

  /** The cached answer for a hash: a record, null (known not to exist), or undefined (ask the store). */
  get(hash: string): KeyRecord | null | undefined {
    if (this.ttlMs <= 0) return undefined;
    const now = this.now();
    const hit = this.positive.get(hash, now);
    if (hit) return hit.value;
    return this.negative.get(hash, now) ? null : undefined;
  }

  /** Call before reading the store; pass the result to `set`. */
  begin(): { readAt: number; generation: number } {
    return { readAt: this.now(), generation: this.generation };
  }

  /**
   * Remember what the store answered for a hash. Ignored when a `forget` happened since the
   * read began: the answer may predate a revocation made through this process.
   */
  set(hash: string, record: KeyRecord | null, read: { readAt: number; generation: number }) {
    if (this.ttlMs <= 0 || read.generation !== this.generation) return;
    const readAt = read.readAt;
    const expiresAt = readAt + this.ttlMs;
    if (record) {
      this.negative.delete(hash);
      this.positive.set(hash, record, expiresAt);
    } else {
      this.positive.delete(hash);
      this.negative.set(hash, true, expiresAt);
    }
  }

  /** Drop what is known about a hash (revoked or created through this process). */
  forget(hash: string) {
    this.generation++;
    this.positive.delete(hash);
    this.negative.delete(hash);
  }

  /** Entry counts (tests, diagnostics). */
  sizes() {
    return { positive: this.positive.size, negative: this.negative.size };
  }
}
