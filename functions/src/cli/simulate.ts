/**
 * `npm run simulate`: generate a synthetic history with known ground truth for the roadmap's
 * shipped epics and push it through the real ingest API.
 *   --url http://127.0.0.1:8787 --write-key <ingest key>   push to a running server over HTTP
 *   (no --url)                                            push in-process into the configured store
 *   --users 2000 --days <n> --seed 7 --extra 0            size of the world (default: the demo's
 *                                                         history), seed, extra events per active day
 * Prints what the server did with the events (new vs already stored) and the ground truth it
 * played out per epic: true and realised adoption, satisfaction shift, the epic's own CSAT, KPI
 * lift, engagement lift, and which epics are null effects.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, todayUtc } from '../../../shared/primitives';
import { runRollup } from '../analytics/rollup';
import { bootstrap } from '../bootstrap';
import { loadConfig } from '../config';
import { fabrikamAsks } from '../demo/fabrikam-asks';
import { fabrikamWorld, type DemoTruth } from '../demo/fabrikam';
import { httpSender, pushSimulation, simulate, type Simulation } from '../demo/simulate';
import { DEMO_SEED, DEMO_USERS, inProcessSender } from '../local/demo';
import { log } from '../log';
import { embeddedStoreLocked } from '../store/lock';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/** A null effect: the launch changes nothing but its own usage. */
export const isNullEffect = (t: DemoTruth) => t.satisfactionShift === 0 && !t.kpiLift && t.engagementLift === 0;

/** The ground truth a simulation played out, one line per shipped epic, in words. */
export function describeTruth(sim: Simulation, truths: DemoTruth[]): string[] {
  const lines = [
    'Ground truth played out (adoption over the 28-day window from each ship day; shifts and lifts from the ship day on):',
    `  ${'epic'.padEnd(20)} ${'shipped'.padEnd(10)}  ${'adoption: true / realised'.padEnd(33)}  ${'product CSAT'.padEnd(12)}  ${'epic CSAT'.padEnd(9)}  ${'KPI lift'.padEnd(30)}  engagement`,
  ];
  for (const r of sim.realized) {
    const t = truths.find((x) => x.epicId === r.epicId)!;
    const adoption = `${pct(r.trueAdoption)} / ${pct(r.adopters / Math.max(1, r.activeUsers))} (${r.adopters}/${r.activeUsers})`;
    const kpi = t.kpiLift ? `${t.kpiLift.name} ${signed(t.kpiLift.lift, 4)}` : 'none';
    const engagement = t.engagementLift ? `${signed(t.engagementLift, 1)} active days per 28 for adopters` : 'none';
    lines.push(
      `  ${r.epicId.padEnd(20)} ${r.shippedAt}  ${adoption.padEnd(33)}  ${(t.satisfactionShift ? `${signed(t.satisfactionShift, 2)} points` : 'none').padEnd(12)}  ${(t.csat !== undefined ? t.csat.toFixed(1) : '–').padEnd(9)}  ${kpi.padEnd(30)}  ${engagement}${isNullEffect(t) ? '  ← null effect' : ''}`,
    );
  }
  const nulls = sim.realized.map((r) => truths.find((t) => t.epicId === r.epicId)!).filter(isNullEffect).map((t) => t.epicId);
  lines.push(
    nulls.length
      ? `Null effects (used, but no change in satisfaction, KPI or engagement; their outcomes should show no significant lift): ${nulls.join(', ')}.`
      : 'Null effects: none in this world.',
  );
  return lines;
}

/** What the server did with the pushed events, and what to do when it already held them. */
export function describePush(pushed: { events: number; accepted: number; duplicates: number; batches: number; metrics: number }, seed: number, secs: number): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Pushed ${n(pushed.events)} events in ${n(pushed.batches)} batches and ${n(pushed.metrics)} KPI values in ${secs.toFixed(1)} s (${n(Math.round(pushed.events / Math.max(secs, 1e-3)))} events/s): ${n(pushed.accepted)} new, ${n(pushed.duplicates)} already stored (duplicates).`,
  ];
  if (pushed.events > 0 && pushed.duplicates === pushed.events) {
    lines.push(
      `All ${n(pushed.events)} events were duplicates: the server already holds this world's messageIds (sim-${seed}-…)${seed === DEMO_SEED ? `; the demo was seeded with --seed ${DEMO_SEED}` : ''}. Nothing changed. To add a new world, use another seed (e.g. --seed ${seed + 1}); to compare outcomes with the truth below, push into a server started empty (SEXTANT_DEMO=0).`,
    );
  } else if (pushed.duplicates > 0) {
    lines.push(
      `${n(pushed.duplicates)} events reused messageIds the server already held (first version wins): a previous run with --seed ${seed} overlaps this one. The outcomes mix both; the truth below is this run's alone.`,
    );
  }
  return lines;
}

export async function runSimulate(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'write-key': { type: 'string' },
      users: { type: 'string', default: String(DEMO_USERS) },
      days: { type: 'string' },
      seed: { type: 'string', default: String(DEMO_SEED) },
      extra: { type: 'string', default: '0' },
    },
  });
  log.setLevel('warn');
  const today = todayUtc();
  const world = fabrikamWorld(today);
  const seed = Number(values.seed);
  // default: the demo's history (from five weeks before its first milestone until yesterday)
  const requested = values.days ? addDays(today, -Number(values.days)) : world.historyStart;
  const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: requested < world.historyStart ? requested : world.historyStart, to: addDays(today, -1), users: Number(values.users), seed, extraEventsPerActiveDay: Number(values.extra), askers: fabrikamAsks(world.roadmap, today, Number(values.users)).askers });
  const started = Date.now();
  let pushed;
  if (values.url) {
    if (!values['write-key']) {
      out('--url needs --write-key <ingest key> (create one in the dashboard → Settings, or with POST /api/v1/keys)');
      return 2;
    }
    pushed = await pushSimulation(sim, httpSender(values.url.replace(/\/$/, ''), values['write-key']), { parallel: 4 });
  } else {
    const config = loadConfig({ ...process.env, SEXTANT_DEMO: '0' });
    if (config.SEXTANT_STORE === 'dynalite' && (await embeddedStoreLocked(config.SEXTANT_DATA_DIR))) {
      out(`The Sextant server is running and holds the store in ${resolve(config.SEXTANT_DATA_DIR)}: stop it, or push over HTTP (--url http://${config.HOST}:${config.PORT} --write-key <ingest key>).`);
      return 1;
    }
    const services = await bootstrap(config);
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
  for (const line of describePush(pushed, seed, (Date.now() - started) / 1000)) out(line);
  for (const line of describeTruth(sim, world.truths)) out(line);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSimulate(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
