/**
 * Fabrikam's audit trail: what the people of the demo did over the last months (the demo is
 * seeded through the stores, not the API, so its past changes are written here as the API
 * would have recorded them), and one target amended after ship with its reason, so the
 * amendment shows beside the verdict on the epic page, the impact and the iteration diff.
 * Deterministic ids: a second run writes nothing new.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { TargetAmendment } from '../../../shared/amendments';
import type { AuditEntry } from '../../../shared/audit';
import { addDays } from '../../../shared/primitives';
import type { Roadmap } from '../../../shared/roadmap';
import type { Services } from '../services';
import { AuditStore } from '../store/audit-store';
import { monthStart } from './fabrikam';
import { DEMO_DECISIONS, demoIterationDates } from './history';

/** The demo's people, by the name their reviews carry. */
const PEOPLE: Record<string, string> = { Priya: 'priya@fabrikam.example', Marco: 'marco@fabrikam.example', Lena: 'lena@fabrikam.example', Sam: 'sam@fabrikam.example' };
const THEME_OWNER: Record<string, string> = { 'ai-styling': 'Priya', acquire: 'Marco', checkout: 'Lena', retention: 'Sam' };
const emailOf = (author: string) => PEOPLE[author.split(' ')[0]] ?? 'ana@fabrikam.example';

/** The amended target: outfit sharing's adoption, lowered after its window closed at about 3%. */
export const DEMO_AMENDMENT = {
  epicId: 'outfit-sharing',
  by: PEOPLE.Marco,
  reason: 'sharing turned out to be a retention habit, not an acquisition channel: 3% of weekly actives sharing is in line with comparable apps; the 10% was set before we had a benchmark',
};

/** When the amendment was made: three days before this month began (between the last two iterations). */
const amendedAt = (today: string) => `${addDays(monthStart(today, 0), -3)}T16:20:00.000Z`;

/** The demo roadmap with the amendment applied (planned 10%, now 3%). */
export function withDemoAmendment(roadmap: Roadmap, today: string): Roadmap {
  return {
    ...roadmap,
    epics: roadmap.epics.map((e) => {
      if (e.id !== DEMO_AMENDMENT.epicId || e.status !== 'shipped') return e;
      const planned = e.targets;
      const target = planned.find((t) => t.metric === 'adoption_rate');
      if (!target) return e;
      const to = { ...target, value: 0.03 };
      const amendment: TargetAmendment = { at: amendedAt(today), by: DEMO_AMENDMENT.by, metric: 'adoption_rate', from: { op: target.op, value: target.value, windowDays: target.windowDays }, to: { op: to.op, value: to.value, windowDays: to.windowDays }, reason: DEMO_AMENDMENT.reason };
      return { ...e, plannedTargets: planned, targets: planned.map((t) => (t === target ? to : t)), targetAmendments: [amendment] };
    }),
  };
}

/** Write the demo's past entries (idempotent). */
export async function seedDemoAudit(s: Services, roadmap: Roadmap, today: string): Promise<number> {
  const store = new AuditStore(s.store);
  const entries: { entry: AuditEntry; epics: string[] }[] = [];
  let n = 0;
  const add = (at: string, who: string, action: string, target: AuditEntry['target'], extra: Partial<AuditEntry> = {}) => {
    const email = who.includes('@') ? who : emailOf(who);
    const entry: AuditEntry = { id: `aud_demo${String(n++).padStart(4, '0')}`, at, actor: { kind: 'person', id: `person:${email}`, name: email }, requestId: `demo-${String(n).padStart(4, '0')}`, action, target, changes: [], ...extra };
    entries.push({ entry, epics: target.epicId ? [target.epicId] : [] });
  };
  const start = addDays(monthStart(today, -3), 1);
  add(`${start}T09:00:00.000Z`, 'ana@fabrikam.example', 'roadmap.import', { type: 'roadmap', id: 'v1' }, { counts: { 'themes.added': roadmap.themes.length, 'milestones.added': roadmap.milestones.length, 'epics.added': roadmap.epics.length, 'stories.added': roadmap.stories.length }, summary: 'first import of the Fabrikam roadmap' });
  for (const e of roadmap.epics) {
    if (e.status !== 'shipped' || !e.shippedAt) continue;
    const owner = THEME_OWNER[e.themeId] ?? 'Priya';
    add(`${e.shippedAt}T09:30:00.000Z`, owner, 'epic.ship', { type: 'epic', id: e.id, epicId: e.id }, { changes: [{ field: 'status', from: 'in_progress', to: 'shipped' }, { field: 'shippedAt', from: null, to: e.shippedAt }] });
  }
  for (const d of DEMO_DECISIONS) {
    const epic = roadmap.epics.find((e) => e.id === d.epicId);
    if (!epic?.shippedAt) continue;
    const on = addDays(epic.shippedAt, 27 + d.daysAfterWindow);
    if (on >= today) continue;
    add(`${on}T14:00:00.000Z`, d.author, 'review.create', { type: 'review', id: `demo-${d.epicId}`, epicId: d.epicId }, { changes: [{ field: 'decision', from: null, to: d.decision }, { field: 'note', from: null, to: d.note }] });
  }
  for (const it of demoIterationDates(today)) {
    if (it.takenOn > today) continue;
    add(`${it.takenOn}T08:00:00.000Z`, 'ana@fabrikam.example', 'iteration.create', { type: 'iteration', id: it.id }, { changes: [{ field: 'iteration', from: null, to: { name: it.name, asOf: it.asOf } }] });
  }
  const amended = roadmap.epics.find((e) => e.id === DEMO_AMENDMENT.epicId)?.targetAmendments?.[0];
  if (amended) {
    add(amended.at, amended.by, 'epic.update', { type: 'epic', id: DEMO_AMENDMENT.epicId, epicId: DEMO_AMENDMENT.epicId }, { reason: amended.reason, changes: [{ field: 'targets', from: [{ metric: 'adoption_rate', ...amended.from }], to: [{ metric: 'adoption_rate', ...amended.to }] }] });
  }
  let written = 0;
  for (const { entry, epics } of entries.sort((a, b) => a.entry.at.localeCompare(b.entry.at))) {
    try {
      await store.append(entry, epics);
      written++;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
  return written;
}
