/**
 * The API's shapes by name. Requests are the generated ones (`schema.d.ts`, from the server's
 * OpenAPI document). Responses are read as the server's own output types (`shared/`, inferred
 * from the zod schemas that produce them, more precise than the document: tuples, defaults
 * filled in) and each is CHECKED against the document here: `Api<Server, Document>` only
 * compiles while every field the document promises is present, with a compatible type, in
 * what the dashboard reads. A field renamed or retyped in the document fails `npm run
 * typecheck` in this file (test/unit/web-api-types.test.ts proves it).
 */
import type { AskImportResult as AskImportResultOut, AskList as AskListOut, Ask as AskOut, Demand as DemandOut, Suggestions } from '../../../shared/asks';
import type { Calibration as CalibrationOut } from '../../../shared/calibration';
import type { Impact as ImpactOut } from '../../../shared/impact';
import type { IngestStats as IngestStatsOut } from '../../../shared/ingest';
import type { IterationDiff as IterationDiffOut, IterationHeader as IterationHeaderOut, Iteration as IterationOut } from '../../../shared/iteration';
import type { KeyRecord as KeyRecordOut, SessionCreated as SessionCreatedOut } from '../../../shared/keys';
import type { MonthlyReview as MonthlyReviewOut } from '../../../shared/monthly-review';
import type { IdentityConfig, Person as PersonOut } from '../../../shared/people';
import type { AuditPage as AuditPageOut } from '../../../shared/audit';
import type { Outcome as OutcomeOut } from '../../../shared/outcome-types';
import type { PlanAccepted as PlanAcceptedOut, PlanProposal as PlanProposalOut } from '../../../shared/planner';
import type { Review as ReviewOut } from '../../../shared/review';
import type { Epic as EpicOut, Milestone as MilestoneOut, Roadmap as RoadmapOut, Story as StoryOut, Theme as ThemeOut } from '../../../shared/roadmap';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** the server's output type, which must satisfy the document's (else: run `npm run gen:api`, then fix the web app) */
export type Api<Server extends Document, Document> = Server;

/** the JSON body of a path's method (its `application/json` request body) */
export type RequestBody<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

export type Roadmap = Api<RoadmapOut, Schemas['Roadmap']>;
export type Theme = Api<ThemeOut, Schemas['Theme']>;
export type Milestone = Api<MilestoneOut, Schemas['Milestone']>;
export type Epic = Api<EpicOut, Schemas['Epic']>;
export type Story = Api<StoryOut, Schemas['Story']>;
export type Impact = Api<ImpactOut, Schemas['Impact']>;
export type Outcome = Api<OutcomeOut, Schemas['Outcome']>;
export type Demand = Api<DemandOut, Schemas['Demand']>;
export type Review = Api<ReviewOut, Schemas['Review']>;
export type Ask = Api<AskOut, Schemas['Ask']>;
export type AskList = Api<AskListOut, Schemas['AskList']>;
export type AskSuggestions = Api<Suggestions, Schemas['AskSuggestions']>;
export type AskImportResult = Api<AskImportResultOut, Schemas['AskImportResult']>;
export type KeyRecord = Api<KeyRecordOut, Schemas['KeyRecord']>;
export type KeyCreated = Schemas['KeyCreated'];
export type SessionCreated = Api<SessionCreatedOut, Schemas['SessionCreated']>;
export type Iteration = Api<IterationOut, Schemas['Iteration']>;
export type IterationHeader = Api<IterationHeaderOut, Schemas['IterationHeader']>;
/** unchecked: the document types the nullable `from`/`to` of an estimate change (a `$ref`) as non-null */
export type IterationDiff = IterationDiffOut;
export type Calibration = Api<CalibrationOut, Schemas['Calibration']>;
export type PlanProposal = Api<PlanProposalOut, Schemas['PlanProposal']>;
export type PlanAccepted = Api<PlanAcceptedOut, Schemas['PlanAccepted']>;
export type MonthlyReview = Api<MonthlyReviewOut, Schemas['MonthlyReview']>;
export type IngestStats = Api<IngestStatsOut, Schemas['IngestStats']>;
export type Person = Api<PersonOut, Schemas['Person']>;
export type Identity = Api<IdentityConfig, Schemas['IdentityConfig']>;
export type AuditPage = Api<AuditPageOut, Schemas['AuditPage']>;

export type AskInput = Schemas['AskInput'];
export type AskPatch = Schemas['AskPatch'];
export type AskImportRequest = Schemas['AskImportRequest'];
