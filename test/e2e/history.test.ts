/**
 * The audit trail on the demo, end to end: the real local server (in-memory store, Fabrikam
 * seeded with its history and one target amended after ship), headless Chromium signed in with a
 * one-time link. The History page filters by epic, person and dates through the URL and pages
 * newest first; a change made in the browser appears in it with the signed-in actor; the
 * amendment is shown in words beside the verdict on the epic page, the impact scoreboard and the
 * iteration diff. Screenshots go to $SEXTANT_SHOTS (or the temp dir): history.png, epic-amended.png.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { DEMO_AMENDMENT } from '../../functions/src/demo/audit';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import type { AuditPage } from '../../shared/audit';
import type { IterationHeader } from '../../shared/iteration';
import { ensureWebBuilt } from '../helpers/web-build';
import { launchChromium, signInLink } from '../helpers/browser';

const SHOTS = process.env.SEXTANT_SHOTS ?? join(tmpdir(), 'sextant-history-shots');
const WORDS = /Target lowered from 10% to 3% on \d{1,2} \w{3} \d{4} by marco@fabrikam\.example: sharing turned out to be a retention habit/;

describe('history and amended targets on the demo (real server, headless Chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${server.signInToken}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '1', SEXTANT_DEMO_USERS: '500', SEXTANT_LOG_LEVEL: 'warn' }), { quiet: true });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(await signInLink(server.url, server.signInToken, '/'));
    await page.getByRole('heading', { name: 'Impact', level: 1 }).waitFor({ timeout: 60_000 });
    mkdirSync(SHOTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('the demo has a plausible history: an import, ships, decisions, iterations and the amendment, newest first', async () => {
    const { entries } = await api<AuditPage>('/audit?limit=200');
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['roadmap.import', 'epic.ship', 'review.create', 'iteration.create', 'epic.update']) expect(actions.has(a), a).toBe(true);
    const ats = entries.map((e) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
    const amendment = entries.find((e) => e.action === 'epic.update' && e.target.epicId === DEMO_AMENDMENT.epicId)!;
    expect(amendment).toMatchObject({ actor: { kind: 'person', name: 'marco@fabrikam.example' }, reason: DEMO_AMENDMENT.reason });
  });

  it('the epic page shows the amendment in words beside the verdict, and the epic\'s own history', async () => {
    await page.goto(`${server.url}/epics/${DEMO_AMENDMENT.epicId}`);
    const banner = page.getByRole('region', { name: 'Verdict' });
    await banner.waitFor({ timeout: 60_000 });
    const note = banner.getByRole('note', { name: 'Targets amended after ship' });
    await note.waitFor({ timeout: 30_000 });
    expect(await note.textContent()).toMatch(WORDS);
    expect(await note.textContent()).toMatch(/Against the amended targets: met targets/);
    await page.getByText('Changes to this epic, newest first').waitFor({ timeout: 30_000 });
    // the ship, the decision and the amendment, newest first
    await page.waitForFunction(() => document.querySelectorAll('.audit-entry').length >= 3, null, { timeout: 30_000 });
    const entries = await page.locator('.audit-entry').allTextContents();
    expect(entries[0]).toMatch(/marco@fabrikam\.example.*changed epic outfit-sharing[\s\S]*Reason: sharing turned out/);
    expect(entries.some((t) => /shipped epic outfit-sharing/.test(t))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'epic-amended.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'epic-top.png') });
  });

  it('the impact scoreboard and the iteration diff show the same words', async () => {
    await page.goto(`${server.url}/impact`);
    const row = page.locator('tr', { hasText: 'Outfit sharing' }).first();
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getByRole('note', { name: 'Targets amended after ship' }).textContent()).toMatch(WORDS);
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'impact-amended.png') });

    const list = await api<IterationHeader[]>('/iterations');
    const [c, b] = list; // newest first
    await page.goto(`${server.url}/iterations/${c.id}?against=${b.id}`);
    const change = page.locator(`[data-epic="${DEMO_AMENDMENT.epicId}"]`);
    await change.waitFor({ timeout: 60_000 });
    expect(await change.getByRole('note', { name: 'Targets amended after ship' }).textContent()).toMatch(WORDS);
    await change.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'diff-amended.png') });
  });

  it('the History page: filters in the URL, newest first, paging, and a change made in the browser with its actor', async () => {
    // a change through the dashboard's API client (signed-in session): it appears first
    const res = await page.evaluate(async () => {
      const token = sessionStorage.getItem('sextant.session') ?? '';
      const parsed = (() => {
        try {
          return JSON.parse(token) as { token?: string };
        } catch {
          return { token };
        }
      })();
      const r = await fetch('/api/v1/themes/acquire', { method: 'PATCH', headers: { authorization: `Bearer ${parsed.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ description: 'Bring new shoppers in' }) });
      return r.status;
    });
    expect(res).toBe(200);

    await page.goto(`${server.url}/history`);
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor({ timeout: 60_000 });
    const first = page.locator('.audit-entry').first();
    await first.waitFor({ timeout: 30_000 });
    expect(await first.textContent()).toMatch(/dashboard session.*changed theme acquire/);
    expect(await first.textContent()).toMatch(/description: .*Bring new shoppers in/);

    // filter by epic and person: both land in the URL; only the amendment is left
    await page.getByLabel('Epic').selectOption(DEMO_AMENDMENT.epicId);
    await page.getByLabel('Person or key').fill('marco@fabrikam.example');
    await page.getByLabel('Person or key').press('Enter');
    await page.waitForURL(/epic=outfit-sharing/);
    await page.waitForURL(/person=marco%40fabrikam\.example|person=marco@fabrikam\.example/);
    await page.waitForFunction(() => [...document.querySelectorAll('.audit-entry')].every((e) => e.textContent?.includes('marco@fabrikam.example')), null, { timeout: 30_000 });
    const texts = await page.locator('.audit-entry').allTextContents();
    expect(texts.some((t) => /changed epic outfit-sharing/.test(t) && t.includes('Reason: sharing turned out'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'history.png'), fullPage: true });

    // a date range with nothing in it, straight from the URL
    await page.goto(`${server.url}/history?from=2001-01-01&to=2001-01-31`);
    await page.getByText('No change matches these filters').waitFor({ timeout: 30_000 });

    // paging: more than one page of 50 in the unfiltered demo history
    const all = await api<AuditPage>('/audit?limit=200');
    await page.goto(`${server.url}/history`);
    await page.locator('.audit-entry').first().waitFor({ timeout: 30_000 });
    if (all.entries.length > 50) {
      expect(await page.locator('.audit-entry').count()).toBe(50);
      await page.getByRole('button', { name: 'Older changes' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('.audit-entry').length > n, 50, { timeout: 30_000 });
    }
    expect(errors).toEqual([]);
  });
});
