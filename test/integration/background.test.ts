/**
 * The local scheduler (what EventBridge Scheduler and the queue do on AWS): an event shows in
 * outcomes without any further traffic, also when it arrives just before a run whose bound
 * (now − the change log's lag) leaves its entry for later, and after a run that failed.
 * Real store, real ingest, real rollups and the real timers; the default lag (2 s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { epicOutcome } from '../../functions/src/analytics/outcomes';
import { runRollup } from '../../functions/src/analytics/rollup';
import { ingest } from '../../functions/src/ingest/ingest';
import { startBackground } from '../../functions/src/local/background';
import { K } from '../../functions/src/store/keys';
import { addDays, todayUtc } from '../../shared/primitives';
import { Roadmap } from '../../shared/roadmap';
import { createTestContext, type TestContext } from '../helpers/context';

let ctx: TestContext | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await ctx?.close();
  stop = ctx = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setUp() {
  ctx = await createTestContext();
  const today = todayUtc(Date.now());
  await ctx.services.roadmaps.replace(
    Roadmap.parse({
      mission: { statement: 'scheduler' },
      themes: [{ id: 't', name: 'T' }],
      milestones: [],
      epics: [{ id: 'e1', title: 'E1', themeId: 't', status: 'shipped', shippedAt: addDays(today, -10), signals: { events: ['A Used'] }, targets: [] }],
      stories: [],
    }),
  );
  await runRollup(ctx.services, { force: true }); // seeded: the scheduler's runs are incremental ones
  return ctx;
}

const track = (c: TestContext, user: string) =>
  ingest(c.services, { events: [{ type: 'track', messageId: `m-${user}`, userId: user, event: 'A Used', timestamp: new Date().toISOString() }], endpoint: '/v1/track' });

/** Wait until e1 counts `n` adopters; the time it took, or a failure after `ms`. */
async function adopters(c: TestContext, n: number, ms = 20_000): Promise<number> {
  const t = Date.now();
  for (;;) {
    const got = (await epicOutcome(c.services, 'e1')).adoption.adopters;
    if (got === n) return Date.now() - t;
    if (Date.now() - t > ms) throw new Error(`e1 has ${got} adopters after ${ms} ms, expected ${n}`);
    await sleep(50);
  }
}

describe('local background rollups', () => {
  it('an event logged within the lag before a run that reads nothing still shows, with no more traffic', async () => {
    const c = await setUp();
    stop = startBackground(c.services);
    await track(c, 'a');
    await adopters(c, 1);
    // the run that consumed `a` has just finished and scheduled a follow-up ~2.5 s later; `b`
    // is logged 1.2 s in, so that follow-up's bound (its start − 2 s) is before `b`'s stamp and
    // it reads nothing: a run must still come after it
    await sleep(1_200);
    await track(c, 'b');
    await adopters(c, 2);
  }, 60_000);

  it('a failed run is tried again', async () => {
    const c = await setUp();
    // the store fails the next rollup's cursor read (a fault we cannot cause for real)
    const doc = c.services.store.doc as unknown as { send: (cmd: { constructor: { name: string }; input: { Key?: Record<string, unknown> } }) => Promise<unknown> };
    const send = doc.send.bind(doc);
    let failures = 0;
    doc.send = async (cmd) => {
      if (failures === 0 && cmd.constructor.name === 'GetCommand' && cmd.input.Key?.SK === K.rollupCursor().SK) {
        failures++;
        throw new Error('injected: store unavailable');
      }
      return send(cmd);
    };
    stop = startBackground(c.services);
    await track(c, 'a');
    await adopters(c, 1);
    expect(failures).toBe(1);
  }, 60_000);
});
