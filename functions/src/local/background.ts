/**
 * Local background work (what EventBridge Scheduler does on AWS): a rollup shortly after data
 * changes (ingest's new facts or a roadmap edit; debounced, and spaced so rollups take at most
 * a quarter of the time under constant ingest), and the retention purge once an hour. A run that
 * consumed changes schedules one more, and so does a run that started within the change log's lag
 * of the last new facts: a run reads only entries older than the lag, so facts logged just before
 * it are left for the next one, which must come even if nothing else is ingested.
 */
import { runRollup } from '../analytics/rollup';
import { purgeExpired } from '../analytics/jobs';
import { log } from '../log';
import { startDigestLoop } from '../digests/loop';
import { createServices, type Services } from '../services';
import type { Store } from '../store/client';

/** Store requests a local rollup may have in flight at once: the embedded store serves one request at a time, and ingest's requests wait behind the rollup's. */
export const ROLLUP_STORE_REQUESTS = 2;

/**
 * The same services over the same store, with at most `n` store requests in flight at once
 * (queued in order): background work leaves the store to requests instead of filling its
 * queue. A wrapper's `send` looks the store's up at each call, so a test's fault injection on
 * the store still applies.
 */
export function withStoreLimit(services: Services, n: number): Services {
  const doc = services.store.doc;
  let inFlight = 0;
  const queue: (() => void)[] = [];
  const limited = Object.create(doc) as typeof doc;
  limited.send = (async (...args: Parameters<typeof doc.send>) => {
    // a finished request hands its slot to the next waiter, so none is taken in between
    if (inFlight < n) inFlight++;
    else await new Promise<void>((r) => queue.push(r));
    try {
      return await (doc as unknown as { send: (...a: unknown[]) => Promise<unknown> }).send(...args);
    } finally {
      const next = queue.shift();
      if (next) next();
      else inFlight--;
    }
  }) as typeof doc.send;
  const store: Store = { ...services.store, doc: limited };
  return createServices(services.config, store, services.pseudonymKey, { now: () => services.now() });
}

export function startBackground(services: Services, opts: { debounceMs?: number } = {}) {
  // rollups yield the store to ingest and the API (see ROLLUP_STORE_REQUESTS)
  const background = withStoreLimit(services, ROLLUP_STORE_REQUESTS);
  // new facts become readable to the rollup once they are older than the change log's lag
  const debounce = Math.max(opts.debounceMs ?? 1500, services.config.SEXTANT_CHANGELOG_LAG_MS + 500);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = false;
  // under constant ingest, keep rollups to ≤ 25% of the time (wait at least 3× the last run's
  // duration before the next): at demo size a run takes well under a second, so the wait is the
  // debounce and an event shows within ~5 s; at 10× (the earlier rule) a busy scheduler made
  // events wait up to ten run-lengths
  let lastMs = 0;
  // when new facts were last reported (their change-log entries are stamped before this)
  let dirtyAt = 0;
  const lag = services.config.SEXTANT_CHANGELOG_LAG_MS;
  const run = async () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    const started = Date.now();
    // facts reported at or after started − lag may be stamped after this run's bound
    const uncovered = dirtyAt >= started - lag;
    running = runRollup(background)
      .then((r) => {
        if (uncovered) again = true;
        if (!r.ran) return;
        log.info('rollup', { ...r });
        again = true;
      })
      .catch((e) => {
        // the changes stay in the log past the cursor: try again at the usual spacing
        log.error('rollup failed', { message: (e as Error).message });
        again = true;
      })
      .finally(() => {
        lastMs = Date.now() - started;
        running = undefined;
        if (again && !stopped) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (!timer && !stopped) timer = setTimeout(run, Math.max(debounce, 3 * lastMs));
  };
  services.onDirty = () => {
    dirtyAt = Date.now();
    schedule();
  };
  schedule();
  const purge = setInterval(() => {
    purgeExpired(services).catch((e) => log.error('retention purge failed', { message: (e as Error).message }));
  }, 3_600_000);
  purge.unref();
  const stopDigests = startDigestLoop(services);
  return async () => {
    stopped = true;
    await stopDigests();
    if (timer) clearTimeout(timer);
    clearInterval(purge);
    services.onDirty = undefined;
    await running;
  };
}
