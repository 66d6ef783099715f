/** Headline figures: shipped epics, share meeting targets, product-wide adoption and satisfaction trends. */
import type { Impact } from '../../../../../shared/impact';
import { StatCard } from '../../../components/Layout';
import { Sparkline } from '../../../components/Sparkline';
import { formatDecimal, formatInt, formatPercent, formatSigned, formatSignedPercent, todayIso } from '../../../lib/format';
import { activeUsersTrend, csatTrend, type Trend } from '../lib/impact-view';

function Delta({ trend, kind, what }: { trend: Trend; kind: 'relative' | 'absolute'; what: string }) {
  const v = kind === 'relative' ? trend.relativeChange : trend.change;
  if (v === null) return <span className="muted">no earlier period to compare</span>;
  const dir = Math.abs(v) < 0.005 ? 'flat' : v > 0 ? 'up' : 'down';
  const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '▬';
  const text = kind === 'relative' ? formatSignedPercent(v) : formatSigned(v);
  return (
    <span className={`delta--${dir}`}>
      <span aria-hidden="true">{arrow} </span>
      {text} <span className="muted">{what}</span>
    </span>
  );
}

export function Headline({ impact }: { impact: Impact }) {
  const h = impact.headline;
  const active = activeUsersTrend(h, impact.asOf, todayIso());
  const csat = csatTrend(h);
  const share = h.shareMeetingTargets;
  return (
    <section aria-label="Headline figures" className="stats">
      <StatCard
        label="Shipped epics"
        value={formatInt(h.shippedEpics)}
        detail={
          <>
            {h.evaluatedEpics} evaluated · {h.tooEarlyEpics} too early to tell
            {h.insufficientDataEpics ? ` · ${h.insufficientDataEpics} without enough data` : ''}
          </>
        }
        trend={
          h.awaitingDecision > 0 ? (
            <span>
              <strong>{h.awaitingDecision}</strong> awaiting a PM decision
            </span>
          ) : (
            <span>Every evaluated epic has a decision</span>
          )
        }
      />
      <StatCard
        label="Epics meeting all targets"
        tone={share === null ? undefined : share >= 0.5 ? 'good' : 'bad'}
        value={share === null ? '—' : formatPercent(share, 0)}
        detail={share === null ? 'No epic has a closed window yet' : `${h.metEpics} of ${h.evaluatedEpics} evaluated epics · ${h.missedEpics} missed`}
        trend={
          <span>
            {h.targetsMet} targets met, {h.targetsMissed} missed
          </span>
        }
      />
      <StatCard
        label="Daily active users"
        value={
          <>
            {formatInt(active.current)}
            <small>avg / day</small>
          </>
        }
        detail="Product-wide, last 28 complete days"
        trend={
          <>
            <Sparkline values={active.series.slice(-90).map((p) => p.avg7 ?? p.activeUsers)} label="Daily active users, last 90 days (7-day average)" width={90} height={28} />
            <Delta trend={active} kind="relative" what="vs prior 28 days" />
          </>
        }
      />
      <StatCard
        label="Product satisfaction (CSAT)"
        value={
          <>
            {formatDecimal(csat.current)}
            <small>/ 5</small>
          </>
        }
        detail={`Last 4 weeks, ${formatInt(csat.n)} responses`}
        trend={
          <>
            <Sparkline values={h.productCsatTrend.slice(-16).map((p) => p.mean)} label="Weekly product CSAT, last 16 weeks" width={90} height={28} />
            <Delta trend={csat} kind="absolute" what="vs prior 4 weeks" />
          </>
        }
      />
    </section>
  );
}
