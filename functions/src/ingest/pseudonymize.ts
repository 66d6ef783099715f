/** Keyed hash of user ids: the raw id never reaches the store or the logs. */
import { createHmac } from 'node:crypto';

/** HMAC-SHA256(key, userId), base64url, first 128 bits. */
export function pseudonymize(key: Buffer, userId: string): string {
  return createHmac('sha256', key).update(userId, 'utf8').digest('base64url').slice(0, 22);
}

/** Shard of a pseudonymous user for the user-fact partitions. */
export function shardOf(userHash: string, shards: number): number {
  let h = 0;
  for (let i = 0; i < 4; i++) h = (h * 31 + userHash.charCodeAt(i)) >>> 0;
  return h % shards;
}
