/**
 * Large rollup items stored compressed (every packing of them is here): a per-epic rollup or total is JSON of repeated keys and
 * digits, about 3–4× smaller deflated (13.5 KB → 4.1 KB for a rollup at 10,000 users, 22.8 KB →
 * 6.1 KB for a total), and DynamoDB bills reads per 4 KB and writes per 1 KB of item. The merge
 * rewrites them every minute on AWS, so their bytes are most of the rollup's bill
 * (docs/deploy.md "Rollups and the change log"). Items written before (plain attributes) are
 * read as they are.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** JSON text → the bytes stored in a binary attribute. */
export const pack = (json: string): Uint8Array => deflateRawSync(Buffer.from(json, 'utf8'));

/** The stored bytes → the JSON text. */
export const unpack = (bytes: Uint8Array): string => inflateRawSync(bytes).toString('utf8');

/** Attributes kept plain on an epic rollup item: its key fields and what conditions and queries read. */
const PLAIN = new Set(['PK', 'SK', 'epicId', 'windowDays', 'computedAt', 'mergeSeq']);

/** An epic rollup item with everything but its plain attributes packed into `z`. */
export function packRollupItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) (PLAIN.has(k) ? out : rest)[k] = v;
  out.z = pack(JSON.stringify(rest));
  return out;
}

/** An epic rollup item as it was before packing (a plain item is returned as it is). */
export function unpackRollupItem<T>(item: Record<string, unknown>): T {
  if (!(item.z instanceof Uint8Array)) return item as T;
  const { z, ...plain } = item;
  return { ...plain, ...(JSON.parse(unpack(z as Uint8Array)) as Record<string, unknown>) } as T;
}

/** A per-epic total as stored: its sums `j` (JSON text) deflated into `z`. */
export function packTotalItem(item: Record<string, unknown>): Record<string, unknown> {
  const { j, ...rest } = item;
  return typeof j === 'string' ? { ...rest, z: pack(j) } : item;
}

/** A total as the merge reads it (`j` as JSON text, `bytes` its stored size), whether stored packed or plain. */
export function unpackTotalItem(item: Record<string, unknown>): Record<string, unknown> {
  const { z, ...rest } = item;
  return z instanceof Uint8Array ? { ...rest, j: unpack(z), bytes: z.byteLength } : { ...item, bytes: String(item.j).length };
}
