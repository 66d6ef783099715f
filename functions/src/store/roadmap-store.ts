/**
 * Roadmap adapter. Access patterns:
 * - whole roadmap: one Query on the current version's partition (`ROADMAP#v<n>`);
 * - one entity: Put/Delete in the current version;
 * - import (PUT /roadmap): write a new version, then switch `ROADMAP/HEAD` with a condition, so a
 *   reader sees the old or the new document, never a mix, and a failed import changes nothing.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Epic, Milestone, Mission, Roadmap, Story, Theme } from '../../../shared/roadmap';
import type { Store } from './client';
import { K } from './keys';
import { batchWrite, queryAll, strip } from './ops';
import { conflict } from '../errors';

export type EntityKind = 'theme' | 'milestone' | 'epic' | 'story';
type EntityOf<T extends EntityKind> = T extends 'theme' ? Theme : T extends 'milestone' ? Milestone : T extends 'epic' ? Epic : Story;

const keyOf = (kind: EntityKind, v: number, id: string) => K[kind](v, id);

export class RoadmapStore {
  constructor(private readonly store: Store) {}

  /** Current version number (0 when no roadmap has been stored). */
  async version(): Promise<number> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.roadmapHead(), ConsistentRead: true }));
    return (out.Item?.version as number | undefined) ?? 0;
  }

  /** The whole roadmap document, or null before the first import. */
  async get(): Promise<{ roadmap: Roadmap; version: number } | null> {
    const version = await this.version();
    if (version === 0) return null;
    const items = await queryAll(this.store, K.roadmapPartition(version));
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
    return { roadmap: doc, version };
  }

  /** Replace the whole document atomically (see module doc). Returns the new version. */
  async replace(doc: Roadmap, expectedVersion?: number): Promise<number> {
    const current = await this.version();
    if (expectedVersion !== undefined && expectedVersion !== current) {
      throw conflict(`roadmap changed (version ${current}, expected ${expectedVersion}); reload and retry`);
    }
    const next = current + 1;
    const items: Record<string, unknown>[] = [{ ...K.mission(next), ...doc.mission }];
    const add = (kind: EntityKind, list: { id: string }[]) =>
      list.forEach((e, order) => items.push({ ...keyOf(kind, next, e.id), ...e, order }));
    add('theme', doc.themes);
    add('milestone', doc.milestones);
    add('epic', doc.epics);
    add('story', doc.stories);
    await batchWrite(this.store, items);
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: { ...K.roadmapHead(), version: next, updatedAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(PK) OR version = :cur',
          ExpressionAttributeValues: { ':cur': current },
        }),
      );
    } catch (e) {
      // lost a race with another import: remove our unreferenced version
      await this.dropVersion(next);
      if (e instanceof ConditionalCheckFailedException) throw conflict('roadmap was replaced concurrently; reload and retry');
      throw e;
    }
    if (current > 0) await this.dropVersion(current).catch(() => undefined);
    return next;
  }

  private async dropVersion(v: number) {
    const items = await queryAll(this.store, K.roadmapPartition(v), { projection: ['PK', 'SK'] });
    await batchWrite(this.store, [], items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
  }

  /** Create or overwrite one entity in the current version. */
  async put<T extends EntityKind>(kind: T, entity: EntityOf<T>, version: number, order?: number): Promise<void> {
    await this.store.doc.send(
      new PutCommand({ TableName: this.store.table, Item: { ...keyOf(kind, version, entity.id), ...entity, order: order ?? Date.now() } }),
    );
  }

  async setMission(mission: Mission, version: number): Promise<void> {
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.mission(version), ...mission } }));
  }

  async delete(kind: EntityKind, id: string, version: number): Promise<void> {
    await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: keyOf(kind, version, id) }));
  }

  async deleteMany(entities: { kind: EntityKind; id: string }[], version: number): Promise<void> {
    await batchWrite(this.store, [], entities.map((e) => keyOf(e.kind, version, e.id)));
  }
}
