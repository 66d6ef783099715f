/** Impact (leadership): what the shipped epics did to adoption, satisfaction and KPIs, as of a day. */
import { getRouteApi } from '@tanstack/react-router';
import { AsOfField } from '../../../components/AsOfField';
import { PageHeader } from '../../../components/Layout';
import { Loading, QueryView } from '../../../components/States';
import { formatDate } from '../../../lib/format';
import { useImpact } from '../../../api/get-impact';
import { AtAGlance } from './AtAGlance';
import { Headline } from './Headline';
import { Scoreboard } from './Scoreboard';
import { ThemeImpact } from './ThemeImpact';
import { ProductTrends } from './ProductTrends';

/** The day the page is measured at, with a way back to today. */
function AsOfPicker({ value, onChange }: { value: string | null; onChange(v: string | null): void }) {
  return (
    <div className="toolbar">
      <AsOfField value={value} onChange={onChange} />
      {value && (
        <button type="button" className="button button--secondary" onClick={() => onChange(null)}>
          Today
        </button>
      )}
    </div>
  );
}

const route = getRouteApi('/impact');

export default function ImpactPage() {
  const search = route.useSearch();
  const asOf = search.asOf ?? null;
  const navigate = route.useNavigate();
  const setAsOf = (next: string | null) => void navigate({ search: (s) => ({ ...s, asOf: next || undefined }), replace: true });
  const query = useImpact(asOf);
  return (
    <>
      <PageHeader
        title="Impact"
        subtitle={
          <>
            What the shipped epics did to adoption, satisfaction and KPIs, measured over each epic&apos;s window
            {query.data ? <> · as of <strong>{formatDate(query.data.asOf)}</strong></> : null}.
          </>
        }
        actions={<AsOfPicker value={asOf} onChange={setAsOf} />}
      />
      <QueryView
        query={query}
        loading={
          <div className="stack">
            <Loading label="Loading impact" rows={4} />
            <Loading variant="chart" rows={1} />
          </div>
        }
      >
        {(impact) => (
          <div className="stack" aria-busy={query.isFetching}>
            <Headline impact={impact} />
            <AtAGlance impact={impact} />
            <ThemeImpact impact={impact} />
            <Scoreboard impact={impact} view={search} onView={(v) => void navigate({ search: (s) => ({ ...s, ...v }), replace: true })} />
            <ProductTrends impact={impact} />
          </div>
        )}
      </QueryView>
    </>
  );
}
