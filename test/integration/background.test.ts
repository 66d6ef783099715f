/**
 * The local scheduler (what EventBridge Scheduler and the queue do on AWS): an event shows in
 * outcomes without any further traffic, also when it arrives just before a run whose bound
 * (now − the change log's lag) leaves its entry for later, and after a run that failed.
 * Real store, real ingest, real rollups and the real timers; the default lag (2 s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { epicOutcome } from '../../functions/src/analytics/outcomes';
import { recomputeFromFacts, runRollup } from '../../functions/src/analytics/rollup';
import { CHANGE_LOG_ATTEMPTS } from '../../functions/src/ingest/change-log';
import { ingest } from '../../functions/src/ingest/ingest';
import { ROLLUP_STORE_REQUESTS, startBackground, withStoreLimit } from '../../functions/src/local/background';
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

async function setUp(env: Record<string, string> = {}) {
  ctx = await createTestContext(env);
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

describe('change-log writes slower than the lag', () => {
  /** Change-log puts take `ms` while `slow` is set (a stalled store: a fault we cannot cause for real). */
  function slowChanges(c: TestContext, ms: number) {
    const doc = c.services.store.doc as unknown as { send: (cmd: { constructor: { name: string }; input: { Item?: Record<string, unknown> } }) => Promise<unknown> };
    const send = doc.send.bind(doc);
    const state = { slowFor: 0, puts: 0 };
    doc.send = async (cmd) => {
      if (cmd.constructor.name === 'PutCommand' && String(cmd.input.Item?.PK).startsWith(K.changeLogPrefix)) {
        state.puts++;
        if (state.slowFor > 0) {
          state.slowFor--;
          const out = await send(cmd);
          await sleep(ms);
          return out;
        }
      }
      return send(cmd);
    };
    return state;
  }
  const lag = 2_000;
  /** e1's adopters by today in a full recomputation from the durable facts */
  const adoptersInFacts = async (c: TestContext) => (await recomputeFromFacts(c.services)).epics.find((e) => e.epicId === 'e1')!.series.at(-1)!.adopters;
  const body = (user: string) => ({ userId: user, event: 'A Used', messageId: `m-${user}`, timestamp: new Date().toISOString() });

  it('are written again with a fresh stamp until one is quick, and the event counts once', async () => {
    const c = await setUp({ SEXTANT_CHANGELOG_LAG_MS: String(lag) });
    const state = slowChanges(c, lag / 2 + 200);
    state.slowFor = 3;
    const res = await c.call('POST', '/v1/track', { token: c.tokens.ingest, body: body('a') });
    expect(res.status).toBe(200);
    expect(state.puts).toBeGreaterThanOrEqual(4); // three slow, then one quick (a busy machine may make one more slow)
    await sleep(lag + 50);
    await runRollup(c.services);
    expect((await epicOutcome(c.services, 'e1')).adoption.adopters).toBe(1);
  }, 30_000);

  it('are refused with 503 and Retry-After when every attempt is slow, storing no fact; the retry counts the event once', async () => {
    const c = await setUp({ SEXTANT_CHANGELOG_LAG_MS: String(lag) });
    const state = slowChanges(c, lag / 2 + 200);
    state.slowFor = CHANGE_LOG_ATTEMPTS;
    const refused = await c.call('POST', '/v1/track', { token: c.tokens.ingest, body: body('a') });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await adoptersInFacts(c)).toBe(0);
    const retried = await c.call('POST', '/v1/track', { token: c.tokens.ingest, body: body('a') });
    expect(retried.status).toBe(200);
    await sleep(lag + 50);
    await runRollup(c.services);
    expect((await epicOutcome(c.services, 'e1')).adoption.adopters).toBe(1);
    expect(await adoptersInFacts(c)).toBe(1);
  }, 30_000);
});

describe('background work and the store', () => {
  it('keeps at most ROLLUP_STORE_REQUESTS store requests in flight, in order, and answers each', async () => {
    ctx = await createTestContext();
    const c = ctx;
    const doc = c.services.store.doc as unknown as { send: (cmd: unknown) => Promise<unknown> };
    const send = doc.send.bind(doc);
    let now = 0;
    let most = 0;
    doc.send = async (cmd) => {
      most = Math.max(most, ++now);
      try {
        await sleep(5);
        return await send(cmd);
      } finally {
        now--;
      }
    };
    const background = withStoreLimit(c.services, ROLLUP_STORE_REQUESTS);
    const ids = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const keys = await Promise.all(ids.map((name) => c.services.keys.create({ name, scope: 'ingest' })));
    now = most = 0;
    const found = await Promise.all(keys.map((k) => background.keys.get(k.id)));
    expect(found.map((f) => f?.name)).toEqual(ids);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(ROLLUP_STORE_REQUESTS);
  });
});
