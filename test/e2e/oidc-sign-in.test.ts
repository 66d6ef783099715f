/**
 * Sign-in with an identity provider in headless Chromium: the dashboard (served by the real local
 * server) offers "Sign in with Fabrikam SSO"; the person signs in on the provider's own login page
 * (oidc-provider, in-process); the authorization code comes back with state and nonce checked,
 * is exchanged with PKCE, and the ID token is the bearer token. Pages load with the person's role,
 * an expired ID token is refreshed (or, when the provider refuses, the person is sent back to the
 * sign-in page), and signing out ends the provider's session too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { launchChromium } from '../helpers/browser';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { freePort } from '../helpers/server-process';
import { ensureWebBuilt } from '../helpers/web-build';

const CLIENT = 'sextant-e2e';

describe('sign-in with an identity provider in Chromium', () => {
  let idp: TestProvider;
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureWebBuilt();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startOidcProvider({
      accounts: {
        ada: { email: 'ada@fabrikam.example', name: 'Ada Admin', groups: ['sextant-admin'] },
        vic: { email: 'vic@fabrikam.example', name: 'Vic Viewer', groups: ['sextant-viewer'] },
        pat: { email: 'pat@fabrikam.example', name: 'Pat Nobody', groups: [] },
      },
      clients: [{ clientId: CLIENT, redirectUris: [`${base}/`], postLogoutRedirectUris: [`${base}/`] }],
    });
    server = await startServer(
      loadConfig({
        SEXTANT_STORE: 'memory',
        PORT: String(port),
        SEXTANT_DEMO: '0',
        SEXTANT_LOG_LEVEL: 'warn',
        SEXTANT_OIDC_ISSUER: idp.issuer,
        SEXTANT_OIDC_CLIENT_ID: CLIENT,
        SEXTANT_OIDC_SCOPES: 'openid email profile groups',
        SEXTANT_OIDC_PROVIDER_NAME: 'Fabrikam SSO',
      }),
      { quiet: true },
    );
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await idp?.close();
  }, 60_000);

  /** On the provider's login page: sign in as `login` (the dev interaction takes any password). */
  async function providerLogin(page: Page, login: string) {
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { timeout: 30_000 });
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('correct horse battery staple');
    await page.locator('button[type="submit"]').click();
  }

  const who = (page: Page) => page.locator('.who').textContent({ timeout: 30_000 });
  const stored = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('sextant.oidc') ?? 'null') as { idToken: string; refreshToken?: string; expiresAt: number } | null);

  it('signs an admin in through the provider, with the People page, refresh on expiry, and sign-out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/roadmap`);
    await page.getByRole('button', { name: 'Sign in with Fabrikam SSO' }).click();
    await providerLogin(page, 'ada');
    await page.locator('.who').waitFor({ timeout: 30_000 });
    expect(await who(page)).toContain('Ada Admin');
    expect(await who(page)).toContain('Admin');
    // back where the person was, and the code and state are out of the address bar
    expect(new URL(page.url()).pathname).toBe('/roadmap');
    expect(page.url()).not.toMatch(/code=|state=/);
    const first = await stored(page);
    expect(first?.idToken.split('.')).toHaveLength(3);
    expect(first?.refreshToken).toBeTruthy();
    // no token in localStorage (tab-scoped sessionStorage only)
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);

    // admins see People: the person, their role from the groups claim, just seen
    await page.getByRole('link', { name: /People/ }).click();
    const row = page.locator('tr[data-person="ada@fabrikam.example"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toMatch(/Groups claim/);
    // invite someone from the page
    await page.getByLabel('Email').fill('pat@fabrikam.example');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.locator('tr[data-person="pat@fabrikam.example"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('tr[data-person="pat@fabrikam.example"]').textContent()).toContain('People list');

    // the ID token runs out: on the next load the dashboard refreshes it and stays signed in
    await page.evaluate(() => {
      const t = JSON.parse(sessionStorage.getItem('sextant.oidc')!);
      sessionStorage.setItem('sextant.oidc', JSON.stringify({ ...t, expiresAt: Date.now() - 1000 }));
    });
    await page.reload();
    await page.locator('.who').waitFor({ timeout: 30_000 });
    const refreshed = await stored(page);
    expect(refreshed?.refreshToken).toBeTruthy();
    expect(refreshed?.refreshToken).not.toBe(first?.refreshToken); // rotated: a refresh really happened
    expect(refreshed!.expiresAt).toBeGreaterThan(Date.now());

    // sign out: the tab forgets the tokens and the provider's session ends (its logout page, then back)
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { timeout: 30_000 });
    await page.locator('button[name="logout"][value="yes"]').click();
    await page.getByRole('button', { name: 'Sign in with Fabrikam SSO' }).waitFor({ timeout: 30_000 });
    expect(await stored(page)).toBeNull();
    // the provider asks for the login again (its session is gone)
    await page.getByRole('button', { name: 'Sign in with Fabrikam SSO' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { timeout: 30_000 });
    await page.locator('input[name="login"]').waitFor({ timeout: 30_000 });
    await context.close();
  }, 120_000);

  it('loads pages with a viewer’s role, and sends them back to sign in when the provider refuses to refresh', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in with Fabrikam SSO' }).click();
    await providerLogin(page, 'vic');
    await page.locator('.who').waitFor({ timeout: 30_000 });
    expect(await who(page)).toContain('Viewer');
    expect(await page.getByRole('link', { name: /People/ }).count()).toBe(0);
    await page.goto(`${base}/roadmap`);
    await page.locator('main [data-page-title]').waitFor({ timeout: 30_000 });
    expect(await who(page)).toContain('Vic Viewer');
    // the People page itself refuses a viewer
    await page.goto(`${base}/people`);
    await page.getByText('Only admins manage people').waitFor({ timeout: 30_000 });

    // the API refuses the ID token (401; here: a broken signature) while the tab thinks it valid: one refresh, and on
    const before = await stored(page);
    await page.evaluate(() => {
      const t = JSON.parse(sessionStorage.getItem('sextant.oidc')!);
      sessionStorage.setItem('sextant.oidc', JSON.stringify({ ...t, idToken: `${t.idToken.slice(0, -6)}AAAAAA` }));
    });
    await page.reload();
    await page.locator('.who').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await stored(page))?.refreshToken, { timeout: 30_000 }).not.toBe(before?.refreshToken);
    expect(await who(page)).toContain('Vic Viewer');

    await page.evaluate(() => {
      const t = JSON.parse(sessionStorage.getItem('sextant.oidc')!);
      sessionStorage.setItem('sextant.oidc', JSON.stringify({ ...t, refreshToken: 'spent-or-revoked', expiresAt: Date.now() - 1000 }));
    });
    await page.reload();
    await page.getByText('Your sign-in expired. Sign in again.').waitFor({ timeout: 30_000 });
    expect(await stored(page)).toBeNull();
    await context.close();
  }, 120_000);

  it('tells a person without a role to ask an admin', async () => {
    // pat was invited as an editor above: remove them through the API first
    const list = await (await fetch(`${base}/api/v1/people`, { headers: { authorization: `Bearer ${server.signInToken}` } })).json();
    const pat = (list as { id: string; email: string }[]).find((p) => p.email === 'pat@fabrikam.example');
    if (pat) expect((await fetch(`${base}/api/v1/people/${pat.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.signInToken}` } })).status).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in with Fabrikam SSO' }).click();
    await providerLogin(page, 'pat');
    await page.getByText(/pat@fabrikam\.example has no role in Sextant: ask an admin/).waitFor({ timeout: 30_000 });
    expect(await stored(page)).toBeNull();
    await context.close();
  }, 120_000);
});
