/**
 * Customer asks adapter. Access patterns:
 * - every ask: Query `ASKS` (lists, filters, demand, suggestions: asks arrive at human rates, so
 *   one partition holds them; ~1 KB each, a list of 5,000 asks reads ~630 read units);
 * - one ask: GetItem `ASKS/ASK#<id>`; put (last write wins) and delete;
 * - account members (from Segment `group` calls): Put `ACCOUNT#<account>/U#<user hash>`, Query an account;
 * - one user's activity facts over some months: Query `UF#<month>#<shard>` with the user's SK prefix.
 */
import { addFact } from '../../../shared/user-state';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Ask } from '../../../shared/asks';
import type { UserActivity } from '../../../shared/outcome-types';
import { shardOf } from '../ingest/pseudonymize';
import type { Store } from './client';
import { K, USER_FACT_SHARDS } from './keys';
import { batchGet, batchWrite, queryAll, strip } from './ops';

export class AskStore {
  constructor(private readonly store: Store) {}

  async all(): Promise<Ask[]> {
    const items = await queryAll(this.store, K.asksPartition(), { prefix: K.askPrefix, consistent: false });
    return items.map((i) => strip<Ask>(i));
  }

  async get(id: string): Promise<Ask | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.ask(id), ConsistentRead: true }));
    return out.Item ? strip<Ask>(out.Item) : null;
  }

  /** The stored forms of these ids (missing ones absent). */
  async many(ids: string[]): Promise<Map<string, Ask>> {
    if (!ids.length) return new Map();
    const items = await batchGet(this.store, [...new Set(ids)].map((id) => K.ask(id)));
    return new Map(items.map((i) => [i.id as string, strip<Ask>(i)]));
  }

  async put(ask: Ask): Promise<void> {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.ask(ask.id), ...ask } }));
  }

  async putMany(asks: Ask[]): Promise<void> {
    await batchWrite(this.store, asks.map((a) => ({ ...K.ask(a.id), ...a })));
  }

  async delete(id: string): Promise<boolean> {
    const out = await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.ask(id), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  /** Record account memberships (idempotent puts). */
  async putMembers(members: { accountId: string; user: string }[]): Promise<void> {
    const seen = new Map<string, { PK: string; SK: string }>();
    for (const m of members) {
      const k = K.accountMember(m.accountId, m.user);
      seen.set(`${k.PK}|${k.SK}`, k);
    }
    await batchWrite(this.store, [...seen.values()]);
  }

  /** Pseudonymous members of each account. */
  async members(accountIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    await Promise.all(
      [...new Set(accountIds)].map(async (id) => {
        const items = await queryAll(this.store, K.accountMembersPartition(id), { prefix: K.accountMemberPrefix, consistent: false, projection: ['SK'] });
        out.set(id, items.map((i) => (i.SK as string).slice(K.accountMemberPrefix.length)));
      }),
    );
    return out;
  }

  /** Activity and usage days of these users in these months, from their facts. */
  async activityOf(users: string[], months: string[]): Promise<Map<string, UserActivity>> {
    const out = new Map<string, UserActivity>();
    const jobs: (() => Promise<void>)[] = [];
    for (const user of new Set(users)) {
      const shard = shardOf(user, USER_FACT_SHARDS);
      for (const month of months) {
        jobs.push(async () => {
          const items = await queryAll(this.store, K.userFactsPartition(month, shard), { prefix: K.userFactPrefix(user), consistent: false, projection: ['SK'] });
          for (const item of items) addFact(out, K.parseUserFact(item.SK as string));
        });
      }
    }
    // bounded concurrency: a few hundred requesters × 2–3 months
    const running: Promise<void>[] = [];
    for (const job of jobs) {
      const p = job().finally(() => running.splice(running.indexOf(p), 1));
      running.push(p);
      if (running.length >= 16) await Promise.race(running);
    }
    await Promise.all(running);
    return out;
  }
}
