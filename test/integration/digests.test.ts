/**
 * Digests through the API and the real delivery paths: subscriptions (validation, SSRF guard,
 * roles), delivery to a local webhook receiver and a local SMTP server started here (each failing
 * first and succeeding on retry, with exactly one delivery recorded), the outbox, no duplicate
 * after a restart in the middle of a run, and a retry (not a skip) after a crash mid-send.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigests } from '../../functions/src/digests/run';
import { isNonPublicAddress, postWebhook, webhookUrlProblem } from '../../functions/src/digests/webhook';
import { createServices } from '../../functions/src/services';
import type { Roadmap } from '../../shared/roadmap';
import { createTestContext, type TestContext } from '../helpers/context';
import { readMail, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const BASE = 'https://sextant.example.com';
const FAST = { backoffMs: 5 };
const roadmap: Roadmap = {
  mission: { statement: 'Digest fixture' },
  themes: [{ id: 'core', name: 'Core' }],
  milestones: [
    { id: '2026-10', name: 'October 2026', start: '2026-10-01', end: '2026-10-31' },
    { id: '2026-11', name: 'November 2026', start: '2026-11-01', end: '2026-11-30' },
    { id: '2026-12', name: 'December 2026', start: '2026-12-01', end: '2026-12-31' },
  ],
  epics: [
    { id: 'search-v2', title: 'Search v2', themeId: 'core', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-09-20', signals: { events: ['Searched'] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.1, windowDays: 28 }] },
    { id: 'checkout-v2', title: 'Checkout v2', themeId: 'core', milestoneId: '2026-10', status: 'shipped', shippedAt: '2026-10-05', signals: { events: ['Paid'] }, targets: [{ metric: 'adoption_rate', op: '>=', value: 0.2, windowDays: 28 }] },
    { id: 'wishlist', title: 'Wishlist', themeId: 'core', milestoneId: '2026-11', status: 'in_progress', signals: { events: [] }, targets: [], estimate: { reach: 100, impact: 1, confidence: 0.5, effortWeeks: { engineering: 4, design: 1 } } },
    { id: 'gift-wrap', title: 'Gift wrap', themeId: 'core', milestoneId: '2026-11', status: 'planned', signals: { events: [] }, targets: [], estimate: { reach: 100, impact: 1, confidence: 0.5, effortWeeks: { engineering: 2, design: 0.5 } } },
  ],
  stories: [],
};

describe('digests: subscriptions and delivery', () => {
  let ctx: TestContext;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    [hook, smtp] = await Promise.all([startWebhookReceiver(), startSmtpReceiver()]);
    ctx = await createTestContext({ SEXTANT_SMTP_URL: smtp.url, SEXTANT_BASE_URL: BASE, SEXTANT_MAIL_FROM: 'Sextant <digest@fabrikam.example>' });
    ctx.setNow(NOW);
    expect((await ctx.call('PUT', '/api/v1/roadmap', { body: roadmap })).status).toBe(200);
  });
  afterAll(async () => {
    await ctx?.close();
    await hook?.close();
    await smtp?.close();
  });

  const subscribe = async (body: Record<string, unknown>) => {
    const res = await ctx.call('POST', '/api/v1/subscriptions', { token: ctx.tokens.editor, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };
  const deliveriesOf = async (id: string) => (await ctx.call('GET', '/api/v1/subscriptions', { token: ctx.tokens.editor })).body.find((s: { id: string }) => s.id === id).deliveries as { period: string; state: string; attempts: number; link: string }[];

  it('validates subscriptions and refuses webhook targets that are not public https hosts (loopback http only locally)', async () => {
    const bad = async (body: Record<string, unknown>, what: RegExp) => {
      const res = await ctx.call('POST', '/api/v1/subscriptions', { token: ctx.tokens.editor, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toMatch(what);
    };
    await bad({ kind: 'monthly', channel: 'webhook' }, /needs url/);
    await bad({ kind: 'monthly', channel: 'email' }, /needs email/);
    await bad({ kind: 'yearly', channel: 'email', email: 'a@b.example' }, /kind/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'http://hooks.slack.com/services/T/B/x' }, /https/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://10.0.0.7/hook' }, /not a public address/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://169.254.169.254/latest/meta-data' }, /not a public address/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://[::1]/hook' }, /not a public address/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://localhost/hook' }, /not a public host/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://metadata.internal/hook' }, /not a public host/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'https://user:pw@hooks.slack.com/x' }, /credentials/);
    await bad({ kind: 'monthly', channel: 'webhook', url: 'http://127.0.0.2:9/hook' }, /https/);
    // the viewer role cannot manage subscriptions
    const viewer = await ctx.call('POST', '/api/v1/subscriptions', { token: ctx.tokens.viewer, body: { kind: 'monthly', channel: 'email', email: 'a@b.example' } });
    expect(viewer.status).toBe(403);
    expect((await ctx.call('GET', '/api/v1/subscriptions', { token: ctx.tokens.viewer })).status).toBe(403);
    // a Slack URL is accepted, its format detected, and its secret path masked in answers
    const slack = await subscribe({ kind: 'weekly', channel: 'webhook', url: 'https://hooks.slack.com/services/T000/B000/SECRETSECRET' });
    expect(slack).toMatchObject({ format: 'slack', url: 'https://hooks.slack.com/services/…' });
    const teams = await subscribe({ kind: 'weekly', channel: 'webhook', url: 'https://contoso.webhook.office.com/webhookb2/abc' });
    expect(teams).toMatchObject({ format: 'teams' });
    const list = await ctx.call('GET', '/api/v1/subscriptions', { token: ctx.tokens.editor });
    expect(JSON.stringify(list.body)).not.toContain('SECRETSECRET');
    for (const s of [slack, teams]) expect((await ctx.call('DELETE', `/api/v1/subscriptions/${s.id}`, { token: ctx.tokens.editor })).status).toBe(204);
    expect((await ctx.call('DELETE', `/api/v1/subscriptions/${slack.id}`, { token: ctx.tokens.editor })).status).toBe(404);
  });

  it('on AWS refuses loopback targets, and judges every address class (incl. IPv4-mapped IPv6)', async () => {
    const aws = { allowLoopback: false };
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', aws)).toMatch(/https/);
    expect(webhookUrlProblem('https://127.0.0.1/hook', aws)).toMatch(/not a public address/);
    expect(webhookUrlProblem('https://hooks.slack.com/services/x', aws)).toBeNull();
    for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '224.0.0.1']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['52.94.236.248', '3.5.140.2', '2600:1f18::1', '::ffff:52.94.236.248']) expect(isNonPublicAddress(a), a).toBe(false);
    // the connect-time guard: a host name that resolves to a non-public address is refused when connecting
    await expect(postWebhook('https://localhost.localdomain.example/x', {}, {}, aws, 2000)).rejects.toThrow();
  });

  it('delivers the monthly digest to a webhook that fails first, retries, and records exactly one delivery', async () => {
    const sub = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/monthly'), format: 'slack' });
    hook.failNext(1, 503);
    const run = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id });
    expect(run.deliveries).toEqual([expect.objectContaining({ subscriptionId: sub.id, period: '2026-10', state: 'sent', attempts: 2 })]);
    const got = hook.requests.filter((r) => r.path === '/monthly');
    expect(got.map((r) => r.status)).toEqual([503, 200]);
    // both attempts carry the same delivery id (a receiver can de-duplicate on it)
    expect(new Set(got.map((r) => r.headers['x-sextant-delivery']))).toEqual(new Set([`${sub.id}/2026-10`]));
    const body = got[1].body;
    expect(body.text).toContain('October 2026 review');
    expect(body.text).toContain(`${BASE}/review?month=2026-10`);
    const blocks = JSON.stringify(body.blocks);
    expect(body.blocks[0]).toMatchObject({ type: 'header' });
    expect(blocks).toContain(`<${BASE}/epics/checkout-v2|Checkout v2`);
    expect(blocks).toContain('Planned next');
    expect(blocks).toContain('2 epics in November 2026, 6 engineering + 1.5 design weeks');

    // the next run (and the one after) sends nothing: the period is recorded as sent
    expect((await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id })).deliveries).toEqual([]);
    expect((await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id })).deliveries).toEqual([]);
    expect(hook.accepted().filter((r) => r.path === '/monthly')).toHaveLength(1);
    const recorded = await deliveriesOf(sub.id);
    expect(recorded).toEqual([expect.objectContaining({ period: '2026-10', state: 'sent', attempts: 2, link: `${BASE}/review?month=2026-10` })]);
  });

  it('formats for Microsoft Teams: one Adaptive Card with a link back to the review', async () => {
    const sub = await subscribe({ kind: 'weekly', channel: 'webhook', url: hook.url('/teams'), format: 'teams' });
    const run = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id });
    expect(run.deliveries).toEqual([expect.objectContaining({ period: '2026-W46', state: 'sent', attempts: 1 })]);
    const [req] = hook.requests.filter((r) => r.path === '/teams');
    expect(req.body.type).toBe('message');
    const card = req.body.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.type).toBe('AdaptiveCard');
    expect(card.content.body[0].text).toBe('Weekly digest 2026-W46: November 2026 so far');
    expect(card.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the November 2026 review', url: `${BASE}/review?month=2026-11` }]);
  });

  it('e-mails through SMTP when SEXTANT_SMTP_URL is set: a temporary failure is retried, one message arrives, one delivery is recorded', async () => {
    const sub = await subscribe({ kind: 'window_closed', channel: 'email', email: 'leads@fabrikam.example' });
    smtp.failNext(1);
    const before = smtp.attempts;
    const run = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id });
    // Checkout v2's window (shipped 2026-10-05) closed 2026-11-01; Search v2's (2026-10-17) is older than the look-back
    expect(run.deliveries).toEqual([expect.objectContaining({ period: 'epic:checkout-v2', state: 'sent', attempts: 2 })]);
    expect(smtp.attempts - before).toBe(2);
    const mails = smtp.messages.filter((m) => m.to.includes('leads@fabrikam.example'));
    expect(mails).toHaveLength(1);
    const mail = readMail(mails[0].raw);
    expect(mail.header('subject')).toBe('Verdict ready: Checkout v2 — insufficient data');
    expect(mails[0].from).toBe('digest@fabrikam.example');
    expect(mail.header('from')).toBe('Sextant <digest@fabrikam.example>');
    expect(mail.header('message-id')).toBe(`<${sub.id}.epic.checkout-v2@fabrikam.example>`);
    expect(mail.body).toContain(`${BASE}/epics/checkout-v2`);
    expect(mail.body).toContain(`<a href="${BASE}/epics/checkout-v2" style="font-weight:600">Open Checkout v2's outcome</a>`);
    expect((await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id })).deliveries).toEqual([]);
    expect(smtp.messages.filter((m) => m.to.includes('leads@fabrikam.example'))).toHaveLength(1);
    expect(await deliveriesOf(sub.id)).toEqual([expect.objectContaining({ period: 'epic:checkout-v2', state: 'sent', attempts: 2 })]);
  });

  it('records a failure when every attempt fails, and a later run retries it', async () => {
    const sub = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/flaky'), format: 'slack' });
    hook.failNext(3, 500);
    const run = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id, attempts: 3, retryAfterMs: 60_000 });
    expect(run.deliveries).toEqual([expect.objectContaining({ state: 'failed', attempts: 3, error: 'webhook answered 500' })]);
    // before the retry time nothing is sent; after it the digest goes out once
    expect((await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id })).deliveries).toEqual([]);
    ctx.setNow(NOW + 61_000);
    const retry = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id });
    ctx.setNow(NOW);
    expect(retry.deliveries).toEqual([expect.objectContaining({ state: 'sent', attempts: 1 })]);
    expect(hook.accepted().filter((r) => r.path === '/flaky')).toHaveLength(1);
    expect(await deliveriesOf(sub.id)).toEqual([expect.objectContaining({ state: 'sent', attempts: 4 })]);
  });

  it('sends no duplicate after a restart in the middle of a run', async () => {
    const a = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/restart-a'), format: 'slack' });
    const b = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/restart-b'), format: 'slack' });
    const c = await subscribe({ kind: 'monthly', channel: 'email', email: 'restart@fabrikam.example' });
    const mine = new Set([a.id, b.id, c.id]);
    // the process dies right after the first of them is delivered and recorded
    let seen = 0;
    const crash = runDigests(ctx.services, {
      ...FAST,
      afterDelivery: (d) => {
        if (mine.has(d.subscriptionId) && ++seen === 1) throw Object.assign(new Error('process killed'), { simulatedCrash: true });
      },
    });
    await expect(crash).rejects.toThrow('process killed');
    const countOf = () => ({
      a: hook.accepted().filter((r) => r.path === '/restart-a').length,
      b: hook.accepted().filter((r) => r.path === '/restart-b').length,
      c: smtp.messages.filter((m) => m.to.includes('restart@fabrikam.example')).length,
    });
    expect(Object.values(countOf()).reduce((x, y) => x + y, 0)).toBe(1);
    // a fresh process (new services, same store) finishes the run
    const restarted = createServices(ctx.services.config, ctx.services.store, ctx.services.pseudonymKey, { now: () => NOW });
    await runDigests(restarted, FAST);
    await runDigests(restarted, FAST);
    expect(countOf()).toEqual({ a: 1, b: 1, c: 1 });
    for (const s of [a, b, c]) expect(await deliveriesOf(s.id)).toEqual([expect.objectContaining({ period: '2026-10', state: 'sent' })]);
  });

  it('retries, rather than skips, a digest whose send was interrupted before it was recorded (at-least-once)', async () => {
    const sub = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/mid-send'), format: 'slack' });
    const crash = runDigests(ctx.services, {
      ...FAST,
      subscriptionId: sub.id,
      leaseMs: 120_000,
      afterSend: () => {
        throw Object.assign(new Error('killed mid-send'), { simulatedCrash: true });
      },
    });
    await expect(crash).rejects.toThrow('killed mid-send');
    expect(await deliveriesOf(sub.id)).toEqual([expect.objectContaining({ state: 'pending' })]);
    // while the claim's lease holds, another run leaves it alone
    expect((await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id })).deliveries).toEqual([]);
    ctx.setNow(NOW + 121_000);
    const retry = await runDigests(ctx.services, { ...FAST, subscriptionId: sub.id });
    ctx.setNow(NOW);
    expect(retry.deliveries).toEqual([expect.objectContaining({ state: 'sent' })]);
    const got = hook.accepted().filter((r) => r.path === '/mid-send');
    expect(got).toHaveLength(2);
    expect(got[0].headers['x-sextant-delivery']).toBe(got[1].headers['x-sextant-delivery']);
    expect(await deliveriesOf(sub.id)).toEqual([expect.objectContaining({ period: '2026-10', state: 'sent' })]);
  });

  it('sends the current digest on demand and answers what was sent', async () => {
    const sub = await subscribe({ kind: 'monthly', channel: 'webhook', url: hook.url('/now'), format: 'slack' });
    const res = await ctx.call('POST', `/api/v1/subscriptions/${sub.id}/send`, { token: ctx.tokens.editor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subscriptionId: sub.id, period: '2026-11-20T12:00'.replace(/^/, 'now:'), state: 'sent', title: 'November 2026 review', link: `${BASE}/review?month=2026-11` });
    expect(hook.accepted().filter((r) => r.path === '/now')).toHaveLength(1);
    // a second click within the same minute does not send again
    const again = await ctx.call('POST', `/api/v1/subscriptions/${sub.id}/send`, { token: ctx.tokens.editor });
    expect(again.body.state).toBe('skipped');
    expect(hook.accepted().filter((r) => r.path === '/now')).toHaveLength(1);
    expect((await ctx.call('POST', '/api/v1/subscriptions/sub_nope/send', { token: ctx.tokens.editor })).status).toBe(404);
  });
});

describe('digests: the outbox when no SMTP server is configured', () => {
  it('writes each e-mail as an .eml file under <data dir>/outbox/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-outbox-'));
    const ctx = await createTestContext({ SEXTANT_DATA_DIR: dir, SEXTANT_BASE_URL: BASE });
    try {
      ctx.setNow(NOW);
      expect((await ctx.call('PUT', '/api/v1/roadmap', { body: roadmap })).status).toBe(200);
      const sub = (await ctx.call('POST', '/api/v1/subscriptions', { token: ctx.tokens.admin, body: { kind: 'monthly', channel: 'email', email: 'cto@fabrikam.example' } })).body;
      const run = await runDigests(ctx.services, FAST);
      expect(run.deliveries).toEqual([expect.objectContaining({ subscriptionId: sub.id, period: '2026-10', state: 'sent' })]);
      const files = readdirSync(join(dir, 'outbox'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const eml = readFileSync(join(dir, 'outbox', files[0]), 'utf8');
      const mail = readMail(eml);
      expect(mail.header('to')).toBe('cto@fabrikam.example');
      expect(mail.header('subject')).toBe('October 2026 review');
      expect(mail.header('content-type')).toMatch(/^multipart\/alternative; boundary=/);
      expect(mail.body).toContain(`Open the October 2026 review: ${BASE}/review?month=2026-10`);
      expect(mail.body).toContain(`<a href="${BASE}/review?month=2026-10" style="font-weight:600">Open the October 2026 review</a>`);
      await runDigests(ctx.services, FAST);
      expect(readdirSync(join(dir, 'outbox'))).toHaveLength(1);
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the review route on an empty installation and with bad input', () => {
  it('answers an empty review, Markdown included, and 400 for a bad or future month', async () => {
    const ctx = await createTestContext({ SEXTANT_BASE_URL: BASE });
    try {
      ctx.setNow(NOW);
      const empty = await ctx.call('GET', '/api/v1/review', { token: ctx.tokens.viewer });
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ month: '2026-10', asOf: '2026-10-31', shipped: [], verdicts: [], decisions: [], changes: { from: null, items: [] }, next: { milestone: null, epics: [] } });
      expect(empty.body.headline).toBe('0 epics shipped · 0 verdicts ready (0 met, 0 missed) · 0 decisions · 0 roadmap changes');
      const md = await ctx.call('GET', '/api/v1/review?month=2026-11&format=markdown', { token: ctx.tokens.viewer });
      expect(md.status).toBe(200);
      expect(md.headers.get('content-type')).toContain('text/markdown');
      expect(md.body).toContain('# November 2026 review');
      expect(md.body).toContain('Nothing shipped this month.');
      for (const bad of ['2026-13', '26-10', '2026-10-01', '2026-12']) {
        const res = await ctx.call('GET', `/api/v1/review?month=${bad}`, { token: ctx.tokens.viewer });
        expect(res.status, bad).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
      }
      expect((await ctx.call('GET', '/api/v1/review?format=pdf', { token: ctx.tokens.viewer })).status).toBe(400);
      expect((await ctx.call('GET', '/api/v1/review', { token: ctx.tokens.ingest })).status).toBe(403);
    } finally {
      await ctx.close();
    }
  });
});

describe('subscription limits', () => {
  it('keeps at most 100 subscriptions (every run visits each one)', async () => {
    const ctx = await createTestContext();
    try {
      for (let i = 0; i < 100; i++) {
        await ctx.services.subscriptions.create({ kind: 'weekly', channel: 'email', email: `p${i}@x.example`, createdAt: new Date(NOW).toISOString(), createdBy: 't' });
      }
      const res = await ctx.call('POST', '/api/v1/subscriptions', { token: ctx.tokens.editor, body: { kind: 'monthly', channel: 'email', email: 'one-more@x.example' } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', message: 'at most 100 subscriptions; delete one first' });
    } finally {
      await ctx.close();
    }
  });
});
