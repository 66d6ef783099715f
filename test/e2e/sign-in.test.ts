/**
 * Sign-in links in a real Chromium profile (on disk, as a person's browser keeps it): after
 * signing in through the printed one-time link, no file of the profile — the History database
 * included — holds a usable credential: the session token is nowhere in History, no token is in
 * localStorage, and the code the History may hold is spent. Opening a sign-in link while signed
 * in asks first, and staying leaves the link unused.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/src/config';
import { startServer, type RunningServer } from '../../functions/src/local/server';
import { chromiumChoice, launchChromium, signInLink } from '../helpers/browser';

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) hits.push(...filesContaining(p, needle));
    else if (st.isFile() && st.size < 50_000_000 && readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}

describe('sign-in link in a Chromium profile on disk', () => {
  let server: RunningServer;
  const profile = mkdtempSync(join(tmpdir(), 'sextant-profile-'));
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '0', SEXTANT_LOG_LEVEL: 'warn' }), { quiet: true });
  }, 60_000);
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  const signedIn = async (page: import('playwright-core').Page) => {
    await page.locator('.who').waitFor({ timeout: 30_000 });
    return (await page.locator('.who').textContent()) ?? '';
  };

  it('keeps no usable credential in history or storage, and asks before a second link replaces the session', async () => {
    // the Chromium the other browser tests use (packaged, SEXTANT_CHROMIUM or the system one), with a real profile on disk
    await (await launchChromium()).close();
    const { executablePath, args } = chromiumChoice()!;
    context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.signInUrl);
    expect(await signedIn(page)).toContain('Admin');
    expect(page.url()).not.toContain('code=');
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sextant.session') ?? 'null') as { token: string } | null);
    expect(session?.token).toMatch(/^sx_adm_/);
    expect(await page.evaluate(() => Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join(';'))).not.toMatch(/sx_/);

    // a second link while signed in: asked first; staying keeps the session and leaves the link unused
    const viewerLink = await signInLink(server.url, server.signInToken, '/impact', 'viewer');
    await page.goto(viewerLink);
    await page.getByRole('heading', { name: 'Use this sign-in link?' }).waitFor({ timeout: 30_000 });
    expect(page.url()).not.toContain('code=');
    await page.getByRole('button', { name: /^Stay signed in/ }).click();
    expect(await signedIn(page)).toContain('Admin');
    // accepting another link switches (and the first session is ended)
    const editorLink = await signInLink(server.url, server.signInToken, '/impact', 'editor');
    await page.goto(editorLink);
    await page.getByRole('button', { name: 'Sign in with the link' }).click();
    await expect.poll(async () => page.locator('.who').textContent(), { timeout: 30_000 }).toContain('Editor');
    const me = (token: string) => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    await expect.poll(() => me(session!.token)).toBe(401);
    const editorSession = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sextant.session') ?? 'null') as { token: string } | null);

    // the tab's history (what Back and the history list show): no token, and no code either —
    // the dashboard replaced it out of the address before anything rendered
    const cdp = await context.newCDPSession(page);
    const { entries } = (await cdp.send('Page.getNavigationHistory')) as { entries: { url: string }[] };
    expect(entries.length).toBeGreaterThan(2);
    for (const token of [session!.token, editorSession!.token, server.signInToken]) expect(entries.map((e) => e.url).join(' ')).not.toContain(token);
    expect(entries.filter((e) => e.url.includes('code='))).toEqual([]);

    await context.close(); // flushes History and storage to disk

    // a full Chromium (SEXTANT_CHROMIUM) keeps a History database: no session token in it, and
    // the codes it holds are spent or unused-but-dead (the packaged headless shell keeps none)
    const history = join(profile, 'Default', 'History');
    if (existsSync(history)) {
      expect(statSync(history).size).toBeGreaterThan(0);
      for (const token of [session!.token, editorSession!.token, server.signInToken]) expect(filesContaining(join(profile, 'Default'), token).filter((f) => /History/.test(f))).toEqual([]);
    }
    // no long-lived token anywhere in the profile (localStorage included)
    expect(filesContaining(profile, server.signInToken)).toEqual([]);
    const codes = [server.signInUrl, editorLink].map((u) => new URL(u).hash.slice('#code='.length));
    for (const code of codes) {
      const res = await fetch(`${server.url}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      expect(res.status).toBe(401);
    }
    // the link the person chose not to use was not consumed (it dies on its own after 10 minutes)
    const unused = new URL(viewerLink).hash.slice('#code='.length);
    const res = await fetch(`${server.url}/api/v1/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: unused }) });
    expect(res.status).toBe(201);
  }, 180_000);
});
