/** Calibration: predicted vs measured adoption per shipped epic, and the factor the planner applies per theme. */
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { Calibration } from '../../../../../shared/calibration';
import type { Roadmap } from '../../../../../shared/roadmap';
import { CiBarChart } from '../../../components/charts/CiBarChart';
import { ChartFrame, TooltipCard } from '../../../components/charts/ChartFrame';
import { Panel } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { formatDecimal, formatPercent } from '../../../lib/format';
import { PALETTE } from '../../../lib/palette';
import { niceTicks, trimZeros } from '../../../lib/scale';
import type { UseQueryResult } from '@tanstack/react-query';

/** The factor in words: "estimates ran 1.6× too high" reads better than 0.62. */
export function factorWords(factor: number): string {
  if (Math.abs(factor - 1) < 0.05) return 'estimates on target';
  return factor < 1 ? `estimates ${formatDecimal(1 / factor, 1)}× too optimistic` : `estimates ${formatDecimal(factor, 1)}× too cautious`;
}

function Scatterplot({ calibration, roadmap }: { calibration: Calibration; roadmap?: Roadmap }) {
  const title = (id: string) => roadmap?.epics.find((e) => e.id === id)?.title ?? id;
  const series = calibration.themes
    .filter((t) => t.points.length)
    .map((t, i) => ({
      themeId: t.themeId,
      name: roadmap?.themes.find((x) => x.id === t.themeId)?.name ?? t.themeId,
      color: PALETTE.series[i % PALETTE.series.length],
      points: t.points.map((p) => ({ ...p, title: title(p.epicId) })),
    }));
  const all = series.flatMap((s) => s.points.flatMap((p) => [p.predicted, p.measured]));
  const scale = niceTicks(all, { includeZero: true });
  const max = scale.domain[1];
  return (
    <ChartFrame
      title="Predicted vs measured adoption"
      subtitle="One dot per shipped epic with a closed window; on the diagonal = estimate was right, below = over-estimated"
      summary={`${series.reduce((s, x) => s + x.points.length, 0)} shipped epics compared; overall the measured adoption averaged ${formatPercent(calibration.overall.measuredMean)} against ${formatPercent(calibration.overall.predictedMean)} predicted.`}
      legend={[...series.map((s) => ({ label: s.name, color: s.color, shape: 'box' as const })), { label: 'Predicted = measured', color: PALETTE.target, shape: 'dashed' as const }]}
    >
      <ResponsiveContainer width="100%" height={280}>
        <ScatterChart margin={{ top: 12, right: 16, bottom: 20, left: 4 }}>
          <CartesianGrid stroke={PALETTE.grid} />
          <XAxis type="number" dataKey="predicted" name="Predicted" domain={scale.domain} ticks={scale.ticks} tickFormatter={(v: number) => trimZeros(formatPercent(v))} label={{ value: 'Predicted adoption', position: 'insideBottom', offset: -12 }} />
          <YAxis type="number" dataKey="measured" name="Measured" domain={scale.domain} ticks={scale.ticks} tickFormatter={(v: number) => trimZeros(formatPercent(v))} width={56} label={{ value: 'Measured', angle: -90, position: 'insideLeft', offset: 10 }} />
          <ZAxis range={[90, 90]} />
          <ReferenceLine segment={[{ x: 0, y: 0 }, { x: max, y: max }]} stroke={PALETTE.target} strokeDasharray="6 4" />
          {series.map((s) => (
            <Scatter key={s.themeId} name={s.name} data={s.points} fill={s.color} isAnimationActive={false} />
          ))}
          <Tooltip
            content={({ active, payload }) => {
              if (!active || !payload?.length) return null;
              const p = payload[0]?.payload as { title: string; predicted: number; measured: number };
              return <TooltipCard title={p.title} rows={[{ label: 'Predicted', value: formatPercent(p.predicted) }, { label: 'Measured', value: formatPercent(p.measured) }]} />;
            }}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

export function CalibrationPanel({ query, roadmap }: { query: UseQueryResult<Calibration>; roadmap?: Roadmap }) {
  const name = (id: string) => roadmap?.themes.find((t) => t.id === id)?.name ?? id;
  return (
    <Panel title="Calibration" subtitle="How far estimates were from measured outcomes; the planner scales each theme's impact by its factor" id="calibration">
      <QueryView query={query} loading={<Loading variant="chart" rows={1} label="Loading calibration" />}>
        {(cal) =>
          cal.overall.n === 0 ? (
            <EmptyState title="Nothing to calibrate yet" icon="◎">
              Calibration needs shipped epics with an estimate and a closed measurement window.
            </EmptyState>
          ) : (
            <div className="stack">
              <div className="grid-2">
                <Scatterplot calibration={cal} roadmap={roadmap} />
                <ChartFrame
                  title="Calibration factor per theme"
                  subtitle="Measured ÷ predicted, shrunk towards 1 for themes with few epics; 1 = estimates on target"
                  summary={cal.themes.map((t) => `${name(t.themeId)}: factor ${formatDecimal(t.factor)} from ${t.n} epics`).join('; ')}
                >
                  <CiBarChart
                    data={cal.themes.map((t) => ({
                      label: name(t.themeId),
                      value: t.factor,
                      color: t.n === 0 ? '#d1d5db' : t.factor < 1 ? PALETTE.warn : PALETTE.good,
                      note: `${t.n} epic${t.n === 1 ? '' : 's'}`,
                    }))}
                    config={{ valueFormat: 'decimal', reference: 1, showValues: true, categoryWidth: 170, include: [0, 1.2] }}
                  />
                </ChartFrame>
              </div>
              <div className="table-wrap">
                <table className="table table--cards">
                  <caption className="visually-hidden">Calibration per theme</caption>
                  <thead>
                    <tr>
                      <th scope="col">Theme</th>
                      <th scope="col" className="num">
                        Epics measured
                      </th>
                      <th scope="col" className="num">
                        Predicted (mean)
                      </th>
                      <th scope="col" className="num">
                        Measured (mean)
                      </th>
                      <th scope="col" className="num">
                        Factor
                      </th>
                      <th scope="col">Reading</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cal.themes.map((t) => (
                      <tr key={t.themeId}>
                        <td data-label="Theme" className="cell-main">
                          {name(t.themeId)}
                        </td>
                        <td data-label="Measured epics" className="num">
                          {t.n}
                        </td>
                        <td data-label="Predicted" className="num">
                          {formatPercent(t.predictedMean)}
                        </td>
                        <td data-label="Measured" className="num">
                          {formatPercent(t.measuredMean)}
                        </td>
                        <td data-label="Factor" className="num">
                          <strong>{formatDecimal(t.factor)}</strong>
                        </td>
                        <td data-label="Reading">{t.n === 0 ? <span className="muted">no data: factor 1</span> : factorWords(t.factor)}</td>
                      </tr>
                    ))}
                    <tr>
                      <td data-label="Theme" className="cell-main">
                        All themes
                      </td>
                      <td data-label="Measured epics" className="num">
                        {cal.overall.n}
                      </td>
                      <td data-label="Predicted" className="num">
                        {formatPercent(cal.overall.predictedMean)}
                      </td>
                      <td data-label="Measured" className="num">
                        {formatPercent(cal.overall.measuredMean)}
                      </td>
                      <td data-label="Factor" className="num">
                        <strong>{formatDecimal(cal.overall.factor)}</strong>
                      </td>
                      <td data-label="Reading">{factorWords(cal.overall.factor)}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
            </div>
          )
        }
      </QueryView>
    </Panel>
  );
}
