/** Designed loading, empty and error states, and `QueryView` which picks one for a query. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, errorDetails } from '../lib/api-client';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

/** Skeleton blocks shaped like the content that is coming. */
export function Loading({ label = 'Loading', rows = 3, variant = 'cards' }: { label?: string; rows?: number; variant?: 'cards' | 'table' | 'chart' }) {
  return (
    <div className={`loading loading--${variant}`} role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" aria-hidden="true" />
      ))}
    </div>
  );
}

export function EmptyState({ title, children, action, icon = '◌' }: { title: string; children?: ReactNode; action?: ReactNode; icon?: string }) {
  return (
    <div className="empty">
      <div className="empty__icon" aria-hidden="true">
        {icon}
      </div>
      <p className="empty__title">{title}</p>
      {children && <div className="empty__body">{children}</div>}
      {action && <div className="empty__action">{action}</div>}
    </div>
  );
}

/** What went wrong, in words, with the API's own message and details, and a retry. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const api = error instanceof ApiError ? error : null;
  const missing = api && api.status === 404 && api.code === 'not_found' && /no route/.test(api.message);
  const heading =
    title ??
    (missing
      ? 'This part of the API is not available on this server yet'
      : api?.status === 403
        ? 'Your role does not allow this'
        : api?.status === 0
          ? 'The API could not be reached'
          : 'Something went wrong');
  const details = errorDetails(error);
  return (
    <div className="error-state" role="alert">
      <div className="error-state__icon" aria-hidden="true">
        !
      </div>
      <div>
        <p className="error-state__title">{heading}</p>
        <p className="error-state__message">{error instanceof Error ? error.message : String(error)}</p>
        {details.length > 0 && (
          <ul className="error-state__details">
            {details.slice(0, 8).map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        )}
        {onRetry && !missing && api?.status !== 403 && (
          <button type="button" className="button button--secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

/** An inline error under a form: the API's message and its per-field details. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const details = errorDetails(error);
  return (
    <div className="form-error" role="alert">
      <strong>{error instanceof Error ? error.message : String(error)}</strong>
      {details.length > 0 && (
        <ul>
          {details.slice(0, 10).map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Render a query: skeleton while loading, error with retry, else the content. */
export function QueryView<T>({
  query,
  children,
  loading,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  loading?: ReactNode;
}) {
  // a failed refetch keeps showing what was there (as a failed first fetch shows the error)
  if (query.data === undefined && query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data === undefined) return <>{loading ?? <Loading />}</>;
  return <>{children(query.data)}</>;
}
