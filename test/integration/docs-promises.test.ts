/**
 * README sentences a new user relies on, checked through the HTTP API on a real store:
 * - `group` and `alias` are acknowledged and carry no activity;
 * - responses computed from rollups carry `freshness` (outcome and impact alike);
 * - the README's Segment snippet runs as written, as the ES module it says it is;
 * - the README's description of the Fabrikam demo counts what the demo holds;
 * - `rebuild` explains why stored and expected fact counts differ when nothing is wrong;
 * - `windowDays` of an outcome: only the measured windows (28 and the targets' windows) are
 *   served; any other answers 400 listing them, and the OpenAPI document says so.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fabrikamWorld, monthStart } from '../../functions/src/demo/fabrikam';
import { rebuild } from '../../functions/src/analytics/jobs';
import { describeRebuild } from '../../functions/src/cli/sextant';
import { loadConfig } from '../../functions/src/config';
import { startServer } from '../../functions/src/local/server';
import { addDays, todayUtc } from '../../shared/primitives';
import type { Roadmap } from '../../shared/roadmap';
import { createTestContext, type TestContext } from '../helpers/context';

const TODAY = '2026-11-20';
const NOW = Date.parse(`${TODAY}T12:00:00.000Z`);
const DAY1 = addDays(TODAY, -3);
const at = (date: string, hour = 10) => `${date}T${String(hour).padStart(2, '0')}:00:00.000Z`;

const roadmap: Roadmap = {
  mission: { statement: 'Docs promises' },
  themes: [{ id: 'core', name: 'Core' }],
  milestones: [{ id: 'm1', name: 'M1', start: addDays(TODAY, -90), end: addDays(TODAY, 30) }],
  epics: [
    {
      id: 'default-window',
      title: 'Measured over the default window only',
      themeId: 'core',
      milestoneId: 'm1',
      status: 'shipped',
      shippedAt: addDays(TODAY, -60),
      signals: { events: ['Default Used'] },
      targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }],
    },
    {
      id: 'two-windows',
      title: 'A target over 14 days too',
      themeId: 'core',
      milestoneId: 'm1',
      status: 'shipped',
      shippedAt: addDays(TODAY, -50),
      signals: { events: ['Two Used'] },
      targets: [
        { metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 14 },
        { metric: 'csat', op: '>=', value: 4, windowDays: 28 },
      ],
    },
  ] as Roadmap['epics'],
  stories: [],
};

let ctx: TestContext;
const basic = () => ({ authorization: `Basic ${Buffer.from(`${ctx.tokens.ingest}:`).toString('base64')}` });
const send = (path: string, body: unknown) => ctx.call('POST', path, { token: null, headers: basic(), body });
const rollup = async () => expect((await ctx.call('POST', '/api/v1/rollups', { token: ctx.tokens.editor })).status).toBe(200);
const activeOn = async (date: string) => {
  const res = await ctx.call('GET', `/api/v1/impact?asOf=${TODAY}`, { token: ctx.tokens.viewer });
  expect(res.status).toBe(200);
  return (res.body.headline.productActiveTrend as { date: string; activeUsers: number }[]).find((p) => p.date === date)?.activeUsers;
};

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.setNow(NOW);
  const put = await ctx.call('PUT', '/api/v1/roadmap', { body: roadmap });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});
afterAll(async () => ctx?.close());

describe('group and alias carry no activity', () => {
  it('a user whose only events of a day are group and alias calls is not active that day; any other event makes them active', async () => {
    // single-event endpoints with Segment's bodies, and the same types in a batch
    expect((await send('/v1/group', { userId: 'only-group', groupId: 'acme', messageId: 'g-1', timestamp: at(DAY1) })).body).toMatchObject({ accepted: 1 });
    expect((await send('/v1/alias', { userId: 'only-alias', previousId: 'anon-1', messageId: 'a-1', timestamp: at(DAY1) })).body).toMatchObject({ accepted: 1 });
    expect(
      (await send('/v1/batch', {
        batch: [
          { type: 'group', userId: 'only-group-2', groupId: 'acme', messageId: 'g-2', timestamp: at(DAY1) },
          { type: 'alias', userId: 'only-group-2', previousId: 'anon-2', messageId: 'a-2', timestamp: at(DAY1) },
          { type: 'identify', userId: 'identified', traits: { plan: 'pro' }, messageId: 'i-1', timestamp: at(DAY1) },
        ],
      })).body,
    ).toMatchObject({ accepted: 3, rejected: [] });
    await rollup();
    expect(await activeOn(DAY1)).toBe(1); // the identify alone

    // a track by the group-only user on the same day makes them active
    expect((await send('/v1/track', { userId: 'only-group', event: 'App Opened', messageId: 't-1', timestamp: at(DAY1, 11) })).body).toMatchObject({ accepted: 1 });
    await rollup();
    expect(await activeOn(DAY1)).toBe(2);
  });
});

describe('freshness', () => {
  it('impact carries freshness like an outcome: when the rollups ran and how long ago', async () => {
    ctx.setNow(NOW + 60_000);
    await rollup();
    ctx.setNow(NOW + 60_000 + 90_000);
    const impact = await ctx.call('GET', '/api/v1/impact', { token: ctx.tokens.viewer });
    const outcome = await ctx.call('GET', '/api/v1/epics/default-window/outcome', { token: ctx.tokens.viewer });
    expect(impact.status).toBe(200);
    expect(outcome.status).toBe(200);
    const rolledUpAt = new Date(NOW + 60_000).toISOString();
    expect(impact.body.freshness).toEqual({ rolledUpAt, behindSeconds: 90 });
    expect(outcome.body.freshness).toEqual(impact.body.freshness);
    ctx.setNow(NOW);
  });

  it('before the first rollup, freshness says so (null, not a made-up time)', async () => {
    const fresh = await createTestContext();
    try {
      const res = await fresh.call('GET', '/api/v1/impact', { token: fresh.tokens.viewer });
      expect(res.status).toBe(200);
      expect(res.body.freshness).toEqual({ rolledUpAt: null, behindSeconds: null });
    } finally {
      await fresh.close();
    }
  });
});

describe('windowDays of an outcome', () => {
  const outcome = (epic: string, windowDays: number) => ctx.call('GET', `/api/v1/epics/${epic}/outcome?asOf=${TODAY}&windowDays=${windowDays}`, { token: ctx.tokens.viewer });

  it('measures the default window and each target\'s window', async () => {
    for (const [epic, w] of [['default-window', 28], ['two-windows', 14], ['two-windows', 28]] as const) {
      const res = await outcome(epic, w);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.windowDays).toBe(w);
    }
  });

  it('any other window answers 400 naming the allowed ones, in the message and in details', async () => {
    const res = await outcome('default-window', 14);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/windowDays 14 is not measured for epic "default-window".*use one of 28$/);
    expect(res.body.error.details).toEqual({ allowed: [28] });
    const other = await outcome('two-windows', 60);
    expect(other.status).toBe(400);
    expect(other.body.error.details).toEqual({ allowed: [14, 28] });
    expect(other.body.error.message).toMatch(/use one of 14, 28$/);
    // beyond the largest window a target may have: refused by the query schema
    expect((await outcome('two-windows', 181)).status).toBe(400);
  });

  it('the OpenAPI document describes which windows are measured', async () => {
    const doc = (await ctx.call('GET', '/openapi.json', { token: null })).body;
    const params = doc.paths['/api/v1/epics/{id}/outcome'].get.parameters as { name: string; description?: string; schema: { maximum?: number } }[];
    const w = params.find((p) => p.name === 'windowDays')!;
    expect(w.description).toMatch(/28 \(the default\) and the windowDays of each of its targets/);
    expect(w.description).toMatch(/400/);
    expect(w.schema.maximum).toBe(180);
  });
});

describe('rebuild explains the gap between expected and stored facts', () => {
  it('counts the redundant plain user-day facts and prints stored = expected + redundant + extra − missing', async () => {
    const x = await createTestContext();
    try {
      x.setNow(NOW);
      const headers = { authorization: `Basic ${Buffer.from(`${x.tokens.ingest}:`).toString('base64')}` };
      // the day's usage first, its plain page view in another request: a redundant plain fact
      await x.call('POST', '/v1/batch', { token: null, headers, body: { batch: [{ event: 'Try-On Started', userId: 'split', messageId: 'r-1', timestamp: at(DAY1) }] } });
      await x.call('POST', '/v1/batch', { token: null, headers, body: { batch: [{ type: 'page', userId: 'split', messageId: 'r-2', timestamp: at(DAY1) }] } });
      const report = await rebuild(x.services);
      expect(report.userFacts).toMatchObject({ missing: 0, extra: 0 });
      expect(report.redundantUserFacts).toBe(1);
      expect(report.userFacts.stored - report.userFacts.expected).toBe(report.redundantUserFacts);
      const text = describeRebuild(report).join('\n');
      expect(text).toContain('1 redundant plain "active on day d" facts beside usage facts');
      expect(text).toContain(`stored ${report.userFacts.stored} = expected ${report.userFacts.expected} + redundant 1 + extra 0 − missing 0`);
    } finally {
      await x.close();
    }
  });
});

describe("the README's description of the demo", () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8').replace(/\s+/g, ' ');

  it.each(['2026-01-01', '2026-11-20', '2026-12-31'])('counts what the demo seeded on %s holds', (today) => {
    const m = readme.match(/roadmap \((\d+) themes, (\d+) monthly milestones, (\d+) epics — all with estimates and signals, (\d+) with outcome targets, (\d+) with stories — (\d+) of them already shipped\) and four to five months of simulated product events \(from five weeks before the first milestone until yesterday\)/);
    expect(m, 'the demo sentence in README.md').not.toBeNull();
    const [themes, milestones, epics, withTargets, withStories, shipped] = m!.slice(1).map(Number);
    const { roadmap, historyStart } = fabrikamWorld(today);
    expect(roadmap.themes).toHaveLength(themes);
    expect(roadmap.milestones).toHaveLength(milestones);
    expect(roadmap.epics).toHaveLength(epics);
    expect(roadmap.epics.every((e) => e.estimate && e.signals.events.length > 0)).toBe(true);
    expect(roadmap.epics.filter((e) => e.targets.length > 0)).toHaveLength(withTargets);
    expect(new Set(roadmap.stories.map((st) => st.epicId)).size).toBe(withStories);
    expect(roadmap.epics.filter((e) => e.status === 'shipped' && e.shippedAt! < today)).toHaveLength(shipped);
    // history: five weeks before the first milestone, until yesterday: four to five months
    expect(historyStart).toBe(addDays(monthStart(today, -3), -35));
    const months = (Date.parse(today) - Date.parse(historyStart)) / 86_400_000 / 30.44;
    expect(Math.round(months)).toBeGreaterThanOrEqual(4);
    expect(Math.round(months)).toBeLessThanOrEqual(5);
  });
});

describe("the README's Segment snippet", () => {
  it('runs as written (saved as send.mjs, host and write key filled in) and its two events arrive', async () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const snippet = readme.match(/\*\*Segment, server side\*\* \(`@segment\/analytics-node`\) — host and path:\n\n```js\n([\s\S]*?)```/)![1];
    expect(readme).toMatch(/This is an ES module \(`import`, top-level `await`\): save it as `send\.mjs`/);
    const server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', SEXTANT_DEMO: '0', PORT: '0', HOST: '127.0.0.1', SEXTANT_LOG_LEVEL: 'silent' }), { quiet: true });
    // inside the repository, so `@segment/analytics-node` resolves from its node_modules
    const cache = resolve(import.meta.dirname, '../../node_modules/.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-snippet-'));
    try {
      const key = (await server.services.keys.create({ name: 'readme snippet', scope: 'ingest' })).key;
      const code = snippet.replace("'sx_ing_…'", `'${key}'`).replace("'http://127.0.0.1:8787'", `'${server.url}'`);
      expect(code).not.toContain('sx_ing_…');
      writeFileSync(join(dir, 'send.mjs'), code);
      await promisify(execFile)(process.execPath, [join(dir, 'send.mjs')], { timeout: 30_000 });
      const stats = await server.services.events.ingestDays(todayUtc(), todayUtc());
      expect(stats.map((d) => Number(d.accepted))).toEqual([2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  }, 60_000);
});
