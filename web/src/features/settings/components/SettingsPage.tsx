/** Settings: keys (admin) and ingest health. */
import { PageHeader } from '../../../components/Layout';
import { IngestPanel } from './IngestPanel';
import { KeysPanel } from './KeysPanel';

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" subtitle="Keys for your analytics pipeline and teammates, and the health of incoming data." />
      <div className="stack">
        <KeysPanel />
        <IngestPanel />
      </div>
    </>
  );
}
