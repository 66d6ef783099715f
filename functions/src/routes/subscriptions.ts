/** Digest subscriptions (editor and up): monthly / weekly review digests and window-closed alerts. */
import { z } from 'zod';
import { Delivery, Subscription, SubscriptionInput, maskUrl, webhookFormat } from '../../../shared/digest';
import { sendNow } from '../digests/run';
import { webhookPolicy, webhookUrlProblem } from '../digests/webhook';
import { badRequest, conflict, notFound } from '../errors';
import { endpoint, type Router } from '../http';
import { actorOf, recordAudit } from '../audit/record';
import type { KeyRecord } from '../../../shared/keys';

/** every run visits each subscription: keep the run bounded */
export const MAX_SUBSCRIPTIONS = 100;

const SubscriptionView = Subscription.extend({ deliveries: z.array(Delivery) }).meta({ id: 'SubscriptionView' });
const SendResult = z
  .object({
    subscriptionId: z.string(),
    period: z.string(),
    title: z.string(),
    link: z.string(),
    state: z.enum(['sent', 'failed', 'skipped']),
    attempts: z.number().int(),
    error: z.string().optional(),
    file: z.string().optional(),
  })
  .meta({ id: 'DigestSendResult' });

/** What the API shows of a subscription: the webhook URL masked (it is a secret). */
const view = (s: Subscription) => ({ ...s, ...(s.url ? { url: maskUrl(s.url) } : {}) });

export function subscriptionRoutes(r: Router) {
  const tags = ['Digests'];
  endpoint(r, { method: 'get', path: '/subscriptions', summary: 'Digest subscriptions with their latest deliveries (webhook URLs masked)', tags, auth: 'editor', responses: { 200: { description: 'Subscriptions', schema: z.array(SubscriptionView) } } }, async (c) => {
    const s = c.get('services');
    const subs = await s.subscriptions.list();
    const out = await Promise.all(subs.map(async (sub) => ({ ...view(sub), deliveries: (await s.subscriptions.deliveries(sub.id)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, 20) })));
    return c.json(out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)));
  });

  endpoint(r, { method: 'post', path: '/subscriptions', summary: 'Subscribe a Slack / Teams incoming webhook or an e-mail address to a digest', tags, auth: 'editor', body: SubscriptionInput, responses: { 201: { description: 'The subscription', schema: Subscription } } }, async (c, { body }) => {
    if (body.url) {
      const problem = webhookUrlProblem(body.url, webhookPolicy());
      if (problem) throw badRequest(problem, [{ path: ['url'], message: problem }]);
    }
    const s = c.get('services');
    if ((await s.subscriptions.list()).length >= MAX_SUBSCRIPTIONS) throw conflict(`at most ${MAX_SUBSCRIPTIONS} subscriptions; delete one first`);
    const sub = await s.subscriptions.create({
      kind: body.kind,
      channel: body.channel,
      ...(body.url ? { url: body.url, format: webhookFormat(body.url, body.format) } : {}),
      ...(body.email ? { email: body.email } : {}),
      ...(body.name ? { name: body.name } : {}),
      createdAt: new Date(s.now()).toISOString(),
      createdBy: actorOf(c.get('principal') as KeyRecord & { email?: string }).name,
    });
    // the webhook URL is a secret: the trail keeps it masked
    await recordAudit(c, { action: 'subscription.create', target: { type: 'subscription', id: sub.id }, changes: [{ field: 'subscription', from: null, to: view(sub) }] });
    return c.json(view(sub), 201);
  });

  endpoint(r, { method: 'delete', path: '/subscriptions/:id', summary: 'Unsubscribe (the record of what was sent is kept)', tags, auth: 'editor', responses: { 204: { description: 'Deleted' } } }, async (c, { params }) => {
    const s = c.get('services');
    const sub = await s.subscriptions.get(params.id);
    if (!sub || !(await s.subscriptions.delete(params.id))) throw notFound('subscription', params.id);
    await recordAudit(c, { action: 'subscription.delete', target: { type: 'subscription', id: params.id }, changes: [{ field: 'subscription', from: view(sub), to: null }] });
    return c.body(null, 204);
  });

  endpoint(r, { method: 'post', path: '/subscriptions/:id/send', summary: 'Deliver the current digest now; answers what was sent', tags, auth: 'editor', responses: { 200: { description: 'What was sent', schema: SendResult } } }, async (c, { params }) => {
    const s = c.get('services');
    const sub = await s.subscriptions.get(params.id);
    if (!sub) throw notFound('subscription', params.id);
    const report = await sendNow(s, sub, { attempts: 3, backoffMs: 250 });
    await recordAudit(c, { action: 'digest.send', target: { type: 'subscription', id: sub.id }, summary: `${report.title}: ${report.state}`, changes: [{ field: 'delivery', from: null, to: { period: report.period, state: report.state } }] });
    return c.json({ ...report, ...(report.file ? { file: report.file.split(/[\\/]/).slice(-2).join('/') } : {}) });
  });
}
