/** Impact per theme: which themes moved adoption and satisfaction, and how their epics fared. */
import type { Impact } from '../../../../../shared/impact';
import { CiBarChart } from '../../../components/charts/CiBarChart';
import { ChartFrame } from '../../../components/charts/ChartFrame';
import { Panel } from '../../../components/Layout';
import { formatInt, formatPercent, formatSigned } from '../../../lib/format';
import { PALETTE } from '../../../lib/palette';

export function ThemeImpact({ impact }: { impact: Impact }) {
  const themes = impact.themes;
  const measured = themes.filter((t) => t.meanAdoptionRate !== null);
  const adoption = [...measured]
    .sort((a, b) => (b.meanAdoptionRate ?? 0) - (a.meanAdoptionRate ?? 0))
    .map((t) => ({ label: t.name, value: t.meanAdoptionRate, color: PALETTE.series[0], note: `${formatInt(t.adopters)} adopters of ${formatInt(t.activeUsers)} active` }));
  const satisfaction = themes
    .filter((t) => t.satisfactionChange !== null)
    .sort((a, b) => (b.satisfactionChange ?? 0) - (a.satisfactionChange ?? 0))
    .map((t) => ({ label: t.name, value: t.satisfactionChange, color: (t.satisfactionChange ?? 0) >= 0 ? PALETTE.good : PALETTE.bad }));
  const best = adoption[0];
  const bestSat = satisfaction[0];
  return (
    <Panel
      title="Impact by theme"
      subtitle="Over shipped epics whose measurement window has closed"
      id="themes"
    >
      {measured.length === 0 ? (
        <p className="muted">No theme has a shipped epic with a closed window yet.</p>
      ) : (
        <div className="grid-2">
          <ChartFrame
            title="Adoption by theme"
            subtitle="Mean adoption rate of the theme's shipped epics (adopters ÷ active users in each window)"
            summary={`Adoption by theme: ${adoption.map((a) => `${a.label} ${formatPercent(a.value)}`).join(', ')}.${best ? ` Highest: ${best.label}.` : ''}`}
          >
            <CiBarChart data={adoption} config={{ valueFormat: 'percent', showValues: true, categoryWidth: 170 }} />
          </ChartFrame>
          <ChartFrame
            title="Satisfaction change by theme"
            subtitle="Mean change in product-wide CSAT (1–5), window vs the 28 days before each launch"
            summary={`Satisfaction change by theme: ${satisfaction.map((a) => `${a.label} ${formatSigned(a.value)}`).join(', ')}.${bestSat ? ` Largest: ${bestSat.label}.` : ''}`}
          >
            <CiBarChart data={satisfaction} config={{ valueFormat: 'signed', showValues: true, reference: 0, categoryWidth: 170 }} />
          </ChartFrame>
        </div>
      )}
      <div className="table-wrap" style={{ marginTop: 18 }}>
        <table className="table table--cards">
          <caption className="visually-hidden">Theme results: shipped epics, verdicts, targets, adoption, satisfaction and KPI lifts</caption>
          <thead>
            <tr>
              <th scope="col">Theme</th>
              <th scope="col" className="num">Shipped</th>
              <th scope="col">Epics met / missed</th>
              <th scope="col" className="num">Targets</th>
              <th scope="col" className="num">Mean adoption</th>
              <th scope="col" className="num">Satisfaction change</th>
              <th scope="col" className="num">KPI lifts (CI above / below 0)</th>
            </tr>
          </thead>
          <tbody>
            {themes.map((t) => {
              const evaluated = t.metEpics + t.missedEpics;
              return (
                <tr key={t.id}>
                  <td data-label="Theme">
                    <div className="cell-main">{t.name}</div>
                    <div className="cell-sub">{t.epics} epics in the roadmap</div>
                  </td>
                  <td data-label="Shipped" className="num">
                    {t.shippedEpics}
                  </td>
                  <td data-label="Met / missed">
                    {evaluated === 0 ? (
                      <span className="muted">none evaluated yet</span>
                    ) : (
                      <div className="cell-stack">
                        <span>
                          <strong>{t.metEpics}</strong> met · <strong>{t.missedEpics}</strong> missed
                        </span>
                        <div className="bar-track" aria-hidden="true" style={{ width: 120 }}>
                          <div className="bar-track__fill--good" style={{ width: `${(t.metEpics / evaluated) * 100}%` }} />
                          <div className="bar-track__fill--bad" style={{ width: `${(t.missedEpics / evaluated) * 100}%` }} />
                        </div>
                      </div>
                    )}
                  </td>
                  <td data-label="Targets" className="num">
                    <span className="nowrap">
                      {t.metTargets} met · {t.missedTargets} missed
                    </span>
                    {t.pendingTargets > 0 && <div className="cell-sub">{t.pendingTargets} pending</div>}
                  </td>
                  <td data-label="Mean adoption" className="num">
                    {formatPercent(t.meanAdoptionRate)}
                  </td>
                  <td data-label="Satisfaction" className="num">
                    {formatSigned(t.satisfactionChange)}
                  </td>
                  <td data-label="KPI lifts" className="num">
                    <span className="nowrap">
                      <span className={t.kpiLiftCount ? 'delta--up' : 'muted'}>▲ {t.kpiLiftCount} up</span> ·{' '}
                      <span className={t.kpiDropCount ? 'delta--down' : 'muted'}>▼ {t.kpiDropCount} down</span>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
