/** The outcome's charts: adoption curve vs target, satisfaction before/after, KPI lift, adopters vs non-adopters. */
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Outcome } from '../../../../../shared/outcome-types';
import { CiBarChart } from '../../../components/charts/CiBarChart';
import { ChartFrame, TooltipCard } from '../../../components/charts/ChartFrame';
import { TimeSeriesChart } from '../../../components/charts/TimeSeriesChart';
import { CiRange } from '../../../components/CiRange';
import { EmptyState } from '../../../components/States';
import { formatTargetValue } from '../../../lib/domain';
import {
  ciVerdict,
  formatDate,
  formatDecimal,
  formatEstimate,
  formatInt,
  formatSigned,
  formatPercent,
  formatSampleSize,
  formatSignedPercent,
  formatValue,
  humanize,
} from '../../../lib/format';
import { PALETTE } from '../../../lib/palette';
import { niceTicks } from '../../../lib/scale';
import { adoptionRows, kpiChartRows, kpiUnits, windows } from '../lib/outcome-view';

function Significance({ ci, what }: { ci: readonly [number, number] | null; what: string }) {
  const v = ciVerdict(ci);
  if (v === 'unknown') return <span className="muted">No interval: too few data points.</span>;
  if (v === 'above') return <span className="delta--up">▲ 95% CI above 0: {what} rose.</span>;
  if (v === 'below') return <span className="delta--down">▼ 95% CI below 0: {what} fell.</span>;
  return <span className="delta--flat">▬ 95% CI includes 0: no clear change in {what}.</span>;
}

export function AdoptionChart({ outcome }: { outcome: Outcome }) {
  const target = outcome.targets.find((t) => t.metric === 'adoption_rate');
  // the verdict is judged against the target as planned at ship; an amended one is drawn beside it
  const planned = target?.planned?.value ?? target?.value;
  const amended = target && planned !== undefined && target.value !== planned ? target.value : undefined;
  const refs = [
    ...(planned !== undefined ? [{ y: planned, label: `Target ${formatTargetValue('adoption_rate', planned)}${amended !== undefined ? ' (planned)' : ''}` }] : []),
    ...(amended !== undefined ? [{ y: amended, label: `Amended ${formatTargetValue('adoption_rate', amended)}`, color: PALETTE.warn }] : []),
  ];
  const rows = adoptionRows(outcome);
  const a = outcome.adoption;
  return (
    <ChartFrame
      title="Adoption curve"
      subtitle="Share of active users who used the epic, cumulative from the ship day (adopters ÷ active users)"
      summary={`Adoption reached ${formatPercent(a.rate)} (${formatInt(a.adopters)} of ${formatInt(a.activeUsers)} active users)${planned !== undefined ? ` against a target of ${formatTargetValue('adoption_rate', planned)}` : ''}${amended !== undefined ? `, amended after ship to ${formatTargetValue('adoption_rate', amended)}` : ''}.`}
      legend={[{ label: 'Adoption rate', color: PALETTE.primary }, ...refs.map((r) => ({ label: r.label, color: r.color ?? PALETTE.target, shape: 'dashed' as const }))]}
    >
      {rows.length < 2 ? (
        <EmptyState title="Not enough days yet">The curve appears after the epic&apos;s second day in the window.</EmptyState>
      ) : (
        <TimeSeriesChart
          data={rows}
          config={{
            x: 'date',
            series: [{ key: 'rate', label: 'Adoption', color: PALETTE.primary }],
            yFormat: 'percent',
            yInclude: [0],
            references: refs,
            height: 250,
          }}
        />
      )}
      <div className="figure-row">
        <div className="figure">
          <span className="figure-label">Adoption</span>
          <span className="figure-value">{formatEstimate(a.rate, a.ci95, 'percent')}</span>
        </div>
        <div className="figure">
          <span className="figure-label">Adopters / active users</span>
          <span className="figure-value">
            {formatInt(a.adopters)} / {formatInt(a.activeUsers)}
          </span>
        </div>
      </div>
    </ChartFrame>
  );
}

export function SatisfactionChart({ outcome }: { outcome: Outcome }) {
  const s = outcome.satisfaction;
  const p = s.productCsat;
  const csatTarget = outcome.targets.find((t) => t.metric === 'csat');
  const bars = [
    ...(p ? [{ label: 'Before', value: p.before.mean, color: PALETTE.neutral, note: `product-wide, ${formatSampleSize(p.before.n)}` }] : []),
    ...(p ? [{ label: 'In window', value: p.after.mean, color: PALETTE.series[1], note: `product-wide, ${formatSampleSize(p.after.n)}` }] : []),
    ...(s.csat ? [{ label: 'Epic survey', value: s.csat.mean, ci: s.csat.ci95, color: PALETTE.primary, note: `about this epic, ${formatSampleSize(s.csat.n)}` }] : []),
  ];
  return (
    <ChartFrame
      title="Satisfaction before and after"
      subtitle="Mean CSAT (1–5): product-wide in the 28 days before vs the window, and the epic's own survey (error bar = 95% CI)"
      summary={`Product CSAT went from ${formatDecimal(p?.before.mean)} to ${formatDecimal(p?.after.mean)}, a change of ${formatEstimate(p?.diff, p?.ci95, 'signed')}.${s.csat ? ` The epic's own CSAT is ${formatDecimal(s.csat.mean)}.` : ''}`}
    >
      {bars.length === 0 ? (
        <EmptyState title="No satisfaction responses in the window">Send “Survey Responded” events with scale csat to measure satisfaction.</EmptyState>
      ) : (
        <CiBarChart
          data={bars}
          config={{
            valueFormat: 'decimal',
            layout: 'vertical',
            showValues: true,
            include: [5],
            tickCount: 6,
            target: csatTarget ? { value: csatTarget.value, label: `Epic target ${formatTargetValue('csat', csatTarget.value)}` } : null,
            height: 240,
          }}
        />
      )}
      {p && (
        <div className="figure-row">
          <div className="figure">
            <span className="figure-label">Product CSAT change (Welch 95% CI)</span>
            <span className="figure-value">{formatEstimate(p.diff, p.ci95, 'signed')}</span>
            <CiRange point={p.diff} ci={p.ci95} config={{ reference: 0, width: 160 }} />
            <span className="small">
              <Significance ci={p.ci95} what="product satisfaction" />
            </span>
          </div>
          <div className="figure">
            <span className="figure-label">Responses before / in window</span>
            <span className="figure-value">
              {formatInt(p.before.n)} / {formatInt(p.after.n)}
            </span>
          </div>
          {s.csat && (
            <div className="figure">
              <span className="figure-label">Epic CSAT</span>
              <span className="figure-value">{formatEstimate(s.csat.mean, s.csat.ci95, 'decimal')}</span>
              <span className="small muted">{formatSampleSize(s.csat.n)}</span>
            </div>
          )}
          {s.nps && (
            <div className="figure">
              <span className="figure-label">Epic NPS</span>
              <span className="figure-value">{s.nps.score === null ? '—' : formatValue('signedNumber', Math.round(s.nps.score))}</span>
              <span className="small muted">{formatSampleSize(s.nps.n)}</span>
            </div>
          )}
        </div>
      )}
    </ChartFrame>
  );
}

export function KpiCharts({ outcome }: { outcome: Outcome }) {
  const w = windows(outcome);
  if (outcome.kpis.length === 0) {
    return (
      <ChartFrame title="KPI lift" summary="No KPI values were received around this launch.">
        <EmptyState title="No KPI values around this launch">Send daily values to POST /v1/metrics to measure a KPI lift.</EmptyState>
      </ChartFrame>
    );
  }
  return (
    <>
      {outcome.kpis.map((k) => {
        const units = kpiUnits(k);
        const target = outcome.targets.find((t) => t.metric === `kpi:${k.name}`);
        return (
          <ChartFrame
            key={k.name}
            title={`${humanize(k.name)}: lift`}
            subtitle="Daily value; level lines = mean over the 28 days before and over the window"
            summary={`${humanize(k.name)} moved from a mean of ${formatValue(units.value, k.before.mean)} to ${formatValue(units.value, k.after.mean)}: ${formatEstimate(k.lift, k.ci95, units.lift)} (${formatSignedPercent(k.relativeLift)}).${k.trendWarning ? ` ${trendWarningText(k)}` : ''}`}
            legend={[
              { label: 'Daily value', color: PALETTE.neutral },
              { label: 'Mean before', color: PALETTE.axis },
              { label: 'Mean in window', color: PALETTE.series[1] },
            ]}
          >
            <TimeSeriesChart
              data={kpiChartRows(k, outcome)}
              config={{
                x: 'date',
                series: [
                  { key: 'value', label: 'Daily value', color: PALETTE.neutral },
                  { key: 'before', label: 'Mean before', color: PALETTE.axis, dashed: true },
                  { key: 'after', label: 'Mean in window', color: PALETTE.series[1] },
                ],
                yFormat: units.value,
                markers: w ? [{ x: w.from, label: 'Shipped' }] : [],
                height: 230,
              }}
            />
            <div className="figure-row">
              <div className="figure">
                <span className="figure-label">Lift (95% CI, robust to day-to-day correlation)</span>
                <span className="figure-value">{formatEstimate(k.lift, k.ci95, units.lift)}</span>
                <CiRange point={k.lift} ci={k.ci95} config={{ reference: 0, target: target?.value ?? null, targetOp: target?.op, width: 160 }} />
                <span className="small">
                  <Significance ci={k.ci95} what={humanize(k.name).toLowerCase()} />
                </span>
              </div>
              <div className="figure">
                <span className="figure-label">Placebo: the same test before the pre-window</span>
                <span className="figure-value">{k.placebo ? formatEstimate(k.placebo.lift, k.placebo.ci95, units.lift) : '—'}</span>
                <span className="small muted">
                  {k.placebo?.pValue == null ? 'not enough earlier data' : k.placebo.pValue < 0.001 ? 'p < 0.001' : `p = ${formatDecimal(k.placebo.pValue, 3)}`}
                </span>
              </div>
              <div className="figure">
                <span className="figure-label">Relative lift</span>
                <span className="figure-value">{formatSignedPercent(k.relativeLift)}</span>
                <span className="small muted">{k.pValue === null ? 'p = —' : k.pValue < 0.001 ? 'p < 0.001' : `p = ${formatDecimal(k.pValue, 3)}`}</span>
              </div>
              <div className="figure">
                <span className="figure-label">Days before / in window</span>
                <span className="figure-value">
                  {k.before.n} / {k.after.n}
                </span>
              </div>
              {target && (
                <div className="figure">
                  <span className="figure-label">Target</span>
                  <span className="figure-value">
                    {target.op === '>=' ? '≥' : '≤'} {formatValue(units.lift, target.value)}
                  </span>
                </div>
              )}
            </div>
            {k.trendWarning && (
              <p className="small" role="alert" data-testid="kpi-trend-warning" style={{ marginTop: 8 }}>
                ⚠ {trendWarningText(k)}
              </p>
            )}
          </ChartFrame>
        );
      })}
    </>
  );
}

/** The words for a KPI whose placebo found a "lift" before the launch, e.g. "Checkout conversion was already rising before launch: this lift may be the trend." */
export function trendWarningText(k: Pick<Outcome['kpis'][number], 'name' | 'placebo'>): string {
  const direction = (k.placebo?.lift ?? 0) < 0 ? 'falling' : 'rising';
  return `${humanize(k.name)} was already ${direction} before launch: this lift may be the trend (the same test on the period before the pre-window finds a change, p = ${formatDecimal(k.placebo?.pValue, 3)}).`;
}

export function EngagementChart({ outcome }: { outcome: Outcome }) {
  const e = outcome.engagement;
  if (!e) {
    return (
      <ChartFrame title="Adopters vs non-adopters" summary="No users were active in the pre-window.">
        <EmptyState title="No users active before the launch">The comparison needs users active in the 28 days before shipping.</EmptyState>
      </ChartFrame>
    );
  }
  const rows = [
    { group: 'Adopters', before: e.adopters.before, after: e.adopters.after, n: e.adopters.n },
    { group: 'Non-adopters', before: e.nonAdopters.before, after: e.nonAdopters.after, n: e.nonAdopters.n },
  ];
  const scale = niceTicks(rows.flatMap((r) => [r.before ?? 0, r.after ?? 0]), { includeZero: true });
  const days = (v: unknown) => (typeof v === 'number' ? formatDecimal(v, 1) : '');
  return (
    <ChartFrame
      title="Adopters vs non-adopters"
      subtitle="Mean active days per user, 28 days before the launch vs the window (users active before the launch)"
      summary={`Adopters went from ${formatDecimal(e.adopters.before, 1)} to ${formatDecimal(e.adopters.after, 1)} active days, non-adopters from ${formatDecimal(e.nonAdopters.before, 1)} to ${formatDecimal(e.nonAdopters.after, 1)} (descriptive difference: ${formatSigned(e.did)} days). Matched against similar non-adopters, adopters had ${formatEstimate(e.effect, e.ci95, 'signed')} extra active days in the ${e.horizonDays} days after first use (${formatInt(e.matched)} adopters matched).`}
      legend={[
        { label: 'Before the launch', color: PALETTE.neutral, shape: 'box' },
        { label: 'In the window', color: PALETTE.primary, shape: 'box' },
      ]}
    >
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={rows} margin={{ top: 18, right: 12, bottom: 4, left: 4 }} barGap={4}>
          <CartesianGrid stroke={PALETTE.grid} vertical={false} />
          <XAxis dataKey="group" tickLine={false} axisLine={{ stroke: PALETTE.grid }} tickFormatter={(g: string) => `${g} (n = ${formatInt(rows.find((r) => r.group === g)?.n)})`} />
          <YAxis domain={scale.domain} ticks={scale.ticks} tickLine={false} axisLine={false} width={40} />
          <Bar dataKey="before" name="Before" fill={PALETTE.neutral} isAnimationActive={false} maxBarSize={56}>
            <LabelList dataKey="before" position="top" formatter={days} style={{ fontSize: 12, fill: PALETTE.text }} />
          </Bar>
          <Bar dataKey="after" name="In window" fill={PALETTE.primary} isAnimationActive={false} maxBarSize={56}>
            <LabelList dataKey="after" position="top" formatter={days} style={{ fontSize: 12, fill: PALETTE.text, fontWeight: 600 }} />
          </Bar>
          <Tooltip
            cursor={{ fill: PALETTE.cursor }}
            content={({ active, payload }) => {
              if (!active || !payload?.length) return null;
              const r = payload[0]?.payload as (typeof rows)[number];
              return (
                <TooltipCard
                  title={`${r.group} (${formatSampleSize(r.n)})`}
                  rows={[
                    { label: 'Before', value: `${formatDecimal(r.before, 1)} days`, color: PALETTE.neutral },
                    { label: 'In window', value: `${formatDecimal(r.after, 1)} days`, color: PALETTE.primary },
                  ]}
                />
              );
            }}
          />
        </BarChart>
      </ResponsiveContainer>
      <div className="figure-row">
        <div className="figure">
          <span className="figure-label">Extra active days in the {e.horizonDays} days after first use (matched, 95% CI)</span>
          <span className="figure-value">{formatEstimate(e.effect, e.ci95, 'signed')} days</span>
          <CiRange point={e.effect} ci={e.ci95} config={{ reference: 0, width: 160 }} />
          <span className="small">
            {e.matched > 0 ? (
              <Significance ci={e.ci95} what="engagement of adopters relative to matched non-adopters" />
            ) : (
              'no adopter has 14 days of history after first use yet'
            )}
          </span>
        </div>
        <div className="figure">
          <span className="figure-label">Difference-in-differences (descriptive, no interval)</span>
          <span className="figure-value">{formatSigned(e.did)} days</span>
          <span className="small muted">
            Adopters are picked by being active after the launch, so this difference is high even for a feature that does nothing.
          </span>
        </div>
      </div>
      <p className="small muted" style={{ marginTop: 8 }}>
        Before: {w(outcome)}.
      </p>
    </ChartFrame>
  );
}

function w(o: Outcome) {
  const x = windows(o);
  return x ? `${formatDate(x.preFrom)} – ${formatDate(x.preTo)} · window: ${formatDate(x.from)} – ${formatDate(x.to)}` : '—';
}
