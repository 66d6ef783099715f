/**
 * Ground truth computed straight from the Segment events a test sent, with the definitions of
 * DESIGN.md ("Event conventions", "Outcome definitions") — deliberately independent of the
 * product's attribution code, so a bug there cannot hide in both places.
 */
import { prng } from '../../functions/src/demo/simulate';
export interface SentEvent {
  type?: 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
  messageId: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  timestamp: string;
}

export interface EpicRef {
  id: string;
  shippedAt: string;
  signals: { events: string[] };
}

const DAY = 86_400_000;
export const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);
export const shiftDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** Events once per messageId (the first sent wins), as Sextant must count them. */
export function uniqueEvents<T extends SentEvent>(events: Iterable<T>): T[] {
  const seen = new Map<string, T>();
  for (const e of events) if (!seen.has(e.messageId)) seen.set(e.messageId, e);
  return [...seen.values()];
}

/** The user an event marks active: none for `group` and `alias` (they carry no activity). */
const userOf = (e: SentEvent) => (['alias', 'group'].includes(e.type ?? 'track') ? undefined : (e.userId ?? e.anonymousId));

export function isUsage(e: SentEvent, epic: EpicRef): boolean {
  if ((e.type ?? 'track') !== 'track' || !e.event || e.event === 'Survey Responded') return false;
  return epic.signals.events.includes(e.event) || e.properties?.epicId === epic.id;
}

/** Adopters and active users over the window days S … min(S+W−1, asOf), plus the cumulative series. */
export function expectedAdoption(events: SentEvent[], epic: EpicRef, asOf: string, windowDays = 28) {
  const S = epic.shippedAt;
  const lastWindowDay = shiftDate(S, windowDays - 1);
  const end = lastWindowDay < asOf ? lastWindowDay : asOf;
  const firstActive = new Map<string, string>();
  const firstUse = new Map<string, string>();
  for (const e of uniqueEvents(events)) {
    const user = userOf(e);
    const d = dayOf(e.timestamp);
    if (!user || d < S || d > end) continue;
    if (!firstActive.has(user) || d < firstActive.get(user)!) firstActive.set(user, d);
    if (isUsage(e, epic) && (!firstUse.has(user) || d < firstUse.get(user)!)) firstUse.set(user, d);
  }
  const series: { date: string; adopters: number; activeUsers: number }[] = [];
  for (let d = S; d <= end; d = shiftDate(d, 1)) {
    series.push({
      date: d,
      adopters: [...firstUse.values()].filter((x) => x <= d).length,
      activeUsers: [...firstActive.values()].filter((x) => x <= d).length,
    });
  }
  return { adopters: firstUse.size, activeUsers: firstActive.size, series };
}

/** Distinct active users per UTC day (any event with a user, group and alias excluded). */
export function expectedDailyActive(events: SentEvent[]): Map<string, number> {
  const byDay = new Map<string, Set<string>>();
  for (const e of uniqueEvents(events)) {
    const user = userOf(e);
    if (!user) continue;
    const d = dayOf(e.timestamp);
    if (!byDay.has(d)) byDay.set(d, new Set());
    byDay.get(d)!.add(user);
  }
  return new Map([...byDay].map(([d, s]) => [d, s.size]));
}

/**
 * The number of distinct activity facts the unique events imply, counted the way the key layout
 * stores them (docs: one fact per user-day-usage key, one per active user-day without usage):
 * distinct (user, day, usage key) + distinct (user, day) with no usage that day. Usage keys are
 * `ev:<event name>` of every non-survey track and `epic:<properties.epicId>`.
 */
export function expectedFactCount(events: SentEvent[]): number {
  const usage = new Set<string>();
  const usedDays = new Set<string>();
  const activeDays = new Set<string>();
  for (const e of uniqueEvents(events)) {
    const user = userOf(e);
    if (!user) continue;
    const ud = `${user}|${dayOf(e.timestamp)}`;
    activeDays.add(ud);
    if ((e.type ?? 'track') === 'track' && e.event && e.event !== 'Survey Responded') {
      usage.add(`${ud}|ev:${e.event}`);
      if (typeof e.properties?.epicId === 'string') usage.add(`${ud}|epic:${e.properties.epicId}`);
      usedDays.add(ud);
    }
  }
  return usage.size + [...activeDays].filter((ud) => !usedDays.has(ud)).length;
}

/** Deterministic PRNG (mulberry32, the simulator's), so every run sends the same events. */
export const rng = (seed: number) => prng(seed).next;

/**
 * Each user's activity as a comparable signature — active days and, per usage key, the days it
 * was used — sorted, without the user id (Sextant stores only pseudonyms). Day numbers are days
 * since 1970-01-01 UTC, the unit of the stored facts.
 */
export function expectedUserSignatures(events: SentEvent[], months?: string[]): string[] {
  const users = new Map<string, { active: Set<number>; usage: Map<string, Set<number>> }>();
  for (const e of uniqueEvents(events)) {
    const user = userOf(e);
    if (!user) continue;
    const date = dayOf(e.timestamp);
    if (months && !months.includes(date.slice(0, 7))) continue;
    const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
    let u = users.get(user);
    if (!u) users.set(user, (u = { active: new Set(), usage: new Map() }));
    u.active.add(day);
    if ((e.type ?? 'track') === 'track' && e.event && e.event !== 'Survey Responded') {
      const keys = [`ev:${e.event}`, ...(typeof e.properties?.epicId === 'string' ? [`epic:${e.properties.epicId}`] : [])];
      for (const k of keys) {
        if (!u.usage.has(k)) u.usage.set(k, new Set());
        u.usage.get(k)!.add(day);
      }
    }
  }
  return signatures(users.values());
}

/** Signatures of activity records (e.g. what `AnalyticsStore.loadUserMonth` returns). */
export function signatures(users: Iterable<{ active: Set<number>; usage: Map<string, Set<number>> }>): string[] {
  return [...users]
    .map((u) => JSON.stringify({ active: [...u.active].sort(), usage: [...u.usage].map(([k, d]) => [k, [...d].sort()]).sort() }))
    .sort();
}
