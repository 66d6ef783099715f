// @vitest-environment jsdom
/**
 * The route table: search params are validated per route and round-trip through the URL as
 * plain `?a=b`, typed params reach the page, unknown paths find no page; and the impact page's
 * data is refetched when the tab regains focus (other pages' is not).
 */
import { focusManager, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory } from '@tanstack/react-router';
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useImpact } from '../../web/src/api/get-impact';
import { useRoadmap } from '../../web/src/api/get-roadmap';
import { createQueryClient } from '../../web/src/api/query-client';
import { createAppRouter, NAV } from '../../web/src/app/routes';
import { setApiBase } from '../../web/src/lib/api-client';

afterEach(cleanup);

async function open(href: string) {
  const router = createAppRouter({ history: createMemoryHistory({ initialEntries: [href] }) });
  await router.load();
  return router;
}
const leaf = (router: Awaited<ReturnType<typeof open>>) => router.state.matches.at(-1)!;

describe('search params', () => {
  it('keeps the asks filters and reads invalid or empty values as absent', async () => {
    const router = await open('/asks?status=all&epic=gift-cards&q=wish%20list&source=');
    expect(leaf(router).routeId).toBe('/asks');
    expect(leaf(router).search).toEqual({ status: 'all', epic: 'gift-cards', q: 'wish list' });
    const bad = await open('/asks?status=archived');
    expect(leaf(bad).search).toEqual({});
  });

  it('validates asOf as a day and the scoreboard sort as a known column', async () => {
    const router = await open('/impact?asOf=2026-08-31&sort=adoption&dir=desc&theme=acquire');
    expect(leaf(router).search).toEqual({ asOf: '2026-08-31', sort: 'adoption', dir: 'desc', theme: 'acquire' });
    expect(leaf(await open('/impact?asOf=yesterday&sort=price&dir=up')).search).toEqual({});
  });

  it('round-trips: what a link builds is what the page reads', async () => {
    const router = await open('/impact');
    const built = router.buildLocation({ to: '/epics/$id', params: { id: 'virtual-try-on' }, search: { asOf: '2026-08-31' } });
    expect(built.href).toBe('/epics/virtual-try-on?asOf=2026-08-31');
    await act(() => router.navigate({ href: built.href }));
    expect(leaf(router).routeId).toBe('/epics/$id');
    expect(leaf(router).params).toEqual({ id: 'virtual-try-on' });
    expect(leaf(router).search).toEqual({ asOf: '2026-08-31' });
    expect(router.buildLocation({ to: '/asks', search: { status: 'all', epic: 'a b' } }).href).toBe('/asks?status=all&epic=a+b');
  });

  it('sends / to the impact page and finds no page for an unknown path', async () => {
    const home = await open('/');
    expect(home.state.location.pathname).toBe('/impact');
    const none = await open('/nowhere');
    expect(none.state.matches.map((m) => m.routeId)).toEqual(['__root__']);
  });

  it('builds the menu from the route table, in order', () => {
    expect(NAV.map((n) => n.to)).toEqual(['/impact', '/roadmap', '/asks', '/iterations', '/review', '/planner', '/history', '/settings', '/people']);
    expect(NAV.filter((n) => n.role).map((n) => [n.to, n.role])).toEqual([['/history', 'editor'], ['/people', 'admin']]);
  });
});

describe('refetch on focus', () => {
  let server: Server;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url?.startsWith('/api/v1/impact') ? { asOf: '2026-09-30', headline: {}, themes: [], epics: [] } : { epics: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    setApiBase(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    setApiBase('');
    vi.useRealTimers();
    await new Promise((r) => server.close(r));
  });

  it('refetches the impact data when the tab regains focus once it is stale, not the roadmap', async () => {
    function Reader() {
      const impact = useImpact(null);
      const roadmap = useRoadmap();
      return <p>{impact.data && roadmap.data ? 'loaded' : 'loading'}</p>;
    }
    const client = createQueryClient();
    const view = render(
      <QueryClientProvider client={client}>
        <Reader />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(view.getByText('loaded')).toBeTruthy());
    const count = (p: string) => hits.filter((h) => h === p).length;
    expect([count('/api/v1/impact'), count('/api/v1/roadmap')]).toEqual([1, 1]);

    // fresh data is not refetched on focus
    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });
    expect(count('/api/v1/impact')).toBe(1);

    // a minute later it is stale: focus refetches the impact page's data only
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    act(() => {
      focusManager.setFocused(false);
      focusManager.setFocused(true);
    });
    await waitFor(() => expect(count('/api/v1/impact')).toBe(2));
    expect(count('/api/v1/roadmap')).toBe(1);
    focusManager.setFocused(undefined);
  });
});
