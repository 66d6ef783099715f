/** The demo's event history: simulated with known truths and pushed through the real ingest API. */
import { addDays } from '../../../shared/primitives';
import { createApp } from '../app';
import type { DemoWorld } from '../demo/fabrikam';
import { pushSimulation, simulate, type Send } from '../demo/simulate';
import { runRollup } from '../analytics/rollup';
import { seedDemoHistory } from '../demo/history';
import type { Services } from '../services';

export const DEMO_USERS = 2000;

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
  try {
    const sim = simulate({ roadmap: world.roadmap, truths: world.truths, from: world.historyStart, to: addDays(today, -1), users, seed: 7 });
    await pushSimulation(sim, inProcessSender(services, key.key), { parallel: 4 });
  } finally {
    await services.keys.revoke(key.id);
  }
  await runRollup(services, { force: true });
  await seedDemoHistory(services, today);
}
