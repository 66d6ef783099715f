/**
 * A digest e-mail as one raw MIME message (RFC 5322 / 2045–2047): text and HTML alternatives in
 * base64, non-ASCII headers as encoded words. The same bytes go to SMTP, SES and the outbox.
 * Small on purpose: the AWS worker bundle carries no mail library.
 */
import { randomBytes } from 'node:crypto';

export interface MimeMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  date?: Date;
}

/** A header value as an RFC 2047 encoded word when it is not plain printable ASCII. */
export function encodeHeader(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  // split into encoded words of at most 45 bytes of UTF-8 each (75 characters once encoded)
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

const base64Lines = (s: string) => (Buffer.from(s, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** The raw message (CRLF line ends). */
export function composeMime(m: MimeMail): Buffer {
  const boundary = `sextant-${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${encodeHeader(m.from)}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Message-ID: ${m.messageId}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${encodeHeader(v)}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) => [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(body)].join('\r\n');
  const body = [part('text/plain', m.text), part('text/html', m.html), `--${boundary}--`, ''].join('\r\n');
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}
