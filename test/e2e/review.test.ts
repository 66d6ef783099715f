/**
 * The monthly review on the demo, end to end: the real local server (in-memory store, Fabrikam
 * seeded on first start with three monthly iterations), the review's figures against the pages
 * they summarise (outcome pages, iteration diffs), the Markdown export, the digests delivered to a
 * local webhook receiver and a local SMTP server, and the page printed by headless Chromium
 * (`page.pdf()`, then its text) and screenshotted for a look.
 *
 * The print screenshot is written to $SEXTANT_SHOTS (or the temp dir) as review-print.png.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { runDigests } from '../../functions/src/digests/run';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import type { IterationDiff, IterationHeader } from '../../shared/iteration';
import type { MonthlyReview } from '../../shared/monthly-review';
import { ensureWebBuilt } from '../helpers/web-build';
import { launchChromium, signInLink } from '../helpers/browser';
import { readMail, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers';

const SHOTS = process.env.SEXTANT_SHOTS ?? join(tmpdir(), 'sextant-review-shots');


/** Text of every page of a PDF (pdf.js), one string per page. */
async function pdfPages(data: Buffer): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(data), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' ').replace(/\s+/g, ' '));
  }
  await doc.destroy();
  return pages;
}


describe('monthly review on the demo (real server, webhook + SMTP receivers, headless Chromium)', () => {
  let server: RunningServer;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let browser: Browser | undefined;
  let review: MonthlyReview;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T; text: string; type: string }> => {
    const res = await fetch(`${server.url}/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${server.signInToken}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch {
      /* Markdown */
    }
    return { status: res.status, body: body as T, text, type: res.headers.get('content-type') ?? '' };
  };

  beforeAll(async () => {
    ensureWebBuilt();
    [hook, smtp] = await Promise.all([startWebhookReceiver(), startSmtpReceiver()]);
    server = await startServer(
      loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '1', SEXTANT_DEMO_USERS: '500', SEXTANT_SMTP_URL: smtp.url, SEXTANT_LOG_LEVEL: 'warn' }),
      { quiet: true },
    );
    const res = await api<MonthlyReview>('/review');
    expect(res.status).toBe(200);
    review = res.body;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hook?.close();
    await smtp?.close();
  }, 60_000);

  it('starts with three monthly iterations whose diffs explain each change with evidence', async () => {
    const list = (await api<IterationHeader[]>('/iterations')).body;
    expect(list.map((i) => i.author)).toEqual(['demo history', 'demo history', 'demo history']);
    expect(list.every((i) => i.asOf.endsWith('-30') || i.asOf.endsWith('-31') || i.asOf.endsWith('-28') || i.asOf.endsWith('-29'))).toBe(true);
    const [c, b, a] = list;
    const ab = (await api<IterationDiff>(`/iterations/${b.id}/diff?against=${a.id}`)).body;
    const bc = (await api<IterationDiff>(`/iterations/${c.id}/diff?against=${b.id}`)).body;
    const find = (d: IterationDiff, epicId: string, kind: string) => d.changes.find((x) => x.epicId === epicId && x.kind === kind);
    // a follow-up of a miss, added with the miss and the decision behind it
    expect(find(ab, 'referral-rewards', 'added')?.evidence).toMatch(/^Referral rewards added as follow-up of Outfit sharing: adoption [\d.]+% vs target 10% \(missed\).*decision iterate$/);
    // a target changed before ship, explained by the outcome it follows up
    expect(find(ab, 'size-advisor', 'targets')?.evidence).toMatch(/follow-up of Virtual try-on\): (insufficient data, )?adoption [\d.]+% vs target 15% \(met\)/);
    expect(find(bc, 'referral-rewards', 'targets')?.detail).toBe('adoption_rate >= 12% (28d) → adoption_rate >= 8% (28d)');
    expect(find(bc, 'referral-rewards', 'targets')?.evidence).toContain('follow-up of Outfit sharing');
    // moved, cancelled and added after a hit, each with its evidence
    expect(find(bc, 'capsule-wardrobe', 'moved')?.evidence).toMatch(/moved to \d{4}-\d{2} \(follow-up of Virtual try-on\).*decision double_down/);
    expect(find(bc, 'ar-mirror', 'status')).toMatchObject({ from: 'planned', to: 'cancelled' });
    expect(find(bc, 'ar-mirror', 'status')?.evidence).toContain('cut (follow-up of Virtual try-on)');
    expect(find(bc, 'occasion-planner', 'added')?.evidence).toContain('follow-up of Virtual try-on');
    // a restart would find them and write nothing: ids are deterministic
    expect(list.map((i) => i.id)).toEqual(list.map((i) => `it-${i.createdAt.slice(0, 10).replace(/-/g, '')}t080000-demo`));
  });

  it('tells the month with the verdicts, changes and links of the pages it summarises', async () => {
    expect(review.month).toMatch(/^\d{4}-\d{2}$/);
    expect(review.link).toBe(`${server.url}/review?month=${review.month}`);
    expect(review.verdicts.length).toBeGreaterThan(0);
    for (const v of [...review.verdicts, ...review.shipped]) {
      const outcome = (await api<{ verdict: string; targets: { metric: string; status: string; confident: boolean }[] }>(`/epics/${v.epicId}/outcome?asOf=${review.asOf}`)).body;
      expect(v.verdict, v.epicId).toBe(outcome.verdict);
      expect(v.targets.map((t) => [t.metric, t.status, t.confident]), v.epicId).toEqual(outcome.targets.map((t) => [t.metric, t.status, t.confident]));
      expect(v.link).toBe(`${server.url}/epics/${v.epicId}`);
    }
    // the changes are the iteration diff (from the iteration that opened the month to the one that closed it)
    expect(review.changes.from && review.changes.to).toBeTruthy();
    const diff = (await api<IterationDiff>(`/iterations/${review.changes.to!.id}/diff?against=${review.changes.from!.id}`)).body;
    expect(review.changes.items.map((c) => [c.epicId, c.kind, c.detail, c.evidence])).toEqual(diff.changes.map((c) => [c.epicId, c.kind, c.detail, c.evidence ?? null]));
    expect(review.changes.to!.link).toBe(`${server.url}/iterations/${review.changes.to!.id}`);
    // decisions of the month, and the plan with its capacity
    expect(review.decisions.length).toBeGreaterThan(0);
    expect(review.next.engineeringWeeks).toBe(review.next.epics.reduce((s, e) => s + e.engineeringWeeks, 0));

    // the Markdown export renders the same composition
    const md = await api<never>(`/review?month=${review.month}&format=markdown`);
    expect(md.status).toBe(200);
    expect(md.type).toContain('text/markdown');
    expect(md.text.startsWith(`# ${review.title}`)).toBe(true);
    for (const v of review.verdicts) expect(md.text).toContain(`](${v.link})**: ${v.verdictText}`);
    for (const c of review.changes.items.filter((x) => x.evidence)) expect(md.text).toContain(c.evidence!.replace(/([\\`*_[\]|<>])/g, '\\$1'));
    expect(md.text).toContain(`[Open in Sextant](${review.link})`);
  });

  it('delivers the digest to a webhook and window-closed alerts by e-mail, as on the pages, once', async () => {
    const post = (body: unknown) => api<{ id: string }>('/subscriptions', { method: 'POST', body: JSON.stringify(body) });
    const monthly = (await post({ kind: 'monthly', channel: 'webhook', url: hook.url('/slack'), format: 'slack' })).body;
    const alerts = (await post({ kind: 'window_closed', channel: 'email', email: 'leadership@fabrikam.example' })).body;
    hook.failNext(1, 502);
    await runDigests(server.services, { backoffMs: 10 });
    await runDigests(server.services, { backoffMs: 10 });

    const got = hook.accepted().filter((r) => r.path === '/slack');
    expect(got).toHaveLength(1);
    const blocks = JSON.stringify(got[0].body.blocks);
    expect(got[0].body.text).toContain(review.title);
    expect(got[0].body.text).toContain(review.link);
    for (const v of review.verdicts) expect(blocks).toContain(JSON.stringify(`<${v.link}|${v.title}: ${v.verdictText}`).slice(1, -1));
    for (const c of review.changes.items.slice(0, 8).filter((x) => x.evidence)) expect(blocks).toContain(JSON.stringify(c.evidence).slice(1, -1).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));

    // one e-mail per epic whose window closed in the look-back, with the verdict of its outcome page
    // (the server's own background run may be delivering one of them right now: wait until none is pending)
    type Sub = { id: string; deliveries: { period: string; state: string; attempts: number }[] };
    let subs: Sub[] = [];
    await expect
      .poll(async () => {
        subs = (await api<Sub[]>('/subscriptions')).body;
        return subs.flatMap((s) => s.deliveries).every((d) => d.state === 'sent');
      }, { timeout: 60_000, interval: 500 })
      .toBe(true);
    const mails = smtp.messages.filter((m) => m.to.includes('leadership@fabrikam.example'));
    expect(mails.length).toBeGreaterThan(0);
    const alertDeliveries = subs.find((s) => s.id === alerts.id)!.deliveries;
    expect(alertDeliveries).toHaveLength(mails.length);
    expect(alertDeliveries.every((d) => d.state === 'sent')).toBe(true);
    for (const d of alertDeliveries) {
      const epicId = d.period.replace(/^epic:/, '');
      const outcome = (await api<{ verdict: string }>(`/epics/${epicId}/outcome`)).body;
      const mail = mails.find((m) => m.raw.includes(`X-Sextant-Delivery: ${alerts.id}/${d.period}`))!;
      const read = readMail(mail.raw);
      expect(read.body).toContain(`${server.url}/epics/${epicId}`);
      const words: Record<string, string> = { met: 'met', missed: 'missed', insufficient_data: 'insufficient data' };
      expect(words[outcome.verdict], epicId).toBeDefined();
      expect(read.header('subject')).toMatch(new RegExp(`^Verdict ready: .+ — ${words[outcome.verdict]}`));
    }
    expect(subs.find((s) => s.id === monthly.id)!.deliveries).toEqual([expect.objectContaining({ period: review.month, state: 'sent', attempts: 2 })]);
  }, 120_000);

  it('prints to a clean PDF: the review without the app chrome, sections split across pages', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(await signInLink(server.url, server.signInToken, '/'));
    await page.getByRole('heading', { name: 'Impact', level: 1 }).waitFor({ timeout: 60_000 });
    await page.goto(`${server.url}/review?month=${review.month}`);
    await page.locator('.review').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(review.title);
    expect(await page.locator('.review-chart svg').count()).toBe(1);
    expect(await page.locator('.review-chart svg rect').count()).toBe(review.verdicts.filter((v) => v.adoptionRate !== null).length);

    await page.emulateMedia({ media: 'print' });
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'review-print.png'), fullPage: true });
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const all = pages.join(' ');
    expect(pages[0]).toContain(review.title);
    expect(pages[0]).toContain('Verdicts ready this month');
    for (const v of review.verdicts) expect(all).toContain(v.title);
    for (const d of review.decisions) expect(all).toContain(d.title);
    expect(all).toContain('What changed since the previous iteration, and why');
    expect(all).toContain('Capacity used');
    // the changes section starts a new page
    const changesPage = pages.findIndex((p) => p.includes('What changed since the previous iteration, and why'));
    expect(changesPage).toBeGreaterThan(0);
    // no navigation, buttons or sign-out on paper
    for (const chrome of ['Sign out', 'Print / PDF', 'Copy Markdown', 'Skip to content']) expect(all).not.toContain(chrome);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
