/**
 * Local receivers for digest delivery tests: an HTTP webhook receiver and an SMTP server
 * (the `smtp-server` package) on 127.0.0.1, each able to fail its first N deliveries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** the status the receiver answered */
  status: number;
}

export interface WebhookReceiver {
  url(path?: string): string;
  /** every request, including those answered with a failure */
  requests: ReceivedWebhook[];
  /** requests answered 2xx */
  accepted(): ReceivedWebhook[];
  /** answer the next `n` requests with `status` */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failures > 0 ? failStatus : 200;
      if (failures > 0) failures--;
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      requests.push({ path: req.url ?? '/', headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'fail');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    accepted: () => requests.filter((r) => r.status === 200),
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  url: string;
  /** messages accepted (250 after DATA) */
  messages: ReceivedMail[];
  /** DATA commands seen, accepted or not */
  attempts: number;
  /** reject the next `n` messages with a temporary failure (451) */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  const state = { attempts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.attempts++;
        if (failures > 0) {
          failures--;
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get attempts() {
      return state.attempts;
    },
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** A raw e-mail read back: headers (encoded words decoded) and the decoded text of every part. */
export function readMail(raw: string): { header(name: string): string | undefined; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const decodeWords = (v: string) =>
    v.replace(/=\?UTF-8\?([BQ])\?(.*?)\?=\s*/gi, (_m, enc: string, w: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(w, 'base64').toString('utf8')
        : Buffer.from(w.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), decodeWords(line.slice(i + 1).trim()));
  }
  const bodyRaw = rest.join('\n\n');
  // base64 parts decoded; quoted-printable parts decoded; anything else as is
  const decoded = bodyRaw
    .split(/\r?\n--[^\r\n]+/)
    .map((part) => {
      const [ph, ...pb] = part.split(/\r?\n\r?\n/);
      const content = pb.join('\n\n');
      if (/Content-Transfer-Encoding:\s*base64/i.test(ph)) return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(ph)) return Buffer.from(content.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
      return part;
    })
    .join('\n');
  return { header: (name) => headers.get(name.toLowerCase()), body: decoded };
}
