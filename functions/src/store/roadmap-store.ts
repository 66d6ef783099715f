/**
 * Roadmap adapter. Access patterns:
 * - whole roadmap: one Query on the current version's partition (`ROADMAP#v<n>`);
 * - one entity: Put/Delete in the current version;
 * - import (PUT /roadmap): write the document into a fresh partition, then switch `ROADMAP/HEAD`
 *   (version n → n+1) with a condition, so a reader sees the old or the new document, never a
 *   mix; a failed or concurrent import changes nothing (each import writes its own partition).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Epic, Milestone, Mission, Roadmap, Story, Theme } from '../../../shared/roadmap';
import type { Store } from './client';
import { K } from './keys';
import { batchWrite, queryAll, strip } from './ops';
import { conflict } from '../errors';
import { randomBytes } from 'node:crypto';

/** Where the current roadmap lives: its version and its partition. */
export interface RoadmapHead {
  version: number;
  partition: string;
}
const NO_HEAD: RoadmapHead = { version: 0, partition: '' };

export type EntityKind = 'theme' | 'milestone' | 'epic' | 'story';
type EntityOf<T extends EntityKind> = T extends 'theme' ? Theme : T extends 'milestone' ? Milestone : T extends 'epic' ? Epic : Story;

const keyOf = (kind: EntityKind, partition: string, id: string) => K[kind](partition, id);

export class RoadmapStore {
  constructor(private readonly store: Store) {}

  /** The current head (version 0 when no roadmap has been stored). */
  async head(): Promise<RoadmapHead> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.roadmapHead(), ConsistentRead: true }));
    return out.Item ? { version: out.Item.version as number, partition: out.Item.partition as string } : NO_HEAD;
  }

  async version(): Promise<number> {
    return (await this.head()).version;
  }

  /** The whole roadmap document, or null before the first import. */
  async get(): Promise<{ roadmap: Roadmap; version: number; head: RoadmapHead } | null> {
    const head = await this.head();
    if (head.version === 0) return null;
    const items = await queryAll(this.store, head.partition);
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
    return { roadmap: doc, version: head.version, head };
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
          ConditionExpression: 'attribute_not_exists(PK) OR version = :cur',
          ExpressionAttributeValues: { ':cur': current.version },
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

  /** Create or overwrite one entity in the current version. */
  async put<T extends EntityKind>(kind: T, entity: EntityOf<T>, head: RoadmapHead, order?: number): Promise<void> {
    await this.store.doc.send(
      new PutCommand({ TableName: this.store.table, Item: { ...keyOf(kind, head.partition, entity.id), ...entity, order: order ?? Date.now() } }),
    );
  }

  async setMission(mission: Mission, head: RoadmapHead): Promise<void> {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.mission(head.partition), ...mission } }));
  }

  async deleteMany(entities: { kind: EntityKind; id: string }[], head: RoadmapHead): Promise<void> {
    await batchWrite(this.store, [], entities.map((e) => keyOf(e.kind, head.partition, e.id)));
  }
}
