/**
 * The incremental rollup's per-user state: the days a user was active and the days each usage
 * key was seen, as compact strings, and the union that folds new facts in (a replay is a
 * no-op). Pure.
 */
import type { UserActivity } from './outcome-types';

/** Compact facts of one user: encoded active days and usage days per usage key. */
export interface CompactFacts {
  a: string;
  k?: Record<string, string>;
}

/** Sorted day numbers as base-36 first day then base-36 gaps, comma-separated ("k3x,1,1,5"). */
export function encodeDays(days: Iterable<number>): string {
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const out: string[] = [];
  let prev = 0;
  for (let i = 0; i < sorted.length; i++) {
    out.push((i === 0 ? sorted[i] : sorted[i] - prev).toString(36));
    prev = sorted[i];
  }
  return out.join(',');
}

export function decodeDays(s: string | undefined): number[] {
  if (!s) return [];
  const out: number[] = [];
  let prev = 0;
  for (const [i, part] of s.split(',').entries()) {
    prev = i === 0 ? parseInt(part, 36) : prev + parseInt(part, 36);
    out.push(prev);
  }
  return out;
}

export function toActivity(f: CompactFacts | undefined): UserActivity {
  const usage = new Map<string, Set<number>>();
  for (const [k, v] of Object.entries(f?.k ?? {})) usage.set(k, new Set(decodeDays(v)));
  return { active: new Set(decodeDays(f?.a)), usage };
}

export function toCompact(u: UserActivity): CompactFacts {
  const k: Record<string, string> = {};
  for (const [key, days] of [...u.usage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (days.size) k[key] = encodeDays(days);
  return Object.keys(k).length ? { a: encodeDays(u.active), k } : { a: encodeDays(u.active) };
}

/** old ∪ facts; `added` lists the active days new to the user (usage days imply activity). */
export function unionActivity(old: UserActivity, facts: UserActivity): { next: UserActivity; changed: boolean; added: number[] } {
  const next: UserActivity = { active: new Set(old.active), usage: new Map([...old.usage].map(([k, v]) => [k, new Set(v)])) };
  const added: number[] = [];
  let changed = false;
  const activate = (d: number) => {
    if (!next.active.has(d)) {
      next.active.add(d);
      added.push(d);
      changed = true;
    }
  };
  for (const d of facts.active) activate(d);
  for (const [k, days] of facts.usage) {
    let s = next.usage.get(k);
    if (!s) next.usage.set(k, (s = new Set()));
    for (const d of days) {
      if (!s.has(d)) {
        s.add(d);
        changed = true;
      }
      activate(d);
    }
  }
  return { next, changed, added };
}

/** Fold more facts of the same user into `into` (coordinator grouping). */
export function mergeFactsInto(into: UserActivity, more: UserActivity): void {
  for (const d of more.active) into.active.add(d);
  for (const [k, days] of more.usage) {
    let s = into.usage.get(k);
    if (!s) into.usage.set(k, (s = new Set()));
    for (const d of days) s.add(d);
  }
}

/** Add one stored fact (user active on `day`, and used `usageKey` that day when given) to `users`. */
export function addFact(users: Map<string, UserActivity>, fact: { user: string; day: number; usageKey?: string }): void {
  let u = users.get(fact.user);
  if (!u) users.set(fact.user, (u = { active: new Set(), usage: new Map() }));
  u.active.add(fact.day);
  if (fact.usageKey !== undefined) {
    let s = u.usage.get(fact.usageKey);
    if (!s) u.usage.set(fact.usageKey, (s = new Set()));
    s.add(fact.day);
  }
}
