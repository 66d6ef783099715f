/**
 * Roadmap adapter. Access patterns:
 * - whole roadmap: one Query on the current version's partition (`ROADMAP#v<n>`);
 * - import (PUT /roadmap): write the document into a fresh partition, then switch `ROADMAP/HEAD`
 *   (version n → n+1) with a condition, so a reader sees the old or the new document, never a
 *   mix; a failed or concurrent import changes nothing (each import writes its own partition).
 * - entity writes (`mutate`): serialised by a short lease on `ROADMAP/HEAD` (conditional update;
 *   no transactions needed, so dynalite keeps working). Under the lease the writer reads the
 *   document, checks the change against it, records the change on HEAD (a redo log: a writer that
 *   crashes mid-way leaves it, and the next writer applies it again; puts and deletes are
 *   idempotent), applies it, and releases the lease while bumping the version (n → n+1). So a
 *   theme deletion and an epic creation that names the theme can no longer both pass their
 *   checks against the same old document; imports refuse to switch while a lease is live.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Epic, Milestone, Mission, Roadmap, Story, Theme } from '../../../shared/roadmap';
import type { Store } from './client';
import { K } from './keys';
import { batchWrite, queryAll, sleep, strip } from './ops';
import { AppError, conflict } from '../errors';
import { randomBytes } from 'node:crypto';

/** Where the current roadmap lives: its version and its partition. */
export interface RoadmapHead {
  version: number;
  partition: string;
  /** a writer's lease (entity writes), and the change it is applying */
  lockId?: string;
  lockUntil?: number;
  intent?: RoadmapIntent;
}

/** A change to the current partition: whole items to put and keys to delete. */
export interface RoadmapIntent {
  puts: Record<string, unknown>[];
  deletes: { PK: string; SK: string }[];
}

/** What an entity write does to the document it read under the lease. */
export interface RoadmapChange {
  put?: { kind: EntityKind | 'mission'; entity: { id?: string } & object; order?: number }[];
  delete?: { kind: EntityKind; id: string }[];
}

/** A lease outlives any request that holds it (Lambda stops the API after 29 s). */
export const ROADMAP_LEASE_MS = 60_000;
/** How long a writer waits for another writer's lease before answering 409. */
const LEASE_WAIT_MS = 10_000;
const NO_HEAD: RoadmapHead = { version: 0, partition: '' };

export type EntityKind = 'theme' | 'milestone' | 'epic' | 'story';

const keyOf = (kind: EntityKind, partition: string, id: string) => K[kind](partition, id);

export class RoadmapStore {
  constructor(private readonly store: Store) {}

  /** The current head (version 0 when no roadmap has been stored). */
  async head(): Promise<RoadmapHead> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.roadmapHead(), ConsistentRead: true }));
    if (!out.Item) return NO_HEAD;
    const { version, partition, lockId, lockUntil, intent } = out.Item;
    return { version: version as number, partition: partition as string, lockId, lockUntil, intent } as RoadmapHead;
  }

  async version(): Promise<number> {
    return (await this.head()).version;
  }

  /** The whole roadmap document, or null before the first import. */
  async get(): Promise<{ roadmap: Roadmap; version: number; head: RoadmapHead } | null> {
    const head = await this.head();
    if (head.version === 0) return null;
    return { roadmap: await this.read(head), version: head.version, head };
  }

  /** The document in a head's partition, with its recorded change (if any) laid over it. */
  private async read(head: RoadmapHead): Promise<Roadmap> {
    const items = overlay(await queryAll(this.store, head.partition), head.intent);
    const doc: Roadmap = { mission: { statement: '' }, themes: [], milestones: [], epics: [], stories: [] };
    for (const item of items) {
      const sk = item.SK as string;
      const { kind: _k, ...value } = strip<Record<string, unknown>>(item);
      if (sk === 'MISSION') doc.mission = value as Mission;
      else if (sk.startsWith('THEME#')) doc.themes.push(value as Theme);
      else if (sk.startsWith('MILESTONE#')) doc.milestones.push(value as Milestone);
      else if (sk.startsWith('EPIC#')) doc.epics.push(value as Epic);
      else if (sk.startsWith('STORY#')) doc.stories.push(value as Story);
    }
    const byOrder = <T extends { order?: number; id: string }>(a: T, b: T) => (a.order ?? 0) - (b.order ?? 0) || a.id.localeCompare(b.id);
    for (const list of [doc.themes, doc.milestones, doc.epics, doc.stories] as { order?: number; id: string }[][]) list.sort(byOrder);
    doc.milestones.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
    for (const list of [doc.themes, doc.milestones, doc.epics, doc.stories] as Record<string, unknown>[][]) for (const x of list) delete x.order;
    return doc;
  }

  /** Replace the whole document atomically (see module doc). Returns the new version. */
  async replace(doc: Roadmap, expectedVersion?: number): Promise<number> {
    const current = await this.head();
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw conflict(`roadmap changed (version ${current.version}, expected ${expectedVersion}); reload and retry`);
    }
    const next: RoadmapHead = { version: current.version + 1, partition: K.roadmapPartition(`${current.version + 1}-${randomBytes(4).toString('hex')}`) };
    const items: Record<string, unknown>[] = [{ ...K.mission(next.partition), ...doc.mission }];
    const add = (kind: EntityKind, list: { id: string }[]) => list.forEach((e, order) => items.push({ ...keyOf(kind, next.partition, e.id), ...e, order }));
    add('theme', doc.themes);
    add('milestone', doc.milestones);
    add('epic', doc.epics);
    add('story', doc.stories);
    await batchWrite(this.store, items);
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.roadmapHead(), ...next, updatedAt: new Date().toISOString() },
          // never switch under a live entity-write lease (its writes would land in the old partition)
          ConditionExpression: 'attribute_not_exists(PK) OR (version = :cur AND (attribute_not_exists(lockUntil) OR lockUntil < :now))',
          ExpressionAttributeValues: { ':cur': current.version, ':now': Date.now() },
        }),
      );
    } catch (e) {
      // lost a race with another import: remove our unreferenced partition
      await this.dropPartition(next.partition);
      if (e instanceof ConditionalCheckFailedException) throw conflict('roadmap was replaced concurrently; reload and retry');
      throw e;
    }
    if (current.version > 0) await this.dropPartition(current.partition).catch(() => undefined);
    return next.version;
  }

  private async dropPartition(partition: string) {
    const items = await queryAll(this.store, partition, { projection: ['PK', 'SK'] });
    await batchWrite(this.store, [], items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
  }

  /**
   * One entity write, serialised with every other roadmap write (see module doc). `change`
   * reads the document as of the lease and returns what to write (or throws a 4xx, which
   * changes nothing). `empty` is the document to start from before the first write.
   */
  async mutate<T>(
    change: (doc: Roadmap, version: number) => { change: RoadmapChange; result: T } | Promise<{ change: RoadmapChange; result: T }>,
    empty: Roadmap,
  ): Promise<{ result: T; version: number }> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      let head = await this.head();
      if (head.version === 0) {
        await this.replace(empty).catch((e) => {
          if (!(e instanceof AppError && e.status === 409)) throw e;
        });
        continue;
      }
      if (head.lockUntil !== undefined && head.lockUntil >= Date.now()) {
        if (Date.now() > deadline) throw conflict('the roadmap is being changed by another request; retry');
        await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
        continue;
      }
      const lockId = randomBytes(8).toString('hex');
      try {
        await this.store.doc.send(
          new UpdateCommand({
            TableName: this.store.table,
            Key: K.roadmapHead(),
            UpdateExpression: 'SET lockId = :id, lockUntil = :until',
            ConditionExpression: 'version = :v AND #partition = :p AND (attribute_not_exists(lockUntil) OR lockUntil < :now)',
            ExpressionAttributeNames: { '#partition': 'partition' },
            ExpressionAttributeValues: { ':id': lockId, ':until': Date.now() + ROADMAP_LEASE_MS, ':v': head.version, ':p': head.partition, ':now': Date.now() },
          }),
        );
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) continue;
        throw e;
      }
      const release = async (intent: RoadmapIntent | undefined) => {
        await this.store.doc.send(
          new UpdateCommand({
            TableName: this.store.table,
            Key: K.roadmapHead(),
            UpdateExpression: intent ? 'SET version = version + :one, updatedAt = :t REMOVE lockId, lockUntil, intent' : 'REMOVE lockId, lockUntil',
            ConditionExpression: 'lockId = :id',
            ExpressionAttributeValues: { ':id': lockId, ...(intent ? { ':one': 1, ':t': new Date().toISOString() } : {}) },
          }),
        );
      };
      try {
        // a writer that crashed under its lease left its change: finish it first
        if (head.intent) {
          await this.apply(head.intent);
          await this.store.doc.send(
            new UpdateCommand({ TableName: this.store.table, Key: K.roadmapHead(), UpdateExpression: 'SET version = version + :one REMOVE intent', ConditionExpression: 'lockId = :id', ExpressionAttributeValues: { ':id': lockId, ':one': 1 } }),
          );
          head = { ...head, version: head.version + 1, intent: undefined };
        }
        const current = await this.read({ ...head, intent: undefined });
        const { change: c, result } = await change(current, head.version);
        const intent: RoadmapIntent = {
          puts: (c.put ?? []).map((p) =>
            p.kind === 'mission' ? { ...K.mission(head.partition), ...p.entity } : { ...keyOf(p.kind, head.partition, p.entity.id as string), ...p.entity, order: p.order ?? Date.now() },
          ),
          deletes: (c.delete ?? []).map((d) => keyOf(d.kind, head.partition, d.id)),
        };
        const writes = intent.puts.length + intent.deletes.length;
        if (!writes) {
          await release(undefined);
          return { result, version: head.version };
        }
        // one item is written atomically; several need the redo log first
        if (writes > 1) {
          await this.store.doc.send(
            new UpdateCommand({ TableName: this.store.table, Key: K.roadmapHead(), UpdateExpression: 'SET intent = :i', ConditionExpression: 'lockId = :id', ExpressionAttributeValues: { ':i': intent, ':id': lockId } }),
          );
        }
        await this.apply(intent);
        await release(intent);
        return { result, version: head.version + 1 };
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) continue; // lost the lease (an import switched): start again
        await release(undefined).catch(() => undefined);
        throw e;
      }
    }
  }

  private async apply(intent: RoadmapIntent) {
    await batchWrite(this.store, intent.puts, intent.deletes);
  }
}

/** The partition's items with a recorded (not yet applied) change laid over them. */
function overlay(items: Record<string, unknown>[], intent: RoadmapIntent | undefined): Record<string, unknown>[] {
  if (!intent) return items;
  const key = (i: { PK?: unknown; SK?: unknown }) => `${String(i.PK)}\u0000${String(i.SK)}`;
  const gone = new Set([...intent.deletes, ...intent.puts].map(key));
  return [...items.filter((i) => !gone.has(key(i))), ...intent.puts];
}
