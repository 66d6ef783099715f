/** The adapters and settings a request needs, built once per process (Lambda container or local server). */
import type { Config } from './config';
import type { DemoWorld } from './demo/fabrikam';
import { AnalyticsStore } from './store/analytics-store';
import { AskStore } from './store/ask-store';
import type { Store } from './store/client';
import { EventStore } from './store/event-store';
import { IterationStore } from './store/iteration-store';
import { KeyStore } from './store/key-store';
import { OidcVerifier } from './oidc';
import { PeopleStore } from './store/people-store';
import { ReviewStore } from './store/review-store';
import { RollupStore } from './store/rollup-store';
import { RoadmapStore } from './store/roadmap-store';
import { SubscriptionStore } from './store/subscription-store';

export interface Services {
  config: Config;
  store: Store;
  roadmaps: RoadmapStore;
  keys: KeyStore;
  events: EventStore;
  analytics: AnalyticsStore;
  asks: AskStore;
  rollups: RollupStore;
  reviews: ReviewStore;
  iterations: IterationStore;
  subscriptions: SubscriptionStore;
  people: PeopleStore;
  /** people's tokens from SEXTANT_OIDC_ISSUER (absent when no issuer is configured) */
  identity?: OidcVerifier;
  /** local server: the URL it listens on (digest links when SEXTANT_BASE_URL is unset) */
  publicUrl?: string;
  /** keyed-hash key for pseudonymising user ids */
  pseudonymKey: Buffer;
  now: () => number;
  /** rollups are stale (events arrived, or signals / ship dates changed): persist and notify */
  markDirty: () => Promise<void>;
  /** AWS: hand a background job to the worker's queue (absent locally: jobs run inline) */
  enqueue?: (job: { job: 'rollup' } | { job: 'rebuild'; fix?: boolean } | { job: 'purge' }) => Promise<void>;
  /** AWS worker: send rollup shard / merge jobs to the queue (absent locally: run in-process) */
  fanOut?: (jobs: Record<string, unknown>[], delaySeconds?: number) => Promise<void>;
  /** local server: called after markDirty or new facts to schedule a rollup soon */
  onDirty?: () => void;
  /** local server: start background work (rollups, retention); returns a stop function */
  startBackground?: () => () => Promise<void>;
  /** local server: push the demo world's simulated history through ingest */
  simulateDemo?: (world: DemoWorld, today: string) => Promise<void>;
}

export function createServices(config: Config, store: Store, pseudonymKey: Buffer, extra: Partial<Services> = {}): Services {
  const services: Services = {
    config,
    store,
    roadmaps: new RoadmapStore(store),
    // the clock is read through `services` so a test (or an injected `now`) moves it
    keys: new KeyStore(store, { ttlMs: config.SEXTANT_CREDENTIAL_CACHE_SECONDS * 1000, now: () => services.now() }),
    events: new EventStore(store),
    analytics: new AnalyticsStore(store),
    asks: new AskStore(store),
    rollups: new RollupStore(store),
    reviews: new ReviewStore(store),
    iterations: new IterationStore(store),
    subscriptions: new SubscriptionStore(store),
    people: new PeopleStore(store, () => services.now()),
    pseudonymKey,
    now: () => Date.now(),
    async markDirty() {
      await services.analytics.markDirty(services.now());
      services.onDirty?.();
    },
    ...extra,
  };
  if (config.SEXTANT_OIDC_ISSUER && !services.identity) services.identity = new OidcVerifier(config, services.people);
  return services;
}
