/**
 * Digests: subscriptions to the monthly / weekly review and to "window closed" alerts, the
 * period each delivery is for, and the message in each channel's format (Slack and Microsoft
 * Teams incoming webhooks, e-mail). Every message is built from the one review composition
 * (shared/monthly-review.ts) and links back to the page it summarises. Pure.
 */
import { z } from 'zod';
import { addDays, dayNumber, dateOfDay } from './primitives';
import { decisionWords, monthTitle, type MonthlyReview, type ReviewEpic } from './monthly-review';

export const SUBSCRIPTION_KINDS = ['monthly', 'weekly', 'window_closed'] as const;
export const SubscriptionKind = z.enum(SUBSCRIPTION_KINDS);
export type SubscriptionKind = z.infer<typeof SubscriptionKind>;
export const WEBHOOK_FORMATS = ['slack', 'teams'] as const;

/** POST /api/v1/subscriptions body. */
export const SubscriptionInput = z
  .object({
    kind: SubscriptionKind,
    channel: z.enum(['webhook', 'email']),
    url: z.string().trim().url().max(2000).optional(),
    email: z.string().trim().email().max(320).optional(),
    /** webhook payload format; default from the host (hooks.slack.com → slack, *.office.com / *.logic.azure.com → teams, else slack) */
    format: z.enum(WEBHOOK_FORMATS).optional(),
    name: z.string().trim().min(1).max(120).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.channel === 'webhook' && !s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a webhook subscription needs url' });
    if (s.channel === 'email' && !s.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'an email subscription needs email' });
    if (s.channel === 'webhook' && s.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'email is only for channel email' });
    if (s.channel === 'email' && (s.url || s.format)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'url and format are only for channel webhook' });
  })
  .meta({ id: 'SubscriptionInput' });
export type SubscriptionInput = z.infer<typeof SubscriptionInput>;

export const Subscription = z
  .object({
    id: z.string(),
    kind: SubscriptionKind,
    channel: z.enum(['webhook', 'email']),
    /** webhook URL: shown with its path masked (a Slack / Teams URL is a secret) */
    url: z.string().optional(),
    email: z.string().optional(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    name: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'Subscription' });
export type Subscription = z.infer<typeof Subscription>;

/** A webhook's payload format from its host, unless given. */
export function webhookFormat(url: string, given?: (typeof WEBHOOK_FORMATS)[number]): (typeof WEBHOOK_FORMATS)[number] {
  if (given) return given;
  const host = new URL(url).hostname.toLowerCase();
  if (host.endsWith('.office.com') || host.endsWith('.logic.azure.com') || host.endsWith('.powerplatform.com')) return 'teams';
  return 'slack';
}

/** A webhook URL as shown back to people: scheme, host and the first path segment; the secret part masked. */
export function maskUrl(url: string): string {
  const u = new URL(url);
  const first = u.pathname.split('/').filter(Boolean)[0];
  return `${u.protocol}//${u.host}/${first ? `${first}/` : ''}…`;
}

export const DeliveryState = z.enum(['pending', 'sent', 'failed']);
export const Delivery = z
  .object({
    subscriptionId: z.string(),
    /** what the delivery is for: `2026-10` (monthly), `2026-W48` (weekly), `epic:<id>` (window closed), `now:<minute>` (sent by hand) */
    period: z.string(),
    state: DeliveryState,
    attempts: z.number().int(),
    title: z.string(),
    link: z.string(),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    lastError: z.string().optional(),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof Delivery>;

// ---------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------

/** ISO-8601 week of a day: `2026-W48`. */
export function isoWeek(date: string): string {
  const d = dayNumber(date);
  const weekday = (((d + 3) % 7) + 7) % 7; // 0 = Monday (day 0 = 1970-01-01, a Thursday)
  const thursday = dateOfDay(d - weekday + 3);
  const year = Number(thursday.slice(0, 4));
  const jan1 = dayNumber(`${year}-01-01`);
  const week = Math.floor((dayNumber(thursday) - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday … Sunday of the ISO week containing `date`. */
export function weekBounds(date: string): { start: string; end: string } {
  const d = dayNumber(date);
  const weekday = (((d + 3) % 7) + 7) % 7;
  return { start: dateOfDay(d - weekday), end: dateOfDay(d - weekday + 6) };
}

/** The completed month a monthly digest sent on `today` is for. */
export function dueMonth(today: string): string {
  const [y, m] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

/** The completed ISO week a weekly digest sent on `today` is for: its key and last day (Sunday). */
export function dueWeek(today: string): { period: string; end: string } {
  const { end } = weekBounds(addDays(today, -7));
  return { period: isoWeek(end), end };
}

/** How far back a new window-closed subscription looks for verdicts that became ready. */
export const WINDOW_CLOSED_LOOKBACK_DAYS = 31;

// ---------------------------------------------------------------------------
// Messages: one neutral shape, rendered per channel
// ---------------------------------------------------------------------------

export interface DigestLine {
  text: string;
  link?: string;
}
export interface DigestMessage {
  title: string;
  /** one line a notification preview shows */
  summary: string;
  sections: { heading: string; lines: DigestLine[] }[];
  /** the page this message summarises */
  link: string;
  linkText: string;
}

const MAX_LINES = 8;

function capped(lines: DigestLine[], more: string, link: string): DigestLine[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), { text: `… and ${lines.length - MAX_LINES} more ${more}`, link }];
}

const verdictLine = (e: ReviewEpic): DigestLine => ({ text: `${e.title}: ${e.verdictText}${e.decision ? ` · decision: ${decisionWords(e.decision)}` : ''}`, link: e.link });

/** The digest of a review: verdicts, shipped, decisions, changes with their evidence, what is next. */
export function reviewDigest(r: MonthlyReview, opts: { weekly?: { period: string } } = {}): DigestMessage {
  const sections: DigestMessage['sections'] = [];
  if (r.verdicts.length) sections.push({ heading: 'Verdicts ready', lines: capped(r.verdicts.map(verdictLine), 'verdicts', r.link) });
  if (r.shipped.length) sections.push({ heading: 'Shipped', lines: capped(r.shipped.map(verdictLine), 'epics', r.link) });
  const moved = r.themes.filter((t) => t.moved);
  if (moved.length) sections.push({ heading: 'Themes that moved the product', lines: moved.map((t) => ({ text: `${t.name}: ${t.summary}` })) });
  if (r.decisions.length) {
    sections.push({ heading: 'Decisions', lines: capped(r.decisions.map((d) => ({ text: `${d.title}: ${decisionWords(d.decision)}${d.note ? ` — ${d.note}` : ''}`, link: d.link })), 'decisions', r.link) });
  }
  if (r.changes.items.length) {
    sections.push({
      heading: `Changed since ${r.changes.from?.name ?? 'the previous iteration'}`,
      lines: capped(r.changes.items.map((c) => ({ text: `${c.title} — ${c.kind}: ${c.detail}${c.evidence ? `. Why: ${c.evidence}` : ''}`, link: c.link })), 'changes', r.link),
    });
  }
  sections.push({ heading: 'Planned next', lines: [{ text: r.next.summary }, ...capped(r.next.epics.map((e) => ({ text: `${e.title} (${e.themeName})`, link: e.link })), 'epics', r.link)] });
  const title = opts.weekly ? `Weekly digest ${opts.weekly.period}: ${monthTitle(r.month)} so far` : r.title;
  return { title, summary: r.headline, sections, link: r.link, linkText: `Open the ${monthTitle(r.month)} review` };
}

/** The alert for one epic whose measurement window closed: its verdict and targets. */
export function windowClosedAlert(e: ReviewEpic): DigestMessage {
  return {
    title: `Verdict ready: ${e.title} — ${e.verdictText}`,
    summary: `${e.title} (${e.themeName}) shipped ${e.shippedAt}; its measurement window closed ${e.windowCloses}.`,
    sections: [{ heading: 'Targets', lines: e.targets.map((t) => ({ text: `${t.text}${t.status === 'met' || t.status === 'missed' ? (t.confident ? ', confident' : ', not conclusive') : ''}` })) }],
    link: e.link,
    linkText: `Open ${e.title}'s outcome`,
  };
}

// ---------------------------------------------------------------------------
// Renderings
// ---------------------------------------------------------------------------

/** Slack's mrkdwn needs &, < and > escaped; links are <url|text>. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const slackLine = (l: DigestLine) => (l.link ? `• <${l.link}|${slackEscape(l.text)}>` : `• ${slackEscape(l.text)}`);

/** Slack incoming-webhook payload: `text` (notifications, fallbacks) and Block Kit blocks. */
export function slackPayload(m: DigestMessage): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(m.summary) } },
  ];
  for (const s of m.sections) {
    let text = `*${slackEscape(s.heading)}*\n${s.lines.map(slackLine).join('\n')}`;
    if (text.length > 2900) text = `${text.slice(0, 2890)}…`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${m.link}|${slackEscape(m.linkText)}>` } });
  return { text: `${m.title}: ${m.summary} ${m.link}`, blocks: blocks.slice(0, 50) };
}

/** Microsoft Teams incoming webhook (Workflows) payload: a message with one Adaptive Card. */
export function teamsPayload(m: DigestMessage): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: m.summary, wrap: true, isSubtle: true },
  ];
  for (const s of m.sections) {
    body.push({ type: 'TextBlock', text: s.heading, weight: 'Bolder', wrap: true, spacing: 'Medium' });
    body.push({ type: 'TextBlock', text: s.lines.map((l) => (l.link ? `- [${l.text.replace(/[[\]]/g, '')}](${l.link})` : `- ${l.text}`)).join('\n'), wrap: true });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: m.linkText, url: m.link }],
        },
      },
    ],
  };
}

/** Plain-text e-mail body. */
export function emailText(m: DigestMessage): string {
  const out = [m.title, '', m.summary, ''];
  for (const s of m.sections) {
    out.push(s.heading, ...s.lines.map((l) => `- ${l.text}${l.link ? ` <${l.link}>` : ''}`), '');
  }
  out.push(`${m.linkText}: ${m.link}`, '');
  return out.join('\n');
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** HTML e-mail body (inline styles only: mail clients drop style sheets). */
export function emailHtml(m: DigestMessage): string {
  const parts = [
    `<div style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:640px;color:#1f2933">`,
    `<h1 style="font-size:20px;margin:0 0 8px">${html(m.title)}</h1>`,
    `<p style="color:#52606d;margin:0 0 16px">${html(m.summary)}</p>`,
  ];
  for (const s of m.sections) {
    parts.push(`<h2 style="font-size:15px;margin:16px 0 6px">${html(s.heading)}</h2><ul style="margin:0;padding-left:20px">`);
    for (const l of s.lines) parts.push(`<li>${l.link ? `<a href="${html(l.link)}">${html(l.text)}</a>` : html(l.text)}</li>`);
    parts.push('</ul>');
  }
  parts.push(`<p style="margin-top:20px"><a href="${html(m.link)}" style="font-weight:600">${html(m.linkText)}</a></p></div>`);
  return parts.join('');
}
