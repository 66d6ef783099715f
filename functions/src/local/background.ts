/**
 * Local background work (what EventBridge Scheduler does on AWS): a rollup shortly after data
 * changes (debounced, and spaced so rollups take at most a tenth of the time under constant
 * ingest), and the retention purge once an hour.
 */
import { runRollup } from '../analytics/rollup';
import { purgeExpired } from '../analytics/jobs';
import { log } from '../log';
import { startDigestLoop } from '../digests/loop';
import type { Services } from '../services';

export function startBackground(services: Services, opts: { debounceMs?: number } = {}) {
  const debounce = opts.debounceMs ?? 1500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = false;
  // a rollup re-reads every fact in its window: under constant ingest, keep it to ≤ 10% of the
  // time (wait at least 10× the last run's duration before the next)
  let lastMs = 0;
  const run = async () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    const started = Date.now();
    running = runRollup(services)
      .then((r) => r.ran && log.info('rollup', { ...r }))
      .catch((e) => log.error('rollup failed', { message: (e as Error).message }))
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
    if (!timer && !stopped) timer = setTimeout(run, Math.max(debounce, 10 * lastMs));
  };
  services.onDirty = schedule;
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
