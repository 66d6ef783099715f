/** Direct table access for assertions: what is really stored (never used by the product). */
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/src/store/client';

export type Item = Record<string, unknown> & { PK: string; SK: string };

/** Every item of the table (all pages). */
export async function scanTable(store: Store): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await store.doc.send(new ScanCommand({ TableName: store.table, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...((out.Items ?? []) as Item[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Items whose PK starts with a prefix. */
export async function itemsWithPrefix(store: Store, prefix: string): Promise<Item[]> {
  return (await scanTable(store)).filter((i) => i.PK.startsWith(prefix));
}

/** Items (serialised as JSON) that contain `needle` anywhere: keys, attributes, nested values. */
export async function itemsContaining(store: Store, needle: string): Promise<Item[]> {
  return (await scanTable(store)).filter((i) => JSON.stringify(i).includes(needle));
}

export async function deleteItem(store: Store, key: { PK: string; SK: string }): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.table, Key: key }));
}

export async function putItem(store: Store, item: Item): Promise<void> {
  await store.doc.send(new PutCommand({ TableName: store.table, Item: item }));
}
