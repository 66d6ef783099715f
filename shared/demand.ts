/**
 * Customer demand in words and as one number, without zod, so the dashboard can use it without
 * pulling zod into its bundle. Shapes are in ./asks.
 */
import type { Ask, Demand, DemandSummary } from './asks';

/** "41 accounts, $380k ARR asked" — the demand side of a plan reason or a diff's evidence. */
export function describeDemand(d: DemandSummary | undefined): string {
  if (!d || d.asks === 0) return 'no customer asks';
  const parts = [`${d.asks} ask${d.asks === 1 ? '' : 's'}`];
  if (d.accounts) parts.push(`${d.accounts} account${d.accounts === 1 ? '' : 's'}`);
  if (d.requesters) parts.push(`${d.requesters} requester${d.requesters === 1 ? '' : 's'}`);
  let s = parts.join(', ');
  if (d.arr > 0) s += `, ${formatMoney(d.arr)} ARR`;
  return `${s} asked`;
}

export function formatMoney(n: number): string {
  if (n >= 1e6) return `$${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1).replace(/\.0$/, '')}M`;
  if (n >= 1e3) return `$${Math.round(n / 1e3)}k`;
  return `$${Math.round(n)}`;
}

/**
 * Demand as one number per epic for the planner: half distinct customers (accounts plus
 * requesters without an account), half ARR, each relative to the epic with the most. 0 … 1.
 */
export function demandScores(demand: Record<string, DemandSummary | undefined>, epicIds: readonly string[]): Map<string, number> {
  const customers = (d?: DemandSummary) => (d ? d.accounts + Math.max(0, d.requesters - d.accounts) : 0);
  let maxC = 0;
  let maxArr = 0;
  for (const id of epicIds) {
    maxC = Math.max(maxC, customers(demand[id]));
    maxArr = Math.max(maxArr, demand[id]?.arr ?? 0);
  }
  const out = new Map<string, number>();
  for (const id of epicIds) {
    const d = demand[id];
    const c = maxC > 0 ? customers(d) / maxC : 0;
    const a = maxArr > 0 ? (d?.arr ?? 0) / maxArr : 0;
    out.set(id, maxArr > 0 ? 0.5 * c + 0.5 * a : c);
  }
  return out;
}

export const DEFAULT_DEMAND_WEIGHT = 0.3;


/** Newest asked first, then id: the order of every list. */
export const byNewest = (a: Ask, b: Ask) => (a.askedAt < b.askedAt ? 1 : a.askedAt > b.askedAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Asks that count as demand for an epic: linked to it, not declined, asked by `asOf`. */
export function asksOfEpic(asks: readonly Ask[], epicId: string, asOf?: string): Ask[] {
  return asks.filter((a) => a.status !== 'declined' && a.epicIds.includes(epicId) && (!asOf || a.askedAt <= asOf));
}

/**
 * Demand for an epic: asks, distinct accounts and requesters, ARR of the distinct accounts
 * (each account's newest known ARR), by source, by month, the five newest quotes.
 */
export function demandOf(epicId: string, allAsks: readonly Ask[], asOf?: string): Demand {
  const asks = asksOfEpic(allAsks, epicId, asOf).sort(byNewest);
  const accounts = new Map<string, { arr?: number; at: string }>();
  const requesters = new Set<string>();
  const bySource = new Map<string, { asks: number; accounts: Set<string> }>();
  const byMonth = new Map<string, number>();
  for (const a of asks) {
    if (a.account) {
      const cur = accounts.get(a.account.id);
      // asks are newest first: the first ARR seen is the newest
      if (!cur) accounts.set(a.account.id, { arr: a.account.arr, at: a.askedAt });
      else if (cur.arr === undefined && a.account.arr !== undefined) cur.arr = a.account.arr;
    }
    if (a.requester) requesters.add(a.requester);
    let s = bySource.get(a.source);
    if (!s) bySource.set(a.source, (s = { asks: 0, accounts: new Set() }));
    s.asks++;
    if (a.account) s.accounts.add(a.account.id);
    const month = a.askedAt.slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
  }
  let arr = 0;
  for (const v of accounts.values()) arr += v.arr ?? 0;
  return {
    epicId,
    asks: asks.length,
    accounts: accounts.size,
    requesters: requesters.size,
    arr,
    bySource: [...bySource.entries()].map(([source, v]) => ({ source, asks: v.asks, accounts: v.accounts.size })).sort((a, b) => b.asks - a.asks || a.source.localeCompare(b.source)),
    byMonth: [...byMonth.entries()].map(([month, n]) => ({ month, asks: n })).sort((a, b) => a.month.localeCompare(b.month)),
    quotes: asks.slice(0, 5).map((a) => ({
      askId: a.id,
      title: a.title,
      ...(a.text ? { text: a.text.length > 280 ? `${a.text.slice(0, 279)}…` : a.text } : {}),
      source: a.source,
      ...(a.account ? { account: a.account.name ?? a.account.id } : {}),
      askedAt: a.askedAt,
      ...(a.url ? { url: a.url } : {}),
    })),
  };
}

/** Demand summaries of every epic that has any (planner, iteration snapshots). */
export function demandByEpic(asks: readonly Ask[], asOf?: string): Record<string, DemandSummary> {
  const ids = new Set(asks.flatMap((a) => a.epicIds));
  const out: Record<string, DemandSummary> = {};
  for (const id of [...ids].sort()) {
    const d = demandOf(id, asks, asOf);
    if (d.asks > 0) out[id] = { asks: d.asks, accounts: d.accounts, requesters: d.requesters, arr: d.arr };
  }
  return out;
}

