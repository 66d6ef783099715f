/**
 * The route table (TanStack Router, code-based): the ONE place a page is registered. A page is a
 * lazy chunk of its own (recharts never enters the initial bundle; hovering or focusing a link
 * preloads it); its path parameters and search parameters are typed, and search parameters are
 * validated here, so `asOf`, filters and sort live in the URL and a view can be linked.
 *
 * Adding a page is one entry in PAGES:
 *
 *   history: page({
    path: '/history',
    title: 'History',
    nav: 'history',
    menu: { label: 'History', icon: '◷', order: 65, role: 'editor' },
    load: () => import('../features/history/components/HistoryPage'),
    validateSearch: (s): { epic?: string; person?: string; from?: string; to?: string } => ({ epic: text(s.epic), person: text(s.person), from: isoDay(s.from), to: isoDay(s.to) }),
  }),
  people: page({
 *     path: '/people',
 *     title: 'People',
 *     nav: 'people',                                    // which menu item is lit
 *     menu: { label: 'People', icon: '☺', order: 35 }, // only for a new menu item
 *     load: () => import('../features/people/components/PeoplePage'),
 *     validateSearch: (s): { q?: string } => ({ q: text(s.q) }), // only with search params
 *   }),
 *
 * The page module's default export is a component without props: a path parameter
 * (`path: '/people/$id'`) is read with `getRouteApi('/people/$id').useParams()`, search
 * params with `.useSearch()` and changed with `.useNavigate()` (`navigate({ search: (s) =>
 * ({ ...s, q }), replace: true })`); links are `<Link to="/people/$id" params={{ id }}>` from
 * `@tanstack/react-router`, type-checked against this table.
 */
import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Link, Outlet, redirect, useMatches, type AnyRoute } from '@tanstack/react-router';
import { Suspense, useEffect, type ComponentType } from 'react';
import type { Role } from '../../../shared/keys';
import type { Schemas } from '../api/types';
import type { SortKey } from '../features/impact/lib/impact-view';
import { EmptyState, Loading } from '../components/States';
import { isoDay, isoMonth, oneOf, parseSearch, stringifySearch, text, type RawSearch } from './search';
import { Shell } from './Shell';

export interface PageInfo {
  title: string;
  /** the menu item lit while this page is open */
  nav?: string;
  /** a menu item of its own, sorted by `order`; `role`: shown only from that role up */
  menu?: { label: string; icon: string; order: number; role?: Role };
}

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption extends Partial<PageInfo> {}
  interface Register {
    router: typeof router;
  }
}

/** The frame of every page: the shell with its menu item lit, the title, the page (or its skeleton). */
function Frame() {
  const info = useMatches({ select: (ms) => ms.at(-1)?.staticData });
  const title = info?.title;
  useEffect(() => {
    if (title) document.title = `${title} · Sextant`;
  }, [title]);
  return (
    <Shell active={info?.nav ?? null} nav={NAV}>
      <Suspense fallback={<Loading label={`Loading ${title ?? 'page'}`} rows={4} />}>
        <Outlet />
      </Suspense>
    </Shell>
  );
}

function NotFound() {
  const path = typeof window === 'undefined' ? '' : window.location.pathname;
  return (
    <EmptyState
      title="Page not found"
      icon="?"
      action={
        <Link to="/impact" className="button button--primary">
          Go to Impact
        </Link>
      }
    >
      There is no page at <code>{path}</code>.
    </EmptyState>
  );
}

export const rootRoute = createRootRoute({ component: Frame, notFoundComponent: NotFound });

function PagePending() {
  const title = useMatches({ select: (ms) => ms.at(-1)?.staticData.title });
  return <Loading label={`Loading ${title ?? 'page'}`} rows={4} />;
}

/** One page: a lazy chunk under the shell, with its title and menu item. */
function page<const TPath extends string, TSearch extends object = object>(def: PageInfo & {
  path: TPath;
  load: () => Promise<{ default: ComponentType }>;
  validateSearch?: (raw: RawSearch) => TSearch;
}) {
  return createRoute({
    getParentRoute: () => rootRoute,
    path: def.path,
    staticData: { title: def.title, nav: def.nav, menu: def.menu },
    component: lazyRouteComponent(def.load),
    pendingComponent: PagePending,
    validateSearch: def.validateSearch ?? ((): TSearch => ({}) as TSearch),
  });
}

type AskStatusFilter = Schemas['Ask']['status'] | 'all';
const ASK_TABS = ['new', 'linked', 'declined', 'all'] as const satisfies readonly AskStatusFilter[];
const SCOREBOARD_SORTS = ['epic', 'verdict', 'adoption', 'satisfaction', 'kpi', 'decision'] as const satisfies readonly SortKey[];
const asOfSearch = (s: RawSearch): { asOf?: string } => ({ asOf: isoDay(s.asOf) });
const againstSearch = (s: RawSearch): { against?: string } => ({ against: text(s.against) });

export const PAGES = {
  impact: page({
    path: '/impact',
    title: 'Impact',
    nav: 'impact',
    menu: { label: 'Impact', icon: '◎', order: 10 },
    load: () => import('../features/impact/components/ImpactPage'),
    validateSearch: (s): { asOf?: string; sort?: SortKey; dir?: 'asc' | 'desc'; theme?: string } =>
      ({ asOf: isoDay(s.asOf), sort: oneOf(SCOREBOARD_SORTS)(s.sort), dir: oneOf(['asc', 'desc'] as const)(s.dir), theme: text(s.theme) }),
  }),
  roadmap: page({
    path: '/roadmap',
    title: 'Roadmap',
    nav: 'roadmap',
    menu: { label: 'Roadmap', icon: '▦', order: 20 },
    load: () => import('../features/roadmap/components/RoadmapPage'),
    validateSearch: (s): { range?: string } => ({ range: text(s.range) }),
  }),
  asks: page({
    path: '/asks',
    title: 'Customer asks',
    nav: 'asks',
    menu: { label: 'Asks', icon: '✉', order: 30 },
    load: () => import('../features/asks/components/AsksPage'),
    validateSearch: (s): { status?: AskStatusFilter; source?: string; epic?: string; account?: string; q?: string } =>
      ({ status: oneOf(ASK_TABS)(s.status), source: text(s.source), epic: text(s.epic), account: text(s.account), q: text(s.q) }),
  }),
  epic: page({
    path: '/epics/$id',
    title: 'Epic outcome',
    nav: 'impact',
    load: () => import('../features/outcome/components/EpicOutcomePage'),
    validateSearch: asOfSearch,
  }),
  iterations: page({
    path: '/iterations',
    title: 'Iterations',
    nav: 'iterations',
    menu: { label: 'Iterations', icon: '↻', order: 40 },
    load: () => import('../features/iterations/components/IterationsPage'),
    validateSearch: againstSearch,
  }),
  iteration: page({
    path: '/iterations/$id',
    title: 'Iteration',
    nav: 'iterations',
    load: () => import('../features/iterations/components/IterationsPage'),
    validateSearch: againstSearch,
  }),
  review: page({
    path: '/review',
    title: 'Monthly review',
    nav: 'review',
    menu: { label: 'Review', icon: '☰', order: 50 },
    load: () => import('../features/review/components/ReviewPage'),
    validateSearch: (s): { month?: string } => ({ month: isoMonth(s.month) }),
  }),
  planner: page({
    path: '/planner',
    title: 'Planner',
    nav: 'planner',
    menu: { label: 'Planner', icon: '⚖', order: 60 },
    load: () => import('../features/planner/components/PlannerPage'),
  }),
  settings: page({
    path: '/settings',
    title: 'Settings',
    nav: 'settings',
    menu: { label: 'Settings', icon: '⚙', order: 70 },
    load: () => import('../features/settings/components/SettingsPage'),
  }),
  history: page({
    path: '/history',
    title: 'History',
    nav: 'history',
    menu: { label: 'History', icon: '◷', order: 65, role: 'editor' },
    load: () => import('../features/history/components/HistoryPage'),
    validateSearch: (s): { epic?: string; person?: string; from?: string; to?: string } => ({ epic: text(s.epic), person: text(s.person), from: isoDay(s.from), to: isoDay(s.to) }),
  }),
  people: page({
    path: '/people',
    title: 'People',
    nav: 'people',
    menu: { label: 'People', icon: '☺', order: 80, role: 'admin' },
    load: () => import('../features/people/components/PeoplePage'),
  }),
};

/** `/` and `/index.html` open the impact page */
const home = createRoute({ getParentRoute: () => rootRoute, path: '/', beforeLoad: () => redirect({ to: '/impact', replace: true, throw: true }) });
const indexHtml = createRoute({ getParentRoute: () => rootRoute, path: '/index.html', beforeLoad: () => redirect({ to: '/impact', replace: true, throw: true }) });

export const routeTree = rootRoute.addChildren({ ...PAGES, home, indexHtml });

export function createAppRouter(opts: { history?: Parameters<typeof createRouter>[0]['history'] } = {}) {
  return createRouter({
    routeTree,
    history: opts.history,
    parseSearch,
    stringifySearch,
    defaultPreload: 'intent',
    scrollRestoration: false,
    trailingSlash: 'never',
  });
}

export const router = createAppRouter();

/** The menu: every page with a `menu`, in order. */
export const NAV = (Object.values(PAGES) as AnyRoute[])
  .flatMap((r) => {
    const d = r.options.staticData as PageInfo | undefined;
    return d?.menu ? [{ id: d.nav ?? r.fullPath, to: r.fullPath as string, ...d.menu }] : [];
  })
  .sort((a, b) => a.order - b.order);
