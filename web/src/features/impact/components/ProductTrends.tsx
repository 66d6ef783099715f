/** Product-wide trends: daily active users and weekly CSAT with its 95% CI band. */
import type { Impact } from '../../../../../shared/impact';
import { ChartFrame } from '../../../components/charts/ChartFrame';
import { TimeSeriesChart } from '../../../components/charts/TimeSeriesChart';
import { Panel } from '../../../components/Layout';
import { EmptyState } from '../../../components/States';
import { formatDate, formatDecimal, formatInt, todayIso } from '../../../lib/format';
import { PALETTE } from '../../../lib/palette';
import { activeUsersTrend, csatTrend } from '../lib/impact-view';

export function ProductTrends({ impact }: { impact: Impact }) {
  const active = activeUsersTrend(impact.headline, impact.asOf, todayIso());
  const csat = impact.headline.productCsatTrend.map((w) => ({ week: w.week, mean: w.mean, lo: w.ci95 ? Math.max(1, w.ci95[0]) : null, hi: w.ci95 ? Math.min(5, w.ci95[1]) : null, n: w.n }));
  const c = csatTrend(impact.headline);
  const shipMarkers = impact.epics
    .filter((e) => e.shippedAt && active.series.length && e.shippedAt >= active.series[0].date)
    .slice(0, 12)
    .map((e) => ({ x: e.shippedAt!, label: '' }));
  return (
    <Panel title="Product-wide trends" subtitle="Everyone, not just adopters: the backdrop each epic was launched into" id="trends">
      <div className="grid-2">
        {active.series.length < 2 ? (
          <EmptyState title="No activity yet">Active users appear here once events arrive.</EmptyState>
        ) : (
          <ChartFrame
            title="Daily active users"
            subtitle="Distinct users with any event per UTC day; line = 7-day average; dotted = epic launches"
            summary={`Daily active users from ${formatDate(active.series[0].date)} to ${formatDate(active.series[active.series.length - 1].date)}; the last 28 days averaged ${formatInt(active.current)} a day.`}
            legend={[
              { label: 'Daily active users', color: PALETTE.primarySoft, shape: 'box' },
              { label: '7-day average', color: PALETTE.primary },
            ]}
          >
            <TimeSeriesChart
              data={active.series}
              config={{
                x: 'date',
                series: [
                  { key: 'activeUsers', label: 'Active users', color: PALETTE.primarySoft, kind: 'area' },
                  { key: 'avg7', label: '7-day average', color: PALETTE.primary },
                ],
                yFormat: 'int',
                yInclude: [0],
                markers: shipMarkers,
                height: 230,
              }}
            />
          </ChartFrame>
        )}
        {csat.length < 2 ? (
          <EmptyState title="No satisfaction responses yet">Send “Survey Responded” events with a CSAT score to see the trend.</EmptyState>
        ) : (
          <ChartFrame
            title="Product CSAT per week"
            subtitle="Mean of product-wide responses (1–5) per ISO week; band = 95% confidence interval"
            summary={`Weekly product CSAT; the last 4 weeks averaged ${formatDecimal(c.current)} over ${formatInt(c.n)} responses.`}
            legend={[
              { label: 'Weekly mean', color: PALETTE.series[1] },
              { label: '95% CI', color: '#99e0df', shape: 'box' },
            ]}
          >
            <TimeSeriesChart
              data={csat}
              config={{
                x: 'week',
                series: [{ key: 'mean', label: 'CSAT', color: PALETTE.series[1] }],
                band: { low: 'lo', high: 'hi', label: '95% CI', color: PALETTE.series[1] },
                yFormat: 'decimal',
                yClamp: [1, 5],
                height: 230,
                xFormat: (w) => `Week of ${formatDate(w)}`,
              }}
            />
          </ChartFrame>
        )}
      </div>
    </Panel>
  );
}
