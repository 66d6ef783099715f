/**
 * People adapter (OpenID Connect sign-in). Access patterns, all in the `PEOPLE` partition:
 * - a person of the people list by email: GetItem `PERSON#<id>` where id = a hash of the
 *   normalised email (so a lookup needs no index), read consistently on every request that needs
 *   it and never cached: removing someone or changing their role takes effect on their next request;
 * - when each person was last seen: `SEEN#<id>` (name, email, role and where it came from), written
 *   at most once per LAST_SEEN_EVERY_MS per person and process;
 * - the People page: one Query of the partition.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { normalizeEmail, type Person, type PersonRole, type RoleSource } from '../../../shared/people';
import type { Store } from './client';
import { K } from './keys';
import { queryAll, strip } from './ops';

/** A person's id: derived from the email, so it is stable and lookups by email need no index. */
export const personId = (email: string) => `per_${createHash('sha256').update(normalizeEmail(email), 'utf8').digest('hex').slice(0, 20)}`;

/** last-seen writes: at most one per person per this many ms (per process) */
export const LAST_SEEN_EVERY_MS = 5 * 60_000;

export interface ListedPerson {
  id: string;
  email: string;
  role: PersonRole;
  createdAt: string;
  updatedAt?: string;
}
export interface SeenPerson {
  id: string;
  email: string;
  name?: string;
  role: PersonRole;
  source: RoleSource;
  lastSeenAt: string;
}

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export class PeopleStore {
  /** id → when this process last wrote SEEN (ms) */
  private readonly seenWritten = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async getByEmail(email: string): Promise<ListedPerson | null> {
    return this.get(personId(email));
  }

  async get(id: string): Promise<ListedPerson | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.person(id), ConsistentRead: true }));
    return out.Item ? strip<ListedPerson>(out.Item) : null;
  }

  /** Invite: null when the email is already on the list. */
  async create(email: string, role: PersonRole): Promise<ListedPerson | null> {
    const p: ListedPerson = { id: personId(email), email: normalizeEmail(email), role, createdAt: new Date(this.now()).toISOString() };
    try {
      await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.person(p.id), ...p }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return p;
    } catch (e) {
      if (isConditionFailure(e)) return null;
      throw e;
    }
  }

  /** Change a role: the entry before and after (for the audit trail), or null when the person is not on the list. */
  async setRole(id: string, role: PersonRole): Promise<{ before: ListedPerson; after: ListedPerson } | null> {
    const updatedAt = new Date(this.now()).toISOString();
    try {
      const out = await this.store.doc.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: K.person(id),
          UpdateExpression: 'SET #role = :r, updatedAt = :t',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':r': role, ':t': updatedAt },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = strip<ListedPerson>(out.Attributes ?? {});
      return { before, after: { ...before, role, updatedAt } };
    } catch (e) {
      if (isConditionFailure(e)) return null;
      throw e;
    }
  }

  /** Remove from the list: the removed entry, or null. */
  async remove(id: string): Promise<ListedPerson | null> {
    const out = await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.person(id), ReturnValues: 'ALL_OLD' }));
    return out.Attributes ? strip<ListedPerson>(out.Attributes) : null;
  }

  /** Record that a person made a request (at most once per LAST_SEEN_EVERY_MS per person in this process). */
  async seen(p: Omit<SeenPerson, 'id' | 'lastSeenAt'>): Promise<void> {
    const id = personId(p.email);
    const now = this.now();
    const last = this.seenWritten.get(id);
    if (last !== undefined && now - last < LAST_SEEN_EVERY_MS) return;
    this.seenWritten.set(id, now);
    if (this.seenWritten.size > 10_000) this.seenWritten.delete(this.seenWritten.keys().next().value as string);
    const item: SeenPerson = { id, email: normalizeEmail(p.email), role: p.role, source: p.source, lastSeenAt: new Date(now).toISOString(), ...(p.name ? { name: p.name } : {}) };
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.personSeen(id), ...item } }));
  }

  /** The people list and the last-seen records, for the People page. */
  async all(): Promise<{ listed: ListedPerson[]; seen: SeenPerson[] }> {
    const items = await queryAll(this.store, K.peoplePartition(), { consistent: true });
    const listed: ListedPerson[] = [];
    const seen: SeenPerson[] = [];
    for (const i of items) {
      const sk = String(i.SK);
      if (sk.startsWith(K.personPrefix)) listed.push(strip<ListedPerson>(i));
      else if (sk.startsWith(K.personSeenPrefix)) seen.push(strip<SeenPerson>(i));
    }
    return { listed, seen };
  }
}

/**
 * The People page: everyone on the list, everyone seen with a role from the groups claim, and the
 * configured admin emails; each once, with the role and source in force now and when last seen.
 */
export function peopleView(all: { listed: ListedPerson[]; seen: SeenPerson[] }, adminEmails: string[]): Person[] {
  const seenById = new Map(all.seen.map((s) => [s.id, s]));
  const out = new Map<string, Person>();
  const lastSeen = (id: string) => seenById.get(id)?.lastSeenAt;
  for (const email of adminEmails) {
    const id = personId(email);
    const s = seenById.get(id);
    out.set(id, { id, email: normalizeEmail(email), role: 'admin', source: 'admin_email', ...(s?.name ? { name: s.name } : {}), ...(s ? { lastSeenAt: s.lastSeenAt } : {}) });
  }
  for (const s of all.seen) {
    // a role from the groups claim as last seen (the provider decides: it may have changed since)
    if (!out.has(s.id) && s.source === 'claim') out.set(s.id, { id: s.id, email: s.email, role: s.role, source: 'claim', ...(s.name ? { name: s.name } : {}), lastSeenAt: s.lastSeenAt });
  }
  for (const p of all.listed) {
    if (out.has(p.id) && out.get(p.id)!.source === 'admin_email') continue;
    const s = seenById.get(p.id);
    // listed people are shown as listed (removable here) even when they last came in with a groups claim
    out.set(p.id, { id: p.id, email: p.email, role: p.role, source: 'people', createdAt: p.createdAt, ...(p.updatedAt ? { updatedAt: p.updatedAt } : {}), ...(s?.name ? { name: s.name } : {}), ...(lastSeen(p.id) ? { lastSeenAt: lastSeen(p.id) } : {}) });
  }
  return [...out.values()].sort((a, b) => a.email.localeCompare(b.email));
}
