/** An epic's own history on its page (editor and up): its changes, its stories, its reviews, imports that changed it. */
import { Link } from '@tanstack/react-router';
import { useAudit } from '../../../api/get-audit';
import { useCan } from '../../../app/session';
import { AuditEntryList } from '../../../components/AuditEntryList';
import { Panel } from '../../../components/Layout';
import { EmptyState, QueryView } from '../../../components/States';

export function EpicHistory({ epicId }: { epicId: string }) {
  const canRead = useCan('editor');
  const page = useAudit({ epicId, limit: 20 }, canRead);
  if (!canRead) return null;
  return (
    <Panel title="History" subtitle="Changes to this epic, newest first" actions={<Link to="/history" search={{ epic: epicId }}>All of it</Link>}>
      <QueryView query={page}>{(p) => (p.entries.length ? <AuditEntryList entries={p.entries} showEpic={false} /> : <EmptyState title="No recorded change yet" icon="◷" />)}</QueryView>
    </Panel>
  );
}
