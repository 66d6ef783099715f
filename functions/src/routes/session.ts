/**
 * Dashboard sessions. A sign-in link carries a one-time code (10 minutes); the dashboard
 * exchanges it here for a session token that expires (12 hours) and that it keeps in
 * sessionStorage (web/src/app/session.tsx). A pasted role token is exchanged the same way, so
 * no long-lived token is ever stored by the browser. Signing out revokes the session.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { SESSION_HOURS, SessionCreated, SignInCodeCreate, SignInCodeCreated, SignInRequest, type KeyRecord, type Role } from '../../../shared/keys';
import { checkAuthAllowed, recordAuthFailure } from '../auth-limit';
import type { Env } from '../context';
import { forbidden, unauthorized } from '../errors';
import { isPerson } from '../oidc';
import { endpoint, type Router } from '../http';
import { SignInStore } from '../store/sign-in-store';
import { actorOf, recordAudit } from '../audit/record';

/** A new session of `scope`, ending at the latest at `notAfter`. */
async function startSession(c: Context<Env>, scope: Role, notAfter?: string) {
  const s = c.get('services');
  const max = s.now() + SESSION_HOURS * 3_600_000;
  const expiresAt = new Date(notAfter ? Math.min(max, Date.parse(notAfter)) : max).toISOString();
  const { key, ...me } = await s.keys.create({ name: 'dashboard session', scope, id: `ses_${randomBytes(9).toString('hex')}`, expiresAt, session: true });
  const by = c.get('principal') as KeyRecord | undefined;
  // signed in with a link, the new session is the actor; exchanged for a token, the token is
  await recordAudit(c, { action: 'session.start', target: { type: 'session', id: me.id }, changes: [{ field: 'scope', from: null, to: scope }], ...(by ? {} : { actor: actorOf(me) }), summary: by ? 'exchanged a role token for a dashboard session' : 'signed in with a one-time link' });
  c.header('Cache-Control', 'no-store');
  return c.json({ token: key, expiresAt, me: me satisfies KeyRecord }, 201);
}

export function sessionRoutes(r: Router) {
  const tags = ['Sessions'];
  endpoint(
    r,
    { method: 'post', path: '/sign-in', summary: 'Exchange a one-time sign-in code (from a sign-in link) for a session token', tags, auth: 'public', body: SignInRequest, errors: { 503: 'The store is unavailable or throttling; retry after `Retry-After` seconds' }, responses: { 201: { description: 'The session', schema: SessionCreated } } },
    async (c, { body }) => {
      const s = c.get('services');
      checkAuthAllowed(c, s);
      const redeemed = await new SignInStore(s.store, s.now).redeem(body.code);
      if (!redeemed) {
        recordAuthFailure(c, s, undefined);
        throw unauthorized('this sign-in link is used, expired or replaced by a newer one (each start of the server prints a new link); ask for a new link or sign in with a token');
      }
      return startSession(c, redeemed.scope);
    },
  );
  endpoint(
    r,
    { method: 'post', path: '/session', summary: "Exchange the caller's role token for a session token (dashboard sign-in with a pasted token)", tags, auth: 'viewer', responses: { 201: { description: 'The session', schema: SessionCreated } } },
    async (c) => {
      const me = c.get('principal');
      // a person's role is looked up on every request (removal takes effect at once): no session minted from it
      if (isPerson(me)) throw forbidden('you are signed in with your identity provider: send its token, a Sextant session is not needed');
      return startSession(c, me.scope as Role, me.expiresAt);
    },
  );
  endpoint(r, { method: 'delete', path: '/session', summary: "Sign out: revoke the caller's session (a key is left alone)", tags, auth: 'viewer', responses: { 204: { description: 'Signed out' } } }, async (c) => {
    const me = c.get('principal');
    if (me.session) {
      await c.get('services').keys.revoke(me.id);
      await recordAudit(c, { action: 'session.end', target: { type: 'session', id: me.id }, summary: 'signed out' });
    } else c.set('audited', true); // a key signing out: nothing ended, nothing to record
    return c.body(null, 204);
  });
  endpoint(
    r,
    { method: 'post', path: '/sign-in-codes', summary: 'Make a one-time sign-in link (10 minutes) for a role', tags, auth: 'admin', body: SignInCodeCreate, responses: { 201: { description: 'The code, shown once', schema: SignInCodeCreated } } },
    async (c, { body }) => {
      const s = c.get('services');
      const { code, expiresAt } = await new SignInStore(s.store, s.now).issue(body.scope);
      await recordAudit(c, { action: 'sign_in_code.create', target: { type: 'sign_in_code', id: expiresAt }, changes: [{ field: 'scope', from: null, to: body.scope }] });
      c.header('Cache-Control', 'no-store');
      return c.json({ code, expiresAt, path: `/#code=${code}` }, 201);
    },
  );
}
