/**
 * Who sends digest e-mail in this process. The mailer (nodemailer, the SES client) is imported
 * only by the entry points that send e-mail — the local server and the AWS worker register it —
 * so the API and ingest Lambda bundles stay without it. Elsewhere (tests, scripts) it is loaded
 * on first use.
 */
import type { DigestMessage } from '../../../shared/digest';
import type { Config } from '../config';

export type EmailSender = (config: Config, to: string, message: DigestMessage, deliveryId: string) => Promise<{ file?: string }>;

let registered: EmailSender | undefined;

export function registerEmailSender(sender: EmailSender): void {
  registered = sender;
}

export async function emailSender(): Promise<EmailSender> {
  if (registered) return registered;
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('this function does not send e-mail: on AWS the worker sends digest e-mails (its scheduled run)');
  // a computed specifier: bundlers leave it alone (the Lambda bundles register the mailer or have none)
  const path = './email';
  registered = ((await import(/* @vite-ignore */ path)) as typeof import('./email')).sendEmail;
  return registered;
}
