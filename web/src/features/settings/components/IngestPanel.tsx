/** Ingest: events received per day, rejected events with their reasons, and how fresh the outcomes are. */
import { useState } from 'react';
import { BarChart, Bar, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IngestStats } from '../../../../../shared/ingest';
import { ChartFrame, TooltipCard } from '../../../components/charts/ChartFrame';
import { Badge } from '../../../components/Badge';
import { Panel, StatCard } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { apiUrl } from '../../../lib/api-client';
import { formatAgo, formatDate, formatDateTime, formatDayMonth, formatDuration, formatInt } from '../../../lib/format';
import { PALETTE } from '../../../lib/palette';
import { niceTicks } from '../../../lib/scale';
import { useIngestStats } from '../api/get-ingest-stats';

const DAY_OPTIONS = [7, 14, 30, 90];

export function ingestTotals(stats: Pick<IngestStats, 'days'>) {
  return stats.days.reduce(
    (t, d) => ({ received: t.received + d.received, accepted: t.accepted + d.accepted, duplicates: t.duplicates + d.duplicates, rejected: t.rejected + d.rejected }),
    { received: 0, accepted: 0, duplicates: 0, rejected: 0 },
  );
}

/** Fresh when rolled up and nothing waits, behind when events wait for the next rollup. */
export function freshnessOf(f: IngestStats['freshness']): { tone: 'good' | 'warn' | 'muted'; label: string } {
  if (!f.rolledUpAt) return { tone: 'muted', label: 'Outcomes not computed yet' };
  if (!f.dirtySince || !f.behindSeconds) return { tone: 'good', label: 'Up to date' };
  return { tone: 'warn', label: `${formatDuration(f.behindSeconds)} behind` };
}

const SERIES = [
  { key: 'accepted', label: 'Accepted', color: PALETTE.primary },
  { key: 'duplicates', label: 'Duplicates (ignored)', color: PALETTE.neutral },
  { key: 'rejected', label: 'Rejected', color: PALETTE.bad },
] as const;

function IngestChart({ stats }: { stats: IngestStats }) {
  const scale = niceTicks(stats.days.map((d) => d.accepted + d.duplicates + d.rejected), { includeZero: true });
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={stats.days} margin={{ top: 12, right: 12, bottom: 4, left: 4 }}>
        <CartesianGrid stroke={PALETTE.grid} vertical={false} />
        <XAxis dataKey="date" tickFormatter={(v: string) => formatDayMonth(v)} tickLine={false} axisLine={{ stroke: PALETTE.grid }} minTickGap={16} />
        <YAxis tickFormatter={(v: number) => formatInt(v)} domain={scale.domain} ticks={scale.ticks} tickLine={false} axisLine={false} width={64} />
        {SERIES.map((s) => (
          <Bar key={s.key} dataKey={s.key} stackId="events" fill={s.color} name={s.label} isAnimationActive={false} maxBarSize={36} />
        ))}
        <Tooltip
          cursor={{ fill: PALETTE.cursor }}
          content={({ active, payload, label }) => {
            if (!active || !payload?.length) return null;
            const d = payload[0]?.payload as IngestStats['days'][number];
            return (
              <TooltipCard
                title={formatDate(String(label))}
                rows={[{ label: 'Received', value: formatInt(d.received) }, ...SERIES.map((s) => ({ label: s.label, value: formatInt(d[s.key]), color: s.color }))]}
              />
            );
          }}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}

export function IngestPanel() {
  const [days, setDays] = useState(14);
  const query = useIngestStats(days);
  const endpoint = apiUrl('').replace(/\/api\/v1$/, '') || window.location.origin;
  return (
    <Panel
      title="Ingest"
      subtitle="Events from your analytics pipeline (Segment / RudderStack format)"
      id="ingest"
      actions={
        <div className="segmented" role="group" aria-label="Days shown">
          {DAY_OPTIONS.map((d) => (
            <button key={d} type="button" aria-pressed={days === d} onClick={() => setDays(d)}>
              {d} days
            </button>
          ))}
        </div>
      }
    >
      <QueryView query={query} loading={<Loading variant="chart" rows={1} label="Loading ingest statistics" />}>
        {(stats) => {
          const totals = ingestTotals(stats);
          const fresh = freshnessOf(stats.freshness);
          return (
            <div className="stack">
              <div className="stats">
                <StatCard label={`Events received, ${days} days`} value={formatInt(totals.received)} detail={`${formatInt(totals.accepted)} new · ${formatInt(totals.duplicates)} duplicates ignored`} />
                <StatCard label="Rejected" value={formatInt(totals.rejected)} tone={totals.rejected ? 'bad' : undefined} detail={totals.received ? `${((totals.rejected / totals.received) * 100).toFixed(2)}% of received` : 'nothing received'} />
                <StatCard
                  label="Data freshness"
                  value={<Badge tone={fresh.tone}>{fresh.label}</Badge>}
                  detail={stats.freshness.rolledUpAt ? `Outcomes computed ${formatAgo(stats.freshness.rolledUpAt)} (${formatDateTime(stats.freshness.rolledUpAt)})` : 'Runs after the first events arrive'}
                  trend={stats.freshness.dirtySince ? <span>New events waiting since {formatDateTime(stats.freshness.dirtySince)}</span> : undefined}
                />
                <StatCard label="Send events to" value={<code style={{ fontSize: 13 }}>{endpoint}/v1/batch</code>} detail="Write key as the Basic-auth user, like Segment's HTTP API" />
              </div>
              {totals.received === 0 ? (
                <EmptyState title={`No events in the last ${days} days`} icon="⇅">
                  Point your pipeline at <code>{endpoint}/v1/batch</code> with a write key created above.
                </EmptyState>
              ) : (
                <ChartFrame
                  title="Events received per day"
                  subtitle="UTC days; stacked: accepted, duplicates (same messageId, acknowledged and not counted twice), rejected"
                  summary={`${formatInt(totals.received)} events received over ${days} days: ${formatInt(totals.accepted)} accepted, ${formatInt(totals.duplicates)} duplicates, ${formatInt(totals.rejected)} rejected.`}
                  legend={SERIES.map((s) => ({ label: s.label, color: s.color, shape: 'box' as const }))}
                >
                  <IngestChart stats={stats} />
                </ChartFrame>
              )}
              <div>
                <h3 style={{ marginBottom: 8 }}>Rejected events</h3>
                {stats.rejections.length === 0 ? (
                  <p className="muted">No rejected events in the last three days.</p>
                ) : (
                  <div className="table-wrap">
                    <table className="table table--cards">
                      <caption className="visually-hidden">Recently rejected events and why</caption>
                      <thead>
                        <tr>
                          <th scope="col">Received</th>
                          <th scope="col">Endpoint</th>
                          <th scope="col">Message id</th>
                          <th scope="col">Reason</th>
                        </tr>
                      </thead>
                      <tbody>
                        {stats.rejections.map((r, i) => (
                          <tr key={`${r.at}-${r.index}-${i}`}>
                            <td data-label="Received" className="nowrap">
                              {formatDateTime(r.at)}
                            </td>
                            <td data-label="Endpoint">
                              <code>{r.endpoint}</code> <span className="muted small">#{r.index}</span>
                            </td>
                            <td data-label="Message id">{r.messageId ? <code>{r.messageId}</code> : <span className="muted">none</span>}</td>
                            <td data-label="Reason">{r.reason}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            </div>
          );
        }}
      </QueryView>
    </Panel>
  );
}
