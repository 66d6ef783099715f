/**
 * Who is signed in: the bearer token (from a sign-in link's `#token=` fragment, or pasted),
 * kept in localStorage ("remember me") or sessionStorage, and the key record from `/me`
 * whose scope decides which controls the UI shows.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { KeyRecord, Role } from '../../../shared/keys';
import { getMe } from '../api/get-me';
import { ApiError, onUnauthorized, setToken } from '../lib/api-client';
import { canAct } from '../lib/domain';
import { clearQueries } from '../lib/query';

const STORAGE_KEY = 'sextant.token';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed_out'; notice?: string }
  | { status: 'unreachable'; message: string }
  | { status: 'signed_in'; me: KeyRecord };

interface Session {
  state: SessionState;
  me: KeyRecord | null;
  can(role: Role): boolean;
  signIn(token: string, remember: boolean): Promise<void>;
  signOut(notice?: string): void;
  retry(): void;
}

const SessionContext = createContext<Session | null>(null);

/**
 * Take `#token=...` out of the address bar (so it is not bookmarked or shared) and keep it.
 * Returns the token found, if any.
 */
export function takeTokenFromUrl(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  storeToken(token, true);
  return token;
}

function storeToken(token: string, remember: boolean) {
  try {
    (remember ? localStorage : sessionStorage).setItem(STORAGE_KEY, token);
    (remember ? sessionStorage : localStorage).removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: the session lasts until reload
  }
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function forgetToken() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** A failed /me in words a person can act on. */
export function signInError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'That token was not accepted: it may be mistyped, expired or revoked.';
    if (e.status === 403) return 'This key cannot open the dashboard (write keys only send events). Use a viewer, editor or admin token.';
    if (e.status === 0) return e.message;
    return `Sign-in failed: ${e.message}`;
  }
  return 'Sign-in failed.';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => (storedToken() ? { status: 'checking' } : { status: 'signed_out' }));
  const [attempt, setAttempt] = useState(0);

  const signOut = useCallback((notice?: string) => {
    forgetToken();
    setToken(null);
    clearQueries();
    setState({ status: 'signed_out', notice });
  }, []);

  // resume a stored session
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    const controller = new AbortController();
    setToken(token);
    setState({ status: 'checking' });
    getMe(token, controller.signal).then(
      (me) => setState({ status: 'signed_in', me }),
      (e) => {
        if (controller.signal.aborted) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) signOut(signInError(e));
        else setState({ status: 'unreachable', message: e instanceof Error ? e.message : 'The API did not answer.' });
      },
    );
    return () => controller.abort();
  }, [attempt, signOut]);

  useEffect(() => onUnauthorized(() => signOut('Your session ended: the key was revoked or is no longer valid. Sign in again.')), [signOut]);

  const signIn = useCallback(async (pasted: string, remember: boolean) => {
    const token = pasted.trim();
    const me = await getMe(token);
    storeToken(token, remember);
    setToken(token);
    clearQueries();
    setState({ status: 'signed_in', me });
  }, []);

  const value = useMemo<Session>(() => {
    const me = state.status === 'signed_in' ? state.me : null;
    return {
      state,
      me,
      can: (role: Role) => canAct(me?.scope, role),
      signIn,
      signOut,
      retry: () => setAttempt((n) => n + 1),
    };
  }, [state, signIn, signOut]);

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
