/**
 * Local background digests (what the AWS worker's schedule does on Lambda): a run shortly after
 * start, then every few minutes. A run only sends what is due and not yet recorded as sent.
 */
import { log } from '../log';
import type { Services } from '../services';
import { runDigests } from './run';

export const DIGEST_EVERY_MS = 5 * 60_000;

export function startDigestLoop(services: Services, opts: { firstAfterMs?: number; everyMs?: number } = {}): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = runDigests(services)
      .then((r) => r.deliveries.length && log.info('digests', { deliveries: r.deliveries.map((d) => ({ subscriptionId: d.subscriptionId, period: d.period, state: d.state, attempts: d.attempts })) }))
      .catch((e) => log.error('digest run failed', { message: (e as Error).message }))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, opts.firstAfterMs ?? 20_000);
  const every = setInterval(tick, opts.everyMs ?? DIGEST_EVERY_MS);
  first.unref();
  every.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}
