/** Local-only start-up: the one-time sign-in link, the first-run admin token and the demo. */
import { SESSION_HOURS } from '../../../shared/keys';
import { todayUtc } from '../../../shared/primitives';
import { seedDemoAudit, withDemoAmendment } from '../demo/audit';
import { fabrikamWorld } from '../demo/fabrikam';
import { log } from '../log';
import type { Services } from '../services';
import { SignInStore } from '../store/sign-in-store';

/** older versions printed a long-lived admin token in the sign-in link under this id */
const LEGACY_SIGN_IN_ID = 'local-sign-in';
/** the session this process keeps for its own callers (tests, benchmarks); never printed */
const PROCESS_SESSION_ID = 'ses_local-process';

export async function prepareLocal(services: Services, opts: { quiet?: boolean } = {}) {
  const say = (s: string) => {
    if (!opts.quiet) process.stdout.write(s + '\n');
  };
  // First run without SEXTANT_ADMIN_TOKEN: generate the bootstrap admin token and print it once.
  if (!services.config.SEXTANT_ADMIN_TOKEN && !(await services.keys.get('bootstrap-admin'))) {
    const created = await services.keys.create({ name: 'bootstrap admin', scope: 'admin', id: 'bootstrap-admin' });
    say(`\n  Bootstrap admin token (shown once, store it safely): ${created.key}`);
  }
  // Each start prints a new one-time sign-in link (10 minutes); the previous start's link stops working.
  const signIn = await new SignInStore(services.store, services.now).issue('admin', { slot: 'local-start' });
  await services.keys.revoke(LEGACY_SIGN_IN_ID);
  await services.keys.revoke(PROCESS_SESSION_ID);
  const processSession = await services.keys.create({
    name: 'local server process',
    scope: 'admin',
    id: PROCESS_SESSION_ID,
    session: true,
    expiresAt: new Date(services.now() + SESSION_HOURS * 3_600_000).toISOString(),
  });

  if (services.config.SEXTANT_DEMO) await seedDemo(services, say);
  const stop = services.startBackground?.() ?? (async () => undefined);
  return { signInCode: signIn.code, signInExpiresAt: signIn.expiresAt, processToken: processSession.key, stop };
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
  // one target amended after ship, with its reason (functions/src/demo/audit.ts)
  const roadmap = withDemoAmendment(world.roadmap, today);
  await services.roadmaps.replace(roadmap);
  if (services.simulateDemo) await services.simulateDemo(world, today);
  await seedDemoAudit(services, roadmap, today);
  await services.events.putMeta('DEMO', { seededAt: new Date().toISOString(), today });
  log.info('demo seeded', { ms: Date.now() - started });
  return true;
}
