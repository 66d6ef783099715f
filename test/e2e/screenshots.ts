/**
 * Screenshots of every page at 1280 px and 390 px, for a person to look at:
 *   npx tsx test/e2e/screenshots.ts <baseUrl> <token> [outDir=/tmp/shots] [page names…]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInLink } from '../helpers/browser';

export const SHOT_PAGES: { name: string; path: string; ready: string; prepare?: (page: Page) => Promise<void>; viewportOnly?: boolean }[] = [
  { name: 'impact', path: '/impact', ready: '.scoreboard, .empty, .error-state' },
  { name: 'roadmap', path: '/roadmap', ready: '.timeline, .empty, .error-state' },
  { name: 'epic', path: '/epics/outfit-sharing', ready: '.verdict-banner, .error-state' },
  { name: 'iterations', path: '/iterations', ready: '.iteration-list, .empty, .error-state' },
  {
    name: 'planner',
    path: '/planner',
    ready: '.capacity-table, .empty, .error-state',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Propose a plan' }).click();
      await page.locator('#proposal, .error-state').first().waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'epic-editor',
    path: '/roadmap',
    ready: '.timeline',
    viewportOnly: true,
    prepare: async (page) => {
      await page.locator('.epic-card .epic-card__title button').last().click();
      await page.locator('dialog[open]').waitFor();
    },
  },
  { name: 'settings', path: '/settings', ready: '#keys table, #keys .empty, .error-state' },
  { name: 'history', path: '/history', ready: '.audit-list, .empty, .error-state' },
  { name: 'people', path: '/people', ready: 'table, .empty, .error-state' },
];

export const WIDTHS = [
  { label: 'desktop', width: 1280, height: 900 },
  { label: 'phone', width: 390, height: 844 },
];

export async function shoot(browser: Browser, baseUrl: string, token: string, outDir: string, only: string[] = []) {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const w of WIDTHS) {
    const context = await browser.newContext({ viewport: { width: w.width, height: w.height }, deviceScaleFactor: 1 });
    const page: Page = await context.newPage();
    await page.goto(await signInLink(baseUrl, token, '/impact'));
    await page.waitForSelector('.topbar');
    for (const p of SHOT_PAGES) {
      if (only.length && !only.includes(p.name)) continue;
      await page.goto(`${baseUrl}${p.path}`);
      await page.waitForSelector(p.ready, { timeout: 20_000 }).catch(() => undefined);
      if (p.prepare) await p.prepare(page).catch((e) => console.error(`${p.name}: ${(e as Error).message}`));
      await page.waitForTimeout(600);
      const file = join(outDir, `${p.name}-${w.width}.png`);
      await page.screenshot({ path: file, fullPage: !p.viewportOnly });
      files.push(file);
      if (p.viewportOnly) continue;
      // tall pages also in viewport-sized parts, readable at a glance
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const tile = w.width < 600 ? 1100 : 1600;
      for (let y = 0, i = 1; height > tile && y < height; y += tile, i++) {
        const part = join(outDir, `${p.name}-${w.width}-part${i}.png`);
        await page.screenshot({ path: part, fullPage: true, clip: { x: 0, y, width: w.width, height: Math.min(tile, height - y) } });
        files.push(part);
      }
    }
    // the sign-in page, signed out
    if (!only.length || only.includes('signin')) {
      const fresh = await browser.newContext({ viewport: { width: w.width, height: w.height } });
      const signin = await fresh.newPage();
      await signin.goto(`${baseUrl}/impact`);
      await signin.waitForSelector('.signin');
      const file = join(outDir, `signin-${w.width}.png`);
      await signin.screenshot({ path: file, fullPage: true });
      files.push(file);
      await fresh.close();
    }
    await context.close();
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseUrl, token, outDir = '/tmp/shots', ...only] = process.argv.slice(2);
  if (!baseUrl || !token) {
    console.error('usage: tsx test/e2e/screenshots.ts <baseUrl> <token> [outDir] [pages…]');
    process.exit(2);
  }
  const browser = await launchChromium();
  try {
    const files = await shoot(browser, baseUrl, token, outDir, only);
    console.log(files.join('\n'));
  } finally {
    await browser.close();
  }
}
