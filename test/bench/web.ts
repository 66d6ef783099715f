/**
 * Dashboard: initial JavaScript (gzip) of the built app, and the time until the impact page
 * shows its charts in headless Chromium against the local server with the demo data.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../functions/src/config';
import { startServer } from '../../functions/src/local/server';
import { launchChromium, signInLink } from '../helpers/browser';

const DIST = resolve('web/dist');

/** Scripts the browser loads before any route chunk: the entry and its modulepreloads. */
function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]);
  return [...new Set(srcs)];
}

export async function benchWeb() {
  execSync('npm run build:web --silent', { stdio: 'inherit' });
  const initial = initialScripts().map((src) => {
    const bytes = readFileSync(join(DIST, src.replace(/^\//, '')));
    return { src, kb: Math.round(bytes.length / 1024), gzipKB: Math.round((gzipSync(bytes).length / 1024) * 10) / 10 };
  });
  const initialGzipKB = Math.round(initial.reduce((s, f) => s + f.gzipKB, 0) * 10) / 10;

  const server = await startServer(loadConfig({ SEXTANT_STORE: 'memory', PORT: '0', SEXTANT_DEMO: '1', SEXTANT_LOG_LEVEL: 'silent' }), { quiet: true });
  const browser = await launchChromium();
  try {
    const runs: { chartsMs: number; jsRequests: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      let jsRequests = 0;
      page.on('request', (r) => {
        if (r.url().endsWith('.js')) jsRequests++;
      });
      const started = Date.now();
      await page.goto(await signInLink(server.url, server.signInToken));
      await page.locator('.recharts-surface').first().waitFor({ timeout: 30_000 });
      runs.push({ chartsMs: Date.now() - started, jsRequests });
      await context.close();
    }
    const sorted = runs.map((r) => r.chartsMs).sort((a, b) => a - b);
    return {
      initialJs: initial,
      initialGzipKB,
      aimGzipKB: 150,
      impactChartsMs: { first: runs[0].chartsMs, median: sorted[Math.floor(sorted.length / 2)] },
      jsRequestsToCharts: runs[0].jsRequests,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
