/** Paging and batching helpers over the document client (retry unprocessed items with backoff + jitter). */
import { BatchGetCommand, BatchWriteCommand, QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './client';

type Item = Record<string, any>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * The store kept handing items back as unprocessed (it is throttling) past every retry: a
 * retryable condition like a throttling error (503 with Retry-After), not an internal error.
 */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}

/** Full-jitter exponential backoff: 0 … min(cap, base·2^attempt) ms. */
export const backoff = (attempt: number, base = 25, cap = 2000) => sleep(Math.random() * Math.min(cap, base * 2 ** attempt));

/** Query every page of a partition (optionally an SK prefix / range). */
export async function queryAll(
  store: Store,
  pk: string,
  opts: { prefix?: string; between?: [string, string]; consistent?: boolean; projection?: string[] } = {},
): Promise<Item[]> {
  const names: Record<string, string> = { '#pk': 'PK' };
  const values: Record<string, unknown> = { ':pk': pk };
  let cond = '#pk = :pk';
  if (opts.prefix) {
    names['#sk'] = 'SK';
    values[':p'] = opts.prefix;
    cond += ' AND begins_with(#sk, :p)';
  } else if (opts.between) {
    names['#sk'] = 'SK';
    values[':a'] = opts.between[0];
    values[':b'] = opts.between[1];
    cond += ' AND #sk BETWEEN :a AND :b';
  }
  let ProjectionExpression: string | undefined;
  if (opts.projection) {
    ProjectionExpression = opts.projection.map((_, i) => `#p${i}`).join(', ');
    opts.projection.forEach((p, i) => (names[`#p${i}`] = p));
  }
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: store.table,
      KeyConditionExpression: cond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ExclusiveStartKey,
      ConsistentRead: opts.consistent ?? true,
      ProjectionExpression,
    };
    const out = await store.doc.send(new QueryCommand(input));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Write puts and deletes in batches of 25, retrying unprocessed items until all are done. */
export async function batchWrite(store: Store, puts: Item[], deletes: { PK: string; SK: string }[] = []): Promise<void> {
  const requests = [
    ...puts.map((Item) => ({ PutRequest: { Item } })),
    ...deletes.map((Key) => ({ DeleteRequest: { Key } })),
  ];
  const chunks: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt > 12) throw new StoreBusyError(`batch write: ${pending.length} items still unprocessed after retries`);
        const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.table]: pending } }));
        pending = (out.UnprocessedItems?.[store.table] ?? []) as typeof chunk;
      }
    }),
  );
}

/** Get many items by key (batches of 100, unprocessed keys retried). Returns found items. */
export async function batchGet(store: Store, keys: { PK: string; SK: string }[], projection?: string[], consistent = true): Promise<Item[]> {
  const found: Item[] = [];
  const chunks: (typeof keys)[] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] = chunk;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt > 12) throw new StoreBusyError(`batch get: ${pending.length} keys still unprocessed after retries`);
        const names = projection ? Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])) : undefined;
        const out = await store.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [store.table]: {
                Keys: pending,
                ConsistentRead: consistent,
                ...(projection ? { ProjectionExpression: Object.keys(names!).join(', '), ExpressionAttributeNames: names } : {}),
              },
            },
          }),
        );
        found.push(...(out.Responses?.[store.table] ?? []));
        pending = (out.UnprocessedKeys?.[store.table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }),
  );
  return found;
}

/** Strip key attributes from a stored item. */
export function strip<T>(item: Item): T {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as T;
}

/** Scan items whose PK starts with a prefix, a page at a time (maintenance only; never on a request path). */
export async function* scanPrefix(store: Store, prefix: string, extraFilter?: { expr: string; values: Record<string, unknown>; names?: Record<string, string> }): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const input: ScanCommandInput = {
      TableName: store.table,
      FilterExpression: `begins_with(PK, :p)${extraFilter ? ` AND ${extraFilter.expr}` : ''}`,
      ExpressionAttributeValues: { ':p': prefix, ...(extraFilter?.values ?? {}) },
      ...(extraFilter?.names ? { ExpressionAttributeNames: extraFilter.names } : {}),
      ExclusiveStartKey,
    };
    const out = await store.doc.send(new ScanCommand(input));
    yield out.Items ?? [];
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}
