/** An epic's own history on its page (editor and up): its changes, its stories, its reviews, imports that changed it. */
import { Link } from '../../../app/router';
import { useCan } from '../../../app/session';
import { Panel } from '../../../components/Layout';
import { EmptyState, QueryView } from '../../../components/States';
import { useAudit } from '../api/get-audit';
import { EntryList } from './EntryList';
import '../history.css';

export function EpicHistory({ epicId }: { epicId: string }) {
  const canRead = useCan('editor');
  const page = useAudit(canRead ? { epicId, limit: 20 } : null);
  if (!canRead) return null;
  return (
    <Panel title="History" subtitle="Changes to this epic, newest first" actions={<Link to={`/history?epic=${encodeURIComponent(epicId)}`}>All of it</Link>}>
      <QueryView query={page}>{(p) => (p.entries.length ? <EntryList entries={p.entries} showEpic={false} /> : <EmptyState title="No recorded change yet" icon="◷" />)}</QueryView>
    </Panel>
  );
}
