/** Audit entries in words a person reads: "changed the targets of Outfit sharing: adoption ≥ 10% → ≥ 3%". Pure. */
import type { AuditChange, AuditEntry } from '../../../shared/audit';
import { describeCounts } from '../../../shared/audit-words';

const ACTION_WORDS: Record<string, string> = {
  'roadmap.import': 'imported the roadmap',
  'mission.update': 'changed the mission',
  'epic.create': 'created epic',
  'epic.update': 'changed epic',
  'epic.delete': 'deleted epic',
  'epic.ship': 'shipped epic',
  'theme.create': 'created theme',
  'theme.update': 'changed theme',
  'theme.delete': 'deleted theme',
  'milestone.create': 'created milestone',
  'milestone.update': 'changed milestone',
  'milestone.delete': 'deleted milestone',
  'story.create': 'added story',
  'story.update': 'changed story',
  'story.delete': 'deleted story',
  'review.create': 'recorded a decision',
  'iteration.create': 'took iteration snapshot',
  'plan.accept': 'accepted the plan',
  'ask.create': 'recorded an ask',
  'ask.update': 'updated an ask',
  'ask.triage': 'triaged an ask',
  'ask.delete': 'deleted an ask',
  'ask.import': 'imported asks',
  'ask.ingest': 'received asks',
  'key.create': 'created a key',
  'key.revoke': 'revoked a key',
  'person.invite': 'gave a person access',
  'person.update': 'changed a person’s role',
  'person.remove': 'removed a person’s access',
  'session.start': 'signed in',
  'session.end': 'signed out',
  'sign_in_code.create': 'made a sign-in link',
  'subscription.create': 'subscribed a digest',
  'subscription.delete': 'removed a digest subscription',
  'digest.send': 'sent a digest',
  'rollups.run': 'recomputed the rollups',
};

/** What an entry did, as a phrase: "changed epic outfit-sharing". */
export function actionWords(e: Pick<AuditEntry, 'action' | 'target'>): string {
  const words = ACTION_WORDS[e.action] ?? e.action.replace(/[._]/g, ' ');
  // a review names its epic as a link beside the words (EntryList)
  const named = ['epic', 'theme', 'milestone', 'story', 'iteration'].includes(e.target.type);
  return named ? `${words} ${e.target.id}` : words;
}

const FIELD_WORDS: Record<string, string> = { shippedAt: 'ship date', milestoneId: 'milestone', themeId: 'theme', followUpOf: 'follows up', epicIds: 'linked epics', declinedReason: 'declined because' };

function short(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((t) => t && typeof t === 'object' && 'metric' in t)) {
    return v.length ? v.map((t: { metric: string; op: string; value: number }) => `${t.metric === 'adoption_rate' ? 'adoption' : t.metric} ${t.op === '>=' ? '≥' : '≤'} ${t.metric === 'adoption_rate' ? `${Number((t.value * 100).toFixed(2))}%` : t.value}`).join(', ') : 'none';
  }
  if (Array.isArray(v)) return v.length ? v.map(short).join(', ') : 'none';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** One change: "targets: adoption ≥ 10% → adoption ≥ 3%". */
export function changeWords(c: AuditChange): string {
  const field = FIELD_WORDS[c.field] ?? c.field;
  const prefix = c.epicId ? `${c.epicId} · ` : '';
  if (c.from === null) return `${prefix}${field}: ${short(c.to)}`;
  if (c.to === null) return `${prefix}${field}: ${short(c.from)} → —`;
  return `${prefix}${field}: ${short(c.from)} → ${short(c.to)}`;
}

/** The counts of a bulk entry, e.g. "3 epics changed, 1 theme added". */
export function countWords(e: AuditEntry): string | null {
  return e.counts ? describeCounts(e.counts) : null;
}
