/**
 * Render a dashboard component the way the app does: inside a router (its links are the
 * router's) and a query client of its own, at `path` of an in-memory history.
 */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { act, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createQueryClient } from '../../web/src/api/query-client';

export async function renderInApp(ui: ReactElement, opts: { path?: string; queryClient?: QueryClient } = {}): Promise<RenderResult> {
  const rootRoute = createRootRoute({ component: () => ui });
  const router = createRouter({ routeTree: rootRoute, history: createMemoryHistory({ initialEntries: [opts.path ?? '/'] }) });
  await router.load();
  let result!: RenderResult;
  await act(async () => {
    result = render(
      <QueryClientProvider client={opts.queryClient ?? createQueryClient()}>
        <RouterProvider router={router as never} />
      </QueryClientProvider>,
    );
  });
  return result;
}
