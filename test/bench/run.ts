/**
 * `npm run bench [-- section ...] [--repeat N]`: measured figures, printed and written to
 * bench-results/latest.json. Sections: ingest, outcomes, web, lambda (default: all four);
 * `soak`, `burst`, `capacity`, `review`, `rollup` and `rollup-sizes` (CAPACITY_SECONDS, default 60 simulated seconds) run only when named.
 * With `--repeat N` (or BENCH_REPEAT=N) each section runs N times and reports, for every figure,
 * the median of the N runs and its spread (min … max), beside the runs themselves.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { log } from '../../functions/src/log';
import { medianAndSpread } from './stats';

log.setLevel('silent');
const raw = process.argv.slice(2).filter((a) => a !== '--');
const repeatAt = raw.findIndex((a) => a === '--repeat' || a.startsWith('--repeat='));
const repeat = Math.max(1, Number(repeatAt < 0 ? (process.env.BENCH_REPEAT ?? 1) : raw[repeatAt].includes('=') ? raw[repeatAt].split('=')[1] : raw[repeatAt + 1]) || 1);
const args = repeatAt < 0 ? raw : raw.filter((_, i) => i !== repeatAt && !(i === repeatAt + 1 && !raw[repeatAt].includes('=')));
const wanted = new Set(args.length ? args : ['ingest', 'outcomes', 'web', 'lambda']);
// sections not run this time keep their last figures
const FILE = 'bench-results/latest.json';
const results: Record<string, unknown> = { ...(existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {}), at: new Date().toISOString(), node: process.version };

const sections: Record<string, () => Promise<unknown>> = {
  ingest: async () => (await import('./ingest')).benchIngest(),
  outcomes: async () => (await import('./outcomes')).benchOutcomes(),
  web: async () => (await import('./web')).benchWeb(),
  lambda: async () => (await import('./lambda')).benchLambda(),
  soak: async () => (await import('./soak')).benchSoak(),
  capacity: async () => (await import('./capacity')).benchCapacity(),
  burst: async () => (await import('./burst')).benchBurst(),
  review: async () => (await import('./review')).benchReview(),
  rollup: async () => (await import('./rollup')).benchRollup(),
  'rollup-sizes': async () => (await import('./rollup')).benchRollupSizes(),
};

for (const name of Object.keys(sections)) {
  if (!wanted.has(name)) continue;
  const started = Date.now();
  process.stdout.write(`\n== ${name} ==\n`);
  try {
    if (repeat === 1) results[name] = await sections[name]();
    else {
      const runs: unknown[] = [];
      for (let i = 0; i < repeat; i++) {
        process.stdout.write(`run ${i + 1} of ${repeat}\n`);
        runs.push(await sections[name]());
      }
      results[name] = { repeat, ...medianAndSpread(runs), runs };
    }
    process.stdout.write(JSON.stringify(results[name], null, 2) + `\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } catch (e) {
    results[name] = { error: (e as Error).message };
    process.stdout.write(`failed: ${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}
mkdirSync('bench-results', { recursive: true });
writeFileSync(FILE, JSON.stringify(results, null, 2) + '\n');
process.stdout.write('\nwritten to bench-results/latest.json\n');
