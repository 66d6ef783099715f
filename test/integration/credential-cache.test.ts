/**
 * Credential cache (issue #17): a process reads a credential about once per
 * SEXTANT_CREDENTIAL_CACHE_SECONDS instead of once per request, and revocation stays honest:
 * - through the same process (the local server): refused on the very next request;
 * - through another process (another Lambda container; here a second app instance on the same
 *   store): still accepted until the interval since that process read the key ends, refused
 *   from then on. The delay is bounded by the interval and documented.
 * Reads are counted with the capacity meter on the real store; the clock is `services.now`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/src/app';
import { loadConfig } from '../../functions/src/config';
import { createServices, type Services } from '../../functions/src/services';
import { KeyStore } from '../../functions/src/store/key-store';
import { withCapacityMeter, type CapacityMeter } from '../helpers/capacity';
import { createTestContext, type TestContext } from '../helpers/context';

const INTERVAL_S = 10;
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
let n = 0;
const track = () => JSON.stringify({ type: 'track', event: 'App Opened', userId: 'cache-user', messageId: `cache-${n++}` });

/** Credential reads (`CRED#…` items) recorded by the meter. */
const credReads = (m: CapacityMeter) => m.perPartitionPerSecond().filter((c) => c.pk.startsWith('CRED#')).reduce((a, c) => a + c.itemsRead, 0);

describe('two app instances on one store, as two Lambda containers', () => {
  let a: TestContext; // container A: the dashboard API where the admin revokes
  let b: { services: Services; app: ReturnType<typeof createApp> }; // container B: ingest
  let now = T0;
  let meter: CapacityMeter;

  beforeAll(async () => {
    a = await createTestContext({ SEXTANT_CREDENTIAL_CACHE_SECONDS: String(INTERVAL_S) });
    a.setNow(now);
    const services = createServices(a.services.config, a.services.store, a.services.pseudonymKey, { now: () => now });
    b = { services, app: createApp(services, { parts: ['ingest', 'api'] }) };
    meter = withCapacityMeter(a.services.store, { clock: () => now });
  });
  afterAll(async () => {
    meter?.stop();
    await a?.close();
  });

  const sendB = async (key: string) => (await b.app.request('/v1/track', { method: 'POST', headers: { authorization: basic(key), 'content-type': 'application/json' }, body: track() })).status;
  const sendA = async (key: string) => (await a.call('POST', '/v1/track', { token: null, headers: { authorization: basic(key) }, body: track() })).status;
  const at = (ms: number) => {
    now = T0 + ms;
    a.setNow(now);
  };

  it('B reads the key once and then serves it from its cache', async () => {
    const key = (await a.call('POST', '/api/v1/keys', { body: { name: 'pipeline-1', scope: 'ingest' } })).body.key as string;
    meter.reset();
    at(0);
    expect(await sendB(key)).toBe(200);
    for (let i = 1; i <= 5; i++) {
      at(i * 1000);
      expect(await sendB(key)).toBe(200);
    }
    expect(credReads(meter)).toBe(1);
  });

  it('a key revoked through A: refused by A on the next request, accepted by B until its interval ends, refused after', async () => {
    at(20_000);
    const created = (await a.call('POST', '/api/v1/keys', { body: { name: 'pipeline-2', scope: 'ingest' } })).body;
    // both containers use the key: B reads it now (t = 20 s), so B trusts it until t = 30 s
    expect(await sendB(created.key)).toBe(200);
    expect(await sendA(created.key)).toBe(200);

    at(21_000);
    expect((await a.call('DELETE', `/api/v1/keys/${created.id}`)).status).toBe(200);
    // A (the process that revoked): refused at once
    expect(await sendA(created.key)).toBe(401);
    // B: the documented delay — still accepted just before its interval ends …
    at(20_000 + INTERVAL_S * 1000 - 1);
    expect(await sendB(created.key)).toBe(200);
    // … and refused from the end of the interval on
    at(20_000 + INTERVAL_S * 1000);
    expect(await sendB(created.key)).toBe(401);
    // and it stays refused (the negative answer is cached too)
    at(20_000 + INTERVAL_S * 1000 + 5_000);
    expect(await sendB(created.key)).toBe(401);
  });

  it('role tokens are cached the same way; a token revoked through A stops working on B within the interval', async () => {
    at(100_000);
    const viewer = (await a.call('POST', '/api/v1/keys', { body: { name: 'viewer-b', scope: 'viewer' } })).body;
    meter.reset();
    const me = async () => (await b.app.request('/api/v1/me', { headers: { authorization: `Bearer ${viewer.key}` } })).status;
    expect(await me()).toBe(200);
    at(101_000);
    expect(await me()).toBe(200);
    expect(credReads(meter)).toBe(1);
    expect((await a.call('DELETE', `/api/v1/keys/${viewer.id}`)).status).toBe(200);
    at(100_000 + INTERVAL_S * 1000);
    expect(await me()).toBe(401);
  });
});

describe('in one process (the local server)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    // the default interval (30 s): revocation must not wait for it in the same process
    ctx = await createTestContext();
    ctx.setNow(T0);
  });
  afterEach(async () => ctx?.close());

  it('a revoked write key fails on the very next request, though its credential was cached', async () => {
    const created = (await ctx.call('POST', '/api/v1/keys', { body: { name: 'local', scope: 'ingest' } })).body;
    const send = () => ctx.call('POST', '/v1/track', { token: null, headers: { authorization: basic(created.key) }, body: track() });
    expect((await send()).status).toBe(200);
    expect((await ctx.call('DELETE', `/api/v1/keys/${created.id}`)).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });

  it('a revoked admin token cannot revoke anything on its next request', async () => {
    const admin2 = (await ctx.call('POST', '/api/v1/keys', { body: { name: 'admin-2', scope: 'admin' } })).body;
    expect((await ctx.call('GET', '/api/v1/keys', { token: admin2.key })).status).toBe(200);
    expect((await ctx.call('DELETE', `/api/v1/keys/${admin2.id}`)).status).toBe(200);
    expect((await ctx.call('GET', '/api/v1/keys', { token: admin2.key })).status).toBe(401);
  });
});

describe('unknown keys (negative cache)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('a client retrying with a wrong key costs one store read per interval, not one per request', async () => {
    const now = T0;
    const keys = new KeyStore(ctx.services.store, { ttlMs: 30_000, now: () => now });
    const meter = withCapacityMeter(ctx.services.store, { clock: () => now });
    try {
      const wrong = `sx_ing_${randomBytes(20).toString('hex')}`;
      for (let i = 0; i < 50; i++) expect(await keys.authenticate(wrong)).toBeNull();
      expect(credReads(meter)).toBe(1);
    } finally {
      meter.stop();
    }
  });

  it('concurrent requests with one key share one read', async () => {
    const keys = new KeyStore(ctx.services.store, { ttlMs: 30_000, now: () => T0 });
    const meter = withCapacityMeter(ctx.services.store, { clock: () => T0 });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => keys.authenticate(ctx.tokens.ingest)));
      expect(results.every((r) => r?.scope === 'ingest')).toBe(true);
      expect(credReads(meter)).toBe(1);
    } finally {
      meter.stop();
    }
  });

  it('is bounded: a flood of distinct wrong keys keeps at most maxNegative entries, evicting the least recently used', async () => {
    const keys = new KeyStore(ctx.services.store, { ttlMs: 30_000, now: () => T0, maxNegative: 3 });
    const meter = withCapacityMeter(ctx.services.store, { clock: () => T0 });
    try {
      const wrong = Array.from({ length: 5 }, (_, i) => `sx_ing_wrong_${i}_${randomBytes(8).toString('hex')}`);
      for (const k of wrong) await keys.authenticate(k);
      expect(keys.cache.sizes().negative).toBe(3);
      expect(credReads(meter)).toBe(5);
      // the 3 most recent are cached; the first two were evicted and cost a read again
      for (const k of wrong.slice(2)) await keys.authenticate(k);
      expect(credReads(meter)).toBe(5);
      await keys.authenticate(wrong[0]);
      expect(credReads(meter)).toBe(6);
      expect(keys.cache.sizes().negative).toBe(3);
      // a valid key is never crowded out by wrong ones (separate, bounded maps)
      expect((await keys.authenticate(ctx.tokens.viewer))?.scope).toBe('viewer');
      for (let i = 0; i < 10; i++) await keys.authenticate(`sx_ing_flood_${i}`);
      const before = credReads(meter);
      expect((await keys.authenticate(ctx.tokens.viewer))?.scope).toBe('viewer');
      expect(credReads(meter)).toBe(before);
    } finally {
      meter.stop();
    }
  });

  it('a key created through this process is usable at once, even after it was presented unknown', async () => {
    const now = T0;
    const keys = new KeyStore(ctx.services.store, { ttlMs: 30_000, now: () => now });
    const key = `sx_ing_${randomBytes(20).toString('hex')}`;
    expect(await keys.authenticate(key)).toBeNull();
    await keys.create({ name: 'late', scope: 'ingest', key });
    expect((await keys.authenticate(key))?.name).toBe('late');
  });
});

describe('configuration', () => {
  it('defaults to 30 s, takes 0 (off) to 300, and rejects anything else field by field', () => {
    expect(loadConfig({}).SEXTANT_CREDENTIAL_CACHE_SECONDS).toBe(30);
    expect(loadConfig({ SEXTANT_CREDENTIAL_CACHE_SECONDS: '0' }).SEXTANT_CREDENTIAL_CACHE_SECONDS).toBe(0);
    expect(loadConfig({ SEXTANT_CREDENTIAL_CACHE_SECONDS: '300' }).SEXTANT_CREDENTIAL_CACHE_SECONDS).toBe(300);
    for (const bad of ['-1', '301', '1.5', 'soon']) expect(() => loadConfig({ SEXTANT_CREDENTIAL_CACHE_SECONDS: bad }), bad).toThrow(/SEXTANT_CREDENTIAL_CACHE_SECONDS/);
  });

  it('with 0 every request reads the store (no caching at all)', async () => {
    const ctx = await createTestContext({ SEXTANT_CREDENTIAL_CACHE_SECONDS: '0' });
    const meter = withCapacityMeter(ctx.services.store);
    try {
      for (let i = 0; i < 3; i++) expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.viewer })).status).toBe(200);
      expect(credReads(meter)).toBe(3);
    } finally {
      meter.stop();
      await ctx.close();
    }
  });
});
