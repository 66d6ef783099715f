/** The dashboard: the query cache, the session gate, and the router (shell and pages: routes.tsx). */
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { queryClient } from '../api/query-client';
import { ErrorState, Spinner } from '../components/States';
import { ConfirmSignInLink, SignInPage } from '../features/auth/components/SignInPage';
import { router } from './routes';
import { SessionProvider, useSession } from './session';

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
  return <RouterProvider router={router} />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </QueryClientProvider>
  );
}
