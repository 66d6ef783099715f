/**
 * `npm start`: one process on 127.0.0.1:8787 serving the API, the ingest endpoints and the
 * built dashboard, on the embedded store, with the Fabrikam demo seeded on first run.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dashboardCsp, REFERRER_POLICY } from '../../../shared/security-headers';
import { signInOrigins } from '../oidc';
import { createApp } from '../app';
import { bootstrap } from '../bootstrap';
import { checkListenHost, loadConfig, type Config } from '../config';
import { log } from '../log';
import { openApiDocs } from '../openapi';
import type { Services } from '../services';
import { startBackground } from './background';
import { simulateDemo } from './demo';
import { prepareLocal } from './prepare';
import { registerEmailSender } from '../digests/email-sender';
import { sendEmail } from '../digests/email';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  /** this start's one-time sign-in link (printed in the banner; 10 minutes; the next start replaces it) */
  signInUrl: string;
  signInCode: string;
  signInExpiresAt: string;
  /** an admin session token for callers inside this process (tests, benchmarks); never printed; revoked on close */
  signInToken: string;
  close(): Promise<void>;
}

const WEB_DIST = resolve(import.meta.dirname, '../../../web/dist');

export async function startServer(config: Config, opts: { quiet?: boolean } = {}): Promise<RunningServer> {
  const services = await bootstrap(config);
  registerEmailSender(sendEmail);
  services.simulateDemo = (world, today) => simulateDemo(services, world, today, config.SEXTANT_DEMO_USERS);
  services.startBackground = () => startBackground(services);
  const local = await prepareLocal(services, { quiet: opts.quiet });
  const app = createApp(services, { docs: openApiDocs() });
  if (existsSync(WEB_DIST)) {
    const index = readFileSync(resolve(WEB_DIST, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root: WEB_DIST, onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
    app.use('/favicon.svg', serveStatic({ root: WEB_DIST }));
    // SPA fallback: any other GET that is not the API or ingest gets the app shell
    app.get('*', (c, next) => {
      const p = c.req.path;
      if (p.startsWith('/api/') || p.startsWith('/v1/') || p === '/health' || p === '/openapi.json') return next();
      c.header('Cache-Control', 'no-cache');
      // sign-in with an identity provider: the dashboard fetches its discovery document and token endpoint
      c.header('Content-Security-Policy', dashboardCsp(signInOrigins(config)));
      c.header('Referrer-Policy', REFERRER_POLICY);
      c.header('X-Frame-Options', 'DENY');
      return c.html(index);
    });
  }
  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => ok(s));
    s.once('error', fail);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  services.publicUrl = url;
  return {
    url,
    port,
    services,
    signInUrl: `${url}/#code=${local.signInCode}`,
    signInCode: local.signInCode,
    signInExpiresAt: local.signInExpiresAt,
    signInToken: local.processToken,
    async close() {
      await local.stop();
      await services.keys.revoke('ses_local-process').catch(() => undefined);
      await new Promise<void>((ok) => server.close(() => ok()));
      await services.store.close();
    },
  };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
    await checkListenHost(config.HOST);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const running = await startServer(config);
  const hasWeb = existsSync(WEB_DIST);
  const lines = [
    '',
    `  Sextant is running at ${running.url}`,
    hasWeb
      ? `  Sign in to the dashboard as admin (one-time link, valid for 10 minutes): ${running.signInUrl}\n` +
        '  Every start prints a new link and the previous one stops working; a link is spent once used.'
      : '  Dashboard not built: run `npm run build:web`',
    `  API: ${running.url}/api/v1  ·  OpenAPI: ${running.url}/openapi.json  ·  Ingest: ${running.url}/v1/batch`,
    `  API calls: Authorization: Bearer <token>; create tokens and write keys in the dashboard (Settings → Keys)`,
    `  Store: ${config.SEXTANT_STORE}${config.SEXTANT_STORE === 'dynalite' ? ` in ${resolve(config.SEXTANT_DATA_DIR)}` : ''}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    log.error('failed to start', { message: (e as Error).message });
    process.exit(1);
  });
}
