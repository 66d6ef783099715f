/** Capacity form ↔ plan request, and the proposal arranged per milestone. Pure. */
import type { PlanProposal } from '../../../../../shared/planner';
import type { Milestone, Roadmap } from '../../../../../shared/roadmap';
import type { PlanInput } from '../api/create-plan';

/** Person-weeks of one kind in a planned milestone: committed (in progress), used (committed + placed), capacity. */
export type Usage = PlanProposal['totals'][number]['engineering'];

export interface CapacityRow {
  milestoneId: string;
  name: string;
  start: string;
  end: string;
  include: boolean;
  engineering: string;
  design: string;
  /** effort of the epics already scheduled there (person-weeks) */
  scheduled: { engineering: number; design: number };
}

/** Milestones not yet over, in time order, each with a default capacity and what is already scheduled. */
export function capacityRows(roadmap: Pick<Roadmap, 'milestones' | 'epics'>, today: string, defaults = { engineering: 12, design: 4 }): CapacityRow[] {
  return [...roadmap.milestones]
    .filter((m) => m.end >= today)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((m: Milestone) => {
      const scheduled = { engineering: 0, design: 0 };
      for (const e of roadmap.epics) {
        if (e.milestoneId !== m.id || e.status === 'cancelled' || e.status === 'shipped') continue;
        scheduled.engineering += e.estimate?.effortWeeks.engineering ?? 0;
        scheduled.design += e.estimate?.effortWeeks.design ?? 0;
      }
      // default: the team's usual month, or enough for what is already scheduled there
      const engineering = Math.max(defaults.engineering, Math.ceil(scheduled.engineering));
      const design = Math.max(defaults.design, Math.ceil(scheduled.design));
      return { milestoneId: m.id, name: m.name, start: m.start, end: m.end, include: true, engineering: String(engineering), design: String(design), scheduled };
    });
}

/** The request for the included rows; problems when a number is missing or negative. */
export function planRequest(rows: CapacityRow[], opts: { asOf?: string; horizonMonths?: number; demandWeight?: number } = {}): { request: PlanInput; problems: string[] } {
  const problems: string[] = [];
  const capacity = rows
    .filter((r) => r.include)
    .map((r) => {
      const engineering = Number(r.engineering.trim().replace(',', '.'));
      const design = r.design.trim() === '' ? 0 : Number(r.design.trim().replace(',', '.'));
      if (r.engineering.trim() === '' || !Number.isFinite(engineering) || engineering < 0) problems.push(`${r.name}: engineering weeks must be a number ≥ 0`);
      if (!Number.isFinite(design) || design < 0) problems.push(`${r.name}: design weeks must be a number ≥ 0`);
      return { milestoneId: r.milestoneId, engineering, design };
    });
  if (capacity.length === 0) problems.push('Include at least one milestone.');
  return {
    request: {
      capacity,
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      ...(opts.horizonMonths ? { horizonMonths: opts.horizonMonths } : {}),
      ...(opts.demandWeight !== undefined ? { demandWeight: opts.demandWeight } : {}),
    },
    problems,
  };
}

/** Placements and committed epics per planned milestone, in time order, with the capacity they use. */
export function byMilestone(p: PlanProposal) {
  return p.totals.map((t) => ({
    milestoneId: t.milestoneId,
    totals: t,
    committed: p.committed.filter((c) => c.milestoneId === t.milestoneId),
    placements: p.placements.filter((x) => x.milestoneId === t.milestoneId).sort((a, b) => b.score - a.score),
  }));
}

/** Share of a capacity used, for a bar: committed part and newly placed part (0–1 each, clipped). */
export function usageShares(u: Usage) {
  if (u.capacity <= 0) return { committed: 0, placed: 0, over: u.used > 0 };
  const committed = Math.min(1, u.committed / u.capacity);
  const placed = Math.min(1 - committed, Math.max(0, (u.used - u.committed) / u.capacity));
  return { committed, placed, over: u.used > u.capacity + 1e-9 };
}
