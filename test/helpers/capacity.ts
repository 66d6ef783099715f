/**
 * Capacity model: a meter on a store's document client that records the capacity units
 * DynamoDB would consume, per partition key and per (simulated) second.
 *
 * dynalite and DynamoDB Local report ConsumedCapacity per table, never per partition, so the
 * units are computed here from item sizes as DynamoDB documents them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * - item size = Σ UTF-8 length of attribute names + value sizes (string: UTF-8 bytes; number:
 *   about one byte per two significant digits + 1; binary: bytes; null/bool: 1; list/map: 3 +
 *   1 per element + contents; sets: Σ elements);
 * - writes: ceil(size / 1 KB) per item written: PutItem and batch puts (the new item),
 *   UpdateItem (the item after the update), DeleteItem and batch deletes (the deleted item;
 *   1 when absent);
 * - reads: GetItem and BatchGetItem ceil(size / 4 KB) per item (1 when absent), Query and Scan
 *   ceil(Σ sizes of the items evaluated / 4 KB) per page and partition; × 0.5 when eventually
 *   consistent. A projection or a filter does not reduce the cost: the full items are measured
 *   (re-read without them, off the meter).
 *
 * The meter wraps `store.doc.send` (every adapter goes through it); the bucket of an operation
 * is the clock's second when it is sent, so a test driving `services.now` gets exact buckets.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/src/store/client';

type Item = Record<string, unknown>;
type AttributeValue = Record<string, unknown>;

/** DynamoDB's per-partition ceilings, and the half of them the scale-out issue allows. */
export const PARTITION_LIMITS = { wcu: 1_000, rcu: 3_000 } as const;
export const HALF_LIMITS = { wcu: 500, rcu: 1_500 } as const;

export interface Units {
  rcu: number;
  wcu: number;
  /** items read / written (absent items included) */
  itemsRead: number;
  itemsWritten: number;
}

export interface PartitionSecond extends Units {
  second: number;
  pk: string;
}

export interface CapacityMeter {
  /** every (second, partition) with its units, in no particular order */
  perPartitionPerSecond(): PartitionSecond[];
  /** the busiest second of each partition, by write and by read units */
  peaks(): { pk: string; wcu: number; wcuSecond: number; rcu: number; rcuSecond: number }[];
  /** (second, partition) cells above the limits (default: half DynamoDB's per-partition ceilings) */
  overLimit(limits?: { wcu: number; rcu: number }): PartitionSecond[];
  /** units of the whole run, and per partition family (`EVT#*`, `UF#*`, `INGEST#*`, `META` …) */
  totals(): Units & { requests: number; byFamily: Record<string, Units> };
  /** a readable summary: totals, families, the hottest partitions */
  report(top?: number): string;
  /** forget what was recorded (e.g. after seeding) */
  reset(): void;
  /** take the meter off the store */
  stop(): void;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Size of a number as DynamoDB stores it: 1 byte + 1 per two significant digits (+1 if negative). */
function numberSize(n: string): number {
  const s = n.trim().toLowerCase();
  const digits = s.split('e')[0].replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (!digits) return 1;
  return 1 + Math.ceil(digits.length / 2) + (s.startsWith('-') ? 1 : 0);
}

function valueSize(v: AttributeValue): number {
  const [type, val] = Object.entries(v)[0] as [string, unknown];
  switch (type) {
    case 'S':
      return utf8(val as string);
    case 'N':
      return numberSize(val as string);
    case 'B':
      return (val as Uint8Array).byteLength;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (val as string[]).reduce((a, s) => a + utf8(s), 0);
    case 'NS':
      return (val as string[]).reduce((a, s) => a + numberSize(s), 0);
    case 'BS':
      return (val as Uint8Array[]).reduce((a, b) => a + b.byteLength, 0);
    case 'L':
      return 3 + (val as AttributeValue[]).reduce((a, x) => a + 1 + valueSize(x), 0);
    case 'M':
      return 3 + Object.entries(val as Record<string, AttributeValue>).reduce((a, [k, x]) => a + 1 + utf8(k) + valueSize(x), 0);
    default:
      return 0;
  }
}

/** The size DynamoDB bills for a (document-form) item, in bytes. */
export function itemSize(item: Item): number {
  const m = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }) as unknown as Record<string, AttributeValue>;
  return Object.entries(m).reduce((a, [k, v]) => a + utf8(k) + valueSize(v), 0);
}

export const writeUnits = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 1);
export const readUnits = (item: Item | undefined, consistent: boolean) => (item ? Math.max(1, Math.ceil(itemSize(item) / 4096)) : 1) * (consistent ? 1 : 0.5);

/** `EVT#abc` → `EVT#*`, `UF#2026-10#3` → `UF#*`, `META` → `META`: partitions grouped for reports. */
export function familyOf(pk: string): string {
  const i = pk.indexOf('#');
  return i < 0 ? pk : `${pk.slice(0, i)}#*`;
}

const keyOf = (i: Item) => `${i.PK as string}|${i.SK as string}`;

/** The partition key value of a Query's key condition (`#pk = :pk` or `PK = :v`). */
function queryPartition(input: { KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item }): string {
  const names = input.ExpressionAttributeNames ?? {};
  for (const m of (input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attr = m[1].startsWith('#') ? names[m[1]] : m[1];
    if (attr === 'PK') return String(input.ExpressionAttributeValues?.[m[2]]);
  }
  return '?';
}

/**
 * Put a meter on `store` (every adapter built on it is measured from now on).
 * `clock` gives the current (simulated) time in ms; default the wall clock.
 */
export function withCapacityMeter(store: Store, opts: { clock?: () => number } = {}): CapacityMeter {
  const clock = opts.clock ?? Date.now;
  const doc = store.doc as DynamoDBDocumentClient & { send: (c: unknown) => Promise<any> };
  const original = doc.send.bind(doc) as (c: unknown) => Promise<any>;
  const cells = new Map<string, PartitionSecond>();
  let requests = 0;

  const cell = (second: number, pk: string) => {
    const k = `${second}|${pk}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { second, pk, rcu: 0, wcu: 0, itemsRead: 0, itemsWritten: 0 }));
    return c;
  };
  const wrote = (second: number, pk: string, units: number) => {
    const c = cell(second, pk);
    c.wcu += units;
    c.itemsWritten++;
  };
  const read = (second: number, pk: string, units: number, items = 1) => {
    const c = cell(second, pk);
    c.rcu += units;
    c.itemsRead += items;
  };

  /** full items by key, read off the meter (for projected reads and batch deletes) */
  async function fullItems(table: string, keys: Item[]): Promise<Map<string, Item>> {
    const out = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Item[] = keys.slice(i, i + 100).map((k) => ({ PK: k.PK, SK: k.SK }));
      while (pending.length) {
        const res = await original(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        for (const it of res.Responses?.[table] ?? []) out.set(keyOf(it), it);
        pending = res.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }
    return out;
  }

  const KINDS = [
    ['PutCommand', PutCommand],
    ['UpdateCommand', UpdateCommand],
    ['DeleteCommand', DeleteCommand],
    ['BatchWriteCommand', BatchWriteCommand],
    ['GetCommand', GetCommand],
    ['BatchGetCommand', BatchGetCommand],
    ['QueryCommand', QueryCommand],
    ['ScanCommand', ScanCommand],
  ] as const;

  async function send(command: { input: any }): Promise<any> {
    const name = KINDS.find(([, k]) => command instanceof k)?.[0] ?? 'other';
    const input = command.input;
    const second = Math.floor(clock() / 1000);
    requests++;
    switch (name) {
      case 'PutCommand': {
        const out = await original(command);
        wrote(second, input.Item.PK, writeUnits(input.Item));
        return out;
      }
      case 'UpdateCommand': {
        // billed by the item's size after the update: ask for it, hand the caller what it asked for
        const wanted = input.ReturnValues;
        if (!wanted || wanted === 'NONE') {
          input.ReturnValues = 'ALL_NEW';
          try {
            const out = await original(command);
            wrote(second, input.Key.PK, writeUnits(out.Attributes));
            delete out.Attributes;
            return out;
          } finally {
            input.ReturnValues = wanted;
          }
        }
        const out = await original(command);
        const after = wanted === 'ALL_NEW' ? out.Attributes : (await fullItems(input.TableName, [input.Key])).get(keyOf(input.Key));
        wrote(second, input.Key.PK, writeUnits(after));
        return out;
      }
      case 'DeleteCommand': {
        const before = (await fullItems(input.TableName, [input.Key])).get(keyOf(input.Key));
        const out = await original(command);
        wrote(second, input.Key.PK, writeUnits(before));
        return out;
      }
      case 'BatchWriteCommand': {
        const [table, reqs] = Object.entries(input.RequestItems as Record<string, any[]>)[0];
        const deletes = reqs.filter((r) => r.DeleteRequest).map((r) => r.DeleteRequest.Key as Item);
        const before = deletes.length ? await fullItems(table, deletes) : new Map<string, Item>();
        const out = await original(command);
        const unprocessed = new Set(((out.UnprocessedItems?.[table] ?? []) as any[]).map((r) => keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key)));
        for (const r of reqs) {
          if (r.PutRequest) {
            if (!unprocessed.has(keyOf(r.PutRequest.Item))) wrote(second, r.PutRequest.Item.PK, writeUnits(r.PutRequest.Item));
          } else if (!unprocessed.has(keyOf(r.DeleteRequest.Key))) wrote(second, r.DeleteRequest.Key.PK, writeUnits(before.get(keyOf(r.DeleteRequest.Key))));
        }
        return out;
      }
      case 'GetCommand': {
        const out = await original(command);
        const consistent = input.ConsistentRead === true;
        const item = out.Item && input.ProjectionExpression ? (await fullItems(input.TableName, [input.Key])).get(keyOf(input.Key)) : out.Item;
        read(second, input.Key.PK, readUnits(item, consistent));
        return out;
      }
      case 'BatchGetCommand': {
        const [table, req] = Object.entries(input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean; ProjectionExpression?: string }>)[0];
        const out = await original(command);
        const consistent = req.ConsistentRead === true;
        const unprocessed = new Set(((out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[]).map(keyOf));
        const processed = req.Keys.filter((k) => !unprocessed.has(keyOf(k)));
        const found = req.ProjectionExpression
          ? await fullItems(table, processed)
          : new Map(((out.Responses?.[table] ?? []) as Item[]).map((i) => [keyOf(i), i] as const));
        for (const k of processed) read(second, k.PK as string, readUnits(found.get(keyOf(k)), consistent));
        return out;
      }
      case 'QueryCommand':
      case 'ScanCommand': {
        const out = await original(command);
        const consistent = input.ConsistentRead === true;
        // the items evaluated, in full: re-run without projection and filter when either is set
        let evaluated: Item[] = out.Items ?? [];
        if (input.ProjectionExpression || input.FilterExpression || input.Select) {
          const { ProjectionExpression: _p, FilterExpression: _f, Select: _s, ...bare } = input;
          const names = { ...(bare.ExpressionAttributeNames ?? {}) };
          const values = { ...(bare.ExpressionAttributeValues ?? {}) };
          // drop placeholders only the projection or filter used (DynamoDB rejects unused ones)
          const used = `${bare.KeyConditionExpression ?? ''}`;
          for (const n of Object.keys(names)) if (!used.includes(n)) delete names[n];
          for (const v of Object.keys(values)) if (!used.includes(v)) delete values[v];
          const rerun = { ...bare, ExpressionAttributeNames: Object.keys(names).length ? names : undefined, ExpressionAttributeValues: Object.keys(values).length ? values : undefined };
          const res = await original(name === 'QueryCommand' ? new QueryCommand(rerun) : new ScanCommand(rerun));
          evaluated = res.Items ?? [];
        }
        const bytes = new Map<string, { size: number; n: number }>();
        if (name === 'QueryCommand') bytes.set(queryPartition(input), { size: 0, n: 0 });
        for (const it of evaluated) {
          const b = bytes.get(it.PK as string) ?? { size: 0, n: 0 };
          b.size += itemSize(it);
          b.n++;
          bytes.set(it.PK as string, b);
        }
        for (const [pk, b] of bytes) read(second, pk, Math.max(1, Math.ceil(b.size / 4096)) * (consistent ? 1 : 0.5), b.n);
        return out;
      }
      default:
        // anything else (DescribeTable …) is not on a data path
        return original(command);
    }
  }

  doc.send = send as typeof doc.send;

  const meter: CapacityMeter = {
    perPartitionPerSecond: () => [...cells.values()].map((c) => ({ ...c })),
    peaks() {
      const byPk = new Map<string, { pk: string; wcu: number; wcuSecond: number; rcu: number; rcuSecond: number }>();
      for (const c of cells.values()) {
        const p = byPk.get(c.pk) ?? { pk: c.pk, wcu: 0, wcuSecond: c.second, rcu: 0, rcuSecond: c.second };
        if (c.wcu > p.wcu) Object.assign(p, { wcu: c.wcu, wcuSecond: c.second });
        if (c.rcu > p.rcu) Object.assign(p, { rcu: c.rcu, rcuSecond: c.second });
        byPk.set(c.pk, p);
      }
      return [...byPk.values()].sort((a, b) => Math.max(b.wcu / HALF_LIMITS.wcu, b.rcu / HALF_LIMITS.rcu) - Math.max(a.wcu / HALF_LIMITS.wcu, a.rcu / HALF_LIMITS.rcu));
    },
    overLimit(limits = HALF_LIMITS) {
      return [...cells.values()].filter((c) => c.wcu > limits.wcu || c.rcu > limits.rcu).map((c) => ({ ...c }));
    },
    totals() {
      const zero = (): Units => ({ rcu: 0, wcu: 0, itemsRead: 0, itemsWritten: 0 });
      const all = zero();
      const byFamily: Record<string, Units> = {};
      for (const c of cells.values()) {
        const f = (byFamily[familyOf(c.pk)] ??= zero());
        for (const u of [all, f]) {
          u.rcu += c.rcu;
          u.wcu += c.wcu;
          u.itemsRead += c.itemsRead;
          u.itemsWritten += c.itemsWritten;
        }
      }
      return { ...all, requests, byFamily };
    },
    report(top = 10) {
      const t = meter.totals();
      const seconds = new Set([...cells.values()].map((c) => c.second)).size;
      const lines = [
        `${requests} store requests over ${seconds} s: ${t.wcu.toFixed(0)} write units (${t.itemsWritten} items), ${t.rcu.toFixed(1)} read units (${t.itemsRead} items)`,
        'by partition family (units over the run):',
        ...Object.entries(t.byFamily)
          .sort((a, b) => b[1].wcu + b[1].rcu - (a[1].wcu + a[1].rcu))
          .map(([f, u]) => `  ${f.padEnd(12)} ${u.wcu.toFixed(0).padStart(9)} WCU ${u.rcu.toFixed(1).padStart(10)} RCU`),
        `hottest partitions (peak units in one second; limits ${HALF_LIMITS.wcu} WCU/s, ${HALF_LIMITS.rcu} RCU/s):`,
        ...meter
          .peaks()
          .slice(0, top)
          .map((p) => `  ${p.pk.padEnd(28)} ${p.wcu.toFixed(0).padStart(6)} WCU/s (s${p.wcuSecond}) ${p.rcu.toFixed(1).padStart(8)} RCU/s (s${p.rcuSecond})`),
      ];
      return lines.join('\n');
    },
    reset() {
      cells.clear();
      requests = 0;
    },
    stop() {
      doc.send = original as typeof doc.send;
    },
  };
  return meter;
}
