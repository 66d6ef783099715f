/**
 * Who may touch which partitions of the single table. The partition names mirror
 * functions/src/store/keys.ts (infra imports only entry files from functions/, so they are
 * restated here; test/infra/access.test.ts checks every key builder against this file).
 */
import type { TableGrant } from './constructs/table-access';

/** Partition-key patterns (IAM StringLike: `*` matches any suffix). */
export const PARTITIONS = {
  roadmap: ['ROADMAP', 'ROADMAP#*'], // head pointer + versioned roadmap partitions
  credentials: ['CRED#*'], // key hash -> credential, read on every authenticated request
  keys: ['KEYS'], // key records (list, revoke)
  signInCodes: ['SIGNIN#*'], // one-time sign-in codes by hash (deleted when used)
  people: ['PEOPLE'], // people list (OpenID Connect sign-in) and when each person was last seen
  reviews: ['REVIEWS#*'],
  iterations: ['ITERATIONS'],
  rawEvents: ['EVT#*'], // one item per messageId: dedupe, rebuild, retention
  userFacts: ['UF#*'], // per-user monthly activity facts
  surveys: ['SRV#*'], // satisfaction responses
  kpis: ['KPI#*', 'KPIS'], // daily KPI values + the list of KPI names
  rollups: ['ROLLUP'],
  meta: ['META'], // rollup state (dirty flag, freshness) and installation metadata
  ingestDays: ['INGEST', 'INGEST#*'], // ingest counters per day, over 64 partitions (plus the single one of earlier versions)
  rejections: ['REJECT#*'], // rejected-event samples (30-day TTL)
  rebuilds: ['REBUILD#*'], // segmented rebuild runs and their recomputed facts (7-day TTL)
  asks: ['ASKS'], // customer asks
  accounts: ['ACCOUNT#*'], // account membership from Segment group calls
  subscriptions: ['SUBS'], // digest subscriptions
  deliveries: ['DELIVERY#*'], // one delivery record per subscription and period
  changeLog: ['CHG#*'], // new facts per ingest request, the rollup's input (hour bucket x partition)
  rollupState: ['USTATE#*', 'RPART#*', 'RSHARD#*'], // per-shard user state, partial rollups, run journal
  audit: ['AUDIT#*'], // the audit trail: by month, by epic, by actor (append-only: PutItem and reads, never Update/Delete)
} as const;

const P = PARTITIONS;

/**
 * Ingest (functions/src/ingest, routes/ingest.ts): authenticates write keys, stores raw events
 * and the facts derived from them. It can neither read nor write the roadmap, keys, reviews or
 * iterations, has no DeleteItem, and its BatchWriteItem is limited to its own partitions.
 */
export const INGEST_ACCESS: TableGrant[] = [
  // KeyStore.authenticate
  { actions: ['dynamodb:GetItem'], partitions: P.credentials },
  // EventStore.findRaw (which message ids are stored) and missingFacts (which facts exist)
  { actions: ['dynamodb:BatchGetItem'], partitions: [...P.rawEvents, ...P.userFacts, ...P.surveys] },
  // EventStore.putRaw / putFacts / putKpis / logRejections; AskStore.putMembers (group calls)
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rawEvents, ...P.userFacts, ...P.surveys, ...P.kpis, ...P.rejections, ...P.accounts] },
  // EventStore.countIngest (INGEST#<p>/DAY#), AnalyticsStore.markDirty (META/ROLLUP, after KPI values)
  { actions: ['dynamodb:UpdateItem'], partitions: [...P.ingestDays, ...P.meta] },
  // RollupStore.putChange: the change log, written before the facts
  { actions: ['dynamodb:PutItem'], partitions: P.changeLog },
];

/**
 * Dashboard API (routes/roadmap, keys, outcomes, iterations): reads everything it shows; writes
 * only what users manage (roadmap, keys and credentials, reviews, iterations) and the rollup
 * dirty flag. It cannot forge or delete measured data (events, facts, KPIs, rollups).
 */
export const API_ACCESS: TableGrant[] = [
  { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], partitions: Object.values(P).flat() },
  // RoadmapStore (import switches versions with batch puts/deletes), KeyStore, SignInStore, ReviewStore,
  // IterationStore; META via AnalyticsStore.markDirty
  {
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    partitions: [...P.roadmap, ...P.credentials, ...P.keys, ...P.signInCodes, ...P.people, ...P.reviews, ...P.iterations, ...P.meta, ...P.asks, ...P.subscriptions, ...P.deliveries],
  },
  // the audit trail is append-only (functions/src/store/audit-store.ts: conditional puts): the API
  // may add entries and read them, and holds no UpdateItem, DeleteItem or BatchWriteItem on them
  { actions: ['dynamodb:PutItem'], partitions: P.audit },
];

/**
 * Scheduled worker (analytics/jobs.ts runScheduledWork) and the rollup's shard and merge jobs:
 * the coordinator reads the change log and its cursor; shard runs read and conditionally put
 * user states, partials and their journal; the merge reads the heads, its per-epic totals and
 * the changes since, and puts the rollups and totals (conditional puts, stale deletes). No Scan: on AWS, DynamoDB TTL (expiresAt) expires raw
 * events, rejection samples and change-log entries, so the worker never runs the retention
 * purge (SEXTANT_TTL_ENABLED=1) and never reads the whole table.
 */
export const WORKER_ACCESS: TableGrant[] = [
  { actions: ['dynamodb:GetItem', 'dynamodb:Query'], partitions: [...P.roadmap, ...P.userFacts, ...P.surveys, ...P.rollups, ...P.meta, ...P.changeLog, ...P.rollupState] },
  { actions: ['dynamodb:BatchGetItem'], partitions: P.rollupState },
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rollups, ...P.rollupState] },
  { actions: ['dynamodb:PutItem'], partitions: [...P.rollups, ...P.rollupState] },
  { actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'], partitions: P.meta },
  // digests (monthly review, window-closed alerts): compose the review from what the dashboard
  // shows (KPI values, reviews, iterations, asks) and claim / record each delivery
  { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'], partitions: [...P.kpis, ...P.reviews, ...P.iterations, ...P.asks, ...P.subscriptions, ...P.deliveries] },
  { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: P.deliveries },
];

/**
 * Queued jobs (runQueuedJob: forced rollup, rebuild, purge on request): the worker's access,
 * plus the rebuild's Scan of raw events and its repair of user and survey facts
 * (`{"job":"rebuild","fix":true}`), and the purge's deletes of expired raw events and
 * rejection samples. Scan cannot be limited by partition (see TableAccess); it is read-only,
 * and only this function, fed by the operator's queue, holds it.
 */
export const JOBS_ACCESS: TableGrant[] = [
  ...WORKER_ACCESS,
  { actions: ['dynamodb:Scan'], partitions: 'any' },
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rawEvents, ...P.rejections, ...P.userFacts, ...P.surveys, ...P.changeLog] },
  // the segmented rebuild's run state and recomputed facts
  { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], partitions: P.rebuilds },
];
