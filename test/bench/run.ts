/**
 * `npm run bench [-- section ...]`: measured figures, printed and written to
 * bench-results/latest.json. Sections: ingest, outcomes, web, lambda (default: all four);
 * `soak` and `rollup` run only when named.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { log } from '../../functions/src/log';

log.setLevel('silent');
const args = process.argv.slice(2).filter((a) => a !== '--');
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
  rollup: async () => (await import('./rollup')).benchRollup(),
};

for (const name of Object.keys(sections)) {
  if (!wanted.has(name)) continue;
  const started = Date.now();
  process.stdout.write(`\n== ${name} ==\n`);
  try {
    results[name] = await sections[name]();
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
