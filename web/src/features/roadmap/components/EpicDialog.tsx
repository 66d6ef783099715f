/**
 * One epic: read-only details for viewers; for editors the full editor (title, theme,
 * milestone, status, signals, targets, RICE estimate, stories) and delete.
 */
import { useId, useState, type FormEvent } from 'react';
import type { Epic, Roadmap } from '../../../../../shared/roadmap';
import { Link } from '@tanstack/react-router';
import { StatusBadge } from '../../../components/Badge';
import { Dialog, FormDialog } from '../../../components/Dialog';
import { FormError } from '../../../components/States';
import { describeTarget, METRIC_KINDS, STATUSES, STATUS_LIST, type MetricKind } from '../../../lib/domain';
import { formatDate, formatInt, formatNumber, formatPercent } from '../../../lib/format';
import { useMutation } from '@tanstack/react-query';
import { createEntity } from '../api/create-entity';
import { updateEntity } from '../api/update-entity';
import { emptyEpicForm, emptyTarget, epicToForm, formToEpicInput, formToEpicPatch, slugify, type EpicForm, type FormProblem } from '../lib/epic-form';
import { DeleteEntityDialog } from './DeleteEntityDialog';
import { StoriesEditor } from './StoriesEditor';

const METRIC_NAMES: Record<MetricKind, string> = {
  adoption_rate: 'Adoption rate (%)',
  csat: 'CSAT (1–5)',
  nps: 'NPS (−100…100)',
  satisfaction_lift: 'Product CSAT change',
  kpi: 'KPI lift',
};

const IMPACTS = [
  { value: '0.25', label: '0.25 — minimal' },
  { value: '0.5', label: '0.5 — low' },
  { value: '1', label: '1 — medium' },
  { value: '2', label: '2 — high' },
  { value: '3', label: '3 — massive' },
];

function ReadOnly({ epic, roadmap }: { epic: Epic; roadmap: Roadmap }) {
  const theme = roadmap.themes.find((t) => t.id === epic.themeId);
  const milestone = roadmap.milestones.find((m) => m.id === epic.milestoneId);
  const stories = roadmap.stories.filter((s) => s.epicId === epic.id);
  return (
    <div className="stack" style={{ gap: 14 }}>
      <div className="epic-card__meta">
        <StatusBadge status={epic.status} />
        <span className="muted">
          {theme?.name ?? epic.themeId} · {milestone?.name ?? 'Unscheduled'}
          {epic.shippedAt && <> · shipped {formatDate(epic.shippedAt)}</>}
        </span>
      </div>
      {epic.description && <p>{epic.description}</p>}
      <div>
        <h3>Targets</h3>
        {epic.targets.length ? (
          <ul>
            {epic.targets.map((t) => (
              <li key={`${t.metric}${t.op}`}>{describeTarget(t)}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">No targets set.</p>
        )}
      </div>
      <div>
        <h3>Usage signals</h3>
        <p>{epic.signals.events.length ? epic.signals.events.map((e) => <code key={e} style={{ marginRight: 6 }}>{e}</code>) : <span className="muted">Events with properties.epicId = “{epic.id}” only.</span>}</p>
      </div>
      <div>
        <h3>Estimate (RICE)</h3>
        {epic.estimate ? (
          <p>
            Reach {formatInt(epic.estimate.reach)} · impact {formatNumber(epic.estimate.impact)} · confidence {formatPercent(epic.estimate.confidence, 0)} · effort{' '}
            {formatNumber(epic.estimate.effortWeeks.engineering)} eng + {formatNumber(epic.estimate.effortWeeks.design)} design person-weeks
            {epic.estimate.expectedAdoption !== undefined && <> · expected adoption {formatPercent(epic.estimate.expectedAdoption)}</>}
          </p>
        ) : (
          <p className="muted">No estimate.</p>
        )}
      </div>
      <div>
        <h3>Stories</h3>
        {stories.length ? (
          <ul>
            {stories.map((s) => (
              <li key={s.id}>
                {s.title} <span className="muted">({s.status.replace('_', ' ')})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No stories.</p>
        )}
      </div>
      {epic.status === 'shipped' && (
        <Link to="/epics/$id" params={{ id: epic.id }} className="button button--primary">
          Open the outcome
        </Link>
      )}
    </div>
  );
}

export function EpicDialog({
  roadmap,
  epic,
  defaults,
  canEdit,
  onClose,
}: {
  roadmap: Roadmap;
  /** the epic to edit; absent: create */
  epic?: Epic;
  defaults?: { themeId?: string; milestoneId?: string };
  canEdit: boolean;
  onClose(): void;
}) {
  const creating = !epic;
  const [form, setForm] = useState<EpicForm>(() => (epic ? epicToForm(epic) : emptyEpicForm(defaults?.themeId ?? roadmap.themes[0]?.id ?? '', defaults?.milestoneId ?? '')));
  const [idTouched, setIdTouched] = useState(false);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const formId = useId();
  const ids = {
    title: useId(),
    id: useId(),
    desc: useId(),
    theme: useId(),
    milestone: useId(),
    status: useId(),
    shipped: useId(),
    signals: useId(),
    reach: useId(),
    impact: useId(),
    confidence: useId(),
    eng: useId(),
    design: useId(),
    expected: useId(),
  };

  const save = useMutation({ mutationFn: async (f: EpicForm) => {
    if (creating) {
      const { input, problems: p } = formToEpicInput(f);
      if (p.length) throw Object.assign(new Error('Fix these first:'), { problems: p });
      return createEntity('epics', input);
    }
    const { patch, problems: p } = formToEpicPatch(f);
    if (p.length) throw Object.assign(new Error('Fix these first:'), { problems: p });
    return updateEntity('epics', epic.id, patch);
  } });

  if (!canEdit && epic) {
    return (
      <Dialog open title={epic.title} onClose={onClose} size="medium">
        <ReadOnly epic={epic} roadmap={roadmap} />
      </Dialog>
    );
  }

  const set = <K extends keyof EpicForm>(k: K, v: EpicForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setEstimate = (k: keyof EpicForm['estimate'], v: string) => setForm((f) => ({ ...f, estimate: { ...f.estimate, [k]: v } }));
  const setTarget = (i: number, patch: Partial<EpicForm['targets'][number]>) =>
    setForm((f) => ({ ...f, targets: f.targets.map((t, j) => (j === i ? { ...t, ...patch } : t)) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblems([]);
    try {
      await save.mutateAsync(form);
      onClose();
    } catch (err) {
      const p = (err as { problems?: FormProblem[] }).problems;
      if (p) setProblems(p);
    }
  };
  const stories = epic ? roadmap.stories.filter((s) => s.epicId === epic.id) : [];
  const statusChoices = STATUS_LIST.filter((s) => s !== 'shipped' || form.status === 'shipped' || epic?.status === 'shipped');
  const problemFor = (field: string) => problems.find((p) => p.field === field)?.message;

  return (
    <>
      <FormDialog
        title={creating ? 'New epic' : `Edit “${epic.title}”`}
        onClose={onClose}
        size="large"
        formId={formId}
        submitLabel={creating ? 'Create epic' : 'Save changes'}
        pending={save.isPending}
        onDelete={creating ? undefined : () => setConfirmDelete(true)}
        deleteLabel="Delete epic"
      >
        <form id={formId} onSubmit={submit} noValidate>
          {problems.length > 0 && (
            <div className="form-error" role="alert">
              <strong>Fix these first:</strong>
              <ul>
                {problems.map((p) => (
                  <li key={p.field + p.message}>{p.message}</li>
                ))}
              </ul>
            </div>
          )}
          {save.error && !problems.length ? <FormError error={save.error} /> : null}
          <div className="form-row">
            <div className="field" style={{ gridColumn: 'span 2' }}>
              <label htmlFor={ids.title}>Title</label>
              <input
                id={ids.title}
                type="text"
                value={form.title}
                required
                aria-invalid={problemFor('title') ? true : undefined}
                onChange={(e) => {
                  const title = e.target.value;
                  setForm((f) => ({ ...f, title, id: creating && !idTouched ? slugify(title) : f.id }));
                }}
              />
            </div>
            {creating && (
              <div className="field">
                <label htmlFor={ids.id}>Id</label>
                <input
                  id={ids.id}
                  type="text"
                  className="mono"
                  value={form.id}
                  onChange={(e) => {
                    setIdTouched(true);
                    set('id', e.target.value);
                  }}
                />
                <p className="field__hint">Lowercase letters, digits and dashes; used in events as properties.epicId.</p>
              </div>
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.desc}>Description</label>
            <textarea id={ids.desc} value={form.description} onChange={(e) => set('description', e.target.value)} rows={2} />
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.theme}>Theme</label>
              <select id={ids.theme} value={form.themeId} onChange={(e) => set('themeId', e.target.value)}>
                {roadmap.themes.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.milestone}>Milestone</label>
              <select id={ids.milestone} value={form.milestoneId} onChange={(e) => set('milestoneId', e.target.value)}>
                <option value="">Unscheduled</option>
                {[...roadmap.milestones]
                  .sort((a, b) => (a.start < b.start ? -1 : 1))
                  .map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.status}>Status</label>
              <select id={ids.status} value={form.status} onChange={(e) => set('status', e.target.value as EpicForm['status'])}>
                {statusChoices.map((s) => (
                  <option key={s} value={s}>
                    {STATUSES[s].label}
                  </option>
                ))}
              </select>
              {form.status !== 'shipped' && <p className="field__hint">To ship, use “Ship…” on the card.</p>}
            </div>
            {form.status === 'shipped' && (
              <div className="field">
                <label htmlFor={ids.shipped}>Shipped on</label>
                <input id={ids.shipped} type="date" value={form.shippedAt} onChange={(e) => set('shippedAt', e.target.value)} />
              </div>
            )}
          </div>

          <fieldset className="form-section">
            <legend>Outcome targets</legend>
            <p className="field__hint" style={{ marginBottom: 10 }}>
              What this epic must achieve within its window after shipping. Adoption is a percentage of active users; KPI lifts are in the KPI&apos;s own unit
              (0.002 = +0.2 pp for a rate).
            </p>
            {form.targets.map((t, i) => (
              <div className="target-row" key={i} role="group" aria-label={`Target ${i + 1}`}>
                <div className="field">
                  <label htmlFor={`${formId}-m${i}`}>Metric</label>
                  <select id={`${formId}-m${i}`} value={t.kind} onChange={(e) => setTarget(i, { kind: e.target.value as MetricKind })}>
                    {METRIC_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {METRIC_NAMES[k]}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`${formId}-k${i}`}>KPI name</label>
                  <input
                    id={`${formId}-k${i}`}
                    type="text"
                    className="mono"
                    disabled={t.kind !== 'kpi'}
                    placeholder={t.kind === 'kpi' ? 'checkout_conversion' : '—'}
                    value={t.kpiName}
                    onChange={(e) => setTarget(i, { kpiName: e.target.value })}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`${formId}-o${i}`}>Must be</label>
                  <select id={`${formId}-o${i}`} value={t.op} onChange={(e) => setTarget(i, { op: e.target.value as '>=' | '<=' })}>
                    <option value=">=">≥</option>
                    <option value="<=">≤</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`${formId}-v${i}`}>Value{t.kind === 'adoption_rate' ? ' (%)' : ''}</label>
                  <input id={`${formId}-v${i}`} type="text" inputMode="decimal" value={t.value} aria-invalid={problemFor(`targets.${i}.value`) ? true : undefined} onChange={(e) => setTarget(i, { value: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`${formId}-w${i}`}>Window (days)</label>
                  <input id={`${formId}-w${i}`} type="number" min={1} max={180} value={t.windowDays} onChange={(e) => setTarget(i, { windowDays: e.target.value })} />
                </div>
                <button type="button" className="icon-button" aria-label={`Remove target ${i + 1}`} onClick={() => set('targets', form.targets.filter((_, j) => j !== i))}>
                  ×
                </button>
              </div>
            ))}
            <button type="button" className="button button--secondary button--small" onClick={() => set('targets', [...form.targets, emptyTarget()])}>
              + Add target
            </button>
          </fieldset>

          <fieldset className="form-section">
            <legend>Usage signals</legend>
            <div className="field">
              <label htmlFor={ids.signals}>Track events that count as using this epic</label>
              <textarea id={ids.signals} className="mono" rows={2} value={form.signalEvents} onChange={(e) => set('signalEvents', e.target.value)} placeholder="Try-On Started" />
              <p className="field__hint">One event name per line. Events whose properties.epicId is this epic&apos;s id always count.</p>
            </div>
          </fieldset>

          <fieldset className="form-section">
            <legend>Estimate (RICE)</legend>
            <div className="form-row">
              <div className="field">
                <label htmlFor={ids.reach}>Reach (users / quarter)</label>
                <input id={ids.reach} type="text" inputMode="numeric" value={form.estimate.reach} onChange={(e) => setEstimate('reach', e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={ids.impact}>Impact</label>
                <select id={ids.impact} value={form.estimate.impact} onChange={(e) => setEstimate('impact', e.target.value)}>
                  <option value="">—</option>
                  {IMPACTS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids.confidence}>Confidence (%)</label>
                <input id={ids.confidence} type="text" inputMode="decimal" value={form.estimate.confidence} onChange={(e) => setEstimate('confidence', e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={ids.expected}>Expected adoption (%)</label>
                <input id={ids.expected} type="text" inputMode="decimal" value={form.estimate.expectedAdoption} onChange={(e) => setEstimate('expectedAdoption', e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={ids.eng}>Engineering (person-weeks)</label>
                <input id={ids.eng} type="text" inputMode="decimal" value={form.estimate.engineering} onChange={(e) => setEstimate('engineering', e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={ids.design}>Design (person-weeks)</label>
                <input id={ids.design} type="text" inputMode="decimal" value={form.estimate.design} onChange={(e) => setEstimate('design', e.target.value)} />
              </div>
            </div>
          </fieldset>
        </form>
        {!creating && <StoriesEditor epicId={epic.id} stories={stories} />}
      </FormDialog>
      {!creating && (
        <DeleteEntityDialog
          collection="epics"
          id={epic.id}
          open={confirmDelete}
          title={`Delete “${epic.title}”?`}
          confirmLabel="Delete epic"
          onClose={() => setConfirmDelete(false)}
          onDeleted={onClose}
        >
          <p>The epic and its {stories.length} stories are removed from the roadmap. Events already received are kept.</p>
        </DeleteEntityDialog>
      )}
    </>
  );
}
