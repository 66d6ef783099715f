/**
 * `npm run bench -- review`: the monthly review on the demo (in memory): seeding the three-month
 * history, a restart's re-run (writes nothing), composing the review (GET /api/v1/review's
 * work), rendering Markdown, and one digest run delivering to a local webhook receiver.
 * SEXTANT_BENCH_DEMO_USERS sets the demo's size (default 300).
 */
import { randomBytes } from 'node:crypto';
import { runRollup } from '../../functions/src/analytics/rollup';
import { loadConfig } from '../../functions/src/config';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { seedDemoHistory } from '../../functions/src/demo/history';
import { pushSimulation, simulate } from '../../functions/src/demo/simulate';
import { loadMonthlyReview } from '../../functions/src/digests/review-data';
import { runDigests } from '../../functions/src/digests/run';
import { inProcessSender } from '../../functions/src/local/demo';
import { createServices } from '../../functions/src/services';
import { openStore } from '../../functions/src/store/client';
import { reviewMarkdown } from '../../shared/monthly-review';
import { addDays, todayUtc } from '../../shared/primitives';
import { startWebhookReceiver } from '../helpers/receivers';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchReview() {
  const users = Number(process.env.SEXTANT_BENCH_DEMO_USERS ?? 300);
  const table = `bench_review_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_TABLE: table, SEXTANT_BASE_URL: 'https://sextant.example.com' });
  const store = await openStore({ kind: 'memory', table });
  const s = createServices(config, store, randomBytes(32));
  const hook = await startWebhookReceiver();
  try {
    const today = todayUtc();
    const world = fabrikamWorld(today);
    await s.roadmaps.replace(world.roadmap);
    const key = await s.keys.create({ name: 'bench', scope: 'ingest' });
    let t = performance.now();
    const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: world.historyStart, to: addDays(today, -1), users, seed: 7 });
    await pushSimulation(sim, inProcessSender(s, key.key), { parallel: 4 });
    await runRollup(s, { force: true });
    const demoEventsMs = performance.now() - t;

    t = performance.now();
    const seeded = await seedDemoHistory(s, today);
    const historyMs = performance.now() - t;
    t = performance.now();
    const again = await seedDemoHistory(s, today);
    const historyAgainMs = performance.now() - t;

    const composeMs: number[] = [];
    let review = await loadMonthlyReview(s);
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      review = await loadMonthlyReview(s);
      composeMs.push(performance.now() - t);
    }
    t = performance.now();
    const md = reviewMarkdown(review);
    const markdownMs = performance.now() - t;

    await s.subscriptions.create({ kind: 'monthly', channel: 'webhook', url: hook.url('/bench'), format: 'slack', createdAt: new Date().toISOString(), createdBy: 'bench' });
    t = performance.now();
    const run = await runDigests(s, { backoffMs: 10 });
    const digestRunMs = performance.now() - t;
    t = performance.now();
    const idle = await runDigests(s, { backoffMs: 10 });
    const idleRunMs = performance.now() - t;
    const payloadBytes = Buffer.byteLength(JSON.stringify(hook.accepted()[0]?.body ?? {}));

    return {
      demoUsers: users,
      demoEventsIngestedAndRolledUpMs: Math.round(demoEventsMs),
      historySeedMs: Math.round(historyMs),
      historySeeded: seeded,
      historyRerunMs: Math.round(historyAgainMs),
      historyRerunWrote: again,
      reviewComposeMedianMs: Math.round(median(composeMs)),
      reviewMarkdownMs: Number(markdownMs.toFixed(2)),
      reviewMarkdownBytes: Buffer.byteLength(md),
      digestRunMs: Math.round(digestRunMs),
      digestDeliveries: run.deliveries.map((d) => `${d.period}:${d.state}`),
      digestIdleRunMs: Math.round(idleRunMs),
      digestIdleDeliveries: idle.deliveries.length,
      slackPayloadBytes: payloadBytes,
    };
  } finally {
    await hook.close();
    await store.close();
  }
}
