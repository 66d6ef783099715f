/**
 * Digest subscriptions and their delivery records. Access patterns:
 * - subscriptions: list / get / delete in the `SUBS` partition;
 * - deliveries: one item per subscription and period (`DELIVERY#<sub>` / `<period>`), claimed with
 *   a conditional put BEFORE anything is sent. States: `pending` (claimed, being sent; the claim is
 *   a lease: once it lapses, a later run takes it over and retries), `sent` (never sent again),
 *   `failed` (retries exhausted for now; retried by a later run). A crash mid-send leaves
 *   `pending`, so the digest is retried rather than skipped (at-least-once).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { Delivery, Subscription } from '../../../shared/digest';
import type { Store } from './client';
import { K } from './keys';
import { queryAll, strip } from './ops';

/** A subscription as stored: the webhook URL in full (it is masked in API answers). */
export type StoredSubscription = Subscription;

type StoredDelivery = Delivery & { leaseUntil: number };

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export class SubscriptionStore {
  constructor(private readonly store: Store) {}

  async create(input: Omit<Subscription, 'id'>): Promise<Subscription> {
    const sub: Subscription = { id: `sub_${randomBytes(6).toString('hex')}`, ...input };
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.subscription(sub.id), ...sub }, ConditionExpression: 'attribute_not_exists(PK)' }));
    return sub;
  }

  async list(): Promise<Subscription[]> {
    return (await queryAll(this.store, K.subscriptionsPartition())).map((i) => strip<Subscription>(i));
  }

  async get(id: string): Promise<Subscription | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.subscription(id), ConsistentRead: true }));
    return out.Item ? strip<Subscription>(out.Item) : null;
  }

  /** Delete a subscription; false when there was none. Its delivery records are kept (what was sent). */
  async delete(id: string): Promise<boolean> {
    const out = await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.subscription(id), ReturnValues: 'ALL_OLD' }));
    return Boolean(out.Attributes);
  }

  async delivery(subscriptionId: string, period: string): Promise<StoredDelivery | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.delivery(subscriptionId, period), ConsistentRead: true }));
    return out.Item ? strip<StoredDelivery>(out.Item) : null;
  }

  async deliveries(subscriptionId: string): Promise<Delivery[]> {
    return (await queryAll(this.store, K.deliveriesPartition(subscriptionId))).map((i) => {
      const { leaseUntil: _lease, ...d } = strip<StoredDelivery>(i);
      return d;
    });
  }

  /**
   * Claim the delivery of `period` before sending: a conditional put of a `pending` record; or,
   * when one exists that is not `sent` and whose lease has lapsed (a crash or a failure), take
   * the lease over with a conditional update. Returns the claimed record, or null (already
   * sent, or being sent by someone else right now).
   */
  async claim(subscriptionId: string, period: string, what: { title: string; link: string }, now: number, leaseMs: number): Promise<StoredDelivery | null> {
    const fresh: StoredDelivery = { subscriptionId, period, state: 'pending', attempts: 0, title: what.title, link: what.link, createdAt: new Date(now).toISOString(), leaseUntil: now + leaseMs };
    try {
      await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.delivery(subscriptionId, period), ...fresh }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return fresh;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const existing = await this.delivery(subscriptionId, period);
    if (!existing || existing.state === 'sent' || existing.leaseUntil > now) return null;
    try {
      await this.store.doc.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: K.delivery(subscriptionId, period),
          UpdateExpression: 'SET leaseUntil = :lease, #state = :pending, title = :title, link = :link',
          ConditionExpression: 'leaseUntil = :old AND #state <> :sent',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':lease': now + leaseMs, ':pending': 'pending', ':old': existing.leaseUntil, ':sent': 'sent', ':title': what.title, ':link': what.link },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return null;
      throw e;
    }
    return { ...existing, state: 'pending', leaseUntil: now + leaseMs, title: what.title, link: what.link };
  }

  /** Record the outcome of one send (attempts are added to those of earlier runs). */
  async finish(subscriptionId: string, period: string, result: { sent: boolean; attempts: number; error?: string; at: number; retryAfterMs?: number }): Promise<void> {
    const names = { '#state': 'state' };
    if (result.sent) {
      await this.store.doc.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: K.delivery(subscriptionId, period),
          UpdateExpression: 'SET #state = :sent, sentAt = :at, attempts = attempts + :n REMOVE lastError',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':sent': 'sent', ':at': new Date(result.at).toISOString(), ':n': result.attempts },
        }),
      );
      return;
    }
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: K.delivery(subscriptionId, period),
        UpdateExpression: 'SET #state = :failed, lastError = :err, attempts = attempts + :n, leaseUntil = :retry',
        ConditionExpression: '#state <> :sent',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':err': (result.error ?? 'failed').slice(0, 500), ':n': result.attempts, ':retry': result.at + (result.retryAfterMs ?? 0) },
      }),
    );
  }
}
