/**
 * Iteration snapshots adapter: immutable items under `ITERATIONS/ITER#<id>` (ids sort by
 * creation time). The snapshot body is stored as one JSON string attribute: written once, read
 * whole, never updated (a conditional put refuses to overwrite).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync, gunzipSync } from 'node:zlib';
import type { IterationHeader } from '../../../shared/iteration';
import type { Store } from './client';
import { K } from './keys';
import { queryAll } from './ops';


export class IterationStore {
  constructor(private readonly store: Store) {}

  async create<T extends IterationHeader>(iteration: T): Promise<T> {
    const body = gzipSync(Buffer.from(JSON.stringify(iteration), 'utf8'));
    await this.store.doc.send(
      new PutCommand({
        TableName: this.store.table,
        Item: { ...K.iteration(iteration.id), id: iteration.id, name: iteration.name, asOf: iteration.asOf, createdAt: iteration.createdAt, author: iteration.author, body },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return iteration;
  }

  async list(): Promise<IterationHeader[]> {
    const items = await queryAll(this.store, K.iterationsPartition(), { projection: ['id', 'name', 'asOf', 'createdAt', 'author'] });
    return items.map(({ id, name, asOf, createdAt, author }) => ({ id, name, asOf, createdAt, author }) as IterationHeader).reverse();
  }

  async get<T>(id: string): Promise<T | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.iteration(id), ConsistentRead: true }));
    if (!out.Item) return null;
    return JSON.parse(gunzipSync(Buffer.from(out.Item.body as Uint8Array)).toString('utf8')) as T;
  }
}
