/**
 * Recording the audit trail. Every write route calls `recordAudit(c, …)` in its handler, after
 * its change succeeded (so an entry never describes a change that did not happen). The entry's
 * who comes from the authenticated principal, its request id from the request (the id the logs
 * carry and the `X-Request-Id` header answers). The app checks after each write that an entry
 * was recorded (functions/src/app.ts logs an error otherwise), and test/integration/audit.test.ts
 * performs every write route of test/helpers/routes.ts and fails on a route without an entry.
 *
 * If the entry's write fails after the change was made, the request answers 503 and the error
 * log names the action and request id: the change stands, and the log holds what the entry would.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { AuditActor, AuditChange, AuditEntry, AuditTarget } from '../../../shared/audit';
import type { KeyRecord } from '../../../shared/keys';
import type { Env } from '../context';
import { log } from '../log';
import { AuditStore } from '../store/audit-store';

export interface AuditInput {
  /** `<thing>.<verb>`, e.g. epic.update, roadmap.import, review.create */
  action: string;
  target: AuditTarget;
  changes?: AuditChange[];
  counts?: Record<string, number>;
  summary?: string;
  reason?: string;
  /** who, when there is no principal yet (sign-in): the session just started */
  actor?: AuditActor;
}

/** Who a principal is in the trail: a person (OIDC, by email), a dashboard session or a key. */
export function actorOf(p: KeyRecord & { email?: string }): AuditActor {
  return { kind: p.email ? 'person' : p.session ? 'session' : 'key', id: p.id, name: p.email ?? p.name };
}

/** The request id of this request (Lambda's awsRequestId, else one made for it). */
export function requestIdOf(c: Context<Env>): string {
  return c.get('requestId') ?? 'unknown';
}

/** Entries recorded in the same millisecond by this process keep their order (the id follows `at` in the sort key). */
let sequence = 0;
const nextId = () => `aud_${(sequence++).toString(36).padStart(8, '0')}${randomBytes(5).toString('hex')}`;

const stores = new WeakMap<object, AuditStore>();
function storeOf(c: Context<Env>): AuditStore {
  const s = c.get('services');
  let store = stores.get(s.store);
  if (!store) stores.set(s.store, (store = new AuditStore(s.store)));
  return store;
}

/** Append one entry for this request's change (see the module doc). */
export async function recordAudit(c: Context<Env>, input: AuditInput): Promise<AuditEntry> {
  const s = c.get('services');
  const principal = c.get('principal') as (KeyRecord & { email?: string }) | undefined;
  const actor = input.actor ?? (principal ? actorOf(principal) : { kind: 'key' as const, id: 'anonymous', name: 'anonymous' });
  const at = new Date(s.now()).toISOString();
  const entry: AuditEntry = {
    id: nextId(),
    at,
    actor,
    requestId: requestIdOf(c),
    action: input.action,
    target: input.target,
    changes: input.changes ?? [],
    ...(input.counts ? { counts: input.counts } : {}),
    ...(input.summary ? { summary: input.summary } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
  };
  const epics = new Set<string>();
  if (input.target.epicId) epics.add(input.target.epicId);
  for (const ch of entry.changes) if (ch.epicId) epics.add(ch.epicId);
  try {
    await storeOf(c).append(entry, [...epics]);
  } catch (e) {
    log.error('audit entry not recorded', { action: entry.action, requestId: entry.requestId, target: entry.target, error: (e as Error).name });
    throw e;
  }
  c.set('audited', true);
  return entry;
}
