/** The adapters and settings a request needs, built once per process (Lambda container or local server). */
import type { Config } from './config';
import type { Store } from './store/client';
import { KeyStore } from './store/key-store';
import { RoadmapStore } from './store/roadmap-store';

export interface Services {
  config: Config;
  store: Store;
  roadmaps: RoadmapStore;
  keys: KeyStore;
  /** keyed-hash key for pseudonymising user ids */
  pseudonymKey: Buffer;
  now: () => number;
  /** note that rollups are stale (roadmap signals or events changed) */
  markDirty: () => void;
  /** local server: start background work (rollups, retention); returns a stop function */
  startBackground?: () => () => void;
  /** local server: push the demo world's simulated history through ingest */
  simulateDemo?: (world: import('./demo/fabrikam').DemoWorld, today: string) => Promise<void>;
}

export function createServices(config: Config, store: Store, pseudonymKey: Buffer, extra: Partial<Services> = {}): Services {
  return {
    config,
    store,
    roadmaps: new RoadmapStore(store),
    keys: new KeyStore(store),
    pseudonymKey,
    now: () => Date.now(),
    markDirty: () => undefined,
    ...extra,
  };
}
