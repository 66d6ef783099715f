/**
 * The audit trail (DESIGN.md "People and audit"): one append-only entry per change, with who,
 * when, what (before → after, field by field) and the request id. Pure: schemas and the diffs.
 */
import { z } from 'zod';
import { isoDate } from './primitives';
import type { Roadmap } from './roadmap';
export { describeCounts } from './audit-words';

export const AUDIT_ACTOR_KINDS = ['key', 'session', 'person'] as const;

export const AuditActor = z
  .object({
    kind: z.enum(AUDIT_ACTOR_KINDS).describe('person: signed in through the identity provider; session: a dashboard session; key: a role token or write key'),
    id: z.string().describe('the credential id (key, session or person)'),
    name: z.string().describe("the person's email, else the key's name"),
  })
  .meta({ id: 'AuditActor' });
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditChange = z
  .object({
    field: z.string(),
    from: z.unknown().describe('the value before (null: absent)'),
    to: z.unknown().describe('the value after (null: absent)'),
    /** bulk entries (roadmap import, plan acceptance): the epic this change is about */
    epicId: z.string().optional(),
  })
  .meta({ id: 'AuditChange' });
export type AuditChange = z.infer<typeof AuditChange>;

export const AuditTarget = z
  .object({ type: z.string(), id: z.string(), epicId: z.string().optional() })
  .meta({ id: 'AuditTarget' });
export type AuditTarget = z.infer<typeof AuditTarget>;

export const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string().describe('ISO time the change was recorded (after it succeeded)'),
    actor: AuditActor,
    requestId: z.string().describe('the request id, as in the logs and the X-Request-Id response header'),
    action: z.string().describe('e.g. epic.update, roadmap.import, review.create'),
    target: AuditTarget,
    changes: z.array(AuditChange),
    /** bulk changes: counts per kind, e.g. { "epics.updated": 3 } */
    counts: z.record(z.string(), z.number()).optional(),
    summary: z.string().optional(),
    reason: z.string().optional(),
    /** changes left out to keep the entry within its size limit */
    truncated: z.number().int().optional(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z
  .object({
    epicId: z.string().min(1).max(120).optional().meta({ description: "only entries about this epic (its own changes, its stories, reviews, imports that changed it)" }),
    actor: z.string().min(1).max(320).optional().meta({ description: "only entries by this person's email or this key name (case-insensitive)" }),
    from: isoDate.optional().meta({ description: 'first day (UTC, inclusive)' }),
    to: isoDate.optional().meta({ description: 'last day (UTC, inclusive)' }),
    cursor: z.string().max(2000).optional().meta({ description: '`next` of the previous page' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = z
  .object({ entries: z.array(AuditEntry), next: z.string().optional().describe('cursor of the next (older) page') })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

/** A value as stored in an entry: JSON, absent = null. */
const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
/** JSON with object keys sorted: a stored map may come back with its keys in another order (DynamoDB does) */
const canonical = (v: unknown): string =>
  JSON.stringify(plain(v), (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Fields an entity's entry compares, in the order a person reads them (epics first by what matters). */
const EPIC_FIELDS = ['title', 'status', 'shippedAt', 'targets', 'milestoneId', 'themeId', 'estimate', 'signals', 'description', 'followUpOf'];

/**
 * Field-by-field changes from `before` to `after` (either may be absent: created / deleted).
 * Epic fields come in a fixed order (targets, status, ship date, estimate, milestone, title…);
 * server-kept fields (planned targets, amendments) are recorded as the amendment, not as fields.
 */
export function fieldChanges(before: object | undefined | null, after: object | undefined | null, epicId?: string): AuditChange[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...EPIC_FIELDS.filter((k) => k in a || k in b), ...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'plannedTargets' && k !== 'targetAmendments');
  const out: AuditChange[] = [];
  for (const field of keys) {
    if (same(a[field], b[field])) continue;
    out.push({ field, from: plain(a[field]), to: plain(b[field]), ...(epicId ? { epicId } : {}) });
  }
  return out;
}

/**
 * What a whole-document import changed: per epic field by field (and added / removed epics),
 * counts for the rest (themes, milestones, stories added, changed and removed).
 */
export function roadmapChanges(before: Roadmap | undefined, after: Roadmap): { changes: AuditChange[]; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const changes: AuditChange[] = [];
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  if (before && !same(before.mission, after.mission)) changes.push({ field: 'mission', from: plain(before.mission.statement), to: plain(after.mission.statement) });
  for (const kind of ['themes', 'milestones', 'epics', 'stories'] as const) {
    const old = new Map((before?.[kind] ?? []).map((x) => [x.id, x as object]));
    const now = new Map(after[kind].map((x) => [x.id, x as object]));
    for (const [id, x] of now) {
      const prev = old.get(id);
      if (!prev) {
        bump(`${kind}.added`);
        if (kind === 'epics') changes.push({ field: 'epic', from: null, to: plain(x), epicId: id });
      } else if (!same(prev, x)) {
        bump(`${kind}.changed`);
        if (kind === 'epics') changes.push(...fieldChanges(prev, x, id));
      }
    }
    for (const [id, x] of old) {
      if (now.has(id)) continue;
      bump(`${kind}.removed`);
      if (kind === 'epics') changes.push({ field: 'epic', from: plain(x), to: null, epicId: id });
    }
  }
  return { changes, counts };
}

