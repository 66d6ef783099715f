/**
 * One-time sign-in codes (the link printed at start, or made by an admin): stored as a SHA-256
 * hash with their role and expiry, and deleted by the request that uses them (a conditional
 * delete, so two requests with the same code cannot both succeed). A code is worth nothing
 * once used, once expired, or once a newer code replaced it in its slot (each start).
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { SIGN_IN_CODE_MINUTES, type Role } from '../../../shared/keys';
import type { Store } from './client';
import { hashKey } from './key-store';
import { K } from './keys';

const CODE = /^sxc_[A-Za-z0-9_-]{43}$/;

export class SignInStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new code for `scope`; with `slot`, the slot's previous code stops working. */
  async issue(scope: Role, opts: { slot?: string; minutes?: number } = {}): Promise<{ code: string; expiresAt: string }> {
    const code = `sxc_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(this.now() + (opts.minutes ?? SIGN_IN_CODE_MINUTES) * 60_000).toISOString();
    const hash = hashKey(code);
    await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.signInCode(hash), scope, expiresAt } }));
    if (opts.slot) {
      const prev = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: K.signInSlot(opts.slot), ConsistentRead: true }));
      await this.store.doc.send(new PutCommand({ TableName: this.store.table, Item: { ...K.signInSlot(opts.slot), hash } }));
      if (prev.Item?.hash) await this.store.doc.send(new DeleteCommand({ TableName: this.store.table, Key: K.signInCode(prev.Item.hash as string) }));
    }
    return { code, expiresAt };
  }

  /** Use a code: its role, or null when it is unknown, used, replaced or expired. */
  async redeem(code: string): Promise<{ scope: Role } | null> {
    if (!CODE.test(code)) return null;
    try {
      const out = await this.store.doc.send(
        new DeleteCommand({ TableName: this.store.table, Key: K.signInCode(hashKey(code)), ConditionExpression: 'attribute_exists(PK)', ReturnValues: 'ALL_OLD' }),
      );
      const item = out.Attributes;
      if (!item || Date.parse(item.expiresAt as string) <= this.now()) return null;
      return { scope: item.scope as Role };
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return null;
      throw e;
    }
  }
}
