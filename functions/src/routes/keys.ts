/** Key management (admin): write keys for ingest and role tokens for the API. */
import { z } from 'zod';
import { KeyCreate, KeyCreated, KeyRecord } from '../../../shared/keys';
import { conflict, notFound } from '../errors';
import { endpoint, type Router } from '../http';
import { recordAudit } from '../audit/record';

export function keyRoutes(r: Router) {
  const tags = ['Keys'];
  endpoint(r, { method: 'get', path: '/keys', summary: 'List keys (never their secret)', tags, auth: 'admin', responses: { 200: { description: 'Keys, newest first', schema: z.array(KeyRecord) } } }, async (c) => {
    const s = c.get('services');
    // sessions are listed while they live (an admin can end one); ended ones are left out
    const live = (k: KeyRecord) => !k.session || (!k.revokedAt && (!k.expiresAt || Date.parse(k.expiresAt) > s.now()));
    return c.json((await s.keys.list()).filter(live));
  });
  endpoint(r, { method: 'post', path: '/keys', summary: 'Create a key; the key is shown in this response only', tags, auth: 'admin', body: KeyCreate, responses: { 201: { description: 'The new key', schema: KeyCreated } } }, async (c, { body }) => {
    const created = await c.get('services').keys.create(body);
    await recordAudit(c, { action: 'key.create', target: { type: 'key', id: created.id }, changes: [{ field: 'key', from: null, to: { name: created.name, scope: created.scope, prefix: created.prefix } }] });
    return c.json(created, 201);
  });
  endpoint(r, { method: 'delete', path: '/keys/:id', summary: 'Revoke a key (refused at once by this process; by every process within SEXTANT_CREDENTIAL_CACHE_SECONDS, default 30 s)', tags, auth: 'admin', responses: { 200: { description: 'The revoked key', schema: KeyRecord } } }, async (c, { params }) => {
    const keys = c.get('services').keys;
    const target = await keys.get(params.id);
    if (!target) throw notFound('key', params.id);
    // never the last admin key: sessions end on their own and cannot mint keys after that
    const isAdminKey = (k: KeyRecord) => k.scope === 'admin' && !k.session && !k.revokedAt;
    if (isAdminKey(target) && !(await keys.list()).some((k) => k.id !== target.id && isAdminKey(k))) {
      throw conflict(`"${target.name}" is the last admin key: create another admin key before revoking it`);
    }
    const revoked = await keys.revoke(params.id);
    if (!revoked) throw notFound('key', params.id);
    await recordAudit(c, { action: 'key.revoke', target: { type: 'key', id: revoked.id }, changes: [{ field: 'revokedAt', from: null, to: revoked.revokedAt ?? null }], summary: `${revoked.name} (${revoked.scope})` });
    return c.json(revoked);
  });
}

/** Who am I: the caller's key record (the dashboard uses it to follow the role). */
export function meRoute(r: Router) {
  endpoint(r, { method: 'get', path: '/me', summary: "The caller's identity and role", tags: ['Keys'], auth: 'viewer', responses: { 200: { description: 'The caller', schema: KeyRecord } } }, (c) => {
    return c.json(c.get('principal'));
  });
}
