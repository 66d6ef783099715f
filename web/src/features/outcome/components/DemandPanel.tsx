/**
 * Customer demand on an epic's page: who asked (accounts, requesters, ARR), by source and month,
 * the newest quotes, and once shipped whether the askers adopted compared with everyone else.
 */
import type { Demand } from '../../../../../shared/asks';
import { formatMoney } from '../../../../../shared/demand';
import { Link } from '@tanstack/react-router';
import { CiRange } from '../../../components/CiRange';
import { Panel, StatCard } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { formatDate, formatInt, formatMonth, formatPercent, formatPp } from '../../../lib/format';
import { useDemand } from '../api/get-demand';

export function DemandPanel({ epicId, asOf }: { epicId: string; asOf: string | null }) {
  const demand = useDemand(epicId, asOf);
  return (
    <Panel
      title="Customer demand"
      subtitle="Asks from Support, Sales and customers linked to this epic; an account counts once however many asks it files"
      actions={
        <Link to="/asks" search={{ status: 'all', epic: epicId }} className="button button--ghost button--small">
          All asks →
        </Link>
      }
      id="demand"
    >
      <QueryView query={demand} loading={<Loading rows={1} variant="cards" label="Loading demand" />}>
        {(d) => (d.asks === 0 ? <EmptyState title="Nobody has asked for this yet" icon="✉">Link asks from the inbox, or import them from your help desk or CRM.</EmptyState> : <DemandBody d={d} />)}
      </QueryView>
    </Panel>
  );
}

function DemandBody({ d }: { d: Demand }) {
  const maxMonth = Math.max(1, ...d.byMonth.map((m) => m.asks));
  return (
    <div className="stack">
      <div className="stats">
        <StatCard label="Asks" value={formatInt(d.asks)} />
        <StatCard label="Accounts" value={formatInt(d.accounts)} detail={d.arr > 0 ? `${formatMoney(d.arr)} ARR` : undefined} />
        <StatCard label="Requesters" value={formatInt(d.requesters)} detail="product users who asked" />
      </div>
      {d.afterShip && <AfterShipView a={d.afterShip} />}
      <div className="grid-2">
        <section aria-label="Asks by source">
          <h3 className="small">By source</h3>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col" className="num">
                  Asks
                </th>
                <th scope="col" className="num">
                  Accounts
                </th>
              </tr>
            </thead>
            <tbody>
              {d.bySource.map((s) => (
                <tr key={s.source}>
                  <td>{s.source}</td>
                  <td className="num">{s.asks}</td>
                  <td className="num">{s.accounts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <figure className="chart" aria-label="Asks per month">
          <figcaption className="chart__title">Asks per month</figcaption>
          <ol className="month-bars">
            {d.byMonth.map((m) => (
              <li key={m.month}>
                <span className="month-bars__label">{formatMonth(`${m.month}-01`)}</span>
                <span className="bar-track" aria-hidden="true">
                  <span className="bar-track__fill" style={{ width: `${(m.asks / maxMonth) * 100}%` }} />
                </span>
                <span className="num">{m.asks}</span>
              </li>
            ))}
          </ol>
        </figure>
      </div>
      <section aria-label="Newest asks">
        <h3 className="small">Newest asks</h3>
        <ul className="quotes">
          {d.quotes.map((q) => (
            <li key={q.askId}>
              <blockquote>
                <p>
                  <strong>{q.title}</strong>
                  {q.text ? ` — ${q.text}` : ''}
                </p>
                <footer className="small muted">
                  {q.source}
                  {q.account ? ` · ${q.account}` : ''} · {formatDate(q.askedAt)}
                  {q.url && (
                    <>
                      {' · '}
                      <a href={q.url} target="_blank" rel="noopener noreferrer">
                        original ↗
                      </a>
                    </>
                  )}
                </footer>
              </blockquote>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function AfterShipView({ a }: { a: NonNullable<Demand['afterShip']> }) {
  return (
    <section className="after-ship" aria-label="Did the askers adopt?">
      <h3>Did the askers adopt?</h3>
      <p>{a.summary}</p>
      {a.requesters.active > 0 && (
        <div className="figure-row">
          <div className="figure">
            <span className="figure-label">Requesters</span>
            <span className="figure-value">{formatPercent(a.requesters.rate)}</span>
            <span className="small muted">
              {a.requesters.adopters} of {a.requesters.active}
            </span>
          </div>
          <div className="figure">
            <span className="figure-label">Other active users</span>
            <span className="figure-value">{formatPercent(a.others.rate)}</span>
            <span className="small muted">
              {formatInt(a.others.adopters)} of {formatInt(a.others.active)}
            </span>
          </div>
          <div className="figure">
            <span className="figure-label">Difference, 95% CI</span>
            <span className="figure-value">{formatPp(a.diff)}</span>
            <span className="small muted">{a.ci95 ? `${formatPp(a.ci95[0])} to ${formatPp(a.ci95[1])}` : '—'}</span>
            <CiRange point={a.diff} ci={a.ci95} config={{ reference: 0, width: 140 }} />
          </div>
        </div>
      )}
      {!a.sufficient && a.requesters.active > 0 && <p className="notice notice--warn">Too few requesters were active to compare with confidence.</p>}
      {a.accounts.length > 0 && (
        <details>
          <summary>
            Asking accounts: {a.accountsWithAdopter} of {a.accountsKnown} with known members adopted — tell them it shipped
          </summary>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" className="num">
                  Members seen
                </th>
                <th scope="col" className="num">
                  Adopters
                </th>
              </tr>
            </thead>
            <tbody>
              {a.accounts.map((x) => (
                <tr key={x.id}>
                  <td>{x.name ?? x.id}</td>
                  <td className="num">{x.members || '—'}</td>
                  <td className="num">{x.members ? x.adopters : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
