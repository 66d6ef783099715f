/** Impact (leadership): what the shipped epics did to adoption, satisfaction and KPIs, as of a day. */
import { useSearchParam } from '../../../app/router';
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

export default function ImpactPage() {
  const [asOf, setAsOf] = useSearchParam('asOf');
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
          <div className="stack" aria-busy={query.fetching}>
            <Headline impact={impact} />
            <AtAGlance impact={impact} />
            <ThemeImpact impact={impact} />
            <Scoreboard impact={impact} />
            <ProductTrends impact={impact} />
          </div>
        )}
      </QueryView>
    </>
  );
}
