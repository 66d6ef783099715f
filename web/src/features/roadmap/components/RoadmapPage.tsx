/** Roadmap: the timeline of the coming months, and (for editors) editing, shipping, export and import. */
import { useMemo, useState } from 'react';
import type { Epic, Milestone, Theme } from '../../../../../shared/roadmap';
import { useImpact } from '../../../api/get-impact';
import { useAllAsks } from '../../../api/get-asks';
import { demandByEpic } from '../../../../../shared/demand';
import { useRoadmap } from '../../../api/get-roadmap';
import { getRouteApi } from '@tanstack/react-router';
import { useCan } from '../../../app/session';
import { Badge } from '../../../components/Badge';
import { PageHeader } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { STATUSES, STATUS_LIST, VERDICTS } from '../../../lib/domain';
import { todayIso } from '../../../lib/format';
import { layoutTimeline, RANGES, type RangeId } from '../lib/timeline';
import { EpicDialog } from './EpicDialog';
import type { EpicOutcomeHint } from './EpicCard';
import { ExportButton, ImportButton } from './ImportExport';
import { MilestoneDialog } from './MilestoneDialog';
import { ShipDialog } from './ShipDialog';
import { ThemeDialog } from './ThemeDialog';
import { Timeline } from './Timeline';

type Open =
  | { kind: 'epic'; epic?: Epic; defaults?: { themeId?: string; milestoneId?: string } }
  | { kind: 'theme'; theme?: Theme }
  | { kind: 'milestone'; milestone?: Milestone }
  | { kind: 'ship'; epic: Epic }
  | null;

function Legend() {
  return (
    <div className="legend-row" aria-label="Legend">
      <span className="muted">Status:</span>
      {STATUS_LIST.map((s) => (
        <Badge key={s} tone={STATUSES[s].tone} icon={STATUSES[s].icon}>
          {STATUSES[s].label}
        </Badge>
      ))}
      <span className="muted" style={{ marginLeft: 8 }}>
        Outcome:
      </span>
      {(['met', 'missed', 'too_early'] as const).map((v) => (
        <Badge key={v} tone={VERDICTS[v].tone} icon={VERDICTS[v].icon}>
          {VERDICTS[v].label}
        </Badge>
      ))}
    </div>
  );
}

const route = getRouteApi('/roadmap');

export default function RoadmapPage() {
  const query = useRoadmap();
  const impact = useImpact(null);
  const canEdit = useCan('editor');
  const rangeParam = route.useSearch({ select: (s) => s.range ?? null });
  const navigate = route.useNavigate();
  const setRange = (next: string | null) => void navigate({ search: (s) => ({ ...s, range: next || undefined }), replace: true });
  const range: RangeId = rangeParam && rangeParam in RANGES ? (rangeParam as RangeId) : 'around';
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const today = todayIso();

  const asks = useAllAsks();
  const outcomes = useMemo(() => {
    const m = new Map<string, EpicOutcomeHint>();
    for (const e of impact.data?.epics ?? []) m.set(e.id, { verdict: e.verdict, adoptionRate: e.adoptionRate });
    for (const [id, demand] of Object.entries(demandByEpic(asks.data ?? []))) m.set(id, { ...m.get(id), demand });
    return m;
  }, [impact.data, asks.data]);

  const roadmap = query.data;
  const layout = useMemo(() => (roadmap ? layoutTimeline(roadmap, { today, range }) : null), [roadmap, today, range]);
  // keep a dialog's epic fresh after a save elsewhere
  const current = (e: Epic) => roadmap?.epics.find((x) => x.id === e.id) ?? e;

  return (
    <>
      <PageHeader
        title="Roadmap"
        subtitle={roadmap ? <>Mission: {roadmap.mission.statement}</> : 'Themes, milestones and the epics planned in them.'}
        actions={
          <>
            <ExportButton />
            {canEdit && (
              <>
                <ImportButton onImported={(summary) => setNotice(`Roadmap imported: ${summary}.`)} />
                <button type="button" className="button button--primary" onClick={() => setOpen({ kind: 'epic' })} disabled={!roadmap?.themes.length}>
                  + New epic
                </button>
              </>
            )}
          </>
        }
      />
      {notice && (
        <p className="notice notice--good" role="status">
          {notice}{' '}
          <button type="button" className="link-button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      <QueryView query={query} loading={<Loading variant="chart" rows={2} label="Loading the roadmap" />}>
        {(doc) =>
          doc.themes.length === 0 ? (
            <EmptyState
              title="The roadmap is empty"
              icon="▦"
              action={
                canEdit ? (
                  <button type="button" className="button button--primary" onClick={() => setOpen({ kind: 'theme' })}>
                    Add the first theme
                  </button>
                ) : undefined
              }
            >
              Themes are the swimlanes of the roadmap; add milestones (months) and epics after them, or import a roadmap JSON file.
            </EmptyState>
          ) : (
            <div className="stack">
              <div className="toolbar" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
                <div className="segmented" role="group" aria-label="Time range">
                  {(Object.keys(RANGES) as RangeId[]).map((r) => (
                    <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r === 'around' ? null : r)}>
                      {RANGES[r].label}
                    </button>
                  ))}
                </div>
                <Legend />
              </div>
              {layout && layout.columns.length === 0 ? (
                <EmptyState
                  title="No milestone in this range"
                  action={
                    canEdit ? (
                      <button type="button" className="button button--primary" onClick={() => setOpen({ kind: 'milestone' })}>
                        Add a milestone
                      </button>
                    ) : (
                      <button type="button" className="button button--secondary" onClick={() => setRange('all')}>
                        Show all milestones
                      </button>
                    )
                  }
                >
                  {doc.milestones.length ? 'Choose a wider range to see the other milestones.' : 'Milestones are the columns of the roadmap, usually one per month.'}
                </EmptyState>
              ) : (
                layout && (
                  <Timeline
                    layout={layout}
                    outcomes={outcomes}
                    canEdit={canEdit}
                    onOpenEpic={(epic) => setOpen({ kind: 'epic', epic })}
                    onShipEpic={(epic) => setOpen({ kind: 'ship', epic })}
                    onEditTheme={(theme) => setOpen({ kind: 'theme', theme })}
                    onEditMilestone={(milestone) => setOpen({ kind: 'milestone', milestone })}
                    onAddEpic={(themeId, milestoneId) => setOpen({ kind: 'epic', defaults: { themeId, milestoneId } })}
                  />
                )
              )}
              <div className="toolbar" style={{ justifyContent: 'space-between' }}>
                <p className="muted small">
                  {layout && layout.hidden > 0 ? `${layout.hidden} epic${layout.hidden === 1 ? '' : 's'} in milestones outside this range. ` : ''}
                  {doc.epics.length} epics · {doc.stories.length} stories in total.
                </p>
                {canEdit && (
                  <div className="toolbar">
                    <button type="button" className="button button--secondary button--small" onClick={() => setOpen({ kind: 'theme' })}>
                      + Theme
                    </button>
                    <button type="button" className="button button--secondary button--small" onClick={() => setOpen({ kind: 'milestone' })}>
                      + Milestone
                    </button>
                  </div>
                )}
              </div>
            </div>
          )
        }
      </QueryView>
      {roadmap && open?.kind === 'epic' && (
        <EpicDialog roadmap={roadmap} epic={open.epic ? current(open.epic) : undefined} defaults={open.defaults} canEdit={canEdit} onClose={() => setOpen(null)} />
      )}
      {open?.kind === 'theme' && <ThemeDialog theme={open.theme} onClose={() => setOpen(null)} />}
      {roadmap && open?.kind === 'milestone' && <MilestoneDialog milestone={open.milestone} existing={roadmap.milestones} onClose={() => setOpen(null)} />}
      {open?.kind === 'ship' && <ShipDialog epic={open.epic} onClose={() => setOpen(null)} onShipped={(e) => setNotice(`“${e.title}” shipped on ${e.shippedAt}. Its outcome fills in as events arrive.`)} />}
    </>
  );
}
