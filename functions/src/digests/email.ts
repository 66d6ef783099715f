/**
 * E-mail delivery. The message (text + HTML, a stable Message-ID per delivery) is composed once
 * (mime.ts), then handed to: an SMTP server (`SEXTANT_SMTP_URL`, through nodemailer), Amazon SES
 * (on AWS: SendEmail with the raw message, least privilege on one identity), or — when neither
 * is set — a `.eml` file under `<data dir>/outbox/` so a new user can see what would be sent.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Transporter } from 'nodemailer';
import { emailHtml, emailText, type DigestMessage } from '../../../shared/digest';
import type { Config } from '../config';
import { composeMime } from './mime';

export type EmailTransport = 'smtp' | 'ses' | 'outbox';

/** Which transport this process uses: explicit, else SMTP when configured, SES on Lambda, else the outbox. */
export function emailTransportOf(config: Config): EmailTransport {
  if (config.SEXTANT_EMAIL_TRANSPORT !== 'auto') return config.SEXTANT_EMAIL_TRANSPORT;
  if (config.SEXTANT_SMTP_URL) return 'smtp';
  return process.env.AWS_LAMBDA_FUNCTION_NAME ? 'ses' : 'outbox';
}

const smtpTransports = new Map<string, Transporter>();
let ses: SESv2Client | undefined;

/** nodemailer, loaded only for SMTP (the local server): the Lambda bundles do not carry it. */
async function smtpTransport(url: string): Promise<Transporter> {
  let t = smtpTransports.get(url);
  if (!t) {
    const name = 'nodemailer';
    const nodemailer = ((await import(/* @vite-ignore */ name)) as { default: typeof import('nodemailer') }).default;
    t = nodemailer.createTransport(url);
    smtpTransports.set(url, t);
  }
  return t;
}

/** The address inside "Name <address>" (or the whole value). */
const addressOf = (s: string) => /<([^>]+)>\s*$/.exec(s)?.[1] ?? s.trim();

export interface SentEmail {
  transport: EmailTransport;
  messageId: string;
  /** the .eml file (outbox) */
  file?: string;
}

/** Send one digest e-mail; `deliveryId` makes the Message-ID stable, so a retried send can be recognised. */
export async function sendEmail(config: Config, to: string, message: DigestMessage, deliveryId: string): Promise<SentEmail> {
  const transport = emailTransportOf(config);
  const from = config.SEXTANT_MAIL_FROM;
  const domain = addressOf(from).split('@')[1] ?? 'sextant.local';
  const messageId = `<${deliveryId.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
  const raw = composeMime({ from, to, subject: message.title, text: emailText(message), html: emailHtml(message), messageId, headers: { 'X-Sextant-Delivery': deliveryId } });
  if (transport === 'smtp') {
    if (!config.SEXTANT_SMTP_URL) throw new Error('SEXTANT_EMAIL_TRANSPORT=smtp needs SEXTANT_SMTP_URL');
    await (await smtpTransport(config.SEXTANT_SMTP_URL)).sendMail({ envelope: { from: addressOf(from), to: [to] }, raw });
    return { transport, messageId };
  }
  if (transport === 'ses') {
    ses ??= new SESv2Client({});
    await ses.send(new SendEmailCommand({ Destination: { ToAddresses: [to] }, Content: { Raw: { Data: raw } } }));
    return { transport, messageId };
  }
  const dir = resolve(config.SEXTANT_DATA_DIR, 'outbox');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${deliveryId.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`);
  writeFileSync(file, raw);
  return { transport, messageId, file };
}
