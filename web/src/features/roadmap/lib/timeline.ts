/**
 * The roadmap timeline's layout: themes as swimlanes, milestones as columns (a window of
 * months around today), epics placed in their (theme, milestone) cell. Pure.
 */
import type { Epic, EpicStatus, Milestone, Roadmap, Theme } from '../../../../../shared/roadmap';
import { addDaysIso, monthStartIso } from '../../../lib/format';

export const RANGES = {
  around: { label: '3 months back, 3 ahead', back: 3, ahead: 3 },
  next3: { label: 'Next 3 months', back: 0, ahead: 3 },
  next6: { label: 'Next 6 months', back: 0, ahead: 6 },
  all: { label: 'All', back: Infinity, ahead: Infinity },
} as const;
export type RangeId = keyof typeof RANGES;

export const UNSCHEDULED = '__unscheduled';

export interface TimelineColumn {
  id: string;
  milestone: Milestone | null;
  /** contains today */
  current: boolean;
  past: boolean;
}

export interface TimelineLane {
  theme: Theme;
  cells: { columnId: string; epics: Epic[] }[];
  /** epics of this theme in the visible columns */
  visible: number;
}

export interface TimelineLayout {
  columns: TimelineColumn[];
  lanes: TimelineLane[];
  /** epics in milestones outside the window */
  hidden: number;
  window: { from: string; to: string } | null;
}

const STATUS_ORDER: Record<EpicStatus, number> = { shipped: 0, in_progress: 1, planned: 2, cancelled: 3 };

/** Epics in a cell: shipped first (by ship day), then in progress, planned, cancelled; then by title. */
export function compareEpics(a: Epic, b: Epic): number {
  const s = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
  if (s !== 0) return s;
  if (a.shippedAt && b.shippedAt && a.shippedAt !== b.shippedAt) return a.shippedAt < b.shippedAt ? -1 : 1;
  return a.title.localeCompare(b.title);
}

/** The window of a range: [first day of the month `back` months ago, last day `ahead` months on). */
export function rangeWindow(range: RangeId, today: string): { from: string; to: string } | null {
  const r = RANGES[range];
  if (!Number.isFinite(r.back)) return null;
  return { from: monthStartIso(today, -r.back), to: addDaysIso(monthStartIso(today, r.ahead), -1) };
}

export function layoutTimeline(roadmap: Pick<Roadmap, 'themes' | 'milestones' | 'epics'>, opts: { today: string; range: RangeId }): TimelineLayout {
  const window = rangeWindow(opts.range, opts.today);
  const milestoneIds = new Set(roadmap.milestones.map((m) => m.id));
  const inWindow = (m: Milestone) => !window || (m.end >= window.from && m.start <= window.to);
  const visibleMilestones = [...roadmap.milestones].filter(inWindow).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : 1));
  const visibleIds = new Set(visibleMilestones.map((m) => m.id));

  const scheduledIn = (e: Epic) => (e.milestoneId && milestoneIds.has(e.milestoneId) ? e.milestoneId : UNSCHEDULED);
  const hasUnscheduled = roadmap.epics.some((e) => scheduledIn(e) === UNSCHEDULED);

  const columns: TimelineColumn[] = visibleMilestones.map((m) => ({
    id: m.id,
    milestone: m,
    current: m.start <= opts.today && opts.today <= m.end,
    past: m.end < opts.today,
  }));
  if (hasUnscheduled || opts.range === 'all') columns.push({ id: UNSCHEDULED, milestone: null, current: false, past: false });

  let hidden = 0;
  const lanes: TimelineLane[] = roadmap.themes.map((theme) => {
    const epics = roadmap.epics.filter((e) => e.themeId === theme.id);
    const cells = columns.map((c) => ({
      columnId: c.id,
      epics: epics.filter((e) => scheduledIn(e) === c.id).sort(compareEpics),
    }));
    const visible = cells.reduce((s, c) => s + c.epics.length, 0);
    hidden += epics.filter((e) => scheduledIn(e) !== UNSCHEDULED && !visibleIds.has(scheduledIn(e))).length;
    return { theme, cells, visible };
  });
  return { columns, lanes, hidden, window };
}

/** Total planned effort per milestone column (engineering + design person-weeks of its epics). */
export function effortByColumn(layout: TimelineLayout): Record<string, { engineering: number; design: number }> {
  const out: Record<string, { engineering: number; design: number }> = {};
  for (const c of layout.columns) out[c.id] = { engineering: 0, design: 0 };
  for (const lane of layout.lanes)
    for (const cell of lane.cells)
      for (const e of cell.epics) {
        if (e.status === 'cancelled') continue;
        out[cell.columnId].engineering += e.estimate?.effortWeeks.engineering ?? 0;
        out[cell.columnId].design += e.estimate?.effortWeeks.design ?? 0;
      }
  return out;
}
