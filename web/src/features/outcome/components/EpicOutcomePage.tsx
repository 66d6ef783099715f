/** Epic outcome (PM review): verdict, adoption, satisfaction, KPI lift, engagement; the decision and its history. */
import type { Decision } from '../../../../../shared/review';
import type { Outcome } from '../../../../../shared/outcome-types';
import { useRoadmap } from '../../../api/get-roadmap';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useCan } from '../../../app/session';
import { AsOfField } from '../../../components/AsOfField';
import { StatusBadge } from '../../../components/Badge';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, Loading, QueryView } from '../../../components/States';
import { formatDate } from '../../../lib/format';
import { useOutcome } from '../api/get-outcome';
import { AdoptionChart, EngagementChart, KpiCharts, SatisfactionChart } from './OutcomeCharts';
import { ReviewForm, ReviewHistory } from './Review';
import { DemandPanel } from './DemandPanel';
import { TargetsTable, VerdictBanner } from './Verdict';
import { EpicHistory } from './EpicHistory';

/** What the numbers suggest (the PM decides): met → double down, missed but close → iterate, far off → sunset. */
export function suggestDecision(o: Pick<Outcome, 'verdict' | 'targets'>): Decision | undefined {
  if (o.verdict === 'met') return 'double_down';
  if (o.verdict !== 'missed') return undefined;
  const worst = Math.min(
    ...o.targets.filter((t) => t.status === 'missed' && t.actual !== null && t.value !== 0).map((t) => (t.actual! - t.value) / Math.abs(t.value)),
  );
  return Number.isFinite(worst) && worst < -0.5 ? 'sunset' : 'iterate';
}

const route = getRouteApi('/epics/$id');

export default function EpicOutcomePage() {
  const epicId = route.useParams({ select: (p) => p.id });
  const asOf = route.useSearch({ select: (s) => s.asOf ?? null });
  const navigate = route.useNavigate();
  const setAsOf = (next: string | null) => void navigate({ search: (s) => ({ ...s, asOf: next || undefined }), replace: true });
  const outcome = useOutcome(epicId, asOf);
  const roadmap = useRoadmap();
  const canReview = useCan('editor');
  const epic = roadmap.data?.epics.find((e) => e.id === epicId);
  const theme = roadmap.data?.themes.find((t) => t.id === epic?.themeId);
  const o = outcome.data;

  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link to="/impact" search={asOf ? { asOf } : {}}>
              Impact
            </Link> / {theme?.name ?? 'Epic'}
          </>
        }
        title={epic?.title ?? epicId}
        subtitle={
          o?.shippedAt ? (
            <>
              Shipped {formatDate(o.shippedAt)} · {o.windowDays}-day window to {formatDate(o.windowEnd)} · as of {formatDate(o.asOf)}
            </>
          ) : epic ? (
            <>
              <StatusBadge status={epic.status} /> {epic.description}
            </>
          ) : null
        }
        actions={<AsOfField value={asOf} onChange={setAsOf} />}
      />
      <QueryView
        query={outcome}
        loading={
          <div className="stack">
            <Loading rows={1} variant="table" label="Loading the outcome" />
            <Loading rows={2} variant="chart" />
          </div>
        }
      >
        {(data) =>
          data.verdict === 'not_shipped' ? (
            <div className="stack">
              <VerdictBanner outcome={data} />
              <Panel title="Targets">
                <TargetsTable outcome={data} />
              </Panel>
              <EmptyState title="No outcome until this epic ships" icon="◌" action={<Link to="/roadmap" className="button button--secondary">Open the roadmap</Link>}>
                Ship it from the roadmap; adoption, satisfaction and KPI lift are measured from the ship day.
              </EmptyState>
            </div>
          ) : (
            <div className="stack">
              <VerdictBanner outcome={data} />
              <Panel title="Targets" subtitle="Set when the epic was planned; judged by the point estimate, “confidently” when the 95% CI lies wholly on one side">
                <TargetsTable outcome={data} />
              </Panel>
              <div className="grid-2">
                <Panel>
                  <AdoptionChart outcome={data} />
                </Panel>
                <Panel>
                  <SatisfactionChart outcome={data} />
                </Panel>
              </div>
              <div className="grid-2">
                <Panel>
                  <KpiCharts outcome={data} />
                </Panel>
                <Panel>
                  <EngagementChart outcome={data} />
                </Panel>
              </div>
              <div className="grid-2" id="review">
                <Panel title="Decision" subtitle={canReview ? 'What should happen to this epic now?' : 'Recorded by editors'}>
                  {canReview ? <ReviewForm epicId={epicId} suggested={suggestDecision(data)} /> : <p className="muted">Your role can read decisions but not record them.</p>}
                </Panel>
                <Panel title="Decision history">
                  <ReviewHistory epicId={epicId} />
                </Panel>
              </div>
            </div>
          )
        }
      </QueryView>
      <div className="stack" style={{ marginTop: 'var(--gap, 20px)' }}>
        <DemandPanel epicId={epicId} asOf={asOf} />
        <EpicHistory epicId={epicId} />
      </div>
    </>
  );
}
