/**
 * Sign-in with the company's identity provider (OpenID Connect), in the browser: authorization
 * code flow with PKCE, done with `oauth4webapi` (panva's OpenID-certified client for browsers: no
 * dependencies, ~10 KB gzipped, Web Crypto only; `openid-client` is built on it and adds
 * Node-oriented parts the dashboard does not need). This module is loaded only when a provider is
 * configured and used (a dynamic import), so the sign-in link path keeps its initial JS as is.
 *
 * - state and nonce are random per attempt and checked on return (validateAuthResponse and
 *   expectedNonce); the PKCE verifier never leaves this tab;
 * - the ID token is the bearer token for the API (its `aud` is our client id with every
 *   provider; access tokens' audiences differ from provider to provider);
 * - tokens live in sessionStorage: they survive the redirect round trip and a reload of this
 *   tab, are not shared with other tabs, and are gone when the tab closes. Memory only would send
 *   every reload through the provider again (a silent re-sign-in in a hidden iframe is blocked by
 *   third-party cookie rules and the CSP's frame-ancestors); the strict CSP (script-src 'self')
 *   is what keeps other scripts from reading them.
 * - refresh: with the refresh token a minute before the ID token expires, and once on a 401;
 *   without a refresh token (or when it fails) the person is sent back to the sign-in page.
 */
import type { IdentityConfig } from '../../../../shared/people';

export type Provider = NonNullable<IdentityConfig['oidc']>;

export interface OidcTokens {
  idToken: string;
  refreshToken?: string;
  /** ms: the ID token's exp */
  expiresAt: number;
  issuer: string;
  clientId: string;
  /** what sign-out needs */
  endSession?: string;
  logoutUrl?: string;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  issuer: string;
  clientId: string;
  returnTo: string;
  logoutUrl?: string;
}

export const TOKENS_KEY = 'sextant.oidc';
export const PENDING_KEY = 'sextant.oidc.pending';

const redirectUri = () => `${window.location.origin}/`;
/** plain http only for a provider on this machine (tests, local development) */
const insecureOk = (issuer: string) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(issuer);

async function lib() {
  return import('oauth4webapi');
}

async function discover(issuer: string) {
  const oauth = await lib();
  const url = new URL(issuer);
  const res = await oauth.discoveryRequest(url, { algorithm: 'oidc', [oauth.allowInsecureRequests]: insecureOk(issuer) });
  return oauth.processDiscoveryResponse(url, res);
}

export function storedTokens(): OidcTokens | null {
  try {
    const raw = sessionStorage.getItem(TOKENS_KEY);
    const t = raw ? (JSON.parse(raw) as OidcTokens) : null;
    return t && typeof t.idToken === 'string' ? t : null;
  } catch {
    return null;
  }
}

function storeTokens(t: OidcTokens) {
  try {
    sessionStorage.setItem(TOKENS_KEY, JSON.stringify(t));
  } catch {
    // storage disabled: the sign-in lasts until reload
  }
}

export function forgetTokens() {
  try {
    sessionStorage.removeItem(TOKENS_KEY);
    sessionStorage.removeItem(PENDING_KEY);
  } catch {
    // nothing stored
  }
}

/** Is this page load the provider sending the person back (`?code=…&state=…`, with an attempt of ours pending)? */
export function isCallback(): boolean {
  try {
    const q = new URLSearchParams(window.location.search);
    return (q.has('code') || q.has('error')) && q.has('state') && sessionStorage.getItem(PENDING_KEY) !== null;
  } catch {
    return false;
  }
}

/** Go to the provider's sign-in page. */
export async function beginSignIn(provider: Provider): Promise<void> {
  const oauth = await lib();
  const as = await discover(provider.issuer);
  if (!as.authorization_endpoint) throw new Error('the identity provider names no authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: Pending = {
    verifier,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    issuer: provider.issuer,
    clientId: provider.clientId,
    returnTo: window.location.pathname === '/' ? '/impact' : `${window.location.pathname}${window.location.search}`,
    logoutUrl: provider.logoutUrl,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', provider.scopes.join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  window.location.assign(url.href);
}

/** Finish the sign-in the provider sent back: check state, exchange the code (PKCE), check the ID token (nonce, iss, aud, exp). */
export async function completeSignIn(): Promise<{ tokens: OidcTokens; returnTo: string }> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const here = new URL(window.location.href);
  // the code and state leave the address bar at once (history, screenshots, Referer)
  window.history.replaceState(null, '', '/');
  if (!raw) throw new Error('This sign-in was not started here. Start again.');
  const pending = JSON.parse(raw) as Pending;
  const oauth = await lib();
  const as = await discover(pending.issuer);
  const client = { client_id: pending.clientId };
  const params = oauth.validateAuthResponse(as, client, here, pending.state);
  const opts = { [oauth.allowInsecureRequests]: insecureOk(pending.issuer) };
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), pending.verifier, opts);
  const result = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  const tokens: OidcTokens = {
    idToken: result.id_token!,
    refreshToken: result.refresh_token,
    expiresAt: claims.exp * 1000,
    issuer: pending.issuer,
    clientId: pending.clientId,
    endSession: as.end_session_endpoint,
    logoutUrl: pending.logoutUrl,
  };
  storeTokens(tokens);
  return { tokens, returnTo: pending.returnTo };
}

let refreshing: { token: string; result: Promise<OidcTokens | null> } | null = null;

/**
 * A new ID token from the refresh token; null when there is none or the provider refuses it.
 * One refresh at a time: providers rotate refresh tokens, so two concurrent uses would spend it twice.
 */
export function refreshTokens(current: OidcTokens): Promise<OidcTokens | null> {
  if (!current.refreshToken) return Promise.resolve(null);
  if (refreshing?.token === current.refreshToken) return refreshing.result;
  const result = refreshOnce(current);
  refreshing = { token: current.refreshToken, result };
  return result;
}

async function refreshOnce(current: OidcTokens & { refreshToken?: string }): Promise<OidcTokens | null> {
  if (!current.refreshToken) return null;
  try {
    const oauth = await lib();
    const as = await discover(current.issuer);
    const client = { client_id: current.clientId };
    const res = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), current.refreshToken, { [oauth.allowInsecureRequests]: insecureOk(current.issuer) });
    const result = await oauth.processRefreshTokenResponse(as, client, res);
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (!result.id_token || !claims) return null;
    const next: OidcTokens = { ...current, idToken: result.id_token, refreshToken: result.refresh_token ?? current.refreshToken, expiresAt: claims.exp * 1000 };
    storeTokens(next);
    return next;
  } catch {
    return null;
  }
}

/** Where sign-out sends the browser: the provider's end-session endpoint (RP-initiated logout), Cognito's logout URL, or nowhere. */
export function endSessionUrl(t: OidcTokens): string | null {
  const back = redirectUri();
  if (t.endSession) {
    const u = new URL(t.endSession);
    u.searchParams.set('id_token_hint', t.idToken);
    u.searchParams.set('client_id', t.clientId);
    u.searchParams.set('post_logout_redirect_uri', back);
    return u.href;
  }
  if (t.logoutUrl) {
    const u = new URL(t.logoutUrl);
    u.searchParams.set('client_id', t.clientId);
    u.searchParams.set('logout_uri', back);
    return u.href;
  }
  return null;
}
