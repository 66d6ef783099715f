/**
 * `npm run simulate`: generate a synthetic history with known ground truth for the roadmap's
 * shipped epics and push it through the real ingest API.
 *   --url http://127.0.0.1:8787 --write-key <ingest key>   push to a running server over HTTP
 *   (no --url)                                            push in-process into the configured store
 *   --users 2000 --days 150 --seed 7 --extra 0            size of the world, extra events per active day
 * Prints the ground truth it played out (per epic: true adoption and realised counts).
 */
import { parseArgs } from 'node:util';
import { addDays, todayUtc } from '../../../shared/primitives';
import { runRollup } from '../analytics/rollup';
import { bootstrap } from '../bootstrap';
import { loadConfig } from '../config';
import { fabrikamWorld } from '../demo/fabrikam';
import { httpSender, pushSimulation, simulate } from '../demo/simulate';
import { inProcessSender } from '../local/demo';
import { log } from '../log';

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'write-key': { type: 'string' },
      users: { type: 'string', default: '2000' },
      days: { type: 'string', default: '150' },
      seed: { type: 'string', default: '7' },
      extra: { type: 'string', default: '0' },
    },
  });
  log.setLevel('warn');
  const today = todayUtc();
  const world = fabrikamWorld(today);
  const from = addDays(today, -Number(values.days));
  const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: from < world.historyStart ? from : world.historyStart, to: addDays(today, -1), users: Number(values.users), seed: Number(values.seed), extraEventsPerActiveDay: Number(values.extra) });
  const started = Date.now();
  let pushed;
  if (values.url) {
    if (!values['write-key']) throw new Error('--url needs --write-key <ingest key>');
    pushed = await pushSimulation(sim, httpSender(values.url.replace(/\/$/, ''), values['write-key']), { parallel: 4 });
  } else {
    const services = await bootstrap(loadConfig({ ...process.env, SEXTANT_DEMO: '0' }));
    try {
      if ((await services.roadmaps.version()) === 0) await services.roadmaps.replace(world.roadmap);
      const key = await services.keys.create({ name: 'simulator', scope: 'ingest' });
      pushed = await pushSimulation(sim, inProcessSender(services, key.key), { parallel: 4 });
      await services.keys.revoke(key.id);
      await runRollup(services, { force: true });
    } finally {
      await services.store.close();
    }
  }
  const secs = (Date.now() - started) / 1000;
  process.stdout.write(`Pushed ${pushed.events} events in ${pushed.batches} batches and ${pushed.metrics} KPI values in ${secs.toFixed(1)} s (${Math.round(pushed.events / secs)} events/s).\n`);
  process.stdout.write('Ground truth (28-day window):\n');
  for (const r of sim.realized) {
    process.stdout.write(`  ${r.epicId.padEnd(20)} true adoption ${(r.trueAdoption * 100).toFixed(1)}%  realised ${r.adopters}/${r.activeUsers} = ${((r.adopters / Math.max(1, r.activeUsers)) * 100).toFixed(1)}%\n`);
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
