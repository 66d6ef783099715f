/** The per-process credential cache: expiry on the injected clock, forgetting, and the race with a revocation. */
import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../functions/src/store/credential-cache';
import type { KeyRecord } from '../../shared/keys';

const rec: KeyRecord = { id: 'key_1', name: 'pipeline', scope: 'ingest', prefix: 'sx_ing_AbCdEf', createdAt: '2026-11-01T00:00:00.000Z' };

describe('CredentialCache', () => {
  it('serves an answer until ttl after the read began, then asks the store again', () => {
    let now = 1_000;
    const c = new CredentialCache({ ttlMs: 30_000, now: () => now });
    expect(c.get('h')).toBeUndefined();
    const read = c.begin();
    now = 1_200; // the read took 200 ms: the entry still expires 30 s after it began
    c.set('h', rec, read);
    now = 30_999;
    expect(c.get('h')).toEqual(rec);
    now = 31_000;
    expect(c.get('h')).toBeUndefined();
  });

  it('caches "no such credential" too, and a later positive answer replaces it', () => {
    const now = 0;
    const c = new CredentialCache({ ttlMs: 10_000, now: () => now });
    c.set('h', null, c.begin());
    expect(c.get('h')).toBeNull();
    c.set('h', rec, c.begin());
    expect(c.get('h')).toEqual(rec);
    expect(c.sizes()).toEqual({ positive: 1, negative: 0 });
  });

  it('does not cache a read that began before a revocation in this process (it may have seen the credential)', () => {
    const c = new CredentialCache({ ttlMs: 30_000, now: () => 0 });
    const read = c.begin();
    c.forget('h'); // the revocation lands while the read is in flight
    c.set('h', rec, read);
    expect(c.get('h')).toBeUndefined();
    // a read that began after it is cached as usual
    c.set('h', null, c.begin());
    expect(c.get('h')).toBeNull();
  });

  it('with ttl 0 caches nothing', () => {
    const c = new CredentialCache({ ttlMs: 0, now: () => 0 });
    c.set('h', rec, c.begin());
    expect(c.get('h')).toBeUndefined();
    expect(c.sizes()).toEqual({ positive: 0, negative: 0 });
  });

  it('keeps the most recently used entries within its bounds', () => {
    const c = new CredentialCache({ ttlMs: 30_000, now: () => 0, maxPositive: 2, maxNegative: 2 });
    c.set('a', rec, c.begin());
    c.set('b', rec, c.begin());
    expect(c.get('a')).toEqual(rec); // a is now the most recent
    c.set('c', rec, c.begin()); // evicts b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual(rec);
    for (const h of ['x', 'y', 'z']) c.set(h, null, c.begin());
    expect(c.sizes()).toEqual({ positive: 2, negative: 2 });
    expect(c.get('x')).toBeUndefined();
  });
});
