/**
 * Event facts adapter. Every write here is idempotent, so a retried request (after a crash
 * at any point) converges on the same state without transactions:
 * - raw event: Put under `EVT#<messageId>` (first write wins: existing ids are looked up first);
 * - user activity: Put of `UF#<month>#<shard>/<user>#<day>[#<usage key>]` (existence is the fact);
 * - satisfaction response: Put under `SRV#<month>/<date>#<messageId>`;
 * - KPI value: Put under `KPI#<name>/<date>` (name + date is the idempotency key).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './client';
import { K, USER_FACT_SHARDS } from './keys';
import { batchGet, batchWrite, queryAll, scanPrefix } from './ops';
import { shardOf } from '../ingest/pseudonymize';

/** A raw event as stored (compact attribute names; no raw user id, no free-form properties). */
export interface RawEvent {
  id: string;
  /** type */
  t: string;
  /** pseudonymous user or null */
  u: string | null;
  /** event time ms */
  at: number;
  /** UTC date of the event */
  d: string;
  /** received ms */
  r: number;
  /** track event name */
  e?: string;
  /** properties.epicId */
  ep?: string;
  /** survey scale and score */
  sc?: 'csat' | 'nps';
  s?: number;
  /** retention: epoch seconds (DynamoDB TTL on AWS; the retention job locally) */
  expiresAt: number;
}

export interface UserDayFacts {
  user: string;
  month: string;
  days: Set<number>;
  usage: Map<string, Set<number>>;
}

export interface SurveyFact {
  messageId: string;
  date: string;
  scope: string;
  scale: 'csat' | 'nps';
  score: number;
}

/** The stored items of user facts (see `K.userFact`). */
export function userFactItems(facts: UserDayFacts[]): { PK: string; SK: string }[] {
  const items: { PK: string; SK: string }[] = [];
  for (const f of facts) {
    const shard = shardOf(f.user, USER_FACT_SHARDS);
    const used = new Set<number>();
    for (const [key, days] of f.usage) {
      for (const d of days) {
        used.add(d);
        items.push(K.userFact(f.month, shard, f.user, d, key));
      }
    }
    for (const d of f.days) if (!used.has(d)) items.push(K.userFact(f.month, shard, f.user, d));
  }
  return items;
}

export class EventStore {
  constructor(private readonly store: Store) {}

  /**
   * Stored raw events among these message ids. Eventually consistent (half the read cost):
   * a duplicate missed within the replication lag is re-put unchanged and its facts are
   * idempotent, so exactly-once aggregates do not depend on this read.
   */
  async findRaw(messageIds: string[]): Promise<Map<string, RawEvent>> {
    if (!messageIds.length) return new Map();
    const items = await batchGet(this.store, messageIds.map((id) => K.rawEvent(id)), undefined, false);
    return new Map(items.map((i) => [i.id as string, i as unknown as RawEvent]));
  }

  async putRaw(events: RawEvent[]): Promise<void> {
    await batchWrite(this.store, events.map((e) => ({ ...K.rawEvent(e.id), ...e })));
  }

  /** Fact items implied by user and survey facts, keyed by `PK|SK`. */
  factItems(users: UserDayFacts[], surveys: SurveyFact[]): Map<string, Record<string, unknown> & { PK: string; SK: string }> {
    const items = new Map<string, Record<string, unknown> & { PK: string; SK: string }>();
    for (const k of userFactItems(users)) items.set(`${k.PK}|${k.SK}`, k);
    for (const f of surveys) {
      const k = K.survey(f.date.slice(0, 7), f.date, f.messageId);
      items.set(`${k.PK}|${k.SK}`, { ...k, d: f.date, scope: f.scope, sc: f.scale, s: f.score });
    }
    return items;
  }

  /**
   * Which of these fact items are not stored yet. A read costs a fifth of a write on DynamoDB
   * and most user-days already have their fact, so facts are looked up before they are put.
   * Eventually consistent: a just-written fact that looks missing is put again, harmlessly.
   */
  async missingFacts(items: Map<string, Record<string, unknown> & { PK: string; SK: string }>) {
    const missing = new Map(items);
    if (!items.size) return missing;
    const existing = await batchGet(this.store, [...items.values()].map(({ PK, SK }) => ({ PK, SK })), ['PK', 'SK'], false);
    for (const e of existing) missing.delete(`${e.PK}|${e.SK}`);
    return missing;
  }

  async putFacts(items: Iterable<Record<string, unknown>>): Promise<void> {
    await batchWrite(this.store, [...items]);
  }

  async putKpis(metrics: { name: string; date: string; value: number }[], receivedAt: number): Promise<void> {
    const names = [...new Set(metrics.map((m) => m.name))];
    await batchWrite(this.store, [
      ...metrics.map((m) => ({ ...K.kpi(m.name, m.date), name: m.name, date: m.date, value: m.value, r: receivedAt })),
      ...names.map((name) => ({ ...K.kpiName(name), name })),
    ]);
  }

  /** Ingest telemetry per received day (operational counters, not analytics). */
  async countIngest(date: string, counts: { received: number; accepted: number; duplicates: number; rejected: number }): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: K.ingestDay(date),
        UpdateExpression: 'ADD received :r, accepted :a, duplicates :d, rejected :x SET #date = :date',
        ExpressionAttributeNames: { '#date': 'date' },
        ExpressionAttributeValues: { ':r': counts.received, ':a': counts.accepted, ':d': counts.duplicates, ':x': counts.rejected, ':date': date },
      }),
    );
  }

  async logRejections(date: string, at: number, endpoint: string, rejections: { index: number; messageId: string | null; reason: string }[], ttlDays = 30) {
    const iso = new Date(at).toISOString();
    const expiresAt = Math.floor(at / 1000) + ttlDays * 86400;
    await batchWrite(
      this.store,
      rejections.slice(0, 50).map((r) => ({ ...K.rejection(date, iso, `${endpoint}#${r.index}#${Math.random().toString(36).slice(2, 8)}`), ...r, endpoint, at: iso, expiresAt })),
    );
  }

  async ingestDays(from: string, to: string) {
    return queryAll(this.store, K.ingestPartition(), { between: [`DAY#${from}`, `DAY#${to}`] });
  }

  async rejections(date: string) {
    return queryAll(this.store, K.rejectionPartition(date));
  }

  async getMeta(name: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.meta(name), ConsistentRead: true }));
    return out.Item;
  }

  async putMeta(name: string, value: Record<string, unknown>) {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.meta(name), ...value } }));
  }

  /** Every stored raw event, a page at a time (rebuild only: a full table scan). */
  async *scanRaw(): AsyncGenerator<RawEvent[]> {
    for await (const page of scanPrefix(this.store, K.rawEventPrefix)) yield page as unknown as RawEvent[];
  }

  /** Delete raw events and rejection logs whose `expiresAt` has passed (a scan; DynamoDB TTL does this on AWS). */
  async purgeExpired(nowSeconds: number): Promise<number> {
    let deleted = 0;
    for (const prefix of [K.rawEventPrefix, K.rejectionPrefix]) {
      for await (const items of scanPrefix(this.store, prefix, { expr: 'expiresAt < :now', values: { ':now': nowSeconds } })) {
        await batchWrite(this.store, [], items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
        deleted += items.length;
      }
    }
    return deleted;
  }

  /** Keys of every stored fact (activity, usage, survey) of a month, keyed by `PK|SK`. */
  async storedFactKeys(month: string): Promise<Map<string, { PK: string; SK: string }>> {
    const partitions = [...Array.from({ length: USER_FACT_SHARDS }, (_, shard) => K.userFactsPartition(month, shard)), K.surveyPartition(month)];
    const pages = await Promise.all(partitions.map((pk) => queryAll(this.store, pk, { projection: ['PK', 'SK'] })));
    return new Map(pages.flat().map((i) => [`${i.PK}|${i.SK}`, { PK: i.PK as string, SK: i.SK as string }]));
  }

  async deleteFacts(keys: { PK: string; SK: string }[]): Promise<void> {
    await batchWrite(this.store, [], keys);
  }
}

