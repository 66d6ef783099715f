/** Keys: create a write key or role token (its secret shown once, with a copy button), list them, revoke with confirmation. */
import { useId, useState, type FormEvent } from 'react';
import type { KeyRecord, KeyScope } from '../../../../../shared/keys';
import { useSession } from '../../../app/session';
import { Badge } from '../../../components/Badge';
import { ConfirmDialog } from '../../../components/Dialog';
import { Panel } from '../../../components/Layout';
import { EmptyState, FormError, Loading, QueryView } from '../../../components/States';
import { SCOPES, SCOPE_LIST } from '../../../lib/domain';
import { formatDateTime } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { createKey, type NewKey } from '../api/create-key';
import { useKeys } from '../api/get-keys';
import { revokeKey } from '../api/revoke-key';

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button button--secondary button--small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setState('copied');
        } catch {
          setState('failed');
        }
        setTimeout(() => setState('idle'), 2500);
      }}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Select and copy' : 'Copy'}</span>
    </button>
  );
}

function NewKeyNotice({ created, onDone }: { created: NewKey; onDone(): void }) {
  return (
    <div className="notice notice--good" role="status" data-testid="new-key">
      <strong>Key “{created.name}” created.</strong> Copy it now: it is shown only once and stored hashed.
      <div className="secret">
        <code data-testid="new-key-value">{created.key}</code>
        <CopyButton text={created.key} />
      </div>
      {created.scope === 'ingest' ? (
        <span className="small">Use it as your Segment / RudderStack write key with this server as the host.</span>
      ) : (
        <span className="small">A {SCOPES[created.scope].label.toLowerCase()} token: send it as “Authorization: Bearer …” or sign in with it.</span>
      )}
      <div style={{ marginTop: 8 }}>
        <button type="button" className="button button--secondary button--small" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

export function KeysPanel() {
  const { me, can } = useSession();
  const isAdmin = can('admin');
  const keys = useKeys(isAdmin);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('ingest');
  const [created, setCreated] = useState<NewKey | null>(null);
  const [revoking, setRevoking] = useState<KeyRecord | null>(null);
  const nameId = useId();
  const scopeId = useId();
  const create = useMutation({ mutationFn: () => createKey({ name: name.trim(), scope }) });
  const revoke = useMutation({ mutationFn: (id: string) => revokeKey(id) });

  if (!isAdmin) {
    return (
      <Panel title="Keys" id="keys">
        <EmptyState title="Only admins manage keys" icon="🔒">
          Ask an admin for a write key for your analytics pipeline, or for a token with more rights.
        </EmptyState>
      </Panel>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      setCreated(await create.mutateAsync());
      setName('');
    } catch {
      // shown below
    }
  };

  return (
    <Panel title="Keys" subtitle="Write keys let analytics pipelines send events; role tokens open the dashboard and the API." id="keys">
      <form onSubmit={submit} className="toolbar" style={{ marginBottom: 14 }} aria-label="Create a key">
        <div className="field field--inline" style={{ flex: '2 1 200px' }}>
          <label htmlFor={nameId}>Name</label>
          <input id={nameId} type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="segment-prod" maxLength={80} />
        </div>
        <div className="field field--inline" style={{ flex: '1 1 180px' }}>
          <label htmlFor={scopeId}>Scope</label>
          <select id={scopeId} value={scope} onChange={(e) => setScope(e.target.value as KeyScope)} aria-describedby={`${scopeId}-help`}>
            {SCOPE_LIST.map((s) => (
              <option key={s} value={s}>
                {SCOPES[s].label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
        <p id={`${scopeId}-help`} className="field__hint" style={{ flexBasis: '100%' }}>
          {SCOPES[scope].label}: {SCOPES[scope].help}.
        </p>
      </form>
      <FormError error={create.error} />
      {created && <NewKeyNotice created={created} onDone={() => setCreated(null)} />}
      <QueryView query={keys} loading={<Loading variant="table" rows={3} label="Loading keys" />}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No keys yet">Create a write key for your analytics pipeline.</EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table table--cards">
                <caption className="visually-hidden">Keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scope</th>
                    <th scope="col">Key starts with</th>
                    <th scope="col">Created</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((k) => (
                    <tr key={k.id} data-key={k.id}>
                      <td data-label="Name">
                        <span className="cell-main">{k.name}</span>
                        {k.id === me?.id && <div className="cell-sub">you are signed in with this {k.session ? 'session' : 'key'}</div>}
                        {k.session && k.expiresAt && <div className="cell-sub">dashboard session, ends {formatDateTime(k.expiresAt)}</div>}
                        {k.id === 'bootstrap-admin' && <div className="cell-sub">bootstrap admin (SEXTANT_ADMIN_TOKEN)</div>}
                      </td>
                      <td data-label="Scope">
                        <Badge tone={k.scope === 'ingest' ? 'neutral' : 'info'}>{SCOPES[k.scope].label}</Badge>
                      </td>
                      <td data-label="Starts with">
                        <code>{k.prefix}…</code>
                      </td>
                      <td data-label="Created">{formatDateTime(k.createdAt)}</td>
                      <td data-label="Status">
                        {k.revokedAt ? (
                          <Badge tone="muted" icon="⊘" title={`Revoked ${formatDateTime(k.revokedAt)}`}>
                            Revoked
                          </Badge>
                        ) : (
                          <Badge tone="good" icon="●">
                            Active
                          </Badge>
                        )}
                      </td>
                      <td data-label="">
                        {!k.revokedAt && (
                          <button type="button" className="button button--danger-ghost button--small" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.name}`}>
                            Revoke
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
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name}”?`}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={async () => {
          if (!revoking) return;
          try {
            await revoke.mutateAsync(revoking.id);
            setRevoking(null);
          } catch {
            // shown below
          }
        }}
      >
        <p>
          Requests with this key fail from now on{revoking?.scope === 'ingest' ? ': pipelines using it stop delivering events' : ''}. This cannot be undone.
          {revoking?.id === me?.id && <strong> You are signed in with this key and will be signed out.</strong>}
        </p>
        {revoking?.id === 'bootstrap-admin' && (
          <p data-testid="bootstrap-revoke-note">
            This is the bootstrap admin: the token of <code>SEXTANT_ADMIN_TOKEN</code> (locally) or of the deployment secret&apos;s{' '}
            <code>adminToken</code> (AWS). Revoked, it stays revoked across restarts and cold starts; setting the same value again does not bring it
            back, only a different value creates a new bootstrap admin. Make sure another admin key exists: the last admin key cannot be revoked.
          </p>
        )}
        <FormError error={revoke.error} />
      </ConfirmDialog>
    </Panel>
  );
}
