/**
 * PM reviews adapter. Access patterns: an epic's reviews newest first (Query `REVIEWS#<epic>`
 * descending); the latest review of many epics (one Query with Limit 1 each).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Review } from '../../../shared/review';
import type { Store } from './client';
import { K } from './keys';
import { queryAll, strip } from './ops';

export class ReviewStore {
  constructor(private readonly store: Store) {}

  async add(review: Omit<Review, 'id' | 'createdAt'> & { createdAt?: string }): Promise<Review> {
    const full: Review = { ...review, id: randomUUID().slice(0, 12), createdAt: review.createdAt ?? new Date().toISOString() };
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.review(full.epicId, full.createdAt, full.id), ...full } }));
    return full;
  }

  async list(epicId: string): Promise<Review[]> {
    const items = await queryAll(this.store, K.reviewsPartition(epicId));
    return items.map((i) => strip<Review>(i)).reverse();
  }

  async latest(epicId: string): Promise<Review | null> {
    const out = await this.store.doc.send(
      new QueryCommand({
        TableName: this.store.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': K.reviewsPartition(epicId) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return out.Items?.[0] ? strip<Review>(out.Items[0]) : null;
  }

  async latestOf(epicIds: string[]): Promise<Record<string, Review>> {
    const found = await Promise.all(epicIds.map(async (id) => [id, await this.latest(id)] as const));
    return Object.fromEntries(found.filter(([, r]) => r !== null)) as Record<string, Review>;
  }
}
