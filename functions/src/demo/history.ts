/**
 * Fabrikam's roadmap history: the last three monthly iterations, as they would have been taken
 * on the first of each month (outcomes as of the day before), and the PM decisions between
 * them. Derived from today's roadmap by playing the month-by-month changes backwards:
 * - a follow-up of a miss added (referral rewards after outfit sharing missed) and follow-ups of
 *   a hit (the occasion planner added, the capsule wardrobe pulled forward, after virtual try-on met);
 * - an epic cancelled (the in-store AR mirror, once online try-on had met its targets);
 * - targets changed before ship (size advisor raised after try-on's adoption; referral rewards
 *   lowered after sharing reached 3%).
 * Each change is explained in the iteration diff by the outcome it follows up and its decision.
 * Seeded once with the demo, under deterministic ids: a restart or a second run writes nothing new.
 */
import { summarizeOutcome, type Iteration } from '../../../shared/iteration';
import { addDays, dayNumber } from '../../../shared/primitives';
import type { Review } from '../../../shared/review';
import type { Epic, Roadmap, Target } from '../../../shared/roadmap';
import { allOutcomes, epicOutcome } from '../analytics/outcomes';
import type { Services } from '../services';
import { monthStart } from './fabrikam';

/** A PM decision of the demo's past: on `epicId`, `daysAfterWindow` days after its window closed. */
interface DemoDecision {
  epicId: string;
  decision: Review['decision'];
  note: string;
  author: string;
  daysAfterWindow: number;
}

export const DEMO_DECISIONS: DemoDecision[] = [
  { epicId: 'virtual-try-on', decision: 'double_down', daysAfterWindow: 3, author: 'Priya (PM, AI styling)', note: 'Adoption well above target and try-on users convert better. Double down on AI styling: size advice next, the capsule planner sooner, then occasions.' },
  { epicId: 'style-quiz', decision: 'keep', daysAfterWindow: 4, author: 'Marco (PM, Acquire)', note: 'Met its adoption target; no further investment planned.' },
  { epicId: 'outfit-sharing', decision: 'iterate', daysAfterWindow: 2, author: 'Marco (PM, Acquire)', note: 'About 3% adoption against 10%: sharing alone does not pull. Follow up with a referral incentive.' },
  { epicId: 'ai-stylist-chat', decision: 'iterate', daysAfterWindow: 5, author: 'Priya (PM, AI styling)', note: 'Below target on adoption and CSAT: iterate on the chat itself (look quality, fewer dead ends).' },
  { epicId: 'one-tap-checkout', decision: 'double_down', daysAfterWindow: 3, author: 'Lena (PM, Checkout)', note: 'Conversion up; extend to wallets (Apple Pay and Google Pay).' },
  { epicId: 'wardrobe-sync', decision: 'keep', daysAfterWindow: 4, author: 'Sam (PM, Retention)', note: 'On target; keep as is.' },
  { epicId: 'size-advisor', decision: 'keep', daysAfterWindow: 2, author: 'Priya (PM, AI styling)', note: 'Shown on most product pages; watch returns.' },
];

/** Ids and dates of the three iterations: taken on the first of each of the last three months. */
export function demoIterationDates(today: string): { id: string; name: string; takenOn: string; asOf: string }[] {
  return [-2, -1, 0].map((offset) => {
    const takenOn = monthStart(today, offset);
    const name = new Date(`${takenOn}T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    return { id: `it-${takenOn.replace(/-/g, '')}t080000-demo`, name: `${name} iteration`, takenOn, asOf: addDays(takenOn, -1) };
  });
}

const withTarget = (targets: Target[], metric: string, value: number) => targets.map((t) => (t.metric === metric ? { ...t, value } : t));

/**
 * The roadmap as it stood on `asOf` (an iteration's day), from today's: epics not yet shipped
 * then are in progress (due within the month) or planned; the scripted changes played backwards.
 */
export function roadmapAsOf(current: Roadmap, asOf: string, today: string): Roadmap {
  const m = (o: number) => monthStart(today, o).slice(0, 7);
  // which iteration: 0 = two months ago (A), 1 = last month (B), 2 = this month (C)
  const stage = asOf < monthStart(today, -2) ? 0 : asOf < monthStart(today, -1) ? 1 : 2;
  const epics: Epic[] = [];
  for (const e of current.epics) {
    let epic: Epic = { ...e };
    if (epic.status === 'shipped' && epic.shippedAt && epic.shippedAt > asOf) {
      const { shippedAt: _s, ...rest } = epic;
      const soon = dayNumber(epic.shippedAt) - dayNumber(asOf) <= 31;
      epic = { ...rest, status: soon ? 'in_progress' : 'planned' };
    } else if (epic.status === 'in_progress' && stage < 2) {
      epic = { ...epic, status: 'planned' };
    }
    switch (e.id) {
      case 'referral-rewards': // added as follow-up of outfit sharing in B; target lowered in C
        if (stage === 0) continue;
        if (stage === 1) epic = { ...epic, status: 'planned', targets: withTarget(epic.targets, 'adoption_rate', 0.12) };
        break;
      case 'occasion-planner': // added as follow-up of virtual try-on in C
        if (stage < 2) continue;
        break;
      case 'capsule-wardrobe': // pulled forward from m+2 to m+1 in C, after try-on met
        if (stage < 2) epic = { ...epic, milestoneId: m(2) };
        break;
      case 'ar-mirror': // cancelled in C
        if (stage < 2) epic = { ...epic, status: 'planned' };
        break;
      case 'outfit-sharing': // adoption target lowered after ship, with a reason, in C (functions/src/demo/audit.ts)
        if (stage < 2 && epic.plannedTargets) {
          const { targetAmendments: _a, ...rest } = epic;
          epic = { ...rest, targets: epic.plannedTargets };
        }
        break;
      case 'size-advisor': // adoption target raised before ship, in B
        if (stage === 0) epic = { ...epic, targets: withTarget(epic.targets, 'adoption_rate', 0.25) };
        break;
    }
    epics.push(epic);
  }
  const ids = new Set(epics.map((e) => e.id));
  const byId = new Map(epics.map((e) => [e.id, e]));
  const stories = current.stories
    .filter((s) => ids.has(s.epicId))
    .map((s) => {
      const status = byId.get(s.epicId)!.status;
      if (status === 'shipped') return s;
      return { ...s, status: status === 'in_progress' && s.id.endsWith('-1') ? ('in_progress' as const) : ('todo' as const) };
    });
  return { ...current, epics, stories };
}

/** Seed the demo's decisions and three iterations (idempotent: deterministic ids, written once). */
export async function seedDemoHistory(s: Services, today: string): Promise<{ iterations: number; decisions: number }> {
  const doc = await s.roadmaps.get();
  if (!doc) return { iterations: 0, decisions: 0 };
  const current = doc.roadmap;
  const yesterday = addDays(today, -1);

  // decisions: once per epic (a restart finds them and adds none)
  let decisions = 0;
  for (const d of DEMO_DECISIONS) {
    const epic = current.epics.find((e) => e.id === d.epicId);
    if (!epic?.shippedAt) continue;
    const on = addDays(epic.shippedAt, 27 + d.daysAfterWindow);
    if (on > yesterday) continue;
    if ((await s.reviews.list(d.epicId)).some((r) => r.author === d.author && r.decision === d.decision)) continue;
    const outcome = (await epicOutcome(s, d.epicId, on)) ;
    await s.reviews.add({
      epicId: d.epicId,
      decision: d.decision,
      note: d.note,
      author: d.author,
      createdAt: `${on}T14:00:00.000Z`,
      ...(outcome ? { verdict: outcome.verdict, adoptionRate: outcome.adoption.rate } : {}),
    });
    decisions++;
  }

  const allReviews = (await Promise.all(current.epics.map((e) => s.reviews.list(e.id)))).flat();
  let iterations = 0;
  for (const it of demoIterationDates(today)) {
    if (it.takenOn > today || (await s.iterations.get(it.id))) continue;
    const roadmap = roadmapAsOf(current, it.asOf, today);
    const shipped = new Set(roadmap.epics.filter((e) => e.status === 'shipped').map((e) => e.id));
    const { outcomes } = await allOutcomes(s, it.asOf);
    const asOfEnd = `${it.asOf}T23:59:59.999Z`;
    const latest = (epicId: string) => allReviews.filter((r) => r.epicId === epicId && r.createdAt <= asOfEnd).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    const iteration: Iteration = {
      id: it.id,
      name: it.name,
      asOf: it.asOf,
      createdAt: `${it.takenOn}T08:00:00.000Z`,
      author: 'demo history',
      roadmap,
      outcomes: outcomes.filter((o) => shipped.has(o.epicId)).map((o) => summarizeOutcome(o, latest(o.epicId))),
    };
    try {
      await s.iterations.create(iteration);
      iterations++;
    } catch (e) {
      // a concurrent or earlier run wrote it first: immutable, nothing to do
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
  return { iterations, decisions };
}
