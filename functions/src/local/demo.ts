/** The demo's event history: simulated with known truths and pushed through the real ingest API. */
import { addDays } from '../../../shared/primitives';
import { createApp } from '../app';
import type { DemoWorld } from '../demo/fabrikam';
import { pushSimulation, simulate, type Send } from '../demo/simulate';
import { runRollup } from '../analytics/rollup';
import { askIdOf, upsertAsks } from '../asks/asks';
import { fabrikamAsks, type DemoAsks } from '../demo/fabrikam-asks';
import { AskInput, patchAsk } from '../../../shared/asks';
import { seedDemoHistory } from '../demo/history';
import type { Services } from '../services';

export const DEMO_USERS = 2000;
/** The demo's simulation seed (`npm run simulate` with the same seed replays the demo's events). */
export const DEMO_SEED = 7;

/** A sender that calls the in-process app exactly as an HTTP client would. */
export function inProcessSender(services: Services, writeKey: string): Send {
  const app = createApp(services, { parts: ['ingest'] });
  const auth = 'Basic ' + Buffer.from(`${writeKey}:`).toString('base64');
  return async (path, body) => {
    const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
}

export async function simulateDemo(services: Services, world: DemoWorld, today: string, users = DEMO_USERS) {
  const key = await services.keys.create({ name: 'demo simulator', scope: 'ingest' });
  const demoAsks = fabrikamAsks(world.roadmap, today, users);
  try {
    const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: world.historyStart, to: addDays(today, -1), users, seed: DEMO_SEED, askers: demoAsks.askers });
    const send = inProcessSender(services, key.key);
    await pushSimulation(sim, send, { parallel: 4 });
    await seedAsks(services, send, demoAsks, world.historyStart);
  } finally {
    await services.keys.revoke(key.id);
  }
  await runRollup(services, { force: true });
  await seedDemoHistory(services, today);
}

/** The demo's customer asks, brand memberships (Segment `group` calls) and a few declines. */
async function seedAsks(services: Services, send: Send, demo: DemoAsks, historyStart: string) {
  // the asks as a help desk would send them (POST /v1/asks is served with the API: its use-case here)
  await upsertAsks(services, demo.asks.map((a) => AskInput.parse(a)), { mode: 'content' });
  const groups = demo.members.map((m, i) => ({ type: 'group', userId: m.userId, groupId: m.groupId, messageId: `demo-group-${i}`, timestamp: `${historyStart}T08:00:00Z` }));
  const res = await send('/v1/batch', { batch: groups });
  if (res.status !== 200) throw new Error(`demo group calls refused: ${JSON.stringify(res.json).slice(0, 300)}`);
  const now = new Date(services.now()).toISOString();
  for (const d of demo.declined) {
    const ask = await services.asks.get(askIdOf({ externalId: d.externalId } as never, 'content'));
    if (ask) await services.asks.put(patchAsk(ask, { status: 'declined', declinedReason: d.reason }, now));
  }
}
