/**
 * A real OpenID provider for the tests: `oidc-provider` (OpenID-certified), in-process on
 * 127.0.0.1:<random port>, with a test account store, PKCE required, a `groups` claim in the ID
 * token, refresh tokens, and signing keys this helper holds (so the hostile-token tests can sign
 * with the provider's very key). Its login page is the provider's own development interaction
 * (any password; the login names an account of ACCOUNTS); consent is granted automatically.
 * `codeFlow()` signs in through those pages with a real HTTP client (cookies, redirects), the way
 * a browser does, and exchanges the code with PKCE.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface TestClient {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface TestProvider {
  issuer: string;
  provider: Provider;
  /** the signing key (private) and its public part */
  privateJwk: JWK & { kid: string };
  publicJwk: JWK & { kid: string };
  accounts: Map<string, TestAccount>;
  /** sign in as `login` through the provider's pages and exchange the code (PKCE) */
  codeFlow(login: string, opts?: { clientId?: string; redirectUri?: string; scope?: string }): Promise<TokenSet>;
  refresh(refreshToken: string, clientId?: string): Promise<TokenSet>;
  close(): Promise<void>;
}

export interface TokenSet {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  expires_in: number;
}

export const SCOPES = 'openid email profile groups';

export async function startOidcProvider(opts: { accounts: Record<string, TestAccount>; clients: TestClient[]; idTokenTtl?: number }): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `test-${randomBytes(4).toString('hex')}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } as JWK & { kid: string };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = privateJwk;
  const publicJwk = pub as JWK & { kid: string };
  const accounts = new Map(Object.entries(opts.accounts));

  // listen first: the issuer URL names the port
  const { createServer } = await import('node:http');
  let handler: ((req: unknown, res: unknown) => void) | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      token_endpoint_auth_method: 'none', // a public client (SPA): PKCE instead of a secret
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // put the scopes' claims in the ID token too (Sextant reads the ID token; not only /userinfo)
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: { IdToken: opts.idTokenTtl ?? 3600, AccessToken: 3600, RefreshToken: 86400, Session: 86400, Grant: 86400, Interaction: 600, AuthorizationCode: 60 },
    // refresh tokens for every code grant of a client allowed them (offline_access needs prompt=consent)
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // consent granted automatically for what was asked (a test provider)
    async loadExistingGrant(ctx: any) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    async findAccount(_ctx: unknown, sub: string) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: a.email, email_verified: a.emailVerified ?? true, name: a.name, groups: a.groups };
        },
      };
    },
    clientBasedCORS: () => true,
    renderError(ctx: any, out: unknown) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.proxy = false;
  const callback = provider.callback();
  handler = callback as (req: unknown, res: unknown) => void;

  const defaultClient = opts.clients[0];

  async function token(body: Record<string, string>): Promise<TokenSet> {
    const res = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    const json = (await res.json()) as TokenSet & { error?: string; error_description?: string };
    if (!res.ok) throw new Error(`token endpoint: ${res.status} ${json.error}: ${json.error_description}`);
    return json;
  }

  return {
    issuer,
    provider,
    privateJwk,
    publicJwk,
    accounts,
    async codeFlow(login, o = {}) {
      const clientId = o.clientId ?? defaultClient.clientId;
      const redirectUri = o.redirectUri ?? opts.clients.find((c) => c.clientId === clientId)!.redirectUris[0];
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(8).toString('hex');
      const nonce = randomBytes(8).toString('hex');
      const jar = new Map<string, string>();
      const send = async (url: string, init: RequestInit = {}) => {
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair.indexOf('=');
          jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
        }
        return res;
      };
      const auth = new URL(`${issuer}/auth`);
      for (const [k, v] of Object.entries({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: o.scope ?? SCOPES, state, nonce, code_challenge: challenge, code_challenge_method: 'S256' })) auth.searchParams.set(k, v);
      let res = await send(auth.href);
      let location = res.headers.get('location');
      let code: string | null = null;
      for (let hops = 0; hops < 10 && location; hops++) {
        const url = new URL(location, issuer);
        if (url.href.startsWith(redirectUri)) {
          if (url.searchParams.get('state') !== state) throw new Error('state mismatch');
          if (url.searchParams.get('error')) throw new Error(`authorization error: ${url.searchParams.get('error')}: ${url.searchParams.get('error_description')}`);
          code = url.searchParams.get('code');
          break;
        }
        if (/^\/interaction\/[^/]+$/.test(url.pathname)) {
          // the login page: submit its form as a person would (dev interactions: any password)
          const page = await send(url.href);
          const html = await page.text();
          const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
          if (!action) throw new Error(`no login form at ${url.pathname}: ${html.slice(0, 200)}`);
          res = await send(new URL(action.replace(/&amp;/g, '&'), issuer).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString() });
        } else res = await send(url.href);
        location = res.headers.get('location');
      }
      if (!code) throw new Error(`no code came back (last status ${res.status})`);
      return token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
    },
    refresh(refreshToken, clientId = defaultClient.clientId) {
      return token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
