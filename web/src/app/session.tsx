/**
 * Who is signed in. A sign-in link carries a one-time code (`#code=…`, 10 minutes), taken out of
 * the address bar before anything else runs and exchanged (POST /api/v1/sign-in) for a session
 * token; a pasted role token is exchanged the same way (POST /api/v1/session), so the browser
 * never keeps a long-lived token. The session token lives in sessionStorage: this tab only,
 * gone when the tab closes, out of reach of other origins and of the history, and it expires on
 * the server anyway (12 hours); signing out revokes it. Bearer tokens in a header, not cookies,
 * because on AWS the dashboard (CloudFront) and the API are different sites — and a header
 * cannot be sent by another site's form, so writes need no CSRF token.
 * Opening a sign-in link while signed in asks first (in this tab: a new tab has no session).
 * With an identity provider configured, a person signs in there instead (features/auth/oidc.ts):
 * the provider's ID token is the bearer token, refreshed before it expires and once on a 401;
 * signing out also ends the provider's session when it has an end-session endpoint.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Role } from '../../../shared/keys';
import { getMe } from '../api/get-me';
import { clearQueries, invalidate } from '../api/query-client';
import type { KeyRecord, SessionCreated } from '../api/types';
import { api, ApiError, call, onUnauthorized, setToken, withToken } from '../lib/api-client';
import { canAct } from '../lib/domain';
import { completeSignIn, endSessionUrl, forgetTokens, isCallback, refreshTokens, storedTokens, type OidcTokens } from '../features/auth/oidc';
import { router } from './routes';

/** Refresh the provider's ID token this long before it expires. */
const REFRESH_BEFORE_MS = 60_000;

const STORAGE_KEY = 'sextant.session';
/** where versions before one-time links kept a long-lived token: removed on sight */
const LEGACY_KEY = 'sextant.token';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed_out'; notice?: string }
  | { status: 'unreachable'; message: string }
  | { status: 'confirm_link'; me: KeyRecord }
  | { status: 'signed_in'; me: KeyRecord };

interface Session {
  state: SessionState;
  me: KeyRecord | null;
  can(role: Role): boolean;
  signIn(token: string): Promise<void>;
  signOut(notice?: string): void;
  retry(): void;
  /** the answer to "you opened a sign-in link while signed in": use it, or stay */
  resolveLink(redeemLink: boolean): void;
}

const SessionContext = createContext<Session | null>(null);

let pendingCode: string | null = null;

/**
 * Take `#code=…` out of the address bar at once (boot, before React renders) and keep it in
 * memory. A `#token=…` of older links is removed too and never used.
 */
export function takeSignInCodeFromUrl(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const code = params.get('code');
  if (!code && !params.has('token')) return null;
  params.delete('code');
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  pendingCode = code;
  return code;
}

interface Stored {
  token: string;
  expiresAt: string;
}

function storeSession(s: Stored) {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    // storage disabled: the session lasts until reload
  }
}

function storedSession(): Stored | null {
  try {
    localStorage.removeItem(LEGACY_KEY);
    sessionStorage.removeItem(LEGACY_KEY);
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const s = raw ? (JSON.parse(raw) as Stored) : null;
    return s && typeof s.token === 'string' && Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function forgetSession() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** A failed sign-in in words a person can act on. */
export function signInError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return e.code === 'unauthorized' && /sign-in link/.test(e.message) ? e.message : 'That token was not accepted: it may be mistyped, expired or revoked.';
    if (e.status === 403) return 'This key cannot open the dashboard (write keys only send events). Use a viewer, editor or admin token.';
    if (e.status === 429) return 'Too many failed sign-ins from here: wait a minute and try again.';
    if (e.status === 0) return e.message;
    return `Sign-in failed: ${e.message}`;
  }
  return 'Sign-in failed.';
}

async function redeem(code: string): Promise<SessionCreated> {
  return call(api.POST('/api/v1/sign-in', { body: { code }, ...withToken('') }));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => (storedSession() || pendingCode || isCallback() || storedTokens() ? { status: 'checking' } : { status: 'signed_out' }));
  const [attempt, setAttempt] = useState(0);
  const link = useRef<string | null>(pendingCode);

  const begin = useCallback((s: SessionCreated) => {
    storeSession({ token: s.token, expiresAt: s.expiresAt });
    setToken(s.token);
    clearQueries();
    setState({ status: 'signed_in', me: s.me });
  }, []);

  const signOut = useCallback((notice?: string) => {
    const current = storedSession();
    if (current) void call(api.DELETE('/api/v1/session', withToken(current.token))).catch(() => undefined);
    forgetSession();
    // signed in with the identity provider: end its session too (unless the sign-in simply ran out)
    const oidc = storedTokens();
    forgetTokens();
    setToken(null);
    clearQueries();
    setState({ status: 'signed_out', notice });
    const end = oidc && !notice ? endSessionUrl(oidc) : null;
    if (end) window.location.assign(end);
  }, []);

  /** Use the provider's ID token as the bearer token; ask the API who this is. */
  const adoptProviderTokens = useCallback((t: OidcTokens, returnTo?: string, refreshed = false) => {
    setToken(t.idToken);
    getMe(t.idToken).then(
      (me) => {
        // the router is mounted once signed in: it starts from this location
        if (returnTo) router.history.replace(returnTo);
        setState({ status: 'signed_in', me });
      },
      (e) => {
        // refused (revoked, or the clock ran out early): one refresh, then back to sign-in
        if (e instanceof ApiError && e.status === 401 && !refreshed) {
          void refreshTokens(t).then((next) => (next ? adoptProviderTokens(next, returnTo, true) : signOut('Your sign-in expired. Sign in again.')));
          return;
        }
        forgetTokens();
        setToken(null);
        if (e instanceof ApiError && e.status === 403) setState({ status: 'signed_out', notice: e.message });
        else if (e instanceof ApiError && e.status === 401) setState({ status: 'signed_out', notice: 'Your sign-in ended (expired or refused). Sign in again.' });
        else setState({ status: 'unreachable', message: e instanceof Error ? e.message : 'The API did not answer.' });
      },
    );
  }, [signOut]);

  const redeemLink = useCallback(
    (code: string) => {
      setState({ status: 'checking' });
      redeem(code).then(begin, (e) => {
        forgetSession();
        setToken(null);
        setState({ status: 'signed_out', notice: signInError(e) });
      });
    },
    [begin],
  );

  // resume this tab's session, or use the sign-in link it was opened with (asking first when both)
  useEffect(() => {
    // the identity provider sent the person back, or this tab signed in with it before
    if (isCallback()) {
      completeSignIn().then(
        ({ tokens, returnTo }) => adoptProviderTokens(tokens, returnTo),
        (e) => setState({ status: 'signed_out', notice: `Sign-in with your identity provider did not complete: ${e instanceof Error ? e.message : 'unknown error'}` }),
      );
      return;
    }
    const oidc = storedTokens();
    if (oidc) {
      if (oidc.expiresAt - Date.now() > REFRESH_BEFORE_MS) adoptProviderTokens(oidc);
      else void refreshTokens(oidc).then((next) => (next ? adoptProviderTokens(next) : signOut('Your sign-in expired. Sign in again.')));
      return;
    }
    const stored = storedSession();
    const code = link.current;
    if (!stored) {
      if (code) {
        link.current = null;
        pendingCode = null;
        redeemLink(code);
      }
      return;
    }
    const controller = new AbortController();
    setToken(stored.token);
    setState({ status: 'checking' });
    getMe(stored.token, controller.signal).then(
      (me) => setState(link.current ? { status: 'confirm_link', me } : { status: 'signed_in', me }),
      (e) => {
        if (controller.signal.aborted) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          forgetSession();
          setToken(null);
          const pending = link.current;
          link.current = null;
          pendingCode = null;
          if (pending) redeemLink(pending);
          else setState({ status: 'signed_out', notice: 'Your session ended (expired or revoked). Sign in again.' });
        } else setState({ status: 'unreachable', message: e instanceof Error ? e.message : 'The API did not answer.' });
      },
    );
    return () => controller.abort();
  }, [attempt, redeemLink, adoptProviderTokens, signOut]);

  // the provider's ID token: refreshed a minute before it expires, for as long as the provider agrees
  useEffect(() => {
    if (state.status !== 'signed_in') return;
    const t = storedTokens();
    if (!t) return;
    const timer = window.setTimeout(
      () =>
        void refreshTokens(t).then((next) => {
          if (!next) return signOut('Your sign-in expired. Sign in again.');
          setToken(next.idToken);
          setState((s) => (s.status === 'signed_in' ? { ...s } : s));
        }),
      Math.max(0, t.expiresAt - Date.now() - REFRESH_BEFORE_MS),
    );
    return () => window.clearTimeout(timer);
  }, [state, signOut]);

  // a sign-in link opened in this very tab (only the fragment changes: no reload)
  useEffect(() => {
    const onHash = () => {
      const code = takeSignInCodeFromUrl();
      if (!code) return;
      pendingCode = null;
      if (storedSession()) {
        link.current = code;
        setState((s) => (s.status === 'signed_in' ? { status: 'confirm_link', me: s.me } : s));
      } else redeemLink(code);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [redeemLink]);

  useEffect(
    () =>
      onUnauthorized(() => {
        const t = storedTokens();
        if (!t) return signOut('Your session ended: it expired or was revoked. Sign in again.');
        // a 401 with the provider's token: refresh once and read again, else back to sign-in
        void refreshTokens(t).then((next) => {
          if (!next) return signOut('Your sign-in expired. Sign in again.');
          setToken(next.idToken);
          void invalidate([]);
        });
      }),
    [signOut],
  );

  const signIn = useCallback(
    async (pasted: string) => {
      const created = await call(api.POST('/api/v1/session', withToken(pasted.trim())));
      begin(created);
    },
    [begin],
  );

  const resolveLink = useCallback(
    (use: boolean) => {
      const code = link.current;
      link.current = null;
      pendingCode = null;
      if (use && code) {
        signOut();
        redeemLink(code);
      } else if (state.status === 'confirm_link') setState({ status: 'signed_in', me: state.me });
    },
    [signOut, redeemLink, state],
  );

  const value = useMemo<Session>(() => {
    const me = state.status === 'signed_in' ? state.me : null;
    return {
      state,
      me,
      can: (role: Role) => canAct(me?.scope, role),
      signIn,
      signOut,
      retry: () => setAttempt((n) => n + 1),
      resolveLink,
    };
  }, [state, signIn, signOut, resolveLink]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The caller's role allows `role`? (Viewer: read only. Editor: edits. Admin: keys.) */
export function useCan(role: Role): boolean {
  return useSession().can(role);
}
