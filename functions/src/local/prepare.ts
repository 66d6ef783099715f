/** Local-only start-up: the dashboard sign-in token, the first-run admin token and the demo. */
import { todayUtc } from '../../../shared/primitives';
import { fabrikamWorld } from '../demo/fabrikam';
import { log } from '../log';
import type { Services } from '../services';

const SIGN_IN_ID = 'local-sign-in';

export async function prepareLocal(services: Services, opts: { quiet?: boolean } = {}) {
  const say = (s: string) => {
    if (!opts.quiet) process.stdout.write(s + '\n');
  };
  // First run without SEXTANT_ADMIN_TOKEN: generate the bootstrap admin token and print it once.
  if (!services.config.SEXTANT_ADMIN_TOKEN && !(await services.keys.get('bootstrap-admin'))) {
    const created = await services.keys.create({ name: 'bootstrap admin', scope: 'admin', id: 'bootstrap-admin' });
    say(`\n  Bootstrap admin token (shown once, store it safely): ${created.key}`);
  }
  // A fresh admin token for the dashboard link on each start; the previous one is revoked.
  await services.keys.revoke(SIGN_IN_ID);
  const signIn = await services.keys.create({ name: 'local dashboard sign-in', scope: 'admin', id: SIGN_IN_ID });

  if (services.config.SEXTANT_DEMO) await seedDemo(services, say);
  const stop = services.startBackground?.() ?? (async () => undefined);
  return { signInToken: signIn.key, stop };
}

/** Seed Fabrikam once: a restart neither re-seeds nor duplicates anything. */
export async function seedDemo(services: Services, say: (s: string) => void = () => undefined) {
  if (await services.events.getMeta('DEMO')) return false;
  if ((await services.roadmaps.version()) !== 0) {
    // someone already has a roadmap here; never overwrite it with the demo
    await services.events.putMeta('DEMO', { skipped: true });
    return false;
  }
  const today = todayUtc(services.now());
  const world = fabrikamWorld(today);
  say('  Seeding the Fabrikam demo roadmap and a simulated event history (first run only)…');
  const started = Date.now();
  await services.roadmaps.replace(world.roadmap);
  if (services.simulateDemo) await services.simulateDemo(world, today);
  await services.events.putMeta('DEMO', { seededAt: new Date().toISOString(), today });
  log.info('demo seeded', { ms: Date.now() - started });
  return true;
}
