/** What every request handler can reach: the store adapters and the configuration. */
import type { KeyRecord } from '../../shared/keys';
import type { Config } from './config';
import type { Store } from './store/client';
import type { Services } from './services';

export interface Env {
  Variables: {
    services: Services;
    principal: KeyRecord;
    /** this request's id: Lambda's awsRequestId, else made for it (logs, X-Request-Id, audit entries) */
    requestId: string;
    /** set when the handler recorded its audit entry (functions/src/audit/record.ts) */
    audited?: boolean;
  };
}
export type { Config, Store };
