/** The scoreboard of shipped epics: verdict, adoption, satisfaction change and KPI lift with their 95% CIs; sortable. */
import { useId, useMemo, useState } from 'react';
import type { Impact, ImpactEpic } from '../../../../../shared/impact';
import { Link } from '@tanstack/react-router';
import { Badge, DecisionBadge, VerdictBadge } from '../../../components/Badge';
import { AmendmentNotes } from '../../../components/AmendmentNotes';
import { CiRange } from '../../../components/CiRange';
import { Panel } from '../../../components/Layout';
import { EmptyState } from '../../../components/States';
import { kpiKind } from '../../../lib/domain';
import { ciVerdict, formatDate, formatEstimate, formatInterval, formatSampleSize, formatSignedPercent, humanize } from '../../../lib/format';
import { defaultDir, describeWorstMiss, kpiBaseline, sortScoreboard, type SortDir, type SortKey } from '../lib/impact-view';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'epic', label: 'Epic' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'adoption', label: 'Adoption', numeric: true },
  { key: 'satisfaction', label: 'Satisfaction change', numeric: true },
  { key: 'kpi', label: 'KPI lift', numeric: true },
  { key: 'decision', label: 'Decision' },
];

function SortHeader({ col, sort, onSort }: { col: (typeof COLUMNS)[number]; sort: { key: SortKey; dir: SortDir }; onSort(k: SortKey): void }) {
  const active = sort.key === col.key;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={col.numeric ? 'num' : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(col.key)}>
        {col.label}
        <span className="sort-button__arrow" aria-hidden="true">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '▲▼'}
        </span>
      </button>
    </th>
  );
}

function VerdictCell({ e }: { e: ImpactEpic }) {
  const miss = describeWorstMiss(e);
  return (
    <div className="cell-stack">
      <span>
        <VerdictBadge verdict={e.verdict} />
      </span>
      {e.targetsTotal > 0 && (
        <span className="cell-sub">
          {e.targetsMet} of {e.targetsTotal} targets met{e.targetsPending ? `, ${e.targetsPending} pending` : ''}
        </span>
      )}
      {miss && (
        <span className="cell-sub delta--down">
          {miss.metric} {miss.actual} vs {miss.target}: {miss.gap}
        </span>
      )}
      {e.verdict === 'too_early' && e.windowEnd && <span className="cell-sub">{e.verdictReason}</span>}
      {e.amendments && <AmendmentNotes amendments={e.amendments} verdictAmended={e.verdictAmended} compact />}
    </div>
  );
}

function AdoptionCell({ e }: { e: ImpactEpic }) {
  const target = e.worstMiss?.metric === 'adoption_rate' ? e.worstMiss.target : null;
  return (
    <div className="cell-stack">
      <span className="cell-main">{formatEstimate(e.adoptionRate, null, 'percent')}</span>
      <span className="cell-sub">95% CI {formatInterval(e.adoptionCi95, 'percent')}</span>
      <span className="cell-sub">
        {formatSampleSize(e.activeUsers)} active
      </span>
      <CiRange point={e.adoptionRate} ci={e.adoptionCi95} config={{ domain: [0, Math.max(0.4, e.adoptionCi95?.[1] ?? 0)], target, width: 110 }} />
    </div>
  );
}

function SatisfactionCell({ e }: { e: ImpactEpic }) {
  if (e.satisfactionChange === null) return <span className="muted">no responses</span>;
  const sig = ciVerdict(e.satisfactionCi95);
  return (
    <div className="cell-stack">
      <span className="cell-main">{formatEstimate(e.satisfactionChange, e.satisfactionCi95, 'signed')}</span>
      <span className={`cell-sub ${sig === 'above' ? 'delta--up' : sig === 'below' ? 'delta--down' : ''}`}>
        {sig === 'above' ? 'CI above 0: improved' : sig === 'below' ? 'CI below 0: worse' : 'CI includes 0: no clear change'}
      </span>
      <CiRange point={e.satisfactionChange} ci={e.satisfactionCi95} config={{ reference: 0, domain: [-0.3, 0.3], width: 110 }} />
    </div>
  );
}

function KpiCell({ e }: { e: ImpactEpic }) {
  if (e.kpiLifts.length === 0) return <span className="muted">no KPI</span>;
  return (
    <div className="cell-stack">
      {e.kpiLifts.map((k) => {
        const kind = kpiKind(kpiBaseline(k));
        return (
          <div key={k.name} className="cell-stack">
            <span className="cell-sub">{humanize(k.name)}</span>
            <span className="cell-main">{formatSignedPercent(k.relativeLift)}</span>
            <span className="cell-sub">{formatEstimate(k.lift, k.ci95, kind)}</span>
            <CiRange point={k.lift} ci={k.ci95} config={{ reference: 0, width: 110 }} />
            {k.trendWarning && (
              <span className="cell-sub" title="The same test on the weeks before the pre-window finds a change: this lift may be the trend.">
                ⚠ already moving before launch
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** How the scoreboard is sorted and filtered (the impact page keeps it in the URL). */
export interface ScoreboardView {
  sort?: SortKey;
  dir?: SortDir;
  theme?: string;
}

export function Scoreboard({ impact, view, onView }: { impact: Impact; view?: ScoreboardView; onView?(next: ScoreboardView): void }) {
  const [local, setLocal] = useState<ScoreboardView>({});
  const current = view ?? local;
  const setView = onView ?? setLocal;
  const sort = { key: current.sort ?? 'verdict', dir: current.dir ?? (current.sort ? defaultDir(current.sort) : 'asc') };
  const theme = current.theme ?? '';
  const setTheme = (next: string) => setView({ ...current, theme: next || undefined });
  const filterId = useId();
  const themeName = useMemo(() => new Map(impact.themes.map((t) => [t.id, t.name])), [impact.themes]);
  const rows = useMemo(() => sortScoreboard(theme ? impact.epics.filter((e) => e.themeId === theme) : impact.epics, sort.key, sort.dir), [impact.epics, sort, theme]);
  const onSort = (key: SortKey) => setView({ ...current, sort: key, dir: sort.key === key ? (sort.dir === 'asc' ? 'desc' : 'asc') : defaultDir(key) });

  return (
    <Panel
      title="Scoreboard of shipped epics"
      subtitle="Each epic over its own measurement window; ranges are 95% confidence intervals. Click a column to sort."
      id="scoreboard"
      className="panel--flush"
      actions={
        <div className="field field--inline">
          <label htmlFor={filterId} className="visually-hidden">
            Theme
          </label>
          <select id={filterId} value={theme} onChange={(e) => setTheme(e.target.value)}>
            <option value="">All themes</option>
            {impact.themes.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      }
    >
      {rows.length === 0 ? (
        <EmptyState title={theme ? 'No shipped epics in this theme' : 'No epic has shipped yet'} icon="◌">
          Ship an epic from the Roadmap page and its outcome appears here once events arrive.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table--cards scoreboard">
            <caption className="visually-hidden">Shipped epics, sorted by {COLUMNS.find((c) => c.key === sort.key)?.label} ({sort.dir === 'asc' ? 'ascending' : 'descending'})</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <SortHeader key={c.key} col={c} sort={sort} onSort={onSort} />
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-epic={e.id}>
                  <td data-label="Epic">
                    <div className="cell-stack">
                      <Link to="/epics/$id" params={{ id: e.id }} search={{ asOf: impact.asOf }} className="cell-main">
                        {e.title}
                      </Link>
                      <span className="cell-sub">{themeName.get(e.themeId) ?? e.themeId}</span>
                      <span className="cell-sub">Shipped {formatDate(e.shippedAt)}</span>
                      {e.confounded && (
                        <span>
                          <Badge tone="warn" icon="⚠" title="Another epic of the theme shipped in an overlapping window: effects may be mixed">
                            Overlapping launch
                          </Badge>
                        </span>
                      )}
                    </div>
                  </td>
                  <td data-label="Verdict">
                    <VerdictCell e={e} />
                  </td>
                  <td data-label="Adoption" className="num">
                    <AdoptionCell e={e} />
                  </td>
                  <td data-label="Satisfaction" className="num">
                    <SatisfactionCell e={e} />
                  </td>
                  <td data-label="KPI lift" className="num">
                    <KpiCell e={e} />
                  </td>
                  <td data-label="Decision">
                    {e.decision ? (
                      <div className="cell-stack">
                        <span>
                          <DecisionBadge decision={e.decision} />
                        </span>
                        {e.decisionAt && <span className="cell-sub">{formatDate(e.decisionAt)}</span>}
                      </div>
                    ) : e.awaitingDecision ? (
                      <Link to="/epics/$id" params={{ id: e.id }} search={{ asOf: impact.asOf }} hash="review" className="badge badge--warn">
                        Awaiting decision
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
