/**
 * The dashboard end to end: headless Debian Chromium (playwright-core) against the real local
 * server (in-memory store, Fabrikam demo), the way a person uses it: sign in through the printed
 * link, read the impact page, open an epic and record a decision, create and revoke a key, edit
 * and ship an epic and see it persist after a reload, follow the role, import errors, and the
 * monthly loop (snapshot → plan → accept → diff with its reasons).
 *
 * Screenshots of every page at 1280 and 390 px: set SEXTANT_SHOTS=/tmp/shots.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { formatDate } from '../../web/src/lib/format';
import { ensureWebBuilt } from '../helpers/web-build';
import { launchChromium } from '../helpers/browser';
import { shoot } from './screenshots';



// Chromium comes with npm install (@sparticuz/chromium; SEXTANT_CHROMIUM overrides it): see test/helpers/browser.ts
describe('dashboard (headless Chromium, real server)', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  const api = async <T>(path: string, init: RequestInit = {}, token = server.signInToken): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const goto = async (path: string) => {
    await page.goto(`${server.url}${path}`);
    await page.locator('.topbar').waitFor();
  };

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '1', SEXTANT_LOG_LEVEL: 'warn' }), { quiet: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 420_000); // the demo (2,000 users) and its three-month history are seeded here

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 60_000);

  it('signs in through the printed one-time link and takes the code out of the address bar', async () => {
    await page.goto(server.signInUrl);
    await page.getByRole('heading', { name: 'Impact', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/impact');
    expect(page.url()).not.toContain('code=');
    const who = await page.locator('.who').textContent();
    expect(who).toContain('Admin');
    // a session of this tab, not a long-lived token, and nothing in localStorage
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sextant.session') ?? 'null') as { token: string; expiresAt: string } | null);
    expect(stored?.token).toMatch(/^sx_adm_/);
    expect(Date.parse(stored!.expiresAt) - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    // the link is spent
    const again = await fetch(`${server.url}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: server.signInCode }) });
    expect(again.status).toBe(401);
  }, 60_000);

  it('reads the impact page: headline, misses, decisions, themes, scoreboard and charts', async () => {
    await goto('/impact');
    await page.locator('.scoreboard').waitFor({ timeout: 30_000 });
    const impact = (await api<{ headline: { shippedEpics: number; missedEpics: number }; epics: { id: string; verdict: string }[] }>('/impact')).body;

    const shipped = page.locator('.stat', { hasText: 'Shipped epics' }).locator('.stat__value');
    expect(await shipped.textContent()).toBe(String(impact.headline.shippedEpics));
    // every shipped epic has a row; missed ones lead and say by how much
    expect(await page.locator('.scoreboard tbody tr').count()).toBe(impact.epics.length);
    if (impact.headline.missedEpics > 0) {
      expect(await page.locator('.scoreboard tbody tr').first().locator('td[data-label="Verdict"]').textContent()).toContain('Missed');
    }
    const missed = page.locator('#missed .callout');
    expect(await missed.count()).toBe(impact.headline.missedEpics);
    expect(await page.locator('#missed').textContent()).toMatch(/pp short \(\d+% of target\)/);
    // confidence ranges and sample sizes are formatted
    const text = (await page.locator('.scoreboard').textContent()) ?? '';
    expect(text).toMatch(/95% CI \[\d+\.\d%, \d+\.\d%\]/);
    expect(text).toMatch(/n = \d{1,3}(,\d{3})* active/);
    expect(text).toMatch(/[+\u2212]\d\.\d\d ± \d\.\d\d/);
    // charts: themes (adoption, satisfaction) and product trends
    await page.locator('#themes .recharts-surface').first().waitFor();
    expect(await page.locator('#themes .recharts-bar-rectangle').count()).toBeGreaterThan(3);
    expect(await page.locator('#trends .recharts-surface').count()).toBe(2);

    // sorting by adoption puts the highest first
    await page.getByRole('button', { name: /^Adoption/ }).click();
    const rates = await page.locator('.scoreboard tbody tr td[data-label="Adoption"] .cell-main').allTextContents();
    const nums = rates.filter((r) => r !== '—').map((r) => Number.parseFloat(r));
    expect(nums).toEqual([...nums].sort((a, b) => b - a));

    // a past asOf is kept in the URL and changes the figures
    const past = new Date(Date.now() - 56 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('As of').fill(past);
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(past);
    await page.locator('.page-header__subtitle', { hasText: formatDate(past) }).waitFor();
  }, 90_000);

  it('opens an epic, reads its outcome and records a decision that leadership then sees', async () => {
    await goto('/impact');
    await page.locator('.scoreboard').waitFor({ timeout: 30_000 });
    await page.locator('.scoreboard').getByRole('link', { name: 'Outfit sharing' }).click();
    await page.locator('.verdict-banner').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/epics/outfit-sharing');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Outfit sharing');
    const banner = (await page.locator('.verdict-banner').textContent()) ?? '';
    expect(banner).toContain('Missed');
    expect(banner).toMatch(/n = [\d,]+ active users/);
    expect(banner).toContain('Confounded');
    expect(banner).toContain('Style quiz onboarding');
    expect(await page.locator('.targets-table').textContent()).toContain('Adoption ≥ 10%');
    // adoption curve with its target line, satisfaction, KPI and engagement charts
    // (the charts render a moment after the banner: wait for them rather than race them)
    await expect.poll(() => page.locator('.recharts-surface').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.locator('.recharts-reference-line').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);

    await page.getByRole('radio', { name: /Sunset/ }).check();
    await page.getByLabel('Note').fill('Adoption 3% against 10%: remove it and move the team to try-on.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.locator('.notice--good', { hasText: 'Decision recorded: Sunset' }).waitFor();
    const history = page.getByRole('list', { name: 'Decision history' });
    await history.waitFor();
    expect(await history.textContent()).toContain('remove it and move the team to try-on');

    await goto('/impact');
    const row = page.locator('.scoreboard tr[data-epic="outfit-sharing"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('td[data-label="Decision"]').textContent()).toContain('Sunset');
    expect(await page.locator('#missed').textContent()).toContain('Sunset');
  }, 90_000);

  it('creates a write key (shown once, copyable) and revokes it after confirmation', async () => {
    await goto('/settings');
    await page.locator('#keys table').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('e2e-segment');
    await page.getByLabel('Scope').selectOption('ingest');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByTestId('new-key-value');
    await secret.waitFor();
    const key = (await secret.textContent()) ?? '';
    expect(key).toMatch(/^sx_/);
    expect(await page.getByRole('button', { name: 'Copy' }).count()).toBe(1);

    // the key works for ingest …
    const send = () =>
      fetch(`${server.url}/v1/track`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: 'e2e-user', event: 'Try-On Started', messageId: `e2e-${Math.random()}` }),
      });
    expect((await send()).status).toBe(200);

    const row = page.locator('#keys tbody tr', { hasText: 'e2e-segment' });
    await row.getByRole('button', { name: 'Revoke key e2e-segment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “e2e-segment”?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.locator('.badge', { hasText: 'Revoked' }).waitFor();
    // … and not after revocation; the secret is never shown again
    expect((await send()).status).toBe(401);
    await page.reload();
    await page.locator('#keys table').waitFor();
    expect(await page.locator('body').textContent()).not.toContain(key);
  }, 60_000);

  it('edits an epic and ships it; both persist after a reload', async () => {
    await goto('/roadmap');
    await page.locator('.timeline').waitFor({ timeout: 30_000 });
    const card = page.locator('.epic-card[data-epic="creator-storefronts"]');
    await card.getByRole('button', { name: 'Creator storefronts', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /Edit “Creator storefronts”/ });
    await dialog.waitFor();
    await dialog.getByLabel('Title', { exact: true }).fill('Creator storefronts v2');
    await dialog.getByLabel('Value (%)').first().fill('12');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByRole('button', { name: 'Creator storefronts v2', exact: true }).waitFor();

    await card.getByRole('button', { name: 'Ship Creator storefronts v2' }).click();
    const ship = page.getByRole('dialog', { name: /Ship “Creator storefronts v2”/ });
    await ship.getByRole('button', { name: 'Mark as shipped' }).click();
    await ship.waitFor({ state: 'detached' });
    await card.locator('.badge', { hasText: 'Shipped' }).waitFor();

    await page.reload();
    await page.locator('.timeline').waitFor({ timeout: 30_000 });
    const after = page.locator('.epic-card[data-epic="creator-storefronts"]');
    expect(await after.locator('.epic-card__title').textContent()).toBe('Creator storefronts v2');
    expect(await after.locator('.badge', { hasText: 'Shipped' }).count()).toBe(1);
    const epic = (await api<{ title: string; status: string; shippedAt: string; targets: { metric: string; value: number }[] }>('/epics/creator-storefronts')).body;
    expect(epic).toMatchObject({ title: 'Creator storefronts v2', status: 'shipped' });
    expect(epic.targets.find((t) => t.metric === 'adoption_rate')?.value).toBe(0.12);
  }, 60_000);

  it('exports the roadmap document as a JSON download', async () => {
    await goto('/roadmap');
    await page.locator('.timeline').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^sextant-roadmap-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { mission: unknown; themes: unknown[]; epics: { id: string }[] };
    expect(doc.themes.length).toBeGreaterThan(0);
    expect(doc.epics.some((e) => e.id === 'creator-storefronts')).toBe(true);
  }, 60_000);

  it('shows the API’s own messages when an imported roadmap is invalid, and changes nothing', async () => {
    await goto('/roadmap');
    await page.locator('.timeline').waitFor({ timeout: 30_000 });
    const bad = { mission: { statement: 'x' }, themes: [{ id: 'a', name: 'A' }], milestones: [], epics: [{ id: 'e1', title: 'E', themeId: 'nope' }], stories: [] };
    await page.getByTestId('import-file').setInputFiles({ name: 'bad-roadmap.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const dialog = page.getByRole('dialog', { name: 'Replace the roadmap?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('1 themes, 0 milestones, 1 epics');
    await dialog.getByRole('button', { name: 'Replace roadmap' }).click();
    const error = dialog.locator('.form-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('unknown theme "nope"');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await api<{ epics: unknown[] }>('/roadmap')).body.epics.length).toBeGreaterThan(10);
  }, 60_000);

  it('follows the role: a viewer signs in with a pasted token and sees no edit controls', async () => {
    const viewer = (await api<{ key: string }>('/keys', { method: 'POST', body: JSON.stringify({ name: 'e2e viewer', scope: 'viewer' }) })).body.key;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(`${server.url}/roadmap`);
    await p.getByLabel('Access token').fill('sx_wrong_token');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await p.getByLabel('Access token').fill(viewer);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('.timeline').waitFor({ timeout: 30_000 });
    expect(await p.locator('.who').textContent()).toContain('Viewer');
    expect(await p.getByRole('button', { name: '+ New epic' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Ship / }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /Edit theme/ }).count()).toBe(0);
    // the menu offers what the role may open: no History (editors), no People (admins)
    const menu = p.getByRole('navigation', { name: 'Main' });
    expect(await menu.getByRole('link', { name: /Roadmap/ }).count()).toBe(1);
    expect(await menu.getByRole('link', { name: /History/ }).count()).toBe(0);
    expect(await menu.getByRole('link', { name: /People/ }).count()).toBe(0);
    await p.goto(`${server.url}/epics/virtual-try-on`);
    await p.locator('.verdict-banner').waitFor({ timeout: 30_000 });
    expect(await p.getByRole('button', { name: 'Record decision' }).count()).toBe(0);
    await p.goto(`${server.url}/settings`);
    await p.getByText('Only admins manage keys').waitFor();
    await ctx.close();
  }, 60_000);

  it('runs the monthly loop: snapshot, plan within capacity, accept, and a diff with its reasons', async () => {
    // last month's review: AI stylist chat fell short and the PM chose to iterate
    const review = await api('/epics/ai-stylist-chat/reviews', { method: 'POST', body: JSON.stringify({ decision: 'iterate', note: 'Close to target: retune the prompts.' }) });
    expect(review.status).toBe(201);
    await goto('/iterations');
    await page.getByRole('heading', { name: 'Iterations', level: 1 }).waitFor();
    await page.getByLabel('Snapshot name').fill('Before the plan');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    await page.waitForURL(/\/iterations\/it-/);
    await page.locator('#calibration .recharts-surface').first().waitFor({ timeout: 30_000 });

    await goto('/planner');
    await page.locator('.capacity-table').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Propose a plan' }).click();
    await page.locator('#proposal').waitFor({ timeout: 30_000 });
    const proposalText = (await page.locator('#proposal').textContent()) ?? '';
    expect(proposalText).not.toContain('(over!)');
    expect(proposalText).toMatch(/score [\d,]+ = reach/);
    const followUps = page.locator('section', { has: page.getByRole('heading', { name: 'Follow-ups' }) });
    expect(await followUps.textContent()).toContain('AI stylist chat v2');
    expect(await followUps.textContent()).toContain('decision iterate');
    await page.getByLabel('Name of the new iteration').fill('After the plan');
    await page.getByRole('button', { name: 'Accept plan…' }).click();
    await page.getByRole('dialog', { name: 'Accept the plan?' }).getByRole('button', { name: 'Accept and update the roadmap' }).click();
    const accepted = page.locator('#accepted');
    await accepted.waitFor({ timeout: 30_000 });
    await accepted.getByRole('link', { name: /See what changed/ }).click();
    await page.locator('#diff .change-list, #diff .empty').first().waitFor({ timeout: 30_000 });
    const diff = (await page.locator('#diff').textContent()) ?? '';
    expect(diff).toContain('From Before the plan');
    expect(diff).toContain('After the plan');
    expect(await page.locator('#diff .change').count()).toBeGreaterThan(0);
    // the follow-up is explained by the outcome and the decision behind it
    const followUp = page.locator('#diff .change[data-epic="ai-stylist-chat-v2"]');
    expect(await followUp.locator('.badge', { hasText: 'Added' }).count()).toBe(1);
    const why = (await followUp.locator('.change__evidence').textContent()) ?? '';
    expect(why).toContain('follow-up of AI stylist chat');
    expect(why).toContain('decision iterate');
  }, 120_000);

  it('signs out', async () => {
    await goto('/impact');
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sextant.session') ?? 'null') as { token: string } | null);
    expect(session?.token).toBeTruthy();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Sextant' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sextant.session'))).toBeNull();
    // signing out ended the session on the server too
    await expect.poll(async () => (await api('/me', {}, session!.token)).status).toBe(401);
  }, 30_000);

  it('takes screenshots of every page at 1280 and 390 px when asked (SEXTANT_SHOTS)', async () => {
    const dir = process.env.SEXTANT_SHOTS;
    if (!dir) return;
    const files = await shoot(browser, server.url, server.signInToken, dir);
    expect(files.length).toBeGreaterThanOrEqual(14);
  }, 180_000);

  it('logged no errors in the browser console', () => {
    // 4xx responses the tests provoke on purpose (wrong token, invalid import, revoked key) are logged by Chromium
    const unexpected = consoleErrors.filter((m) => !/status of 40[0-9]/.test(m));
    expect(unexpected).toEqual([]);
  });
});
