/**
 * Triage suggestions: which epics an ask is about and which asks say the same, ranked by text
 * relevance with MiniSearch (BM25-style scoring, prefix and fuzzy matching). Pure.
 */
import MiniSearch from 'minisearch';
import type { Ask, Suggestions } from './asks';
import type { Roadmap } from './roadmap';

const SEARCH = { prefix: true, fuzzy: 0.2, combineWith: 'OR' as const, boost: { title: 2 } };

/** Words of an ask that say what it is about (title twice as strong as text). */
function queryOf(ask: Pick<Ask, 'title' | 'text'>): string {
  return `${ask.title} ${ask.text ?? ''}`.slice(0, 2000);
}

/** Scores relative to the best match (1 = best), rounded; hits below `min` of the best are dropped. */
function ranked<T extends { score: number }>(hits: T[], limit: number, min = 0.15): T[] {
  const top = hits[0]?.score ?? 0;
  if (!(top > 0)) return [];
  return hits
    .map((h) => ({ ...h, score: Number((h.score / top).toFixed(3)) }))
    .filter((h) => h.score >= min)
    .slice(0, limit);
}

/**
 * Suggested epics (not yet linked; indexed on title, description, theme name, story titles and
 * signal event names) and similar asks (title and text), best first, at most `limit` each.
 */
export function suggestionsFor(ask: Ask, roadmap: Roadmap, asks: readonly Ask[], limit = 5): Suggestions {
  const themes = new Map(roadmap.themes.map((t) => [t.id, t.name]));
  const stories = new Map<string, string[]>();
  for (const s of roadmap.stories) {
    if (!stories.has(s.epicId)) stories.set(s.epicId, []);
    stories.get(s.epicId)!.push(s.title);
  }
  const epicIndex = new MiniSearch<{ id: string; title: string; body: string }>({ fields: ['title', 'body'], storeFields: [] });
  epicIndex.addAll(
    roadmap.epics
      .filter((e) => e.status !== 'cancelled' && !ask.epicIds.includes(e.id))
      .map((e) => ({
        id: e.id,
        title: e.title,
        body: [e.description ?? '', themes.get(e.themeId) ?? '', ...(stories.get(e.id) ?? []), ...(e.signals?.events ?? [])].join(' '),
      })),
  );
  const askIndex = new MiniSearch<{ id: string; title: string; body: string }>({ fields: ['title', 'body'], storeFields: ['title'] });
  askIndex.addAll(asks.filter((a) => a.id !== ask.id).map((a) => ({ id: a.id, title: a.title, body: a.text ?? '' })));
  const q = queryOf(ask);
  const epics = ranked(
    epicIndex.search(q, SEARCH).map((h) => ({ epicId: String(h.id), score: h.score })),
    limit,
  );
  // asks worded the same are one suggestion (the best-scored of them)
  const seen = new Set<string>();
  const similarAsks = ranked(
    askIndex
      .search(q, SEARCH)
      .map((h) => ({ id: String(h.id), title: String(h.title), score: h.score }))
      .filter((h) => {
        const k = h.title.trim().toLowerCase();
        return seen.has(k) ? false : (seen.add(k), true);
      }),
    limit,
  );
  return { epics, similarAsks };
}
