/**
 * Customer asks: what Support, Sales, Marketing and customers request, linked to epics.
 * Schemas, triage rules, CSV mapping, demand per epic and the after-ship comparison
 * (did the askers adopt?). Pure: no AWS, Hono or React imports. Binding names: DESIGN.md
 * "Customer asks".
 */
import { z } from 'zod';
import { isoDate, isStorableNumber, isWellFormed, slugId } from './primitives';
import { wilson, type Interval } from './stats';
import { ASK_FIELD_PATHS, type AskFieldPath } from './constants';
import { asksOfEpic, byNewest, demandByEpic, demandOf, describeDemand, DEFAULT_DEMAND_WEIGHT, demandScores, formatMoney } from './demand';

export { asksOfEpic, byNewest, demandByEpic, demandOf, describeDemand, DEFAULT_DEMAND_WEIGHT, demandScores, formatMoney };

export const ASK_STATUSES = ['new', 'linked', 'declined'] as const;
export const AskStatus = z.enum(ASK_STATUSES);
export type AskStatus = z.infer<typeof AskStatus>;

/** Sources accepted unless `SEXTANT_ASK_SOURCES` configures others. */
export const DEFAULT_ASK_SOURCES = ['support', 'sales', 'marketing', 'customer', 'research'] as const;

export const ASK_LIMITS = {
  /** asks per `POST /v1/asks` request */
  batch: 1000,
  batchBytes: 500 * 1024,
  /** one ask, serialised */
  askBytes: 32 * 1024,
  /** rows per CSV import */
  importRows: 5000,
  /** epics one ask links to */
  epicsPerAsk: 20,
} as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isWellFormed, 'text must be valid Unicode (no lone surrogates)');

export const AskSource = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'source is 1–32 lowercase letters, digits, _ or -, starting with a letter');

export const AskAccount = z
  .object({
    id: text(128).min(1),
    name: text(200).min(1).optional(),
    plan: text(64).min(1).optional(),
    /** annual recurring revenue of the account, in the company's currency */
    arr: z.number().min(0).max(1e12).refine(isStorableNumber, 'arr must be a storable number').optional(),
  })
  .strict()
  .meta({ id: 'AskAccount' });
export type AskAccount = z.infer<typeof AskAccount>;

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'url must be http(s)');

/** One ask as sent (`POST /api/v1/asks`, an element of `POST /v1/asks`, a CSV row after mapping). */
export const AskInput = z
  .object({
    /** idempotency key: the same external id is the same ask (last write wins) */
    externalId: text(200).min(1).optional(),
    source: AskSource,
    title: text(200).min(1),
    text: text(10_000).optional(),
    account: AskAccount.optional(),
    /** the product's own user id, as in events; stored only pseudonymised */
    requesterId: text(200).min(1).optional(),
    askedAt: isoDate,
    url: httpUrl.optional(),
    epicIds: z.array(slugId).max(ASK_LIMITS.epicsPerAsk).optional(),
  })
  .strict()
  .meta({ id: 'AskInput' });
export type AskInput = z.infer<typeof AskInput>;

export const Ask = z
  .object({
    id: z.string(),
    externalId: z.string().optional(),
    source: z.string(),
    title: z.string(),
    text: z.string().optional(),
    account: AskAccount.optional(),
    /** pseudonymous requester (the keyed hash events use), never the raw id */
    requester: z.string().optional(),
    askedAt: z.string(),
    url: z.string().optional(),
    status: AskStatus,
    epicIds: z.array(z.string()),
    declinedReason: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Ask' });
export type Ask = z.infer<typeof Ask>;

/** PATCH /api/v1/asks/:id — triage. */
export const AskPatch = z
  .object({
    status: AskStatus.optional(),
    epicIds: z.array(slugId).max(ASK_LIMITS.epicsPerAsk).optional(),
    declinedReason: text(1000).min(1).nullable().optional(),
  })
  .strict()
  .refine((p) => p.status !== undefined || p.epicIds !== undefined || p.declinedReason !== undefined, 'nothing to change: send status, epicIds or declinedReason')
  .meta({ id: 'AskPatch' });
export type AskPatch = z.infer<typeof AskPatch>;

export const AskListQuery = z
  .object({
    status: AskStatus.optional(),
    epicId: slugId.optional(),
    source: AskSource.optional(),
    accountId: text(128).min(1).optional(),
    q: text(200).min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    next: z.string().max(200).optional(),
  })
  .strict();
export type AskListQuery = z.infer<typeof AskListQuery>;

export const AskList = z.object({ asks: z.array(Ask), total: z.number().int(), next: z.string().optional() }).meta({ id: 'AskList' });
export type AskList = z.infer<typeof AskList>;

export const AskBatch = z.object({ asks: z.array(z.unknown()).min(1).max(ASK_LIMITS.batch), writeKey: z.string().optional() }).meta({ id: 'AskBatch' });

export const AskRejection = z.object({ index: z.number().int(), externalId: z.string().nullable(), reason: z.string() });
export type AskRejection = z.infer<typeof AskRejection>;

export const AskBatchResult = z
  .object({ success: z.literal(true), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejected: z.array(AskRejection) })
  .meta({ id: 'AskBatchResult' });
export type AskBatchResult = z.infer<typeof AskBatchResult>;

export { ASK_FIELD_PATHS, type AskFieldPath };

export const AskImportRequest = z
  .object({
    csv: z.string().min(1, 'csv is empty').max(2 * 1024 * 1024),
    /** ask field path → CSV column header */
    mapping: z.partialRecord(z.enum(ASK_FIELD_PATHS), z.string().min(1).max(200)).refine((m) => m.title !== undefined, 'mapping needs a column for title'),
    /** values for fields no column gives (e.g. `{ "source": "support" }`) */
    defaults: z.partialRecord(z.enum(ASK_FIELD_PATHS), z.string().max(2000)).optional(),
  })
  .strict()
  .meta({ id: 'AskImportRequest' });
export type AskImportRequest = z.infer<typeof AskImportRequest>;

export const AskImportResult = z
  .object({
    dryRun: z.boolean(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    /** per row (1-based, the header is row 0): what happens to it */
    preview: z.array(z.object({ row: z.number().int(), action: z.enum(['create', 'update', 'unchanged']), id: z.string(), title: z.string() })),
    rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'AskImportResult' });
export type AskImportResult = z.infer<typeof AskImportResult>;

// ---------------------------------------------------------------------------
// Identity and triage
// ---------------------------------------------------------------------------

/** What identifies an ask sent without an external id: re-sending (or re-importing) it is the same ask. */
export function askContentKey(a: AskInput): string {
  return JSON.stringify([a.source, a.title, a.text ?? '', a.account?.id ?? '', a.requesterId ?? '', a.askedAt, a.url ?? '']);
}

/** Status from links unless declined: declined stays declined, else linked when it has epics, else new. */
export function deriveStatus(epicIds: readonly string[], declined: boolean): AskStatus {
  if (declined) return 'declined';
  return epicIds.length ? 'linked' : 'new';
}

/**
 * An ask as stored after a (re-)send of `input`: the sender's fields win (last write wins); links
 * a PM made are kept (union with the sender's) and a decline stays.
 */
export function upsertAsk(existing: Ask | null, input: AskInput, id: string, requester: string | undefined, now: string): Ask {
  const epicIds = [...new Set([...(existing?.epicIds ?? []), ...(input.epicIds ?? [])])].sort();
  const declined = existing?.status === 'declined';
  const ask: Ask = {
    id,
    source: input.source,
    title: input.title,
    askedAt: input.askedAt,
    status: deriveStatus(epicIds, declined),
    epicIds,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (input.externalId !== undefined) ask.externalId = input.externalId;
  if (input.text !== undefined) ask.text = input.text;
  if (input.account !== undefined) ask.account = input.account;
  if (requester !== undefined) ask.requester = requester;
  if (input.url !== undefined) ask.url = input.url;
  if (declined && existing?.declinedReason) ask.declinedReason = existing.declinedReason;
  return ask;
}

/** Do two stored forms say the same (ignoring timestamps)? */
export function sameAsk(a: Ask, b: Ask): boolean {
  const strip = ({ createdAt: _c, updatedAt: _u, ...rest }: Ask) => rest;
  return canonical(strip(a)) === canonical(strip(b));
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export class AskRuleError extends Error {}

/**
 * Triage: link/unlink epics, decline with a reason, reopen. Status follows the links unless the
 * patch declines; `linked` needs epics, `new` needs none, `declined` needs a reason.
 */
export function patchAsk(ask: Ask, patch: AskPatch, now: string): Ask {
  const epicIds = patch.epicIds ? [...new Set(patch.epicIds)].sort() : ask.epicIds;
  const reason = patch.declinedReason === null ? undefined : (patch.declinedReason ?? ask.declinedReason);
  let status: AskStatus;
  if (patch.status === 'declined' || (patch.status === undefined && ask.status === 'declined' && patch.epicIds === undefined)) {
    if (!reason) throw new AskRuleError('declining an ask needs declinedReason (say why, so the requester can be told)');
    status = 'declined';
  } else if (patch.status === 'linked') {
    if (!epicIds.length) throw new AskRuleError('status linked needs at least one epic in epicIds');
    status = 'linked';
  } else if (patch.status === 'new') {
    if (epicIds.length) throw new AskRuleError('status new means no linked epics: send epicIds [] to unlink them');
    status = 'new';
  } else {
    status = deriveStatus(epicIds, false);
  }
  const out: Ask = { ...ask, epicIds, status, updatedAt: now };
  if (status === 'declined') out.declinedReason = reason;
  else delete out.declinedReason;
  return out;
}

/** Does `ask` pass the list filters (`q`: every word in title, text or account name)? */
export function matchesFilters(ask: Ask, f: Pick<AskListQuery, 'status' | 'epicId' | 'source' | 'accountId' | 'q'>): boolean {
  if (f.status && ask.status !== f.status) return false;
  if (f.epicId && !ask.epicIds.includes(f.epicId)) return false;
  if (f.source && ask.source !== f.source) return false;
  if (f.accountId && ask.account?.id !== f.accountId) return false;
  if (f.q) {
    const hay = `${ask.title} ${ask.text ?? ''} ${ask.account?.name ?? ''} ${ask.account?.id ?? ''}`.toLowerCase();
    if (!f.q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------

/**
 * One CSV record (header → cell) to an ask input by the mapping and defaults. Empty cells are
 * absent fields; `account.arr` accepts `120000`, `120,000`, `$120k`, `1.2M`; `epicIds` is a list
 * separated by commas, semicolons or spaces.
 */
export function askFromRecord(record: Record<string, string>, mapping: AskImportRequest['mapping'], defaults: AskImportRequest['defaults'] = {}): z.ZodSafeParseResult<AskInput> {
  const value = (path: AskFieldPath): string | undefined => {
    const col = mapping[path];
    const cell = col !== undefined ? record[col]?.trim() : undefined;
    const v = cell !== undefined && cell !== '' ? cell : defaults?.[path]?.trim();
    return v === '' ? undefined : v;
  };
  const out: Record<string, unknown> = {};
  const account: Record<string, unknown> = {};
  for (const path of ASK_FIELD_PATHS) {
    const v = value(path);
    if (v === undefined) continue;
    if (path === 'account.arr') account.arr = parseMoney(v);
    else if (path.startsWith('account.')) account[path.slice('account.'.length)] = v;
    else if (path === 'epicIds') out.epicIds = v.split(/[\s,;]+/).filter(Boolean).map((s) => s.toLowerCase());
    else if (path === 'askedAt') out.askedAt = parseDay(v);
    else out[path] = v;
  }
  if (Object.keys(account).length) out.account = account;
  return AskInput.safeParse(out);
}

/** `120000`, `120,000`, `$120k`, `€1.2M` → number; anything else is kept as text for the schema to refuse. */
export function parseMoney(s: string): number | string {
  const m = /^[^\d-]*(-?[\d,]*\.?\d+)\s*([kKmM]?)\s*$/.exec(s.trim());
  if (!m) return s;
  const n = Number(m[1].replace(/,/g, ''));
  if (!Number.isFinite(n)) return s;
  return n * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
}

/** `2026-10-03`, `2026-10-03T12:00:00Z`, `2026/10/03` → `2026-10-03` (UTC); others unchanged for the schema to refuse. */
export function parseDay(s: string): string {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  if (/^\d{4}\/\d{2}\/\d{2}$/.test(t)) return t.replace(/\//g, '-');
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return new Date(ms).toISOString().slice(0, 10);
  }
  return t;
}

// ---------------------------------------------------------------------------
// Demand per epic
// ---------------------------------------------------------------------------

export const DemandQuote = z.object({ askId: z.string(), title: z.string(), text: z.string().optional(), source: z.string(), account: z.string().optional(), askedAt: z.string(), url: z.string().optional() });

export const AfterShip = z
  .object({
    windowDays: z.number().int(),
    /** requesters who are product users (active in the window) */
    requesters: z.object({ adopters: z.number().int(), active: z.number().int(), rate: z.number().nullable() }),
    /** every other user active in the window */
    others: z.object({ adopters: z.number().int(), active: z.number().int(), rate: z.number().nullable() }),
    /** requesters' rate − others' rate */
    diff: z.number().nullable(),
    /** 95% interval of diff (Newcombe's hybrid score interval) */
    ci95: z.tuple([z.number(), z.number()]).nullable(),
    /** asking accounts with at least one adopter among their known members */
    accountsWithAdopter: z.number().int(),
    /** asking accounts with known members (from Segment `group` calls) */
    accountsKnown: z.number().int(),
    /** asking accounts, each with its adopters: the ones to tell that what they asked for shipped */
    accounts: z.array(z.object({ id: z.string(), name: z.string().optional(), members: z.number().int(), adopters: z.number().int() })),
    /** false when fewer than 30 requesters were active: the comparison says little */
    sufficient: z.boolean(),
    summary: z.string(),
  })
  .meta({ id: 'AfterShip' });
export type AfterShip = z.infer<typeof AfterShip>;

export const Demand = z
  .object({
    epicId: z.string(),
    asks: z.number().int(),
    /** distinct asking accounts: an account counts once however many asks it files */
    accounts: z.number().int(),
    /** distinct requesters (product users) */
    requesters: z.number().int(),
    /** summed ARR of the distinct asking accounts (latest known value each) */
    arr: z.number(),
    bySource: z.array(z.object({ source: z.string(), asks: z.number().int(), accounts: z.number().int() })),
    byMonth: z.array(z.object({ month: z.string(), asks: z.number().int() })),
    /** the newest asks, as quotes */
    quotes: z.array(DemandQuote),
    afterShip: AfterShip.optional(),
  })
  .meta({ id: 'Demand' });
export type Demand = z.infer<typeof Demand>;

/** The figures the planner and iteration diffs use. */
export const DemandSummary = z.object({ asks: z.number().int(), accounts: z.number().int(), requesters: z.number().int(), arr: z.number() }).meta({ id: 'DemandSummary' });
export type DemandSummary = z.infer<typeof DemandSummary>;

/**
 * 95% interval for p1 − p2 of two independent proportions: Newcombe's hybrid score interval
 * (method 10), built from the Wilson intervals of each; well behaved for small n and rates near 0 or 1.
 */
export function newcombeDiff(x1: number, n1: number, x2: number, n2: number): Interval | null {
  const w1 = wilson(x1, n1);
  const w2 = wilson(x2, n2);
  if (!w1 || !w2) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const lo = d - Math.sqrt((p1 - w1[0]) ** 2 + (w2[1] - p2) ** 2);
  const hi = d + Math.sqrt((w1[1] - p1) ** 2 + (p2 - w2[0]) ** 2);
  return [Math.max(-1, lo), Math.min(1, hi)];
}

/** Minimum active requesters for the after-ship comparison to be called sufficient. */
export const MIN_REQUESTERS = 30;

export interface AfterShipInput {
  windowDays: number;
  /** requesters (pseudonymous) active in the window, and which of them adopted */
  requesters: { active: number; adopters: number };
  /** every user active in the window (the epic's rollup) */
  all: { active: number; adopters: number };
  /** asking accounts with their known members' adoption */
  accounts: { id: string; name?: string; members: number; adopters: number }[];
}

/** Requesters vs everyone else active in the window: rates, difference, Newcombe interval, and a sentence. */
export function afterShipOf(x: AfterShipInput): AfterShip {
  const othersActive = Math.max(0, x.all.active - x.requesters.active);
  const othersAdopters = Math.max(0, Math.min(othersActive, x.all.adopters - x.requesters.adopters));
  const rq = { adopters: x.requesters.adopters, active: x.requesters.active, rate: x.requesters.active ? x.requesters.adopters / x.requesters.active : null };
  const ot = { adopters: othersAdopters, active: othersActive, rate: othersActive ? othersAdopters / othersActive : null };
  const diff = rq.rate !== null && ot.rate !== null ? rq.rate - ot.rate : null;
  const ci95 = newcombeDiff(rq.adopters, rq.active, ot.adopters, ot.active);
  const known = x.accounts.filter((a) => a.members > 0);
  const withAdopter = known.filter((a) => a.adopters > 0).length;
  const sufficient = rq.active >= MIN_REQUESTERS;
  const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)}%`);
  let summary =
    rq.active === 0
      ? 'No requester was active in the window yet.'
      : `Of ${rq.active} requester${rq.active === 1 ? '' : 's'} active in the window, ${rq.adopters} adopted (${pct(rq.rate)}) vs ${pct(ot.rate)} of other active users.`;
  if (rq.active > 0 && !sufficient) summary += ` Fewer than ${MIN_REQUESTERS} requesters were active: too few to compare.`;
  if (known.length) summary += ` ${withAdopter} of ${known.length} asking account${known.length === 1 ? '' : 's'} with known members ha${withAdopter === 1 ? 's' : 've'} an adopter.`;
  return {
    windowDays: x.windowDays,
    requesters: rq,
    others: ot,
    diff,
    ci95,
    accountsWithAdopter: withAdopter,
    accountsKnown: known.length,
    accounts: [...x.accounts].sort((a, b) => b.adopters - a.adopters || a.id.localeCompare(b.id)),
    sufficient,
    summary,
  };
}

export const Suggestions = z
  .object({
    epics: z.array(z.object({ epicId: z.string(), score: z.number() })),
    similarAsks: z.array(z.object({ id: z.string(), title: z.string(), score: z.number() })),
  })
  .meta({ id: 'AskSuggestions' });
export type Suggestions = z.infer<typeof Suggestions>;
