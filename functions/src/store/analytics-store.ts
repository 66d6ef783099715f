/**
 * Analytics adapter: reads per-user facts and survey facts for the rollup job, and stores /
 * reads the rollups that outcome and impact are computed from. Access patterns:
 * - user facts of a month: Query `UF#<month>#<shard>` for each shard, keys only (rollup job only);
 * - survey facts of a month: Query `SRV#<month>` (rollup job only);
 * - epic rollups: GetItem `ROLLUP/EPIC#<id>#W<w>`, or all of them with one Query (impact); stored
 *   deflated (`z`, ./packed.ts) beside the attributes conditions read;
 * - month rollups (daily active users, daily satisfaction sums): BatchGet `ROLLUP/MONTH#<m>`;
 * - KPI values over a date range: Query `KPI#<name>` BETWEEN dates.
 * Outcome and impact cost depends on days and epics, never on event volume.
 */
import { addFact } from '../../../shared/user-state';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { EpicRollup, KpiPoint, SatisfactionDay, UserActivity } from '../../../shared/outcome-types';
import type { Store } from './client';
import { K, USER_FACT_SHARDS } from './keys';
import { batchGet, batchWrite, queryAll } from './ops';
import { packRollupItem, unpackRollupItem } from './packed';

export interface MonthRollup {
  month: string;
  /** distinct active users per day */
  active: Record<string, number>;
  satisfaction: SatisfactionDay[];
}

export interface StoredEpicRollup extends EpicRollup {
  computedAt: string;
}

export class AnalyticsStore {
  constructor(private readonly store: Store) {}

  /** Merge one month of user facts into `users` (keyed by pseudonymous user). */
  async loadUserMonth(month: string, users: Map<string, UserActivity>): Promise<number> {
    const parts = await Promise.all(
      Array.from({ length: USER_FACT_SHARDS }, (_, shard) => queryAll(this.store, K.userFactsPartition(month, shard), { consistent: false, projection: ['SK'] })),
    );
    let n = 0;
    for (const items of parts) {
      for (const item of items) {
        n++;
        addFact(users, K.parseUserFact(item.SK as string));
      }
    }
    return n;
  }

  async surveysOfMonth(month: string): Promise<{ d: string; scope: string; sc: 'csat' | 'nps'; s: number }[]> {
    return (await queryAll(this.store, K.surveyPartition(month), { consistent: false })) as never;
  }

  async putEpicRollups(rollups: StoredEpicRollup[]): Promise<void> {
    await batchWrite(this.store, rollups.map((r) => packRollupItem({ ...K.epicRollup(r.epicId, r.windowDays), ...r })));
  }

  async putMonthRollups(months: MonthRollup[]): Promise<void> {
    await batchWrite(this.store, months.map((m) => ({ ...K.monthRollup(m.month), ...m })));
  }

  /** Put merged rollups unless a merge of later partials (a larger sum of shard sequence numbers) already wrote them. */
  async putEpicRollupsIfNewer(rollups: (StoredEpicRollup & { mergeSeq: number })[]): Promise<void> {
    await Promise.all(rollups.map((r) => this.putIfNewer(packRollupItem({ ...K.epicRollup(r.epicId, r.windowDays), ...r }) as Record<string, unknown> & { mergeSeq: number })));
  }

  async putMonthRollupsIfNewer(months: (MonthRollup & { mergeSeq: number })[]): Promise<void> {
    await Promise.all(months.map((m) => this.putIfNewer({ ...K.monthRollup(m.month), ...m })));
  }

  private async putIfNewer(item: Record<string, unknown> & { mergeSeq: number }): Promise<void> {
    try {
      await this.store.doc.send(
        new PutCommand({ TableName: this.store.table, Item: item, ConditionExpression: 'attribute_not_exists(mergeSeq) OR mergeSeq <= :s', ExpressionAttributeValues: { ':s': item.mergeSeq } }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  async epicRollup(epicId: string, windowDays: number): Promise<StoredEpicRollup | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.epicRollup(epicId, windowDays) }));
    return out.Item ? unpackRollupItem<StoredEpicRollup>(out.Item) : null;
  }

  async allEpicRollups(): Promise<StoredEpicRollup[]> {
    return (await queryAll(this.store, K.rollupPartition(), { prefix: K.epicRollupPrefix, consistent: false })).map((i) => unpackRollupItem<StoredEpicRollup>(i));
  }

  async deleteEpicRollups(keys: { epicId: string; windowDays: number }[]): Promise<void> {
    await batchWrite(this.store, [], keys.map((k) => K.epicRollup(k.epicId, k.windowDays)));
  }

  async monthRollups(months: string[]): Promise<MonthRollup[]> {
    if (!months.length) return [];
    return (await batchGet(this.store, months.map((m) => K.monthRollup(m)))) as never;
  }

  async kpiSeries(name: string, from: string, to: string): Promise<KpiPoint[]> {
    const items = await queryAll(this.store, K.kpiPartition(name), { between: [from, to], consistent: false });
    return items.map((i) => ({ date: i.SK as string, value: Number(i.value) }));
  }

  async kpiNames(): Promise<string[]> {
    return (await queryAll(this.store, K.kpiNames(), { consistent: false })).map((i) => i.SK as string);
  }

  async state(): Promise<{ dirtyGen?: number; rolledGen?: number; dirtySince?: string; rolledUpAt?: string }> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.rollupState(), ConsistentRead: true }));
    return (out.Item as never) ?? {};
  }

  /** Record a finished rollup of generation `gen` started at `startedAt`; clears dirtiness unless newer changes arrived. */
  async finishRollup(gen: number, startedAt: string, stats: Record<string, unknown>): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: K.rollupState(),
        UpdateExpression: 'SET rolledGen = :g, rolledUpAt = :t, lastRun = :s',
        ExpressionAttributeValues: { ':g': gen, ':t': startedAt, ':s': stats },
      }),
    );
    try {
      await this.store.doc.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: K.rollupState(),
          UpdateExpression: 'REMOVE dirtySince',
          ConditionExpression: 'attribute_not_exists(dirtyGen) OR dirtyGen <= :g',
          ExpressionAttributeValues: { ':g': gen },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  /** Mark rollups stale (roadmap signals / ship dates changed). */
  async markDirty(now: number): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: K.rollupState(),
        UpdateExpression: 'ADD dirtyGen :one SET dirtySince = if_not_exists(dirtySince, :now)',
        ExpressionAttributeValues: { ':one': 1, ':now': new Date(now).toISOString() },
      }),
    );
  }

  async putState(item: Record<string, unknown>) {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.rollupState(), ...item } }));
  }
}
