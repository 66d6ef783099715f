/**
 * The epic editor's form state and its translation to the API's epic input (create) and
 * patch (edit). Percentages are typed as percentages (15 → 0.15). Pure.
 */
import type { Epic, EpicInput, EpicStatus } from '../../../../../shared/roadmap';
import { metricKind, type MetricKind } from '../../../lib/domain';

export interface TargetForm {
  kind: MetricKind;
  kpiName: string;
  op: '>=' | '<=';
  value: string;
  windowDays: string;
}

export interface EpicForm {
  id: string;
  title: string;
  description: string;
  themeId: string;
  milestoneId: string;
  status: EpicStatus;
  shippedAt: string;
  signalEvents: string;
  targets: TargetForm[];
  estimate: { reach: string; impact: string; confidence: string; engineering: string; design: string; expectedAdoption: string };
}

/** Shares are edited as percentages. */
const PERCENT_KINDS = new Set<MetricKind>(['adoption_rate']);

const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim().replace(',', '.')));
const pctIn = (x: number) => String(Number((x * 100).toPrecision(6)));

/** "Virtual try-on!" → "virtual-try-on". */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
}

export function emptyTarget(): TargetForm {
  return { kind: 'adoption_rate', kpiName: '', op: '>=', value: '', windowDays: '28' };
}

export function emptyEpicForm(themeId = '', milestoneId = ''): EpicForm {
  return {
    id: '',
    title: '',
    description: '',
    themeId,
    milestoneId,
    status: 'planned',
    shippedAt: '',
    signalEvents: '',
    targets: [emptyTarget()],
    estimate: { reach: '', impact: '1', confidence: '80', engineering: '', design: '', expectedAdoption: '' },
  };
}

export function epicToForm(e: Epic): EpicForm {
  return {
    id: e.id,
    title: e.title,
    description: e.description ?? '',
    themeId: e.themeId,
    milestoneId: e.milestoneId ?? '',
    status: e.status,
    shippedAt: e.shippedAt ?? '',
    signalEvents: e.signals.events.join('\n'),
    targets: e.targets.map((t) => {
      const kind = metricKind(t.metric);
      return {
        kind,
        kpiName: kind === 'kpi' ? t.metric.slice(4) : '',
        op: t.op,
        value: PERCENT_KINDS.has(kind) ? pctIn(t.value) : String(t.value),
        windowDays: String(t.windowDays),
      };
    }),
    estimate: e.estimate
      ? {
          reach: String(e.estimate.reach),
          impact: String(e.estimate.impact),
          confidence: pctIn(e.estimate.confidence),
          engineering: String(e.estimate.effortWeeks.engineering),
          design: String(e.estimate.effortWeeks.design),
          expectedAdoption: e.estimate.expectedAdoption !== undefined ? pctIn(e.estimate.expectedAdoption) : '',
        }
      : { reach: '', impact: '', confidence: '', engineering: '', design: '', expectedAdoption: '' },
  };
}

export interface FormProblem {
  field: string;
  message: string;
}

type Built = { targets: EpicInput['targets']; estimate: EpicInput['estimate'] | null; events: string[] };

function build(f: EpicForm, problems: FormProblem[]): Built {
  const events = f.signalEvents
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const targets: NonNullable<EpicInput['targets']> = [];
  f.targets.forEach((t, i) => {
    if (t.value.trim() === '' && (t.kind !== 'kpi' || t.kpiName.trim() === '')) return; // an empty row is ignored
    const value = num(t.value);
    if (value === undefined || !Number.isFinite(value)) {
      problems.push({ field: `targets.${i}.value`, message: `Target ${i + 1}: enter a number` });
      return;
    }
    const windowDays = num(t.windowDays) ?? 28;
    if (t.kind === 'kpi' && !t.kpiName.trim()) problems.push({ field: `targets.${i}.kpiName`, message: `Target ${i + 1}: name the KPI` });
    targets.push({
      metric: t.kind === 'kpi' ? `kpi:${t.kpiName.trim()}` : t.kind,
      op: t.op,
      value: PERCENT_KINDS.has(t.kind) ? value / 100 : value,
      windowDays,
    });
  });
  const e = f.estimate;
  const any = [e.reach, e.impact, e.confidence, e.engineering, e.design, e.expectedAdoption].some((v) => v.trim() !== '');
  let estimate: Built['estimate'] = null;
  if (any && (e.reach.trim() !== '' || e.engineering.trim() !== '')) {
    const reach = num(e.reach);
    const impact = num(e.impact);
    const confidence = num(e.confidence);
    const engineering = num(e.engineering);
    const design = num(e.design) ?? 0;
    const expected = num(e.expectedAdoption);
    if (reach === undefined) problems.push({ field: 'estimate.reach', message: 'Estimate: enter the reach' });
    if (impact === undefined) problems.push({ field: 'estimate.impact', message: 'Estimate: choose an impact' });
    if (confidence === undefined) problems.push({ field: 'estimate.confidence', message: 'Estimate: enter a confidence' });
    if (engineering === undefined) problems.push({ field: 'estimate.engineering', message: 'Estimate: enter engineering weeks' });
    estimate = {
      reach: reach ?? 0,
      impact: impact ?? 0,
      confidence: (confidence ?? 0) / 100,
      effortWeeks: { engineering: engineering ?? 0, design },
      ...(expected !== undefined ? { expectedAdoption: expected / 100 } : {}),
    };
  }
  return { targets, estimate, events };
}

/** A new epic for POST /api/v1/epics, or the problems to fix first. */
export function formToEpicInput(f: EpicForm): { input: EpicInput; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  if (!f.title.trim()) problems.push({ field: 'title', message: 'Give the epic a title' });
  if (!f.themeId) problems.push({ field: 'themeId', message: 'Choose a theme' });
  const id = f.id.trim() || slugify(f.title);
  if (!id) problems.push({ field: 'id', message: 'Give the epic an id' });
  const { targets, estimate, events } = build(f, problems);
  const input: EpicInput = {
    id,
    title: f.title.trim(),
    themeId: f.themeId,
    status: f.status,
    signals: { events },
    targets,
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    ...(f.milestoneId ? { milestoneId: f.milestoneId } : {}),
    ...(f.status === 'shipped' && f.shippedAt ? { shippedAt: f.shippedAt } : {}),
    ...(estimate ? { estimate } : {}),
  };
  return { input, problems };
}

/** The PATCH body for an edited epic: every editable field; `null` removes the milestone, ship day or estimate. */
export function formToEpicPatch(f: EpicForm): { patch: Record<string, unknown>; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  if (!f.title.trim()) problems.push({ field: 'title', message: 'Give the epic a title' });
  const { targets, estimate, events } = build(f, problems);
  return {
    patch: {
      title: f.title.trim(),
      description: f.description.trim(),
      themeId: f.themeId,
      milestoneId: f.milestoneId || null,
      status: f.status,
      shippedAt: f.status === 'shipped' ? f.shippedAt || null : null,
      signals: { events },
      targets,
      estimate,
    },
    problems,
  };
}
