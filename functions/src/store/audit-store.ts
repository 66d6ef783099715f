/**
 * Audit trail adapter (docs/key-layout.md "Audit trail"). Append-only: every item is written
 * with a conditional put (`attribute_not_exists(PK)`), so an entry is never overwritten; this
 * adapter has no update and no delete, and on AWS the functions' IAM policy grants neither on
 * `AUDIT#*` (infra/access.ts). No `expiresAt`: TTL never removes an entry.
 *
 * Access patterns, each one Query newest first (descending SK = `<at>#<id>`):
 * - by time: the month partitions `AUDIT#T#<yyyy-mm>`, walked from the newest month down;
 * - by epic: `AUDIT#E#<epicId>` (a copy holding only that epic's changes);
 * - by actor: `AUDIT#A#<email or key name, lowercased>`;
 * - epic and actor: the epic's partition filtered on the actor (`ar`).
 * A date range narrows the SK to `<from>` … `<to>~`. The cursor names the partition and the last
 * SK returned.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { AuditChange, AuditEntry, AuditPage, AuditQuery } from '../../../shared/audit';
import { badRequest } from '../errors';
import type { Store } from './client';
import { K } from './keys';

/** An entry's item stays under this many bytes (changes beyond it are counted in `truncated`). */
export const AUDIT_ITEM_BYTES = 100_000;

/** The actor's index key: the person's email or the key's name, lowercased. */
export const actorRef = (name: string) => name.trim().toLowerCase();

interface Cursor {
  p: string;
  sk: string;
}
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof v?.p === 'string' && typeof v?.sk === 'string' && v.p.startsWith('AUDIT#')) return v;
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not one this API returned');
}

const monthBefore = (m: string) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
};

/** Keep an entry within the item size: drop changes from the end, counting them. */
export function bounded(entry: AuditEntry): AuditEntry {
  if (Buffer.byteLength(JSON.stringify(entry)) <= AUDIT_ITEM_BYTES) return entry;
  const changes = [...entry.changes];
  let dropped = 0;
  while (changes.length && Buffer.byteLength(JSON.stringify({ ...entry, changes })) > AUDIT_ITEM_BYTES) {
    changes.splice(Math.max(0, changes.length - Math.ceil(changes.length / 4)));
    dropped = entry.changes.length - changes.length;
  }
  return { ...entry, changes, truncated: (entry.truncated ?? 0) + dropped };
}

export class AuditStore {
  /** the earliest month this process knows to be recorded as `AUDIT#SINCE` */
  private sinceKnown: string | undefined;

  constructor(private readonly store: Store) {}

  /**
   * Append one entry: under its month, under each epic it touched (with that epic's changes
   * only) and under its actor. Every put is conditional: nothing existing is overwritten.
   */
  async append(entry: AuditEntry, epics: string[]): Promise<void> {
    const ar = actorRef(entry.actor.name);
    const full = bounded(entry);
    const month = entry.at.slice(0, 7);
    const byEpic = (epicId: string): AuditEntry => {
      const own = entry.target.epicId === epicId ? entry.changes : entry.changes.filter((ch: AuditChange) => ch.epicId === epicId);
      return bounded({ ...entry, changes: own });
    };
    const items = [
      { ...K.auditItem(K.auditMonthPartition(month), entry.at, entry.id), ...full, ar },
      { ...K.auditItem(K.auditActorPartition(ar), entry.at, entry.id), ...full, ar },
      ...epics.map((e) => ({ ...K.auditItem(K.auditEpicPartition(e), entry.at, entry.id), ...byEpic(e), ar })),
    ];
    await Promise.all(items.map((Item) => this.store.doc.send(new PutCommand({ TableName: this.store.table, Item, ConditionExpression: 'attribute_not_exists(PK)' }))));
    await this.noteMonth(month);
  }

  /** Record the earliest month (a min, so a clock moved back in a test still finds its entries). */
  private async noteMonth(month: string) {
    if (this.sinceKnown !== undefined && this.sinceKnown <= month) return;
    try {
      await this.store.doc.send(
        new UpdateCommand({ TableName: this.store.table, Key: K.auditSince(), UpdateExpression: 'SET #m = :m', ConditionExpression: 'attribute_not_exists(#m) OR #m > :m', ExpressionAttributeNames: { '#m': 'month' }, ExpressionAttributeValues: { ':m': month } }),
      );
      this.sinceKnown = month;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      this.sinceKnown = month; // an earlier month is recorded already
    }
  }

  private async since(): Promise<string | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.auditSince() }));
    return out.Item?.month as string | undefined;
  }

  /** One page of entries, newest first (see the module doc for the partitions read). */
  async page(q: AuditQuery, today: string): Promise<AuditPage> {
    const cursor = q.cursor ? decode(q.cursor) : undefined;
    // sort keys start with the ISO time; DynamoDB refuses an empty string in a key condition
    const lo = q.from ?? '0';
    const hi = q.to ? `${q.to}~` : '~';
    const ar = q.actor ? actorRef(q.actor) : undefined;
    const entries: AuditEntry[] = [];
    let next: Cursor | undefined;

    // walking months, a full page always leaves a cursor: older months may hold more
    const walking = !q.epicId && !ar;
    const readPartition = async (pk: string, start?: string, filterActor?: string): Promise<boolean> => {
      // true when the page filled up (next is set)
      let ExclusiveStartKey: Record<string, unknown> | undefined = start ? { PK: pk, SK: start } : undefined;
      do {
        const input: QueryCommandInput = {
          TableName: this.store.table,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK', ...(filterActor ? { '#ar': 'ar' } : {}) },
          ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi, ...(filterActor ? { ':ar': filterActor } : {}) },
          ...(filterActor ? { FilterExpression: '#ar = :ar' } : {}),
          ScanIndexForward: false,
          Limit: q.limit - entries.length,
          ExclusiveStartKey,
        };
        const out = await this.store.doc.send(new QueryCommand(input));
        for (const item of out.Items ?? []) {
          const { PK: _pk, SK: _sk, ar: _ar, ...entry } = item;
          entries.push(entry as AuditEntry);
        }
        ExclusiveStartKey = out.LastEvaluatedKey;
        if (entries.length >= q.limit) {
          const last = entries[entries.length - 1];
          next = ExclusiveStartKey || walking ? { p: pk, sk: K.auditSk(last.at, last.id) } : undefined;
          return true;
        }
      } while (ExclusiveStartKey);
      return false;
    };

    if (q.epicId || ar) {
      const pk = q.epicId ? K.auditEpicPartition(q.epicId) : K.auditActorPartition(ar!);
      if (cursor && cursor.p !== pk) throw badRequest('cursor belongs to another filter');
      await readPartition(pk, cursor?.sk, q.epicId ? ar : undefined);
    } else {
      const since = await this.since();
      if (since) {
        const floor = q.from && q.from.slice(0, 7) > since ? q.from.slice(0, 7) : since;
        let month = cursor ? cursor.p.slice('AUDIT#T#'.length) : (q.to ?? today).slice(0, 7);
        let start = cursor?.sk;
        while (month >= floor) {
          if (await readPartition(K.auditMonthPartition(month), start)) break;
          month = monthBefore(month);
          start = undefined;
        }
      }
    }
    return { entries, ...(next ? { next: encode(next) } : {}) };
  }
}
