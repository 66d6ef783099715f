/**
 * The dashboard's security headers, one definition for the local server and for CloudFront
 * (infra/constructs/web-hosting.ts). Pure.
 */

/** Content-Security-Policy of the dashboard; `connectSources` are the API origins besides 'self'. */
export function dashboardCsp(connectSources: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // charts set inline style attributes
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const REFERRER_POLICY = 'no-referrer';
