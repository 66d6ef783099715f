/** The dashboard: session gate, shell, and the route switch. */
import { Suspense, useEffect } from 'react';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { ConfirmSignInLink, SignInPage } from '../features/auth/components/SignInPage';
import { Link, matchPath, navigate, RouterProvider, useLocation } from './router';
import { ROUTES } from './routes';
import { SessionProvider, useSession } from './session';
import { Shell } from './Shell';

function CurrentPage() {
  const { pathname } = useLocation();
  const path = pathname.replace(/\/+$/, '') || '/';
  useEffect(() => {
    if (path === '/' || path === '/index.html') navigate('/impact', { replace: true });
  }, [path]);
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    const Page = route.page;
    const title = typeof route.title === 'function' ? route.title(params) : route.title;
    return (
      <Titled title={title}>
        <Shell active={route.nav}>
          <Suspense fallback={<Loading label={`Loading ${title}`} rows={4} />}>
            <Page params={params} />
          </Suspense>
        </Shell>
      </Titled>
    );
  }
  if (path === '/' || path === '/index.html') return null;
  return (
    <Shell active={null}>
      <EmptyState title="Page not found" icon="?" action={<Link to="/impact" className="button button--primary">Go to Impact</Link>}>
        There is no page at <code>{path}</code>.
      </EmptyState>
    </Shell>
  );
}

function Titled({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Sextant`;
  }, [title]);
  return <>{children}</>;
}

function Gate() {
  const { state, retry } = useSession();
  if (state.status === 'checking') {
    return (
      <div className="boot">
        <Spinner label="Signing in" />
        <p>Signing in…</p>
      </div>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <div className="boot">
        <ErrorState title="The Sextant API could not be reached" error={new Error(state.message)} onRetry={retry} />
      </div>
    );
  }
  if (state.status === 'signed_out') return <SignInPage notice={state.notice} />;
  if (state.status === 'confirm_link') return <ConfirmSignInLink name={state.me.name} scope={state.me.scope} />;
  return <CurrentPage />;
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </RouterProvider>
  );
}
