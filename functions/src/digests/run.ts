/**
 * The digest run (locally the background loop; on AWS the scheduled worker): for each
 * subscription, the period that is due, claimed with a conditional put BEFORE sending, sent with
 * retries, and recorded. The same digest is never sent twice for the same period; a crash
 * mid-send leaves the claim `pending` and a later run retries it (at-least-once).
 */
import {
  WINDOW_CLOSED_LOOKBACK_DAYS,
  dueMonth,
  dueWeek,
  isoWeek,
  reviewDigest,
  slackPayload,
  teamsPayload,
  webhookFormat,
  windowClosedAlert,
  type DigestMessage,
  type Subscription,
} from '../../../shared/digest';
import { type MonthlyReview } from '../../../shared/monthly-review';
import { addDays, todayUtc } from '../../../shared/primitives';
import { DEFAULT_WINDOW_DAYS } from '../../../shared/roadmap';
import { log } from '../log';
import type { Services } from '../services';
import { sleep } from '../store/ops';
import { emailSender } from './email-sender';
import { loadMonthlyReview } from './review-data';
import { postWebhook, webhookPolicy, WebhookError } from './webhook';

export interface DigestRunOptions {
  /** attempts per delivery within one run (default 3) */
  attempts?: number;
  /** first retry delay; doubles per attempt (default 500 ms) */
  backoffMs?: number;
  /** how long a claim is held before another run may take it over (default 10 min) */
  leaseMs?: number;
  /** after a failed run, how long before the next run retries (default 5 min) */
  retryAfterMs?: number;
  /** only this subscription */
  subscriptionId?: string;
  /** fault injection for tests: called after a message went out, before it is recorded as sent */
  afterSend?: (d: { subscriptionId: string; period: string }) => void | Promise<void>;
  /** fault injection for tests: called after each delivery is recorded */
  afterDelivery?: (d: DeliveryReport) => void | Promise<void>;
}

export interface DeliveryReport {
  subscriptionId: string;
  period: string;
  title: string;
  link: string;
  state: 'sent' | 'failed' | 'skipped';
  attempts: number;
  error?: string;
  /** e-mail: the .eml file written (outbox transport) */
  file?: string;
}

/** Loads each month's review at most once per run. */
class ReviewCache {
  private readonly cache = new Map<string, Promise<MonthlyReview>>();
  constructor(private readonly s: Services) {}
  get(month: string, asOf?: string): Promise<MonthlyReview> {
    const key = `${month}|${asOf ?? ''}`;
    let p = this.cache.get(key);
    if (!p) {
      p = loadMonthlyReview(this.s, month, { asOf });
      this.cache.set(key, p);
    }
    return p;
  }
}

interface Due {
  period: string;
  message: () => Promise<DigestMessage>;
}

/** The scheduled periods due for a subscription on `today` (window-closed: one per epic whose verdict became ready). */
async function duePeriods(s: Services, sub: Subscription, today: string, reviews: ReviewCache): Promise<Due[]> {
  if (sub.kind === 'monthly') {
    const month = dueMonth(today);
    return [{ period: month, message: async () => reviewDigest(await reviews.get(month)) }];
  }
  if (sub.kind === 'weekly') {
    const { period, end } = dueWeek(today);
    return [{ period, message: async () => reviewDigest(await reviews.get(end.slice(0, 7), end), { weekly: { period } }) }];
  }
  // window closed: epics whose window closed on or before yesterday … today, since the subscription (with a look-back)
  const from = addDays(sub.createdAt.slice(0, 10), -WINDOW_CLOSED_LOOKBACK_DAYS);
  const roadmap = (await s.roadmaps.get())?.roadmap;
  const candidates = (roadmap?.epics ?? []).filter((e) => {
    if (e.status !== 'shipped' || !e.shippedAt) return false;
    const closes = addDays(e.shippedAt, DEFAULT_WINDOW_DAYS - 1);
    return closes >= from && closes <= today;
  });
  return candidates.map((e) => {
    const closes = addDays(e.shippedAt!, DEFAULT_WINDOW_DAYS - 1);
    return {
      period: `epic:${e.id}`,
      message: async () => {
        const review = await reviews.get(closes.slice(0, 7));
        const verdict = review.verdicts.find((v) => v.epicId === e.id);
        if (!verdict) throw new Error(`no verdict for ${e.id} in the ${closes.slice(0, 7)} review`);
        return windowClosedAlert(verdict);
      },
    };
  });
}

async function sendOnce(s: Services, sub: Subscription, message: DigestMessage, deliveryId: string): Promise<{ file?: string }> {
  if (sub.channel === 'webhook') {
    const format = webhookFormat(sub.url!, sub.format);
    await postWebhook(sub.url!, format === 'teams' ? teamsPayload(message) : slackPayload(message), { 'X-Sextant-Delivery': deliveryId }, webhookPolicy());
    return {};
  }
  const sent = await (await emailSender())(s.config, sub.email!, message, deliveryId);
  return { file: sent.file };
}

/** Claim, send with retries, record. */
export async function deliver(s: Services, sub: Subscription, due: Due, opts: DigestRunOptions = {}): Promise<DeliveryReport> {
  const existing = await s.subscriptions.delivery(sub.id, due.period);
  if (existing?.state === 'sent') return { subscriptionId: sub.id, period: due.period, title: existing.title, link: existing.link, state: 'skipped', attempts: 0 };
  if (existing && existing.leaseUntil > s.now()) return { subscriptionId: sub.id, period: due.period, title: existing.title, link: existing.link, state: 'skipped', attempts: 0 };
  const message = await due.message();
  const claim = await s.subscriptions.claim(sub.id, due.period, { title: message.title, link: message.link }, s.now(), opts.leaseMs ?? 600_000);
  const base = { subscriptionId: sub.id, period: due.period, title: message.title, link: message.link };
  if (!claim) return { ...base, state: 'skipped', attempts: 0 };
  const maxAttempts = opts.attempts ?? 3;
  let attempts = 0;
  let error = '';
  for (;;) {
    attempts++;
    try {
      const { file } = await sendOnce(s, sub, message, `${sub.id}/${due.period}`);
      await opts.afterSend?.({ subscriptionId: sub.id, period: due.period });
      await s.subscriptions.finish(sub.id, due.period, { sent: true, attempts, at: s.now() });
      return { ...base, state: 'sent', attempts, ...(file ? { file } : {}) };
    } catch (e) {
      if ((e as { simulatedCrash?: boolean }).simulatedCrash) throw e;
      error = (e as Error).message;
      const retryable = !(e instanceof WebhookError) || e.retryable;
      if (!retryable || attempts >= maxAttempts) break;
      await sleep((opts.backoffMs ?? 500) * 2 ** (attempts - 1));
    }
  }
  await s.subscriptions.finish(sub.id, due.period, { sent: false, attempts, error, at: s.now(), retryAfterMs: opts.retryAfterMs ?? 300_000 });
  log.warn('digest delivery failed', { subscriptionId: sub.id, period: due.period, attempts, error });
  return { ...base, state: 'failed', attempts, error };
}

/** Deliver every due digest and alert; one failed subscription never stops the others. */
export async function runDigests(s: Services, opts: DigestRunOptions = {}): Promise<{ deliveries: DeliveryReport[] }> {
  const today = todayUtc(s.now());
  const subs = opts.subscriptionId ? [await s.subscriptions.get(opts.subscriptionId)].filter((x): x is Subscription => x !== null) : await s.subscriptions.list();
  const reviews = new ReviewCache(s);
  const deliveries: DeliveryReport[] = [];
  for (const sub of subs.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    let dues: Due[];
    try {
      dues = await duePeriods(s, sub, today, reviews);
    } catch (e) {
      log.error('digest: could not work out what is due', { subscriptionId: sub.id, message: (e as Error).message });
      continue;
    }
    for (const due of dues) {
      let report: DeliveryReport;
      try {
        report = await deliver(s, sub, due, opts);
      } catch (e) {
        if ((e as { simulatedCrash?: boolean }).simulatedCrash) throw e;
        log.error('digest delivery error', { subscriptionId: sub.id, period: due.period, message: (e as Error).message });
        continue;
      }
      if (report.state !== 'skipped') deliveries.push(report);
      await opts.afterDelivery?.(report);
    }
  }
  return { deliveries };
}

/**
 * `POST /api/v1/subscriptions/:id/send`: deliver the current digest now — the month so far
 * (monthly), the week so far (weekly), the latest verdict that became ready (window closed) —
 * recorded under `now:<minute>` so a double click does not send twice.
 */
export async function sendNow(s: Services, sub: Subscription, opts: DigestRunOptions = {}): Promise<DeliveryReport> {
  const today = todayUtc(s.now());
  const minute = new Date(s.now()).toISOString().slice(0, 16);
  const reviews = new ReviewCache(s);
  let message: () => Promise<DigestMessage>;
  if (sub.kind === 'window_closed') {
    const months = [today.slice(0, 7), dueMonth(today)];
    message = async () => {
      for (const m of months) {
        const r = await reviews.get(m);
        const latest = [...r.verdicts].sort((a, b) => (a.windowCloses < b.windowCloses ? 1 : -1))[0];
        if (latest) return windowClosedAlert(latest);
      }
      const r = await reviews.get(months[0]);
      return { title: 'No verdict became ready in the last two months', summary: r.headline, sections: [], link: r.link, linkText: `Open the ${r.title}` };
    };
  } else {
    const month = today.slice(0, 7);
    message = async () => reviewDigest(await reviews.get(month), sub.kind === 'weekly' ? { weekly: { period: isoWeek(today) } } : {});
  }
  return deliver(s, sub, { period: `now:${minute}`, message }, opts);
}
