/** Sign in with a token (viewer, editor or admin key), or arrive via a sign-in link. */
import { useId, useState, type FormEvent } from 'react';
import { signInError, useSession } from '../../../app/session';
import { BrandMark } from '../../../components/BrandMark';

export function SignInPage({ notice }: { notice?: string }) {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const tokenId = useId();
  const errorId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) {
      setError('Paste a token to sign in.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await signIn(token, remember);
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
              autoFocus
            />
            <p className="field__hint">
              A viewer, editor or admin key. Running locally? Open the sign-in link printed by <code>npm start</code>.
            </p>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            Keep me signed in on this device
          </label>
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button--primary button--block" disabled={pending}>
            {pending ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
