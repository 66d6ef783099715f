/**
 * Customer-asks use-cases shared by the write-key endpoint, the API and CSV import: upsert by
 * identity (external id, else content), triage, demand per epic with the after-ship comparison.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  afterShipOf,
  askContentKey,
  askFromRecord,
  ASK_LIMITS,
  asksOfEpic,
  demandOf,
  sameAsk,
  upsertAsk,
  type Ask,
  type AskImportRequest,
  type AskImportResult,
  type AskInput,
  type Demand,
} from '../../../shared/asks';
import { usageKeysOf } from '../../../shared/attribution';
import { summarize } from '../../../shared/errors';
import { dateOfDay, dayNumber, todayUtc } from '../../../shared/primitives';
import type { UserActivity } from '../../../shared/outcome-types';
import { monthsBetween } from '../analytics/rollup';
import { epicOutcome } from '../analytics/outcomes';
import { badRequest, notFound } from '../errors';
import { pseudonymize } from '../ingest/pseudonymize';
import type { Services } from '../services';

const hashId = (kind: string, v: string) => `ask-${createHash('sha256').update(`${kind}:${v}`).digest('hex').slice(0, 20)}`;

/**
 * The id of an ask: from its external id when it has one (the same external id is the same ask);
 * else, for machine-sent asks (pipelines, CSV), from its content so a re-send or re-import is the
 * same ask; else (a person's form) a fresh one.
 */
export function askIdOf(input: AskInput, mode: 'content' | 'fresh'): string {
  if (input.externalId !== undefined) return hashId('ext', input.externalId);
  return mode === 'content' ? hashId('content', askContentKey(input)) : `ask-${randomBytes(10).toString('hex')}`;
}

export type UpsertAction = 'create' | 'update' | 'unchanged';

/** Plan (and unless `dryRun`, write) the upsert of many asks; the last of the same id in one call wins. */
export async function upsertAsks(s: Services, inputs: AskInput[], opts: { mode: 'content' | 'fresh'; dryRun?: boolean }): Promise<{ ask: Ask; action: UpsertAction }[]> {
  const ids = inputs.map((i) => askIdOf(i, opts.mode));
  const existing = await s.asks.many(ids);
  const now = new Date(s.now()).toISOString();
  const roadmap = (await s.roadmaps.get())?.roadmap;
  const epicIds = new Set(roadmap?.epics.map((e) => e.id) ?? []);
  const out: { ask: Ask; action: UpsertAction }[] = [];
  const latest = new Map<string, Ask>();
  inputs.forEach((input, i) => {
    const unknown = (input.epicIds ?? []).filter((e) => !epicIds.has(e));
    if (unknown.length) throw badRequest(`unknown epic(s): ${unknown.join(', ')}`);
    const before = latest.get(ids[i]) ?? existing.get(ids[i]) ?? null;
    const requester = input.requesterId !== undefined ? pseudonymize(s.pseudonymKey, input.requesterId) : before?.requester;
    const ask = upsertAsk(before, input, ids[i], requester, now);
    const action: UpsertAction = !before ? 'create' : sameAsk(before, ask) ? 'unchanged' : 'update';
    latest.set(ids[i], action === 'unchanged' ? before! : ask);
    out.push({ ask: action === 'unchanged' ? before! : ask, action });
  });
  if (!opts.dryRun) {
    const writes = [...new Map(out.filter((o) => o.action !== 'unchanged').map((o) => [o.ask.id, o.ask])).values()];
    if (writes.length) await s.asks.putMany(writes);
  }
  return out;
}

/** CSV import: map columns, validate per row (a bad row sinks nothing else), upsert by identity. */
export async function importAsks(s: Services, req: AskImportRequest, dryRun: boolean): Promise<AskImportResult> {
  let records: Record<string, string>[];
  try {
    records = parse(req.csv, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as Record<string, string>[];
  } catch (e) {
    throw badRequest(`the CSV could not be read: ${(e as Error).message}`);
  }
  if (records.length > ASK_LIMITS.importRows) throw badRequest(`the CSV has ${records.length} rows; import at most ${ASK_LIMITS.importRows} at a time`);
  const headers = new Set(records.length ? Object.keys(records[0]) : []);
  const missing = Object.entries(req.mapping).filter(([, col]) => !headers.has(col!));
  if (records.length && missing.length) {
    throw badRequest(`mapped column(s) not in the CSV header: ${missing.map(([f, col]) => `${f} → "${col}"`).join(', ')}`, { columns: [...headers] });
  }
  const sources = new Set(s.config.SEXTANT_ASK_SOURCES);
  const roadmap = (await s.roadmaps.get())?.roadmap;
  const epicIds = new Set(roadmap?.epics.map((e) => e.id) ?? []);
  const rejected: AskImportResult['rejected'] = [];
  const good: { row: number; input: AskInput }[] = [];
  records.forEach((rec, i) => {
    const row = i + 1;
    const p = askFromRecord(rec, req.mapping, req.defaults);
    if (!p.success) return void rejected.push({ row, reason: summarize(p.error) });
    if (!sources.has(p.data.source)) return void rejected.push({ row, reason: `source "${p.data.source}" is not one of ${[...sources].join(', ')}` });
    const unknown = (p.data.epicIds ?? []).filter((e) => !epicIds.has(e));
    if (unknown.length) return void rejected.push({ row, reason: `unknown epic(s): ${unknown.join(', ')}` });
    good.push({ row, input: p.data });
  });
  const results = await upsertAsks(s, good.map((g) => g.input), { mode: 'content', dryRun });
  const preview = results.map((r, i) => ({ row: good[i].row, action: r.action, id: r.ask.id, title: r.ask.title }));
  return {
    dryRun,
    rows: records.length,
    created: preview.filter((p) => p.action === 'create').length,
    updated: preview.filter((p) => p.action === 'update').length,
    unchanged: preview.filter((p) => p.action === 'unchanged').length,
    preview,
    rejected,
  };
}

/** Was the user active / an adopter of the epic (any of its usage keys) on a day in [from, to]? */
function activityIn(u: UserActivity | undefined, keys: string[], from: number, to: number): { active: boolean; adopter: boolean } {
  if (!u) return { active: false, adopter: false };
  let adopter = false;
  for (const k of keys) {
    for (const d of u.usage.get(k) ?? []) if (d >= from && d <= to) adopter = true;
  }
  let active = adopter;
  if (!active) for (const d of u.active) if (d >= from && d <= to) active = true;
  return { active, adopter };
}

/**
 * Demand for an epic as of a day, and for a shipped epic the after-ship comparison: adoption among
 * requesters who were active in the window vs everyone else active (the epic's outcome), and the
 * asking accounts whose known members adopted.
 */
export async function epicDemand(s: Services, epicId: string, asOf?: string): Promise<Demand> {
  const roadmap = (await s.roadmaps.get())?.roadmap;
  const epic = roadmap?.epics.find((e) => e.id === epicId);
  if (!epic) throw notFound('epic', epicId);
  const A = asOf ?? todayUtc(s.now());
  const asks = await s.asks.all();
  const demand = demandOf(epicId, asks, A);
  if (epic.status !== 'shipped' || !epic.shippedAt || epic.shippedAt > A) return demand;

  const outcome = await epicOutcome(s, epicId, A);
  const S = dayNumber(epic.shippedAt);
  const last = Math.min(S + outcome.windowDays - 1, dayNumber(A));
  const mine = asksOfEpic(asks, epicId, A);
  const requesters = [...new Set(mine.flatMap((a) => (a.requester ? [a.requester] : [])))];
  const accounts = new Map<string, string | undefined>();
  for (const a of mine) if (a.account && !accounts.has(a.account.id)) accounts.set(a.account.id, a.account.name);
  const members = await s.asks.members([...accounts.keys()]);
  const users = [...new Set([...requesters, ...[...members.values()].flat()])];
  const activity = await s.asks.activityOf(users, monthsBetween(epic.shippedAt, dateOfDay(last)));
  const keys = usageKeysOf(epic);
  let rqActive = 0;
  let rqAdopters = 0;
  for (const r of requesters) {
    const x = activityIn(activity.get(r), keys, S, last);
    if (x.active) rqActive++;
    if (x.adopter) rqAdopters++;
  }
  const accountRows = [...accounts.entries()].map(([id, name]) => {
    const list = members.get(id) ?? [];
    return { id, ...(name ? { name } : {}), members: list.length, adopters: list.filter((u) => activityIn(activity.get(u), keys, S, last).adopter).length };
  });
  demand.afterShip = afterShipOf({
    windowDays: outcome.windowDays,
    requesters: { active: rqActive, adopters: rqAdopters },
    all: { active: outcome.adoption.activeUsers, adopters: outcome.adoption.adopters },
    accounts: accountRows,
  });
  return demand;
}
