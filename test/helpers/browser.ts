/**
 * Headless Debian Chromium for the e2e tests and the benchmark (playwright-core, no browser
 * download). `apt-get install -y chromium` provides /usr/bin/chromium; SEXTANT_CHROMIUM overrides.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SEXTANT_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Is a Chromium binary there to launch? */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  if (!hasChromium()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (or set SEXTANT_CHROMIUM)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...opts,
  });
}

/**
 * A fresh one-time sign-in link (`<base><path>#code=…`), made with an admin token through
 * `POST /api/v1/sign-in-codes` — the way the e2e tests and benchmarks sign a browser in.
 */
export async function signInLink(baseUrl: string, adminToken: string, path = '/', scope: 'viewer' | 'editor' | 'admin' = 'admin'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/sign-in-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope }),
  });
  if (res.status !== 201) throw new Error(`sign-in code: ${res.status} ${await res.text()}`);
  const { code } = (await res.json()) as { code: string };
  return `${baseUrl}${path}#code=${code}`;
}
