/** A list of audit entries, newest first: who, when, what (field by field), why, and the request id. */
import { Link } from '@tanstack/react-router';
import type { AuditEntry } from '../../../shared/audit';
import { actionWords, changeWords, countWords } from '../lib/audit-words';
import { formatDateTime } from '../lib/format';
import { Badge } from './Badge';
import './audit.css';

const KIND_LABEL = { person: 'person', session: 'session', key: 'key' } as const;

export function AuditEntryList({ entries, showEpic = true }: { entries: AuditEntry[]; showEpic?: boolean }) {
  return (
    <ol className="audit-list" aria-label="Changes, newest first">
      {entries.map((e) => (
        <li key={e.id} className="audit-entry" data-action={e.action}>
          <div className="audit-entry__head">
            <time dateTime={e.at} className="muted small">
              {formatDateTime(e.at)}
            </time>{' '}
            <strong>{e.actor.name}</strong>{' '}
            <Badge tone="neutral" title={`credential ${e.actor.id}`}>
              {KIND_LABEL[e.actor.kind]}
            </Badge>{' '}
            <span>{actionWords(e)}</span>
            {showEpic && e.target.epicId && e.target.type !== 'epic' && (
              <>
                {' '}
                on <Link to="/epics/$id" params={{ id: e.target.epicId }}>{e.target.epicId}</Link>
              </>
            )}
            {showEpic && e.target.type === 'epic' && (
              <>
                {' '}
                <Link to="/epics/$id" params={{ id: e.target.id }} className="small">
                  open
                </Link>
              </>
            )}
          </div>
          {(e.summary || countWords(e)) && <div className="small">{[countWords(e), e.summary].filter(Boolean).join(' · ')}</div>}
          {e.changes.length > 0 && (
            <ul className="audit-entry__changes small">
              {e.changes.slice(0, 12).map((c, i) => (
                <li key={i}>{changeWords(c)}</li>
              ))}
              {e.changes.length > 12 && <li className="muted">…and {e.changes.length - 12} more</li>}
            </ul>
          )}
          {e.reason && (
            <div className="small">
              <span className="muted">Reason: </span>
              {e.reason}
            </div>
          )}
          <div className="muted small">request {e.requestId}</div>
        </li>
      ))}
    </ol>
  );
}
