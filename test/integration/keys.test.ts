/**
 * Key management through the real app on a real store: a key is shown once, stored only as a
 * hash, carries a visible prefix, and a revocation takes effect on the very next request.
 * (The `npm run sextant -- keys …` CLI is not built yet; it is not covered here.)
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context';
import { itemsContaining, scanTable } from '../helpers/table';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const oneEvent = (messageId: string) => ({ batch: [{ type: 'track', event: 'App Opened', userId: 'key-test-user', messageId }] });

describe('create and list', () => {
  let created: any;
  beforeAll(async () => {
    const res = await ctx.call('POST', '/api/v1/keys', { body: { name: 'segment-prod', scope: 'ingest' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    created = res.body;
  });

  it('answers 201 with id, name, scope, prefix and the key', () => {
    expect(created).toMatchObject({ id: expect.any(String), name: 'segment-prod', scope: 'ingest', prefix: expect.any(String), key: expect.any(String), createdAt: expect.any(String) });
    expect(created.key).toMatch(/^sx_ing_[A-Za-z0-9]{40}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.prefix.length).toBeGreaterThanOrEqual(8);
    expect(created.prefix.length).toBeLessThan(created.key.length / 2);
  });

  it('the list shows the key with its prefix but never the key itself nor its hash', async () => {
    const list = await ctx.call('GET', '/api/v1/keys');
    expect(list.status).toBe(200);
    const mine = list.body.find((k: { id: string }) => k.id === created.id);
    expect(mine).toEqual({ id: created.id, name: 'segment-prod', scope: 'ingest', prefix: created.prefix, createdAt: created.createdAt });
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    expect(JSON.stringify(list.body)).not.toContain(createHash('sha256').update(created.key).digest('hex'));
    // the test context's own tokens are listed too, none of them in clear
    expect(list.body.length).toBeGreaterThanOrEqual(5);
    for (const t of Object.values(ctx.tokens)) expect(JSON.stringify(list.body)).not.toContain(t);
  });

  it('the table holds only a hash: no item contains any key in clear', async () => {
    const items = await scanTable(ctx.services.store);
    expect(items.length).toBeGreaterThan(5);
    for (const key of [created.key, ...Object.values(ctx.tokens)]) {
      expect(await itemsContaining(ctx.services.store, key), 'key stored in clear').toEqual([]);
      // nor the secret part without its prefix
      expect(await itemsContaining(ctx.services.store, key.slice(7)), 'secret part stored').toEqual([]);
    }
    const hash = createHash('sha256').update(created.key).digest('hex');
    expect((await itemsContaining(ctx.services.store, hash)).length).toBeGreaterThan(0);
  });

  it('the new key works for ingest right away, with the prefix only it does not', async () => {
    const ok = await ctx.call('POST', '/v1/batch', { token: null, headers: basic(created.key), body: oneEvent('k-1') });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.accepted).toBe(1);
    const prefixOnly = await ctx.call('POST', '/v1/batch', { token: null, headers: basic(created.prefix), body: oneEvent('k-2') });
    expect(prefixOnly.status).toBe(401);
  });

  it('each key is unique', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) keys.add((await ctx.call('POST', '/api/v1/keys', { body: { name: `k${i}`, scope: 'ingest' } })).body.key);
    expect(keys.size).toBe(5);
  });

  it('invalid create requests → 400 (unknown scope, empty name, extra fields)', async () => {
    for (const body of [{ name: 'x', scope: 'root' }, { name: '', scope: 'ingest' }, { name: 'x', scope: 'ingest', key: 'my-own-key-please' }, { scope: 'viewer' }]) {
      const res = await ctx.call('POST', '/api/v1/keys', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});

describe('revoke', () => {
  it('a revoked write key is refused on its next request (401), and the list shows revokedAt', async () => {
    const { body: key } = await ctx.call('POST', '/api/v1/keys', { body: { name: 'to-revoke', scope: 'ingest' } });
    expect((await ctx.call('POST', '/v1/batch', { token: null, headers: basic(key.key), body: oneEvent('r-1') })).status).toBe(200);

    const del = await ctx.call('DELETE', `/api/v1/keys/${key.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    expect(del.body).not.toHaveProperty('key');

    for (const auth of [basic(key.key), { authorization: `Bearer ${key.key}` }]) {
      const res = await ctx.call('POST', '/v1/batch', { token: null, headers: auth, body: oneEvent('r-2') });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect((await ctx.call('POST', '/v1/batch', { token: null, body: { ...oneEvent('r-3'), writeKey: key.key } })).status).toBe(401);
    // the refused event was not stored
    expect((await ctx.services.events.findRaw(['r-2', 'r-3'])).size).toBe(0);
    expect((await ctx.services.events.findRaw(['r-1'])).size).toBe(1);

    const listed = (await ctx.call('GET', '/api/v1/keys')).body.find((k: { id: string }) => k.id === key.id);
    expect(listed.revokedAt).toBe(del.body.revokedAt);
    // revoking again is harmless and keeps the first revocation time
    const again = await ctx.call('DELETE', `/api/v1/keys/${key.id}`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(del.body.revokedAt);
  });

  it('a revoked role token is refused on the API (401)', async () => {
    const { body: key } = await ctx.call('POST', '/api/v1/keys', { body: { name: 'dashboard', scope: 'editor' } });
    expect((await ctx.call('GET', '/api/v1/roadmap', { token: key.key })).status).toBe(200);
    expect((await ctx.call('DELETE', `/api/v1/keys/${key.id}`)).status).toBe(200);
    const res = await ctx.call('GET', '/api/v1/roadmap', { token: key.key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('revoking an unknown key → 404', async () => {
    const res = await ctx.call('DELETE', '/api/v1/keys/key_doesnotexist');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('an admin can revoke its own token; it stops working at once', async () => {
    const { body: admin } = await ctx.call('POST', '/api/v1/keys', { body: { name: 'second admin', scope: 'admin' } });
    expect((await ctx.call('DELETE', `/api/v1/keys/${admin.id}`, { token: admin.key })).status).toBe(200);
    expect((await ctx.call('GET', '/api/v1/keys', { token: admin.key })).status).toBe(401);
  });
});

describe('scopes', () => {
  it('a role key is a bearer token for the API with exactly its role', async () => {
    const { body: viewer } = await ctx.call('POST', '/api/v1/keys', { body: { name: 'reader', scope: 'viewer' } });
    expect(viewer.key).toMatch(/^sx_vwr_/);
    expect((await ctx.call('GET', '/api/v1/roadmap', { token: viewer.key })).status).toBe(200);
    expect((await ctx.call('POST', '/api/v1/themes', { token: viewer.key, body: { id: 'x', name: 'x' } })).status).toBe(403);
    expect((await ctx.call('GET', '/api/v1/keys', { token: viewer.key })).status).toBe(403);
  });

  it('wrong scope → 403: a write key on the API, a role token on ingest', async () => {
    const { body: ingestKey } = await ctx.call('POST', '/api/v1/keys', { body: { name: 'pipeline', scope: 'ingest' } });
    const api = await ctx.call('GET', '/api/v1/roadmap', { token: ingestKey.key });
    expect(api.status).toBe(403);
    expect(api.body.error.code).toBe('forbidden');

    for (const role of ['viewer', 'editor', 'admin'] as const) {
      const res = await ctx.call('POST', '/v1/batch', { token: ctx.tokens[role], body: oneEvent(`scope-${role}`) });
      expect(res.status, role).toBe(403);
      expect(res.body.error.message).toContain('write key');
      const viaBasic = await ctx.call('POST', '/v1/metrics', { token: null, headers: basic(ctx.tokens[role]), body: { metrics: [{ name: 'm', date: '2026-01-01', value: 1 }] } });
      expect(viaBasic.status, role).toBe(403);
    }
    expect((await ctx.services.events.findRaw(['scope-viewer', 'scope-editor', 'scope-admin'])).size).toBe(0);
  });

  it('only an admin may create keys: an editor cannot mint itself an admin token', async () => {
    const res = await ctx.call('POST', '/api/v1/keys', { token: ctx.tokens.editor, body: { name: 'escalate', scope: 'admin' } });
    expect(res.status).toBe(403);
    expect((await ctx.call('GET', '/api/v1/keys')).body.some((k: { name: string }) => k.name === 'escalate')).toBe(false);
  });
});
