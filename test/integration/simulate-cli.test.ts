/**
 * `npm run simulate` against the real local server over HTTP: it prints what it promises (true
 * adoption, satisfaction shifts, KPI lifts, null effects) and what the server did with the
 * events; replaying a seed the server already holds (the demo's, for one) says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulate } from '../../functions/src/cli/simulate';
import { loadConfig } from '../../functions/src/config';
import { fabrikamWorld } from '../../functions/src/demo/fabrikam';
import { DEMO_SEED } from '../../functions/src/local/demo';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { todayUtc } from '../../shared/primitives';

let server: RunningServer;
let key: string;
beforeAll(async () => {
  server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', PORT: '0', HOST: '127.0.0.1', SEXTANT_LOG_LEVEL: 'silent' }), { quiet: true });
  key = (await server.services.keys.create({ name: 'simulate test', scope: 'ingest' })).key;
}, 60_000);
afterAll(async () => server?.close());

const simulateCli = async (...args: string[]) => {
  const lines: string[] = [];
  const code = await runSimulate(['--url', server.url, '--write-key', key, '--users', '40', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
};

describe('npm run simulate', () => {
  it('prints the new events and the whole ground truth: adoption, satisfaction shift, epic CSAT, KPI lift, engagement, null effects', async () => {
    const { code, out } = await simulateCli();
    expect(code).toBe(0);
    const pushed = out.match(/^Pushed ([\d,]+) events .*: ([\d,]+) new, ([\d,]+) already stored \(duplicates\)\.$/m);
    expect(pushed, out).not.toBeNull();
    const [events, fresh, dupes] = pushed!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(events).toBeGreaterThan(100);
    expect([fresh, dupes]).toEqual([events, 0]);

    const { truths } = fabrikamWorld(todayUtc());
    for (const t of truths) {
      const line = out.split('\n').find((l) => l.trimStart().startsWith(`${t.epicId} `));
      expect(line, t.epicId).toBeDefined();
      expect(line).toContain(`${(t.adoption * 100).toFixed(1)}% / `);
      if (t.satisfactionShift) expect(line).toContain(`+${t.satisfactionShift.toFixed(2)} points`);
      if (t.csat !== undefined) expect(line).toContain(` ${t.csat.toFixed(1)} `);
      if (t.kpiLift) expect(line).toContain(`${t.kpiLift.name} +${t.kpiLift.lift.toFixed(4)}`);
      if (t.engagementLift) expect(line).toContain(`+${t.engagementLift.toFixed(1)} active days per 28 for adopters`);
    }
    // Fabrikam's null effects are named as such
    expect(out).toMatch(/^Null effects .*: outfit-sharing, price-drop-alerts\.$/m);
    expect(out.split('\n').filter((l) => l.endsWith('← null effect')).map((l) => l.trim().split(' ')[0])).toEqual(['outfit-sharing', 'price-drop-alerts']);
  }, 120_000);

  it('replaying a seed the server holds: every event a duplicate, said in so many words, with another seed to use', async () => {
    const { code, out } = await simulateCli();
    expect(code).toBe(0);
    expect(out).toMatch(/: 0 new, ([\d,]+) already stored \(duplicates\)\.$/m);
    expect(out).toContain(`were duplicates: the server already holds this world's messageIds (sim-${DEMO_SEED}-…); the demo was seeded with --seed ${DEMO_SEED}. Nothing changed. To add a new world, use another seed (e.g. --seed ${DEMO_SEED + 1})`);

    const other = await simulateCli('--seed', String(DEMO_SEED + 1));
    expect(other.out).toMatch(/: ([\d,]+) new, 0 already stored/);
    expect(other.out).not.toContain('were duplicates');
  }, 120_000);
});
