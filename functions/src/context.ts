/** What every request handler can reach: the store adapters and the configuration. */
import type { KeyRecord } from '../../shared/keys';
import type { Config } from './config';
import type { Store } from './store/client';
import type { Services } from './services';

export interface Env {
  Variables: {
    services: Services;
    principal: KeyRecord;
  };
}
export type { Config, Store };
