/**
 * Credential adapter (write keys and API tokens). Only a SHA-256 hash of a key is stored;
 * the key itself is returned once at creation. Access patterns:
 * - authenticate: GetItem `CRED#<hash>` (deleted on revoke), cached per process for
 *   `SEXTANT_CREDENTIAL_CACHE_SECONDS` (see credential-cache.ts): a revocation through this
 *   process takes effect on the next request, through another process (another Lambda
 *   container) within that interval;
 * - list / revoke: the `KEYS` partition, by id.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './client';
import { CredentialCache, type CredentialCacheOptions } from './credential-cache';
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
  readonly cache: CredentialCache;
  /** lookups in flight, by hash: concurrent requests with one key share one read */
  private readonly inflight = new Map<string, Promise<KeyRecord | null>>();

  constructor(
    private readonly store: Store,
    cache: CredentialCacheOptions = { ttlMs: 0, now: Date.now },
  ) {
    this.cache = new CredentialCache(cache);
  }

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
    this.forget(hash);
    return { ...record, key };
  }

  /** The active credential for a presented key, or null (from the cache when it is fresh). */
  async authenticate(key: string): Promise<KeyRecord | null> {
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    const pending = this.inflight.get(hash);
    if (pending) return pending;
    const read = this.cache.begin();
    const lookup = this.readCredential(hash)
      .then((record) => {
        this.cache.set(hash, record, read);
        return record;
      })
      .finally(() => {
        if (this.inflight.get(hash) === lookup) this.inflight.delete(hash);
      });
    this.inflight.set(hash, lookup);
    return lookup;
  }

  private async readCredential(hash: string): Promise<KeyRecord | null> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.credentialByHash(hash), ConsistentRead: true }));
    return out.Item ? strip<KeyRecord>(out.Item) : null;
  }

  /** Drop a hash from this process's cache and from the lookups in flight. */
  private forget(hash: string) {
    this.cache.forget(hash);
    this.inflight.delete(hash);
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
    this.forget(rec.hash);
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
    if (existing) {
      await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.credentialByHash(existing.hash) }));
      this.forget(existing.hash);
    }
    await this.create({ name: 'bootstrap admin', scope: 'admin', key: token, id: 'bootstrap-admin' });
  }

  /** True when any admin credential is live. */
  async hasAdmin(): Promise<boolean> {
    return (await this.list()).some((k) => k.scope === 'admin' && !k.revokedAt);
  }
}
