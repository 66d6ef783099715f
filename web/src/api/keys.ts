/**
 * Query keys, one family per resource: `keys.outcome.all` invalidates every epic's outcome,
 * `keys.outcome.epic(id)` one epic's at every `asOf`, `keys.outcome.at(id, asOf)` one answer.
 */
import type { AskFilters } from './get-asks';
import type { AuditFilters } from './get-audit';

export const keys = {
  roadmap: ['roadmap'] as const,
  impact: {
    all: ['impact'] as const,
    at: (asOf: string | null) => ['impact', asOf ?? 'today'] as const,
  },
  asks: {
    all: ['asks'] as const,
    list: (filters: AskFilters) => ['asks', 'list', filters] as const,
    every: ['asks', 'every'] as const,
    suggestions: (id: string) => ['asks', 'suggestions', id] as const,
  },
  demand: {
    all: ['demand'] as const,
    at: (epicId: string, asOf: string | null) => ['demand', epicId, asOf ?? 'today'] as const,
  },
  outcome: {
    all: ['outcome'] as const,
    epic: (epicId: string) => ['outcome', epicId] as const,
    at: (epicId: string, asOf: string | null) => ['outcome', epicId, asOf ?? 'today'] as const,
  },
  reviews: (epicId: string) => ['reviews', epicId] as const,
  iterations: {
    all: ['iterations'] as const,
    one: (id: string) => ['iteration', id] as const,
    diff: (id: string, against: string) => ['iteration', id, 'diff', against] as const,
  },
  calibration: ['calibration'] as const,
  review: (month: string | null) => ['review', month ?? 'default'] as const,
  keys: ['keys'] as const,
  people: ['people'] as const,
  identity: ['identity'] as const,
  audit: {
    all: ['audit'] as const,
    page: (f: AuditFilters) => ['audit', 'page', f] as const,
    pages: (f: AuditFilters) => ['audit', 'pages', f] as const,
  },
  ingestStats: (days: number) => ['ingest', days] as const,
};
