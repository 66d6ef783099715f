/** From an iteration diff and snapshots to what the page shows. Pure. */
import type { ChangeKind, Iteration, IterationChange } from '../../../../../shared/iteration';
import { STATUSES, type Tone } from '../../../lib/domain';
import { formatMonth } from '../../../lib/format';

export const CHANGE_LABELS: Record<ChangeKind, { label: string; tone: Tone; icon: string }> = {
  added: { label: 'Added', tone: 'good', icon: '+' },
  removed: { label: 'Removed', tone: 'bad', icon: '−' },
  moved: { label: 'Moved', tone: 'info', icon: '→' },
  status: { label: 'Status', tone: 'neutral', icon: '●' },
  targets: { label: 'Targets', tone: 'warn', icon: '◎' },
  estimate: { label: 'Estimate', tone: 'warn', icon: '≈' },
  renamed: { label: 'Renamed', tone: 'muted', icon: '✎' },
};
export const CHANGE_KIND_LIST = Object.keys(CHANGE_LABELS) as ChangeKind[];

/** Changes grouped per epic, in the diff's order, so one epic's moves and status read together. */
export function groupByEpic(changes: readonly IterationChange[]): { epicId: string; title: string; changes: IterationChange[] }[] {
  const groups = new Map<string, { epicId: string; title: string; changes: IterationChange[] }>();
  for (const c of changes) {
    const g = groups.get(c.epicId) ?? { epicId: c.epicId, title: c.title, changes: [] };
    g.changes.push(c);
    groups.set(c.epicId, g);
  }
  return [...groups.values()];
}

/** The default comparison for an iteration: the one created just before it (lists are newest first). */
export function previousOf(list: readonly { id: string }[], id: string): string | null {
  const i = list.findIndex((x) => x.id === id);
  return i >= 0 && i + 1 < list.length ? list[i + 1].id : null;
}

/** A snapshot's verdict counts: how the portfolio looked that month. */
export function verdictCounts(it: Pick<Iteration, 'outcomes'>) {
  const c = { met: 0, missed: 0, too_early: 0, insufficient_data: 0, not_shipped: 0, decided: 0 };
  for (const o of it.outcomes) {
    c[o.verdict]++;
    if (o.decision) c.decided++;
  }
  return c;
}

/** The month of a date as a name, the default name of a new snapshot ("November 2026"). */
export function defaultIterationName(today: string): string {
  return formatMonth(today, true);
}

export interface Names {
  milestone(id: string | null): string;
  theme(id: string): string;
}

/** Names from the snapshots' roadmaps (newer first), falling back to the id. */
export function namesFrom(...snapshots: (Pick<Iteration, 'roadmap'> | undefined)[]): Names {
  const milestones = new Map<string, string>();
  const themes = new Map<string, string>();
  for (const s of snapshots) {
    for (const m of s?.roadmap.milestones ?? []) if (!milestones.has(m.id)) milestones.set(m.id, m.name);
    for (const t of s?.roadmap.themes ?? []) if (!themes.has(t.id)) themes.set(t.id, t.name);
  }
  return {
    milestone: (id) => (id === null ? 'unscheduled' : (milestones.get(id) ?? id)),
    theme: (id) => themes.get(id) ?? id,
  };
}

/** A change in words with milestone and theme names ("December 2026 → January 2027"); the API's detail otherwise. */
export function describeChange(c: IterationChange, names: Names): string {
  switch (c.kind) {
    case 'added':
      return `Added to ${names.milestone(c.to.milestoneId)} in ${names.theme(c.to.themeId)} (${STATUSES[c.to.status].label.toLowerCase()})`;
    case 'removed':
      return `Removed from ${names.milestone(c.from.milestoneId)} in ${names.theme(c.from.themeId)} (was ${STATUSES[c.from.status].label.toLowerCase()})`;
    case 'moved': {
      const parts: string[] = [];
      if (c.from.milestoneId !== c.to.milestoneId) parts.push(`${names.milestone(c.from.milestoneId)} → ${names.milestone(c.to.milestoneId)}`);
      if (c.from.themeId !== c.to.themeId) parts.push(`theme ${names.theme(c.from.themeId)} → ${names.theme(c.to.themeId)}`);
      return `Moved: ${parts.join('; ')}`;
    }
    case 'status':
      return `${STATUSES[c.from].label} → ${STATUSES[c.to].label}`;
    default:
      return c.detail;
  }
}
