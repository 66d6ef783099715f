/** The PM review: record a decision and a note (editors), and the decision history. */
import { useId, useState, type FormEvent } from 'react';
import type { Decision } from '../../../../../shared/review';
import { DecisionBadge, VerdictBadge } from '../../../components/Badge';
import { EmptyState, FormError, Loading, QueryView } from '../../../components/States';
import { DECISIONS, DECISION_LIST, VERDICTS } from '../../../lib/domain';
import { formatDateTime, formatPercent } from '../../../lib/format';
import type { EpicVerdict } from '../../../../../shared/outcome-types';
import { useMutation } from '@tanstack/react-query';
import { createReview } from '../api/create-review';
import { useReviews } from '../api/get-reviews';

export function ReviewForm({ epicId, suggested }: { epicId: string; suggested?: Decision }) {
  const [decision, setDecision] = useState<Decision | ''>('');
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const noteId = useId();
  const name = useId();
  const save = useMutation({ mutationFn: () => createReview(epicId, { decision: decision as Decision, note }) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!decision) return;
    try {
      const r = await save.mutateAsync();
      setSaved(`Decision recorded: ${DECISIONS[r.decision].label}.`);
      setNote('');
      setDecision('');
    } catch {
      // shown below
    }
  };
  return (
    <form onSubmit={submit} aria-label="Record a decision">
      <fieldset>
        <legend className="label" style={{ marginBottom: 8 }}>
          Decision{suggested ? <span className="muted small"> · the outcome suggests “{DECISIONS[suggested].label}”</span> : null}
        </legend>
        <div className="decision-options">
          {DECISION_LIST.map((d) => (
            <label key={d} className="decision-option">
              <input type="radio" name={name} value={d} checked={decision === d} onChange={() => setDecision(d)} />
              <span className="decision-option__label">{DECISIONS[d].label}</span>
              <span className="decision-option__help">{DECISIONS[d].help}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={noteId}>Note</label>
        <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Why: what the numbers say, what we will do next" rows={3} maxLength={4000} />
      </div>
      <FormError error={save.error} />
      {saved && (
        <p className="notice notice--good" role="status">
          {saved}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={!decision || save.isPending}>
        {save.isPending ? 'Recording…' : 'Record decision'}
      </button>
    </form>
  );
}

export function ReviewHistory({ epicId }: { epicId: string }) {
  const query = useReviews(epicId);
  return (
    <QueryView query={query} loading={<Loading variant="table" rows={2} label="Loading decisions" />}>
      {(reviews) =>
        reviews.length === 0 ? (
          <EmptyState title="No decision recorded yet" icon="⚑">
            Decisions and their notes appear here, newest first.
          </EmptyState>
        ) : (
          <ol className="history" aria-label="Decision history">
            {reviews.map((r) => (
              <li key={r.id} className="history__item">
                <span className="history__dot" aria-hidden="true" />
                <div>
                  <div className="history__head">
                    <DecisionBadge decision={r.decision} />
                    <strong>{r.author}</strong>
                    <span className="muted small">{formatDateTime(r.createdAt)}</span>
                  </div>
                  {(r.verdict || r.adoptionRate !== undefined) && (
                    <div className="small muted" style={{ marginTop: 4, display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                      At the time:
                      {r.verdict && r.verdict in VERDICTS ? <VerdictBadge verdict={r.verdict as EpicVerdict} /> : r.verdict}
                      {r.adoptionRate !== undefined && r.adoptionRate !== null && <span>adoption {formatPercent(r.adoptionRate)}</span>}
                    </div>
                  )}
                  {r.note && <p className="history__note">{r.note}</p>}
                </div>
              </li>
            ))}
          </ol>
        )
      }
    </QueryView>
  );
}
