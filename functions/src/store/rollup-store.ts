/**
 * Incremental-rollup adapter (docs/key-layout.md "Incremental rollups"). Access patterns:
 * - change log: Put `CHG#<hour>#<p>/<stamp>#<id>` (ingest); Query a partition's stamp range (coordinator);
 * - user / survey state: BatchGet `USTATE#<shard>/U#<user>` (touched users), Query the shard
 *   (recomputation of one epic, seeding); conditional Put with the run's sequence number;
 * - per-shard partials: Query `RPART#<shard>` (merge), Query of its `H#` heads (shard run: definition,
 *   sequence number and size of each epic partial); conditional Put on `seq`; Put of
 *   a run's delta of an epic partial (`<partial>#D<seq>`), Query of one partial's deltas, and
 *   BatchWrite deletes of folded deltas;
 * - journal: Query `RSHARD#<shard>` `C#` descending Limit 1 (latest commit), conditional Put of
 *   `C#<seq>` (the commit), Put of its parts, Get/Put of `HEAD` (materialised sequence);
 * - cursor: Get / conditional Put `META/ROLLUP#CURSOR`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CompactFacts } from '../../../shared/user-state';
import type { Store } from './client';
import { K, USER_FACT_SHARDS } from './keys';
import { batchGet, batchWrite, queryAll, scanPrefix } from './ops';
import { packTotalItem, unpackTotalItem } from './packed';

type Item = Record<string, any>;

/** One change-log entry: the new facts of one ingest request. */
export interface ChangeEntry {
  /** per pseudonymous user */
  u?: Record<string, CompactFacts>;
  /** new survey facts */
  s?: { id: string; d: string; scope: string; sc: 'csat' | 'nps'; s: number }[];
}

export interface Commit {
  seq: number;
  runId: string;
  parts: number;
}

export interface Cursor {
  cursor: number;
  shards?: number;
  /** first day the user states cover (seeded from the facts) */
  coveredFrom?: string;
  seededAt?: string;
  /** AWS: when shard jobs were last sent (ms) */
  dispatchedAt?: number;
}

const isConditional = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as Error)?.name === 'ConditionalCheckFailedException';

export class RollupStore {
  constructor(private readonly store: Store) {}

  // --- change log -----------------------------------------------------------------------

  async putChange(hour: string, partition: number, stamp: number, id: string, entry: ChangeEntry, expiresAt: number): Promise<void> {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.changeLog(hour, partition, stamp, id), ...entry, at: stamp, expiresAt } }));
  }

  /** Entries of one partition with from ≤ stamp < to (eventually consistent: they are LAG old). */
  async changes(hour: string, partition: number, from: number, to: number): Promise<(ChangeEntry & { at: number })[]> {
    if (to <= from) return [];
    return (await queryAll(this.store, K.changeLogPartition(hour, partition), { between: [K.changeLogSk(from), K.changeLogSk(to - 1) + '$'], consistent: false })) as never;
  }

  /** Delete change-log entries stamped before `before` (ms; consumed: the cursor is past them). A scan (local retention only; TTL on AWS). */
  async purgeChanges(before: number): Promise<number> {
    let n = 0;
    for await (const items of scanPrefix(this.store, K.changeLogPrefix, { expr: '#at < :b', values: { ':b': before }, names: { '#at': 'at' } })) {
      await batchWrite(this.store, [], items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
      n += items.length;
    }
    return n;
  }

  // --- cursor ---------------------------------------------------------------------------

  async cursor(): Promise<(Cursor & { v?: number }) | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.rollupCursor(), ConsistentRead: true }));
    return out.Item as never;
  }

  /** Advance the cursor from `prev` (version) to `next`; false when another run moved it first. */
  async setCursor(prevVersion: number | undefined, next: Cursor): Promise<boolean> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.rollupCursor(), ...next, v: (prevVersion ?? 0) + 1 },
          ConditionExpression: prevVersion === undefined ? 'attribute_not_exists(PK)' : 'v = :v',
          ExpressionAttributeValues: prevVersion === undefined ? undefined : { ':v': prevVersion },
        }),
      );
      return true;
    } catch (e) {
      if (isConditional(e)) return false;
      throw e;
    }
  }

  // --- states ---------------------------------------------------------------------------

  async userStates(shard: number, users: string[]): Promise<Map<string, Item>> {
    const items = await batchGet(this.store, users.map((u) => K.userState(shard, u)));
    return new Map(items.map((i) => [(i.SK as string).slice(2), i]));
  }

  async surveyStates(shard: number, ids: string[]): Promise<Map<string, Item>> {
    const items = await batchGet(this.store, ids.map((id) => K.surveyState(shard, id)));
    return new Map(items.map((i) => [(i.SK as string).slice(2), i]));
  }

  /** Every user state of a shard (recomputing an epic's partial; seeding). */
  async allUserStates(shard: number): Promise<Item[]> {
    return queryAll(this.store, K.userStatePartition(shard), { prefix: K.userStatePrefix });
  }

  async allSurveyStates(shard: number): Promise<Item[]> {
    return queryAll(this.store, K.userStatePartition(shard), { prefix: K.surveyStatePrefix });
  }

  /** Put a state item unless a later run already wrote it (`seq` only grows). */
  async putStateIfOlder(item: Item, seq: number): Promise<void> {
    try {
      await this.store.doc.send(
        new PutCommand({ TableName: this.store.table, Item: { ...item, seq }, ConditionExpression: 'attribute_not_exists(seq) OR seq < :s', ExpressionAttributeValues: { ':s': seq } }),
      );
    } catch (e) {
      if (!isConditional(e)) throw e;
    }
  }

  async putStates(items: Item[]): Promise<void> {
    await batchWrite(this.store, items);
  }

  async deleteKeys(keys: { PK: string; SK: string }[]): Promise<void> {
    await batchWrite(this.store, [], keys);
  }

  // --- partials -------------------------------------------------------------------------

  async partials(shard: number, consistent = true): Promise<Item[]> {
    return queryAll(this.store, K.partialPartition(shard), { consistent });
  }

  async partial(key: { PK: string; SK: string }): Promise<Item | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** The pending changes (deltas) of one epic partial. */
  async partialDeltas(shard: number, partialSk: string): Promise<Item[]> {
    return queryAll(this.store, K.partialPartition(shard), { prefix: `${partialSk}#D` });
  }

  /** The heads of a shard's epic partials (definition, sequence number, size; small items: a shard run reads these, not the partials). */
  async heads(shard: number): Promise<Item[]> {
    return queryAll(this.store, K.partialPartition(shard), { prefix: K.epicPartialHeadPrefix });
  }

  /** One epic partial and its pending changes (to fold them). */
  async partialWithDeltas(shard: number, partialSk: string): Promise<Item[]> {
    return (await queryAll(this.store, K.partialPartition(shard), { prefix: partialSk })).filter((i) => K.partialOfDelta(i.SK as string) === partialSk);
  }

  /** Put a partial's head written by sequence `seq` (its partial was put or folded by `seq`), unless a later run's head is there. */
  async putHead(shard: number, partialSk: string, head: { seq: number; def?: string; bytes: number; pend: number; rseq: number }): Promise<void> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.epicPartialHead(shard, partialSk), ...head },
          ConditionExpression: 'attribute_not_exists(PK) OR seq <= :s',
          ExpressionAttributeValues: { ':s': head.seq },
        }),
      );
    } catch (e) {
      if (!isConditional(e)) throw e;
    }
  }

  /** Raise a head's pending bytes (a hint for folding) while its partial is still the one read (`seq`, `def`). */
  async putHeadPending(shard: number, partialSk: string, head: { seq: number; def: string; bytes: number; pend: number; rseq: number }): Promise<void> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.epicPartialHead(shard, partialSk), ...head },
          ConditionExpression: 'seq = :s AND def = :d',
          ExpressionAttributeValues: { ':s': head.seq, ':d': head.def },
        }),
      );
    } catch (e) {
      if (!isConditional(e)) throw e;
    }
  }

  /** A shard's month partials. */
  async monthPartials(shard: number): Promise<Item[]> {
    return queryAll(this.store, K.partialPartition(shard), { prefix: K.monthPartial(shard, '').SK });
  }

  /** The changes of an epic partial with a sequence number above `after` (the merge: those not in its total yet). */
  async deltasAfter(shard: number, partialSk: string, after: number): Promise<Item[]> {
    return queryAll(this.store, K.partialPartition(shard), { between: [K.epicPartialDelta(shard, partialSk, Math.max(0, after + 1)).SK, K.epicPartialDelta(shard, partialSk, 9_999_999_999).SK] });
  }

  /** Every epic window's total (the merge); its sums `j` are stored deflated (`z`, ./packed.ts). */
  async totals(): Promise<Item[]> {
    return (await queryAll(this.store, K.rollupPartition(), { prefix: K.rollupTotalPrefix })).map(unpackTotalItem);
  }

  /** One total, eventually consistent (a fold: which changes the merge has applied; an older answer only deletes fewer). */
  async total(partialSk: string): Promise<Item | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.rollupTotal(partialSk) }));
    return out.Item && unpackTotalItem(out.Item);
  }

  /** Replace a total still at version `prev` (undefined: absent); false when another merge moved it first. */
  async putTotal(partialSk: string, item: Item, prev: number | undefined): Promise<boolean> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.rollupTotal(partialSk), ...packTotalItem(item), ver: (prev ?? 0) + 1 },
          ConditionExpression: prev === undefined ? 'attribute_not_exists(PK)' : 'ver = :v',
          ExpressionAttributeValues: prev === undefined ? undefined : { ':v': prev },
        }),
      );
      return true;
    } catch (e) {
      if (isConditional(e)) return false;
      throw e;
    }
  }

  /** Put a run's change of an epic partial (idempotent: the same run writes the same item). */
  async putPartialDelta(shard: number, partialSk: string, seq: number, def: string | undefined, j: string, rs?: number): Promise<void> {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.epicPartialDelta(shard, partialSk, seq), seq, ...(def ? { def } : {}), ...(rs ? { rs } : {}), j } }));
  }

  /** Replace a partial that is still at `prevSeq` (undefined: absent); false when it moved on. */
  async putPartial(item: Item, prevSeq: number | undefined): Promise<boolean> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: item,
          ConditionExpression: prevSeq === undefined ? 'attribute_not_exists(PK)' : 'seq = :p',
          ExpressionAttributeValues: prevSeq === undefined ? undefined : { ':p': prevSeq },
        }),
      );
      return true;
    } catch (e) {
      if (isConditional(e)) return false;
      throw e;
    }
  }

  // --- journal --------------------------------------------------------------------------

  async latestCommit(shard: number): Promise<Commit | undefined> {
    const out = await this.store.doc.send(
      new QueryCommand({
        TableName: this.store.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': K.shardPartition(shard), ':p': K.shardCommitPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0] as Commit | undefined;
  }

  async head(shard: number): Promise<number> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.shardHead(shard), ConsistentRead: true }));
    return Number(out.Item?.mat ?? 0);
  }

  async setHead(shard: number, seq: number): Promise<void> {
    try {
      await this.store.doc.send(
        new PutCommand({ TableName: this.store.table, Item: { ...K.shardHead(shard), mat: seq }, ConditionExpression: 'attribute_not_exists(mat) OR mat < :s', ExpressionAttributeValues: { ':s': seq } }),
      );
    } catch (e) {
      if (!isConditional(e)) throw e;
    }
  }

  async putParts(shard: number, seq: number, runId: string, parts: Item[]): Promise<void> {
    await batchWrite(this.store, parts.map((p, n) => ({ ...K.shardPart(shard, seq, runId, n), ...p })));
  }

  async parts(shard: number, seq: number, runId: string): Promise<Item[]> {
    return queryAll(this.store, K.shardPartition(shard), { prefix: K.shardPartPrefix(seq, runId) });
  }

  /** The commit point of a run: false when another run committed this sequence number first. */
  async commit(shard: number, c: Commit & { at: string }): Promise<boolean> {
    try {
      await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.shardCommit(shard, c.seq), ...c }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return true;
    } catch (e) {
      if (isConditional(e)) return false;
      throw e;
    }
  }

  /** Delete the journal of sequence `seq` (commit and parts of any run). */
  async dropJournal(shard: number, seq: number): Promise<void> {
    if (seq < 1) return;
    const parts = await queryAll(this.store, K.shardPartition(shard), { prefix: K.shardPartPrefix(seq), projection: ['PK', 'SK'] });
    await batchWrite(this.store, [], [...parts.map((p) => ({ PK: p.PK as string, SK: p.SK as string })), K.shardCommit(shard, seq)]);
  }

  // --- seeding from the durable facts ---------------------------------------------------

  /** User-fact keys of a month in the fact partitions that hold rollup shard `shard` of `shards`. */
  async userFactKeys(month: string, shard: number, shards: number): Promise<string[]> {
    const factShards = Array.from({ length: USER_FACT_SHARDS }, (_, f) => f).filter((f) => (shards <= USER_FACT_SHARDS ? f % shards === shard : shard % USER_FACT_SHARDS === f));
    const pages = await Promise.all(factShards.map((f) => queryAll(this.store, K.userFactsPartition(month, f), { consistent: false, projection: ['SK'] })));
    return pages.flat().map((i) => i.SK as string);
  }

  async surveysOfMonth(month: string): Promise<{ SK: string; d: string; scope: string; sc: 'csat' | 'nps'; s: number }[]> {
    return (await queryAll(this.store, K.surveyPartition(month), { consistent: false })) as never;
  }
}
