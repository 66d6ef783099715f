/**
 * Headless Chromium for the e2e tests, the pipeline tests and the benchmark, driven by
 * playwright-core (never a browser download). Which binary, in order:
 * 1. `SEXTANT_CHROMIUM` (a path) when set;
 * 2. the Chromium that arrives with `npm install` inside `@sparticuz/chromium` (unpacked under
 *    the temp dir on first use, a few seconds) — so `npm install && npm test` needs nothing else;
 * 3. the system `/usr/bin/chromium`, only if the packaged one cannot start.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** flags for a system or overridden Chromium */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * `@sparticuz/chromium`'s flags (made for Lambda) minus the ones that would hide what the tests
 * check: `--disable-web-security` turns off the same-origin policy (every CORS answer would
 * pass), and `--single-process` makes browser contexts share their storage (a second context
 * would see the first one's sign-in).
 */
const UNSAFE_PACKAGED_ARGS = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);

export interface ChromiumChoice {
  source: 'SEXTANT_CHROMIUM' | '@sparticuz/chromium' | 'system';
  executablePath: string;
  args: string[];
}

async function packaged(): Promise<ChromiumChoice> {
  const { default: sparticuz } = await import('@sparticuz/chromium');
  const executablePath = await sparticuz.executablePath();
  return { source: '@sparticuz/chromium', executablePath, args: sparticuz.args.filter((a) => !UNSAFE_PACKAGED_ARGS.has(a)) };
}

let chosen: ChromiumChoice | undefined;

/** The Chromium that launches here (remembered for the process). */
export async function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  const launch = (c: ChromiumChoice) => chromium.launch({ executablePath: c.executablePath, headless: true, args: c.args, ...opts });
  if (chosen) return launch(chosen);
  const override = process.env.SEXTANT_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`SEXTANT_CHROMIUM=${override} does not exist`);
    chosen = { source: 'SEXTANT_CHROMIUM', executablePath: override, args: CHROMIUM_ARGS };
    return launch(chosen);
  }
  let packagedError: unknown;
  try {
    const c = await packaged();
    const browser = await launch(c);
    chosen = c;
    return browser;
  } catch (e) {
    packagedError = e;
  }
  if (existsSync(SYSTEM_CHROMIUM)) {
    chosen = { source: 'system', executablePath: SYSTEM_CHROMIUM, args: CHROMIUM_ARGS };
    return launch(chosen);
  }
  throw new Error(`the Chromium of @sparticuz/chromium did not start (${(packagedError as Error)?.message?.split('\n')[0]}) and there is no ${SYSTEM_CHROMIUM}; set SEXTANT_CHROMIUM to a Chromium binary`);
}

/** Which Chromium the last launch used (for reports). */
export const chromiumChoice = () => chosen;

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
