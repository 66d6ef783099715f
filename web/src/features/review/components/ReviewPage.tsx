/**
 * The monthly review: one page for leadership, readable in two minutes and printable (print
 * styles in review.css: no navigation, page breaks between sections, the chart as SVG).
 * Markdown export from the same JSON with the same shared renderer the API uses.
 */
import { describeDemand } from '../../../../../shared/demand';
import { useId, useState, type ReactNode } from 'react';
import type { MonthlyReview, ReviewEpic } from '../../../../../shared/monthly-review';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Badge, VerdictBadge } from '../../../components/Badge';
import { PageHeader, Panel, StatCard } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { formatDate, formatNumber } from '../../../lib/format';
import { useReview } from '../api/get-review';
import { copyMarkdown, downloadMarkdown } from '../lib/export';
import { AdoptionChart } from './AdoptionChart';
import './review.css';

/** A link of the review (absolute, for messages) as a link inside this dashboard. */
function ReviewLink({ link, children }: { link: string; children: ReactNode }) {
  const u = new URL(link, window.location.origin);
  return (
    <Link to={u.pathname as '/impact'} search={Object.fromEntries(u.searchParams) as never} hash={u.hash.slice(1) || undefined}>
      {children}
    </Link>
  );
}

const DECISION_LABEL: Record<string, string> = { double_down: 'Double down', iterate: 'Iterate', keep: 'Keep', sunset: 'Sunset' };
const KIND_LABEL: Record<string, string> = { added: 'Added', removed: 'Removed', moved: 'Moved', status: 'Status', targets: 'Targets', estimate: 'Estimate', renamed: 'Renamed' };

function Confidence({ e }: { e: ReviewEpic }) {
  if (e.confident === null) return null;
  return <span className="review-confidence">{e.confident ? 'confident' : 'not conclusive'}</span>;
}

function EpicTable({ epics, caption }: { epics: ReviewEpic[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table review-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Epic</th>
            <th scope="col">Theme</th>
            <th scope="col">Shipped</th>
            <th scope="col">Verdict</th>
            <th scope="col">Targets</th>
          </tr>
        </thead>
        <tbody>
          {epics.map((e) => (
            <tr key={e.epicId}>
              <td>
                <ReviewLink link={e.link}>{e.title}</ReviewLink>
              </td>
              <td>{e.themeName}</td>
              <td>{formatDate(e.shippedAt)}</td>
              <td>
                <VerdictBadge verdict={e.verdict} /> <Confidence e={e} />
                {e.verdict === 'too_early' && <div className="muted small">window closes {formatDate(e.windowCloses)}</div>}
              </td>
              <td>
                <ul className="review-targets">
                  {e.targets.map((t) => (
                    <li key={t.metric}>
                      {t.text}
                      {(t.status === 'met' || t.status === 'missed') && !t.confident ? ' · not conclusive' : ''}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewBody({ r }: { r: MonthlyReview }) {
  const met = r.verdicts.filter((v) => v.verdict === 'met').length;
  const missed = r.verdicts.filter((v) => v.verdict === 'missed').length;
  const moved = r.themes.filter((t) => t.moved);
  return (
    <div className="review stack">
      <p className="review-headline">{r.headline}.</p>
      <section className="stats" aria-label="The month in figures">
        <StatCard label="Shipped" value={formatNumber(r.shipped.length)} detail={r.shipped.map((e) => e.title).join(', ') || 'nothing this month'} />
        <StatCard label="Verdicts ready" value={formatNumber(r.verdicts.length)} detail={`${met} met · ${missed} missed`} tone={missed > met ? 'bad' : met > 0 ? 'good' : undefined} />
        <StatCard label="Decisions" value={formatNumber(r.decisions.length)} detail="recorded on shipped epics" />
        <StatCard label="Planned next" value={`${formatNumber(r.next.engineeringWeeks)} + ${formatNumber(r.next.designWeeks)} wk`} detail={r.next.summary} />
      </section>

      <Panel title="Verdicts ready this month" subtitle="Epics whose measurement window closed: met or missed against the targets set when they were planned" id="review-verdicts" className="review-section">
        {r.verdicts.length === 0 ? (
          <EmptyState title="No measurement window closed this month" icon="◷" />
        ) : (
          <>
            <AdoptionChart epics={r.verdicts} title="Adoption vs target, verdicts ready this month" />
            <EpicTable epics={r.verdicts} caption="Verdicts ready this month" />
          </>
        )}
      </Panel>

      <Panel title="What shipped" subtitle={`Verdicts as of ${formatDate(r.asOf)}`} id="review-shipped" className="review-section">
        {r.shipped.length === 0 ? <EmptyState title="Nothing shipped this month" icon="◌" /> : <EpicTable epics={r.shipped} caption="What shipped" />}
      </Panel>

      <Panel title="Themes that moved the product" id="review-themes" className="review-section">
        {r.themes.length === 0 ? (
          <EmptyState title="No theme has a shipped epic yet" icon="◎" />
        ) : (
          <ul className="review-list">
            {r.themes.map((t) => (
              <li key={t.id}>
                <strong>{t.name}</strong> {t.moved ? <Badge tone="good" icon="▲">moved the product</Badge> : <Badge tone="muted">no measured move yet</Badge>}
                <div className="muted">{t.summary}</div>
              </li>
            ))}
          </ul>
        )}
        {moved.length > 0 && <p className="muted small">Moved: at least one of its epics met every target set when it was planned. KPI and satisfaction figures are context: an epic without a KPI target is measured against every known KPI.</p>}
      </Panel>

      <Panel title="Decisions taken" id="review-decisions" className="review-section">
        {r.decisions.length === 0 ? (
          <EmptyState title="No decision recorded this month" icon="✎" />
        ) : (
          <ul className="review-list">
            {r.decisions.map((d) => (
              <li key={`${d.epicId}-${d.at}`}>
                <span className="muted">{formatDate(d.at)}</span> <ReviewLink link={d.link}>{d.title}</ReviewLink>: <strong>{DECISION_LABEL[d.decision] ?? d.decision}</strong>
                {d.note && <div>{d.note}</div>}
                <div className="muted small">{d.author}</div>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel
        title="What changed since the previous iteration, and why"
        subtitle={r.changes.from ? `${r.changes.from.name} → ${r.changes.to?.name ?? ''}${r.changes.live ? ' (today’s roadmap)' : ''}` : undefined}
        id="review-changes"
        className="review-section"
      >
        {!r.changes.from ? (
          <EmptyState title="No earlier iteration to compare with" icon="⇄" />
        ) : r.changes.items.length === 0 ? (
          <EmptyState title="No roadmap change" icon="⇄" />
        ) : (
          <ul className="review-list">
            {r.changes.items.map((c, i) => (
              <li key={`${c.epicId}-${c.kind}-${i}`}>
                <Badge tone="neutral">{KIND_LABEL[c.kind] ?? c.kind}</Badge> <ReviewLink link={c.link}>{c.title}</ReviewLink>: {c.detail}
                {c.evidence && <div className="review-why">Why: {c.evidence}</div>}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Planned next" subtitle={r.next.summary} id="review-next" className="review-section">
        {r.next.epics.length === 0 ? (
          <EmptyState title="Nothing planned in the next milestone" icon="▦" />
        ) : (
          <div className="table-wrap">
            <table className="table review-table">
              <caption className="visually-hidden">Planned next</caption>
              <thead>
                <tr>
                  <th scope="col">Epic</th>
                  <th scope="col">Theme</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Engineering weeks
                  </th>
                  <th scope="col" className="num">
                    Design weeks
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.next.epics.map((e) => (
                  <tr key={e.epicId}>
                    <td>
                      <ReviewLink link={e.link}>{e.title}</ReviewLink>
                      {e.followUpOf && <div className="muted small">follow-up of {e.followUpOf}</div>}
                      {e.demand && <div className="muted small">✉ {describeDemand(e.demand)}</div>}
                    </td>
                    <td>{e.themeName}</td>
                    <td>{e.status.replace('_', ' ')}</td>
                    <td className="num">{formatNumber(e.engineeringWeeks)}</td>
                    <td className="num">{formatNumber(e.designWeeks)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    Capacity used
                  </th>
                  <td className="num">{formatNumber(r.next.engineeringWeeks)}</td>
                  <td className="num">{formatNumber(r.next.designWeeks)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </Panel>
      <p className="muted small review-footer">
        Sextant monthly review · as of {formatDate(r.asOf)}
        {r.partial ? ' (month in progress)' : ''} · adoption figures are exact distinct counts ·{' '}
        <a href={r.link}>{r.link}</a>
      </p>
    </div>
  );
}

const route = getRouteApi('/review');

export default function ReviewPage() {
  const month = route.useSearch({ select: (s) => s.month ?? null });
  const navigate = route.useNavigate();
  const setMonth = (next: string | null) => void navigate({ search: (s) => ({ ...s, month: next || undefined }), replace: true });
  const review = useReview(month);
  const fieldId = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const r = review.data;
  return (
    <div className="page review-page">
      <PageHeader
        eyebrow="Monthly review"
        title={r ? r.title : 'Monthly review'}
        subtitle={r ? `What shipped, what it did, and what changes next · as of ${formatDate(r.asOf)}${r.partial ? ' (month in progress)' : ''}` : undefined}
        actions={
          <div className="review-actions no-print">
            <div className="field field--inline">
              <label htmlFor={fieldId}>Month</label>
              <input id={fieldId} type="month" value={month ?? r?.month ?? ''} onChange={(e) => setMonth(e.target.value || null)} />
            </div>
            <button type="button" className="button" onClick={() => window.print()} disabled={!r}>
              Print / PDF
            </button>
            <button type="button" className="button button--ghost" onClick={() => r && downloadMarkdown(r)} disabled={!r}>
              Markdown
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => r && void copyMarkdown(r).then((ok) => setCopied(ok ? 'Copied' : 'Copy failed'))}
              disabled={!r}
            >
              {copied ?? 'Copy Markdown'}
            </button>
          </div>
        }
      />
      <QueryView query={review} loading={<Loading rows={4} />}>
        {(data) => <ReviewBody r={data} />}
      </QueryView>
    </div>
  );
}
