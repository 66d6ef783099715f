/** People (admin): who has access with their company account, their role and where it comes from, when last seen; invite, change a role, remove. */
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { PersonRole } from '../../../../../shared/people';
import type { Person } from '../../../api/types';
import { useSession } from '../../../app/session';
import { Badge } from '../../../components/Badge';
import { ConfirmDialog } from '../../../components/Dialog';
import { PageHeader, Panel } from '../../../components/Layout';
import { EmptyState, FormError, Loading, QueryView } from '../../../components/States';
import { SCOPES } from '../../../lib/domain';
import { formatAgo, formatDateTime } from '../../../lib/format';
import { usePeople } from '../api/get-people';
import { invitePerson } from '../api/invite-person';
import { changeRole, removePerson } from '../api/update-person';

const ROLES: PersonRole[] = ['viewer', 'editor', 'admin'];

const SOURCE: Record<Person['source'], { label: string; help: string }> = {
  people: { label: 'People list', help: 'invited here: change or remove it on this page' },
  claim: { label: 'Groups claim', help: 'from the identity provider’s groups: change it there' },
  admin_email: { label: 'Admin email', help: 'SEXTANT_ADMIN_EMAILS in the server configuration' },
};

function RoleSelect({ id, value, onChange, disabled, label }: { id?: string; value: PersonRole; onChange(r: PersonRole): void; disabled?: boolean; label?: string }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as PersonRole)} disabled={disabled} aria-label={label}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {SCOPES[r].label}
        </option>
      ))}
    </select>
  );
}

export default function PeoplePage() {
  const { can, me } = useSession();
  const isAdmin = can('admin');
  const people = usePeople(isAdmin);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<PersonRole>('viewer');
  const [removing, setRemoving] = useState<Person | null>(null);
  const emailId = useId();
  const roleId = useId();
  const invite = useMutation({ mutationFn: () => invitePerson({ email: email.trim(), role }) });
  const change = useMutation({ mutationFn: ({ id, role: r }: { id: string; role: PersonRole }) => changeRole(id, r) });
  const remove = useMutation({ mutationFn: (id: string) => removePerson(id) });

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="People" />
        <EmptyState title="Only admins manage people" icon="🔒">
          Ask an admin to give someone access.
        </EmptyState>
      </>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim()) return;
    try {
      await invite.mutateAsync();
      setEmail('');
    } catch {
      // shown below
    }
  };

  return (
    <>
      <PageHeader title="People" subtitle="Who signs in with their company account, with which role. Changes take effect on the person’s next request." />
      <Panel title="Invite" subtitle="They sign in with the identity provider; the role applies to the verified email of their account.">
        <form onSubmit={submit} className="toolbar" aria-label="Invite a person">
          <div className="field field--inline" style={{ flex: '2 1 240px' }}>
            <label htmlFor={emailId}>Email</label>
            <input id={emailId} type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="ana@fabrikam.example" maxLength={254} autoComplete="off" />
          </div>
          <div className="field field--inline" style={{ flex: '1 1 160px' }}>
            <label htmlFor={roleId}>Role</label>
            <RoleSelect id={roleId} value={role} onChange={setRole} />
          </div>
          <button type="submit" className="button button--primary" disabled={invite.isPending || !email.trim()}>
            {invite.isPending ? 'Inviting…' : 'Invite'}
          </button>
          <p className="field__hint" style={{ flexBasis: '100%' }}>
            {SCOPES[role].label}: {SCOPES[role].help}.
          </p>
        </form>
        <FormError error={invite.error} />
      </Panel>
      <Panel title="Who has access">
        <FormError error={change.error} />
        <QueryView query={people} loading={<Loading variant="table" rows={3} label="Loading people" />}>
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="Nobody yet">Invite people by email, or give them one of the groups of your identity provider.</EmptyState>
            ) : (
              <div className="table-wrap">
                <table className="table table--cards" data-testid="people">
                  <caption className="visually-hidden">People</caption>
                  <thead>
                    <tr>
                      <th scope="col">Person</th>
                      <th scope="col">Role</th>
                      <th scope="col">Source</th>
                      <th scope="col">Last seen</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((p) => (
                      <tr key={p.id} data-person={p.email}>
                        <td data-label="Person">
                          <span className="cell-main">{p.name ?? p.email}</span>
                          {p.name && <div className="cell-sub">{p.email}</div>}
                          {p.email === me?.email && <div className="cell-sub">you</div>}
                        </td>
                        <td data-label="Role">
                          {p.source === 'people' ? (
                            <RoleSelect value={p.role} onChange={(r) => change.mutate({ id: p.id, role: r })} disabled={change.isPending} label={`Role of ${p.email}`} />
                          ) : (
                            <Badge tone={p.role === 'admin' ? 'info' : p.role === 'editor' ? 'good' : 'neutral'}>{SCOPES[p.role].label}</Badge>
                          )}
                        </td>
                        <td data-label="Source">
                          <span title={SOURCE[p.source].help}>{SOURCE[p.source].label}</span>
                        </td>
                        <td data-label="Last seen">{p.lastSeenAt ? <span title={formatDateTime(p.lastSeenAt)}>{formatAgo(p.lastSeenAt)}</span> : <span className="muted">never</span>}</td>
                        <td data-label="">
                          {p.source === 'people' && (
                            <button type="button" className="button button--danger-ghost button--small" onClick={() => setRemoving(p)} aria-label={`Remove ${p.email}`}>
                              Remove
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </Panel>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.email}?`}
        confirmLabel="Remove access"
        pending={remove.isPending}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={async () => {
          if (!removing) return;
          try {
            await remove.mutateAsync(removing.id);
            setRemoving(null);
          } catch {
            // shown below
          }
        }}
      >
        <p>Their next request is refused (unless the identity provider’s groups give them a role). Invite them again to give access back.</p>
        <FormError error={remove.error} />
      </ConfirmDialog>
    </>
  );
}
