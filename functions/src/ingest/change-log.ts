/**
 * The change log ingest writes BEFORE the facts it describes: one item per request that has
 * new facts, carrying those facts compactly (per user: active days and usage days; new
 * survey responses). The rollup consumes it instead of re-reading history. A crash between
 * the change log and the facts is harmless: the rollup unions facts (a replay is a no-op) and
 * the client's retry writes the facts (and logs them again).
 * Items are spread over hour buckets × SEXTANT_CHANGELOG_PARTITIONS partitions, so no
 * partition key takes every request (docs/key-layout.md).
 */
import { randomBytes } from 'node:crypto';
import type { UserActivity } from '../../../shared/outcome-types';
import { toCompact } from '../../../shared/user-state';
import { AppError } from '../errors';
import type { Services } from '../services';
import { K } from '../store/keys';
import type { ChangeEntry } from '../store/rollup-store';

/** Entries above this many bytes are split (the item limit is 400 KB). */
const MAX_ENTRY_BYTES = 300_000;
/** The change log is consumed within minutes; kept a week for diagnosis (TTL). */
const CHANGE_LOG_TTL_DAYS = 7;

/** Hour bucket of a stamp (`yyyy-mm-ddThh`). */
export const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/** Compact change-log entries for a set of fact items (as built by EventStore.factItems). */
export function changeEntriesOf(items: Iterable<Record<string, unknown> & { PK: string; SK: string }>): ChangeEntry[] {
  const users = new Map<string, UserActivity>();
  const surveys: NonNullable<ChangeEntry['s']> = [];
  for (const item of items) {
    if (K.isSurveyFact(item.PK)) {
      surveys.push({ id: K.parseSurvey(item.SK).messageId, d: item.d as string, scope: item.scope as string, sc: item.sc as 'csat' | 'nps', s: Number(item.s) });
      continue;
    }
    const f = K.parseUserFact(item.SK);
    let u = users.get(f.user);
    if (!u) users.set(f.user, (u = { active: new Set(), usage: new Map() }));
    u.active.add(f.day);
    if (f.usageKey !== undefined) {
      let s = u.usage.get(f.usageKey);
      if (!s) u.usage.set(f.usageKey, (s = new Set()));
      s.add(f.day);
    }
  }
  const entries: ChangeEntry[] = [];
  let cur: ChangeEntry = {};
  let bytes = 0;
  const flush = () => {
    if (cur.u || cur.s) entries.push(cur);
    cur = {};
    bytes = 0;
  };
  for (const [user, activity] of users) {
    const c = toCompact(activity);
    const size = user.length + JSON.stringify(c).length + 8;
    if (bytes + size > MAX_ENTRY_BYTES) flush();
    (cur.u ??= {})[user] = c;
    bytes += size;
  }
  for (const s of surveys) {
    const size = JSON.stringify(s).length + 8;
    if (bytes + size > MAX_ENTRY_BYTES) flush();
    (cur.s ??= []).push(s);
    bytes += size;
  }
  flush();
  return entries;
}

/** Slow puts of one entry (each with a fresh stamp) before the request is refused with 503. */
export const CHANGE_LOG_ATTEMPTS = 5;

/**
 * Write the change-log entries of a request. The rollup reads entries stamped before
 * now − LAG; a put that took longer than LAG/2 is written again with a fresh stamp, so every
 * entry becomes readable before the rollup's bound passes its stamp. When every attempt is slow
 * (the store or the process stalls for longer than the lag), the request is refused with 503 and
 * `Retry-After` before any fact is written: the client's retry logs the facts again, so an
 * accepted event is never left behind a cursor that has already passed it.
 */
export async function logChanges(services: Services, items: Iterable<Record<string, unknown> & { PK: string; SK: string }>): Promise<void> {
  const { SEXTANT_CHANGELOG_PARTITIONS: partitions, SEXTANT_CHANGELOG_LAG_MS: lag } = services.config;
  await Promise.all(
    changeEntriesOf(items).map(async (entry) => {
      for (let attempt = 1; ; attempt++) {
        const stamp = Date.now();
        const id = randomBytes(6).toString('base64url');
        const partition = Math.floor(Math.random() * partitions);
        await services.rollups.putChange(hourOf(stamp), partition, stamp, id, entry, Math.floor(stamp / 1000) + CHANGE_LOG_TTL_DAYS * 86400);
        const took = Date.now() - stamp;
        if (lag === 0 || took <= lag / 2) return;
        if (attempt >= CHANGE_LOG_ATTEMPTS) {
          const retryAfterSeconds = Math.max(1, Math.ceil(lag / 1000));
          throw new AppError(503, 'unavailable', `the store answered too slowly to log this request's changes (${took} ms, ${attempt} times); nothing was stored; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
        }
      }
    }),
  );
}
