/**
 * Customer asks end to end in headless Chromium against the real local server with the demo:
 * import a CSV (preview, then import), link an ask from the inbox by its suggestion, see the
 * demand on the epic's page and the askers' adoption of a shipped epic, and the asks in a plan.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { launchChromium } from '../helpers/browser';
import { ensureWebBuilt } from '../helpers/web-build';

describe('customer asks in the dashboard (headless Chromium, real server)', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '1', SEXTANT_DEMO_USERS: '300', SEXTANT_LOG_LEVEL: 'warn' }), { quiet: true });
    const res = await fetch(`${server.url}/api/v1/keys`, { method: 'POST', headers: { Authorization: `Bearer ${server.signInToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'e2e asks editor', scope: 'editor' }) });
    const editor = ((await res.json()) as { key: string }).key;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}/asks`);
    await page.getByLabel('Access token').fill(editor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Customer asks' }).waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('imports a CSV: preview first (nothing written), then the asks land in the inbox', async () => {
    await page.getByRole('list', { name: 'Asks' }).waitFor();
    const inboxBefore = await page.locator('.ask').count();
    expect(inboxBefore).toBe(8);
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    await page.getByLabel('…or paste it').fill('Ticket,Subject,Body,Created\nZD-900,"Gift cards, for my team",Ten of them please,2026-11-01\nZD-901,Pay by phone,,2026-11-02\nZD-902,,no subject,2026-11-03\n');
    // the mapping is guessed from the header
    expect(await page.getByLabel('Title *').inputValue()).toBe('Subject');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('status').filter({ hasText: 'Would create 2' }).waitFor();
    await page.getByRole('cell', { name: 'title: Too small' }).or(page.getByText(/row|title/i).filter({ hasText: /3/ })).first().waitFor();
    await page.getByRole('button', { name: 'Import 2 asks' }).click();
    await page.getByRole('status').filter({ hasText: 'Created 2' }).waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Gift cards, for my team' }).waitFor();
    expect(await page.locator('.ask').count()).toBe(inboxBefore + 2);
  }, 60_000);

  it('links an ask from the inbox by its suggestion; it leaves the inbox and counts as demand on the epic', async () => {
    await page.getByRole('button', { name: 'Gift cards, for my team' }).click();
    const link = page.getByRole('button', { name: 'Link to Digital gift cards' });
    await link.waitFor();
    await link.click();
    await page.getByRole('button', { name: 'Gift cards, for my team' }).waitFor({ state: 'detached' });
    await page.goto(`${server.url}/epics/gift-cards`);
    const demand = page.locator('#demand');
    await demand.getByText('Gift cards, for my team').waitFor({ timeout: 30_000 });
    expect(await demand.locator('.stat').first().textContent()).toMatch(/Asks\d+/);
  }, 60_000);

  it("shows whether the askers of a shipped epic adopted it", async () => {
    await page.goto(`${server.url}/epics/wardrobe-sync`);
    const after = page.getByRole('region', { name: 'Did the askers adopt?' });
    await after.waitFor({ timeout: 30_000 });
    expect(await after.textContent()).toMatch(/Of \d+ requesters active in the window, \d+ adopted/);
  }, 60_000);

  it('the planner explains placements with the asks behind them', async () => {
    await page.goto(`${server.url}/planner`);
    await page.getByRole('button', { name: 'Propose a plan' }).click();
    await page.getByText(/demand: \d+ asks?/).first().waitFor({ timeout: 30_000 });
    await page.goto(`${server.url}/roadmap`);
    await page.locator('.timeline').waitFor({ timeout: 30_000 });
    // the asks load beside the roadmap (their own query): the cards' demand badges come with them
    const demand = page.locator('.epic-card .badge', { hasText: /accounts?|asks?/ });
    await demand.first().waitFor({ timeout: 30_000 });
    expect(await demand.count()).toBeGreaterThan(3);
    expect(errors).toEqual([]);
  }, 60_000);
});
