/**
 * Sign-in with an identity provider (OpenID Connect): real tokens from a real provider
 * (oidc-provider, in-process, test/helpers/oidc-provider.ts) obtained through its code flow with
 * PKCE, verified by the API with jose; roles from the groups claim, the people list and
 * SEXTANT_ADMIN_EMAILS; people routes with effect on the next request; hostile tokens refused.
 */
import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK, importJWK, SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { personId } from '../../functions/src/store/people-store';

const CLIENT = 'sextant-dashboard';
const ACCOUNTS = {
  ada: { email: 'ada@fabrikam.example', name: 'Ada Admin', groups: ['sextant-admin', 'everyone'] },
  eve: { email: 'eve@fabrikam.example', name: 'Eve Editor', groups: ['sextant-editor'] },
  vic: { email: 'Vic@Fabrikam.example', name: 'Vic Viewer', groups: ['sextant-viewer'] },
  pat: { email: 'pat@fabrikam.example', name: 'Pat Person', groups: [] },
  root: { email: 'root@fabrikam.example', name: 'Root', groups: [] },
  // claims an admin address without having verified it
  mallory: { email: 'root@fabrikam.example', name: 'Mallory', groups: [], emailVerified: false },
};

describe('OpenID Connect sign-in', () => {
  let idp: TestProvider;
  let other: TestProvider;
  let ctx: TestContext;
  const as = (token: string, method: string, path: string, body?: unknown) => ctx.call(method, path, { token, body });

  beforeAll(async () => {
    idp = await startOidcProvider({ accounts: ACCOUNTS, clients: [{ clientId: CLIENT, redirectUris: ['http://127.0.0.1:9/cb'] }, { clientId: 'other-app', redirectUris: ['http://127.0.0.1:9/other'] }] });
    other = await startOidcProvider({ accounts: ACCOUNTS, clients: [{ clientId: CLIENT, redirectUris: ['http://127.0.0.1:9/cb'] }] });
    ctx = await createTestContext({
      SEXTANT_OIDC_ISSUER: idp.issuer,
      SEXTANT_OIDC_CLIENT_ID: CLIENT,
      SEXTANT_ADMIN_EMAILS: 'root@fabrikam.example, boss@fabrikam.example',
      SEXTANT_AUTH_FAILURES_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
    await other?.close();
  });

  it('tells the dashboard which provider to offer', async () => {
    const res = await ctx.call('GET', '/api/v1/identity', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ oidc: { issuer: idp.issuer, clientId: CLIENT, scopes: ['openid', 'email', 'profile', 'offline_access'], providerName: new URL(idp.issuer).host } });
  });

  it('maps the groups claim to roles', async () => {
    const ada = await idp.codeFlow('ada');
    const eve = await idp.codeFlow('eve');
    const vic = await idp.codeFlow('vic');
    const me = await as(ada.id_token, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ scope: 'admin', name: 'Ada Admin', email: 'ada@fabrikam.example', id: `oidc:ada` });
    expect((await as(ada.id_token, 'GET', '/api/v1/keys')).status).toBe(200);
    expect((await as(eve.id_token, 'GET', '/api/v1/me')).body.scope).toBe('editor');
    expect((await as(eve.id_token, 'POST', '/api/v1/themes', { id: 'oidc-t', name: 'T' })).status).toBe(201);
    const eveKeys = await as(eve.id_token, 'GET', '/api/v1/keys');
    expect(eveKeys.status).toBe(403);
    expect(eveKeys.body.error.message).toMatch(/admin/);
    const vicMe = await as(vic.id_token, 'GET', '/api/v1/me');
    expect(vicMe.body).toMatchObject({ scope: 'viewer', email: 'vic@fabrikam.example' });
    expect((await as(vic.id_token, 'GET', '/api/v1/roadmap')).status).toBe(200);
    expect((await as(vic.id_token, 'POST', '/api/v1/themes', { id: 'oidc-v', name: 'V' })).status).toBe(403);
  });

  it('makes SEXTANT_ADMIN_EMAILS admins, but only with a verified email', async () => {
    const root = await idp.codeFlow('root');
    expect((await as(root.id_token, 'GET', '/api/v1/me')).body).toMatchObject({ scope: 'admin', email: 'root@fabrikam.example' });
    const mallory = await idp.codeFlow('mallory');
    const res = await as(mallory.id_token, 'GET', '/api/v1/me');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/no verified email/);
  });

  it('gives a person without a role 403 with a clear message, and the people list takes effect on the next request', async () => {
    const pat = (await idp.codeFlow('pat')).id_token;
    const denied = await as(pat, 'GET', '/api/v1/roadmap');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'forbidden' });
    expect(denied.body.error.message).toMatch(/pat@fabrikam\.example has no role in Sextant: ask an admin/);

    const invited = await ctx.call('POST', '/api/v1/people', { body: { email: 'Pat@Fabrikam.example ', role: 'editor' } });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ id: personId('pat@fabrikam.example'), email: 'pat@fabrikam.example', role: 'editor', source: 'people' });
    expect((await ctx.call('POST', '/api/v1/people', { body: { email: 'pat@fabrikam.example', role: 'viewer' } })).status).toBe(409);
    // the same token, next request: editor
    expect((await as(pat, 'GET', '/api/v1/me')).body.scope).toBe('editor');
    expect((await as(pat, 'POST', '/api/v1/themes', { id: 'oidc-p', name: 'P' })).status).toBe(201);

    const changed = await ctx.call('PATCH', `/api/v1/people/${invited.body.id}`, { body: { role: 'viewer' } });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('viewer');
    expect((await as(pat, 'POST', '/api/v1/themes', { id: 'oidc-p2', name: 'P' })).status).toBe(403);
    expect((await as(pat, 'GET', '/api/v1/roadmap')).status).toBe(200);

    expect((await ctx.call('PATCH', `/api/v1/people/${invited.body.id}`, { body: { role: 'admin', email: 'someone@else.example' } })).status).toBe(409);
    expect((await ctx.call('PATCH', `/api/v1/people/${personId('nobody@x.example')}`, { body: { role: 'admin' } })).status).toBe(404);
    expect((await ctx.call('POST', '/api/v1/people', { body: { email: 'not-an-email', role: 'viewer' } })).status).toBe(400);
    expect((await ctx.call('POST', '/api/v1/people', { body: { email: 'x@y.example', role: 'owner' } })).status).toBe(400);

    const removed = await ctx.call('DELETE', `/api/v1/people/${invited.body.id}`);
    expect(removed.status).toBe(200);
    expect((await as(pat, 'GET', '/api/v1/roadmap')).status).toBe(403);
    expect((await ctx.call('DELETE', `/api/v1/people/${invited.body.id}`)).status).toBe(404);
  });

  it('lists people with their role, its source and when they were last seen (written at most every 5 minutes)', async () => {
    const eve = (await idp.codeFlow('eve')).id_token;
    expect((await ctx.call('POST', '/api/v1/people', { body: { email: 'new@fabrikam.example', role: 'viewer' } })).status).toBe(201);
    expect((await as(eve, 'GET', '/api/v1/me')).status).toBe(200);
    const seenOf = async (email: string) => ((await ctx.call('GET', '/api/v1/people')).body as { email: string; lastSeenAt?: string }[]).find((p) => p.email === email)?.lastSeenAt;
    await vi.waitFor(async () => expect(await seenOf('eve@fabrikam.example')).toBeDefined(), { timeout: 10_000 });
    const list = (await ctx.call('GET', '/api/v1/people')).body as { email: string; role: string; source: string; name?: string }[];
    const by = Object.fromEntries(list.map((p) => [p.email, p]));
    expect(by['eve@fabrikam.example']).toMatchObject({ role: 'editor', source: 'claim', name: 'Eve Editor' });
    expect(by['new@fabrikam.example']).toMatchObject({ role: 'viewer', source: 'people' });
    expect(by['new@fabrikam.example']).not.toHaveProperty('lastSeenAt');
    expect(by['boss@fabrikam.example']).toMatchObject({ role: 'admin', source: 'admin_email' });
    expect(by['root@fabrikam.example']).toMatchObject({ role: 'admin', source: 'admin_email' });
    expect(list.map((p) => p.email)).toEqual([...list.map((p) => p.email)].sort());

    // within 5 minutes: no second write; after: a new one
    const first = await seenOf('eve@fabrikam.example');
    const start = Date.parse(first!);
    ctx.setNow(start + 60_000);
    await as(eve, 'GET', '/api/v1/me');
    await new Promise((r) => setTimeout(r, 50));
    expect(await seenOf('eve@fabrikam.example')).toBe(first);
    ctx.setNow(start + 6 * 60_000);
    await as(eve, 'GET', '/api/v1/me');
    await vi.waitFor(async () => expect(await seenOf('eve@fabrikam.example')).toBe(new Date(start + 6 * 60_000).toISOString()), { timeout: 10_000 });
    ctx.setNow(Date.now());
  });

  it('accepts a refreshed token and keeps role tokens and write keys working', async () => {
    const first = await idp.codeFlow('vic');
    expect(first.refresh_token).toBeTruthy();
    const again = await idp.refresh(first.refresh_token!);
    // rotated: a new refresh token, the used one is spent
    expect(again.refresh_token).toBeTruthy();
    expect(again.refresh_token).not.toBe(first.refresh_token);
    await expect(idp.refresh(first.refresh_token!)).rejects.toThrow(/invalid_grant/);
    expect((await as(again.id_token, 'GET', '/api/v1/me')).body.scope).toBe('viewer');
    expect((await ctx.call('GET', '/api/v1/me', { token: ctx.tokens.viewer })).body.scope).toBe('viewer');
    const ingest = await ctx.call('POST', '/v1/track', { token: ctx.tokens.ingest, body: { userId: 'u1', event: 'X', messageId: 'oidc-1' } });
    expect(ingest.status).toBe(200);
  });

  it('mints no dashboard session from a person (their role is looked up on every request)', async () => {
    const ada = (await idp.codeFlow('ada')).id_token;
    const res = await as(ada, 'POST', '/api/v1/session');
    expect(res.status).toBe(403);
    expect((await as(ada, 'DELETE', '/api/v1/session')).status).toBe(204);
  });

  describe('hostile tokens: all 401', () => {
    let good: string;
    let claims: Record<string, unknown>;
    const sign = async (payload: Record<string, unknown>, header: Record<string, unknown> = {}) => {
      const key = await importJWK(idp.privateJwk, 'RS256');
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: idp.privateJwk.kid, ...header }).sign(key);
    };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

    beforeAll(async () => {
      good = (await idp.codeFlow('ada')).id_token;
      claims = decodeJwt(good) as Record<string, unknown>;
    });

    const refused = async (token: string) => {
      const res = await as(token, 'GET', '/api/v1/me');
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    };

    it('accepts the genuine token and a token signed with the provider key (the forgeries below differ in one thing)', async () => {
      expect((await as(good, 'GET', '/api/v1/me')).status).toBe(200);
      expect((await as(await sign(claims), 'GET', '/api/v1/me')).status).toBe(200);
    });
    it('wrong issuer (another provider, and the right key with another iss)', async () => {
      await refused((await other.codeFlow('ada')).id_token);
      await refused(await sign({ ...claims, iss: 'https://evil.example' }));
    });
    it('wrong audience', async () => refused(await sign({ ...claims, aud: 'someone-else' })));
    it('a token for another client of the same provider', async () => {
      const t = await idp.codeFlow('ada', { clientId: 'other-app' });
      expect(decodeJwt(t.id_token).aud).toBe('other-app');
      await refused(t.id_token);
      // listing us among its audiences but authorised for another party
      await refused(await sign({ ...claims, aud: [CLIENT, 'other-app'], azp: 'other-app' }));
    });
    it('alg: none', async () => {
      await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
      await refused(`${b64({ alg: 'none', typ: 'JWT', kid: idp.privateJwk.kid })}.${b64(claims)}.${good.split('.')[2]}`);
    });
    it('expired', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await sign({ ...claims, iat: now - 7200, exp: now - 120 }));
      const res = await as(await sign({ ...claims, iat: now - 7200, exp: now - 120 }), 'GET', '/api/v1/me');
      expect(res.body.error.message).toMatch(/expired/);
    });
    it('not yet valid', async () => refused(await sign({ ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 })));
    it('tampered signature and tampered payload', async () => {
      const [h, p, s] = good.split('.');
      const flipped = s.slice(0, -4) + (s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA');
      await refused(`${h}.${p}.${flipped}`);
      await refused(`${h}.${b64({ ...claims, groups: ['sextant-admin'], sub: 'eve' })}.${s}`);
    });
    it('unknown key id (a key the provider never published)', async () => {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(privateKey)), kid: `unknown-${randomBytes(3).toString('hex')}` };
      const t = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(await importJWK(jwk, 'RS256'));
      await refused(t);
      // the provider's kid, the wrong key
      await refused(await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: idp.privateJwk.kid }).sign(await importJWK(jwk, 'RS256')));
    });
    it('HS256 "signed" with the provider public key as the secret', async () => {
      const { createHmac } = await import('node:crypto');
      const secrets = [JSON.stringify(idp.publicJwk), String(idp.publicJwk.n)];
      const { createPublicKey } = await import('node:crypto');
      secrets.push(createPublicKey({ key: idp.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString());
      for (const secret of secrets) {
        const head = b64({ alg: 'HS256', typ: 'JWT', kid: idp.privateJwk.kid });
        const body = b64(claims);
        const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
        await refused(`${head}.${body}.${sig}`);
      }
    });
    it('garbage that looks like a JWT, and an oversized one', async () => {
      await refused('aaa.bbb.ccc');
      await refused(`${b64({ alg: 'RS256' })}.${'A'.repeat(20_000)}.sig`);
    });
  });
});
