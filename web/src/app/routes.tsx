/** The route table: every page is its own lazy chunk (recharts never enters the initial bundle). */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export type NavId = 'impact' | 'roadmap' | 'asks' | 'iterations' | 'planner' | 'review' | 'history' | 'settings';

export interface RouteDef {
  pattern: string;
  nav: NavId;
  title: string | ((params: Record<string, string>) => string);
  page: LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;
}

/** Preload a page's chunk (on hover or focus of its nav link); its route loads the same chunk. */
export const PRELOAD = {
  impact: () => import('../features/impact/components/ImpactPage'),
  roadmap: () => import('../features/roadmap/components/RoadmapPage'),
  asks: () => import('../features/asks/components/AsksPage'),
  iterations: () => import('../features/iterations/components/IterationsPage'),
  planner: () => import('../features/planner/components/PlannerPage'),
  settings: () => import('../features/settings/components/SettingsPage'),
  review: () => import('../features/review/components/ReviewPage'),
  history: () => import('../features/history/components/HistoryPage'),
} satisfies Record<NavId, () => Promise<unknown>>;

const ImpactPage = lazy(PRELOAD.impact);
const RoadmapPage = lazy(PRELOAD.roadmap);
const AsksPage = lazy(PRELOAD.asks);
const EpicOutcomePage = lazy(() => import('../features/outcome/components/EpicOutcomePage'));
const IterationsPage = lazy(PRELOAD.iterations);
const PlannerPage = lazy(PRELOAD.planner);
const SettingsPage = lazy(PRELOAD.settings);
const ReviewPage = lazy(PRELOAD.review);
const HistoryPage = lazy(PRELOAD.history);

export const ROUTES: RouteDef[] = [
  { pattern: '/impact', nav: 'impact', title: 'Impact', page: ImpactPage },
  { pattern: '/roadmap', nav: 'roadmap', title: 'Roadmap', page: RoadmapPage },
  { pattern: '/asks', nav: 'asks', title: 'Customer asks', page: AsksPage },
  { pattern: '/epics/:id', nav: 'impact', title: 'Epic outcome', page: EpicOutcomePage },
  { pattern: '/iterations', nav: 'iterations', title: 'Iterations', page: IterationsPage },
  { pattern: '/iterations/:id', nav: 'iterations', title: 'Iteration', page: IterationsPage },
  { pattern: '/planner', nav: 'planner', title: 'Planner', page: PlannerPage },
  { pattern: '/settings', nav: 'settings', title: 'Settings', page: SettingsPage },
  { pattern: '/review', nav: 'review', title: 'Monthly review', page: ReviewPage },
  { pattern: '/history', nav: 'history', title: 'History', page: HistoryPage },
];

export const NAV: { id: NavId; label: string; to: string; icon: string }[] = [
  { id: 'impact', label: 'Impact', to: '/impact', icon: '◎' },
  { id: 'roadmap', label: 'Roadmap', to: '/roadmap', icon: '▦' },
  { id: 'asks', label: 'Asks', to: '/asks', icon: '✉' },
  { id: 'iterations', label: 'Iterations', to: '/iterations', icon: '↻' },
  { id: 'review', label: 'Review', to: '/review', icon: '☰' },
  { id: 'planner', label: 'Planner', to: '/planner', icon: '⚖' },
  { id: 'history', label: 'History', to: '/history', icon: '◷' },
  { id: 'settings', label: 'Settings', to: '/settings', icon: '⚙' },
];
