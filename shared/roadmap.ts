/**
 * The roadmap hierarchy: mission → themes → milestones → epics → user stories.
 * Binding field names: ../shared/DESIGN.md "Shapes". Pure: no AWS, Hono or React imports.
 */
import { z } from 'zod';
import { isoDate, slugId, storableNumber } from './primitives';
import { AmendmentReason, TargetAmendment } from './amendments';

export const Mission = z
  .object({ statement: z.string().trim().min(1).max(500) })
  .meta({ id: 'Mission' });
export type Mission = z.infer<typeof Mission>;

export const Theme = z
  .object({
    id: slugId,
    name: z.string().trim().min(1).max(120),
    description: z.string().max(2000).optional(),
  })
  .meta({ id: 'Theme' });
export type Theme = z.infer<typeof Theme>;

export const Milestone = z
  .object({
    id: slugId,
    name: z.string().trim().min(1).max(120),
    start: isoDate,
    end: isoDate,
  })
  .meta({ id: 'Milestone' });
export type Milestone = z.infer<typeof Milestone>;

export const EPIC_STATUSES = ['planned', 'in_progress', 'shipped', 'cancelled'] as const;
export const EpicStatus = z.enum(EPIC_STATUSES);
export type EpicStatus = z.infer<typeof EpicStatus>;

/** `kpi:<name>` where name is a KPI sent to POST /v1/metrics. */
export const KPI_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const TargetMetric = z
  .string()
  .refine(
    (m) =>
      m === 'adoption_rate' ||
      m === 'csat' ||
      m === 'nps' ||
      m === 'satisfaction_lift' ||
      (m.startsWith('kpi:') && KPI_NAME.test(m.slice(4))),
    {
      message:
        'metric must be adoption_rate, csat, nps, satisfaction_lift or kpi:<name> (lowercase letters, digits, _ . -)',
    },
  );

import { DEFAULT_WINDOW_DAYS } from './constants';
export { DEFAULT_WINDOW_DAYS };
export const MAX_WINDOW_DAYS = 180;

export const Target = z
  .object({
    metric: TargetMetric,
    op: z.enum(['>=', '<=']),
    value: storableNumber,
    windowDays: z.number().int().min(1).max(MAX_WINDOW_DAYS).default(DEFAULT_WINDOW_DAYS),
  })
  .superRefine((t, ctx) => {
    const range: Record<string, [number, number]> = {
      adoption_rate: [0, 1],
      csat: [1, 5],
      nps: [-100, 100],
      satisfaction_lift: [-4, 4],
    };
    const r = range[t.metric];
    if (r && (t.value < r[0] || t.value > r[1])) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${t.metric} target must be between ${r[0]} and ${r[1]}, got ${t.value}`,
      });
    }
  })
  .meta({ id: 'Target' });
export type Target = z.infer<typeof Target>;

export const Signals = z
  .object({
    /** track event names that count as usage of the epic */
    events: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  })
  .meta({ id: 'Signals' });
export type Signals = z.infer<typeof Signals>;

export const Estimate = z
  .object({
    /** users reached per quarter */
    reach: storableNumber.min(0),
    /** RICE impact: 0.25 minimal … 3 massive */
    impact: storableNumber.min(0).max(3),
    /** 0–1 */
    confidence: storableNumber.min(0).max(1),
    effortWeeks: z.object({
      engineering: storableNumber.min(0).max(1000),
      design: storableNumber.min(0).max(1000).default(0),
    }),
    /** predicted adoption rate, used to calibrate estimates against outcomes */
    expectedAdoption: storableNumber.min(0).max(1).optional(),
  })
  .meta({ id: 'Estimate' });
export type Estimate = z.infer<typeof Estimate>;

export const Epic = z
  .object({
    id: slugId,
    title: z.string().trim().min(1).max(200),
    description: z.string().max(4000).optional(),
    themeId: slugId,
    milestoneId: slugId.optional(),
    status: EpicStatus.default('planned'),
    shippedAt: isoDate.optional(),
    signals: Signals.default({ events: [] }),
    targets: z.array(Target).max(20).default([]),
    estimate: Estimate.optional(),
    /** the epic this one follows up on (planner follow-ups) */
    followUpOf: slugId.optional(),
    /** the targets as they were when the epic shipped (kept by the server; shared/amendments.ts) */
    plannedTargets: z.array(Target).max(20).optional(),
    /** changes to targets after ship, each with when, who and why (kept by the server) */
    targetAmendments: z.array(TargetAmendment).max(200).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.shippedAt && e.status !== 'shipped') {
      ctx.addIssue({
        code: 'custom',
        path: ['shippedAt'],
        message: `shippedAt is only allowed on shipped epics (status is ${e.status})`,
      });
    }
    if (e.status === 'shipped' && !e.shippedAt) {
      ctx.addIssue({ code: 'custom', path: ['shippedAt'], message: 'a shipped epic needs shippedAt' });
    }
    const seen = new Set<string>();
    e.targets.forEach((t, i) => {
      const k = `${t.metric} ${t.op}`;
      if (seen.has(k)) {
        ctx.addIssue({ code: 'custom', path: ['targets', i], message: `duplicate target ${k}` });
      }
      seen.add(k);
    });
  })
  .meta({ id: 'Epic' });
export type Epic = z.infer<typeof Epic>;
export type EpicInput = z.input<typeof Epic>;

export const STORY_STATUSES = ['todo', 'in_progress', 'done'] as const;
export const Story = z
  .object({
    id: slugId,
    epicId: slugId,
    title: z.string().trim().min(1).max(300),
    status: z.enum(STORY_STATUSES).default('todo'),
    points: storableNumber.min(0).max(100).optional(),
  })
  .meta({ id: 'Story' });
export type Story = z.infer<typeof Story>;

/** How many of each a roadmap document holds (import, and the entity routes alike). */
export const ROADMAP_LIMITS = { themes: 50, milestones: 60, epics: 500, stories: 5000 } as const;

const RoadmapShape = z.object({
  mission: Mission,
  themes: z.array(Theme).max(ROADMAP_LIMITS.themes),
  milestones: z.array(Milestone).max(ROADMAP_LIMITS.milestones),
  epics: z.array(Epic).max(ROADMAP_LIMITS.epics),
  stories: z.array(Story).max(ROADMAP_LIMITS.stories).default([]),
});

/** The whole roadmap document (export / import, GET|PUT /api/v1/roadmap). */
export const Roadmap = RoadmapShape.superRefine((doc, ctx) => {
  for (const issue of roadmapProblems(doc)) ctx.addIssue({ code: 'custom', ...issue });
}).meta({ id: 'Roadmap' });
export type Roadmap = z.infer<typeof Roadmap>;

export interface RoadmapProblem {
  path: (string | number)[];
  message: string;
}

/** Whole-document rules: within the limits, unique ids, every reference resolves, milestone dates ordered. */
export function roadmapProblems(doc: z.infer<typeof RoadmapShape>): RoadmapProblem[] {
  const problems: RoadmapProblem[] = [];
  // checked here too so that a document grown one entity at a time can still be exported and re-imported
  for (const kind of ['themes', 'milestones', 'epics', 'stories'] as const) {
    if (doc[kind].length > ROADMAP_LIMITS[kind]) problems.push({ path: [kind], message: `a roadmap holds at most ${ROADMAP_LIMITS[kind]} ${kind}` });
  }
  const uniq = (kind: 'themes' | 'milestones' | 'epics' | 'stories', ids: string[]) => {
    const seen = new Map<string, number>();
    ids.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined) {
        problems.push({ path: [kind, i, 'id'], message: `duplicate id "${id}" (also at ${kind}[${first}])` });
      } else seen.set(id, i);
    });
    return seen;
  };
  const themes = uniq('themes', doc.themes.map((t) => t.id));
  const milestones = uniq('milestones', doc.milestones.map((m) => m.id));
  const epics = uniq('epics', doc.epics.map((e) => e.id));
  uniq('stories', doc.stories.map((s) => s.id));
  doc.milestones.forEach((m, i) => {
    if (m.end < m.start) {
      problems.push({ path: ['milestones', i, 'end'], message: `milestone "${m.id}" ends (${m.end}) before it starts (${m.start})` });
    }
  });
  doc.epics.forEach((e, i) => {
    if (!themes.has(e.themeId)) {
      problems.push({ path: ['epics', i, 'themeId'], message: `epic "${e.id}" refers to unknown theme "${e.themeId}"` });
    }
    if (e.milestoneId && !milestones.has(e.milestoneId)) {
      problems.push({ path: ['epics', i, 'milestoneId'], message: `epic "${e.id}" refers to unknown milestone "${e.milestoneId}"` });
    }
    if (e.followUpOf && !epics.has(e.followUpOf)) {
      problems.push({ path: ['epics', i, 'followUpOf'], message: `epic "${e.id}" follows up unknown epic "${e.followUpOf}"` });
    }
  });
  doc.stories.forEach((s, i) => {
    if (!epics.has(s.epicId)) {
      problems.push({ path: ['stories', i, 'epicId'], message: `story "${s.id}" refers to unknown epic "${s.epicId}"` });
    }
  });
  return problems;
}

/** Partial updates (PATCH): every field optional, id immutable; `null` removes an optional field. */
export const ThemePatch = Theme.omit({ id: true })
  .extend({ description: Theme.shape.description.unwrap().nullable() })
  .partial()
  .strict()
  .meta({ id: 'ThemePatch' });
export const MilestonePatch = Milestone.omit({ id: true }).partial().strict().meta({ id: 'MilestonePatch' });
export const StoryPatch = Story.omit({ id: true })
  // no default on status: a patch without it must keep the stored status
  .extend({ status: z.enum(STORY_STATUSES), points: Story.shape.points.unwrap().nullable() })
  .partial()
  .strict()
  .meta({ id: 'StoryPatch' });
/** Epic patches are merged onto the stored epic and the result re-validated with `Epic`. */
export const EpicPatch = z
  .object({
    title: z.string(),
    description: z.string().nullable(),
    themeId: z.string(),
    milestoneId: z.string().nullable(),
    status: EpicStatus,
    shippedAt: z.string().nullable(),
    signals: z.unknown(),
    targets: z.unknown(),
    estimate: z.unknown().nullable(),
    followUpOf: z.string().nullable(),
    /** required when a shipped epic's targets change: kept as an amendment (else 409) */
    reason: AmendmentReason,
  })
  .partial()
  .strict()
  .meta({ id: 'EpicPatch' });

export const ShipRequest = z.object({ shippedAt: isoDate }).strict().meta({ id: 'ShipRequest' });

/**
 * The shipping rules, one set for every route that can ship an epic (POST /epics, PATCH
 * /epics/:id, POST /epics/:id/ship): a cancelled epic is reopened before it ships (409), and
 * nothing ships in the future (400). `before` is the stored epic (none on creation).
 */
export function shippingProblem(before: Pick<Epic, 'status' | 'shippedAt'> | undefined, after: Pick<Epic, 'id' | 'status' | 'shippedAt'>, today: string): { status: 400 | 409; message: string } | null {
  const shipping = after.status === 'shipped' && (before?.status !== 'shipped' || before.shippedAt !== after.shippedAt);
  if (!shipping) return null;
  if (before?.status === 'cancelled') return { status: 409, message: `epic "${after.id}" is cancelled; reopen it before shipping` };
  if (after.shippedAt && after.shippedAt > today) return { status: 400, message: `shippedAt ${after.shippedAt} is in the future` };
  return null;
}

/** Total effort of an epic in person-weeks (engineering + design). */
export function effortOf(e: Pick<Epic, 'estimate'>): { engineering: number; design: number } {
  return { engineering: e.estimate?.effortWeeks.engineering ?? 0, design: e.estimate?.effortWeeks.design ?? 0 };
}

/** The window lengths an epic's outcome is measured over: the default plus each target's. */
export function windowsOf(e: Pick<Epic, 'targets'> & Partial<Pick<Epic, 'plannedTargets'>>): number[] {
  return [...new Set([DEFAULT_WINDOW_DAYS, ...e.targets.map((t) => t.windowDays), ...(e.plannedTargets ?? []).map((t) => t.windowDays)])].sort((a, b) => a - b);
}
