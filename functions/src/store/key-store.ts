/**
 * Credential adapter (write keys and API tokens). Only a SHA-256 hash of a key is stored;
 * the key itself is returned once at creation. Access patterns:
 * - authenticate: GetItem `CRED#<hash>` (one read per request; deleted on revoke, so a
 *   revocation takes effect on the next request);
 * - list / revoke: the `KEYS` partition, by id.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './client';
import { K } from './keys';
import { queryAll, strip } from './ops';
import type { KeyRecord, KeyScope } from '../../../shared/keys';

const SCOPE_TAG: Record<KeyScope, string> = { ingest: 'ing', viewer: 'vwr', editor: 'edt', admin: 'adm' };

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function randomToken(len = 40): string {
  const bytes = randomBytes(len * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < len; i++) if (bytes[i] < 248) out += BASE62[bytes[i] % 62];
  return out;
}

/** A new key: `sx_<scope>_<40 base62 chars>` (~238 bits). The first 13 chars are its visible prefix. */
export function generateKey(scope: KeyScope): { key: string; prefix: string } {
  const key = `sx_${SCOPE_TAG[scope]}_${randomToken()}`;
  return { key, prefix: key.slice(0, 13) };
}

export class KeyStore {
  constructor(private readonly store: Store) {}

  async create(input: { name: string; scope: KeyScope; key?: string; id?: string; expiresAt?: string; session?: boolean }): Promise<KeyRecord & { key: string }> {
    const { key, prefix } = input.key ? { key: input.key, prefix: input.key.slice(0, Math.min(13, input.key.length - 4)) } : generateKey(input.scope);
    const hash = hashKey(key);
    const record: KeyRecord = {
      id: input.id ?? `key_${randomToken(12).toLowerCase()}`,
      name: input.name,
      scope: input.scope,
      prefix,
      createdAt: new Date().toISOString(),
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      ...(input.session ? { session: true } : {}),
    };
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.keyRecord(record.id), ...record, hash } }));
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.credentialByHash(hash), ...record } }));
    return { ...record, key };
  }

  /** The active credential for a presented key, or null. */
  async authenticate(key: string): Promise<KeyRecord | null> {
    const out = await this.store.doc.send(
      new GetCommand({ TableName: this.store.table, Key: K.credentialByHash(hashKey(key)), ConsistentRead: true }),
    );
    return out.Item ? strip<KeyRecord>(out.Item) : null;
  }

  async list(): Promise<KeyRecord[]> {
    const items = await queryAll(this.store, K.keysPartition());
    return items
      .map((i) => {
        const { hash: _h, ...rest } = strip<KeyRecord & { hash: string }>(i);
        return rest;
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async get(id: string): Promise<(KeyRecord & { hash: string }) | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.keyRecord(id), ConsistentRead: true }));
    return out.Item ? strip<KeyRecord & { hash: string }>(out.Item) : null;
  }

  /** Revoke: drop the credential (effective on the next request) and mark the record. */
  async revoke(id: string): Promise<KeyRecord | null> {
    const rec = await this.get(id);
    if (!rec) return null;
    await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.credentialByHash(rec.hash) }));
    const revokedAt = rec.revokedAt ?? new Date().toISOString();
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: K.keyRecord(id),
        UpdateExpression: 'SET revokedAt = :t',
        ExpressionAttributeValues: { ':t': revokedAt },
      }),
    );
    const { hash: _h, ...rest } = rec;
    return { ...rest, revokedAt };
  }

  /** Make sure the bootstrap admin token (from SEXTANT_ADMIN_TOKEN) is a live admin credential. */
  async ensureBootstrapAdmin(token: string): Promise<void> {
    const existing = await this.get('bootstrap-admin');
    // a revoked token stays revoked across restarts; a different token value is a new bootstrap admin
    if (existing && existing.hash === hashKey(token)) return;
    if (existing) await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.credentialByHash(existing.hash) }));
    await this.create({ name: 'bootstrap admin', scope: 'admin', key: token, id: 'bootstrap-admin' });
  }

  /** True when any admin credential is live. */
  async hasAdmin(): Promise<boolean> {
    return (await this.list()).some((k) => k.scope === 'admin' && !k.revokedAt);
  }
}
