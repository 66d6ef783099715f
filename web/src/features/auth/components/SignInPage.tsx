/**
 * Sign in with the company's identity provider (when the server names one), with a token
 * (viewer, editor or admin key), or arrive via a one-time sign-in link.
 */
import { useId, useState, type FormEvent } from 'react';
import { useIdentity } from '../../../api/get-identity';
import { beginSignIn } from '../oidc';
import type { KeyScope } from '../../../../../shared/keys';
import { SCOPES } from '../../../lib/domain';
import { signInError, useSession } from '../../../app/session';
import { BrandMark } from '../../../components/BrandMark';

export function SignInPage({ notice }: { notice?: string }) {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const tokenId = useId();
  const errorId = useId();
  const identity = useIdentity();
  const provider = identity.data?.oidc ?? null;
  const [redirecting, setRedirecting] = useState(false);

  const withProvider = async () => {
    if (!provider) return;
    setRedirecting(true);
    setError(null);
    try {
      // the OpenID Connect client (oauth4webapi) is loaded here, on demand: not in the initial bundle
      await beginSignIn(provider);
    } catch (err) {
      setError(`Could not reach ${provider.providerName}: ${err instanceof Error ? err.message : 'unknown error'}`);
      setRedirecting(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) {
      setError('Paste a token to sign in.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await signIn(token);
    } catch (err) {
      setError(signInError(err));
      setPending(false);
    }
  };

  return (
    <div className="signin">
      <div className="signin__card">
        <div className="signin__brand">
          <BrandMark size={40} fill="#1f3a8a" />
          <div>
            <h1 data-page-title tabIndex={-1}>
              Sign in to Sextant
            </h1>
            <p className="muted">What your team shipped, and what it did to the product.</p>
          </div>
        </div>
        {notice && (
          <p className="notice notice--warn" role="status">
            {notice}
          </p>
        )}
        {provider && (
          <div className="signin__provider">
            <button type="button" className="button button--primary button--block" onClick={() => void withProvider()} disabled={redirecting}>
              {redirecting ? `Opening ${provider.providerName}…` : `Sign in with ${provider.providerName}`}
            </button>
            <p className="field__hint">Your company account. Scripts and pipelines keep using keys: paste one below.</p>
          </div>
        )}
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={tokenId}>Access token</label>
            <input
              id={tokenId}
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="sx_…"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              autoFocus={!provider}
            />
            <p className="field__hint">
              A viewer, editor or admin key. It is exchanged for a session of this tab (at most 12 hours) and not kept by the browser. Running
              locally? Open the one-time sign-in link printed by <code>npm start</code>.
            </p>
          </div>
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className={`button ${provider ? 'button--secondary' : 'button--primary'} button--block`} disabled={pending}>
            {pending ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}

/** A sign-in link was opened in a tab that is already signed in: ask before switching. */
export function ConfirmSignInLink({ name, scope }: { name: string; scope: KeyScope }) {
  const { resolveLink } = useSession();
  return (
    <div className="signin">
      <div className="signin__card" role="alertdialog" aria-labelledby="confirm-link-title" aria-describedby="confirm-link-text">
        <h1 id="confirm-link-title" data-page-title tabIndex={-1}>
          Use this sign-in link?
        </h1>
        <p id="confirm-link-text">
          You are signed in as <strong>{name}</strong> ({SCOPES[scope].label}). The link you opened signs you in again, possibly with another
          role, and ends this session. A link works once: if you stay, it remains unused until it expires.
        </p>
        <div className="toolbar">
          <button type="button" className="button button--primary" onClick={() => resolveLink(true)}>
            Sign in with the link
          </button>
          <button type="button" className="button button--secondary" onClick={() => resolveLink(false)} autoFocus>
            Stay signed in as {name}
          </button>
        </div>
      </div>
    </div>
  );
}
