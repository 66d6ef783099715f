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
  reviews: ['REVIEWS#*'],
  iterations: ['ITERATIONS'],
  rawEvents: ['EVT#*'], // one item per messageId: dedupe, rebuild, retention
  userFacts: ['UF#*'], // per-user monthly activity facts
  surveys: ['SRV#*'], // satisfaction responses
  kpis: ['KPI#*', 'KPIS'], // daily KPI values + the list of KPI names
  rollups: ['ROLLUP'],
  meta: ['META'], // rollup state (dirty flag, freshness) and installation metadata
  ingestDays: ['INGEST'], // ingest counters per day
  rejections: ['REJECT#*'], // rejected-event samples (30-day TTL)
  changeLog: ['CHG#*'], // new facts per ingest request, the rollup's input (hour bucket x partition)
  rollupState: ['USTATE#*', 'RPART#*', 'RSHARD#*'], // per-shard user state, partial rollups, run journal
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
  // EventStore.putRaw / putFacts / putKpis / logRejections
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rawEvents, ...P.userFacts, ...P.surveys, ...P.kpis, ...P.rejections] },
  // EventStore.countIngest (INGEST/DAY#), AnalyticsStore.markDirty (META/ROLLUP, after KPI values)
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
  // RoadmapStore (import switches versions with batch puts/deletes), KeyStore, ReviewStore,
  // IterationStore; META via AnalyticsStore.markDirty
  {
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    partitions: [...P.roadmap, ...P.credentials, ...P.keys, ...P.reviews, ...P.iterations, ...P.meta],
  },
];

/**
 * Scheduled worker (analytics/jobs.ts runScheduledWork) and the rollup's shard and merge jobs:
 * the coordinator reads the change log and its cursor; shard runs read and conditionally put
 * user states, partials and their journal; the merge reads the partials and puts the rollups
 * (conditional puts, stale deletes). Retention purge (only when DynamoDB TTL is off, or on
 * request) scans for expired raw events, rejection samples and change-log entries and deletes
 * them. Scan cannot be limited by partition (see TableAccess); it is read-only.
 */
export const WORKER_ACCESS: TableGrant[] = [
  { actions: ['dynamodb:GetItem', 'dynamodb:Query'], partitions: [...P.roadmap, ...P.userFacts, ...P.surveys, ...P.rollups, ...P.meta, ...P.changeLog, ...P.rollupState] },
  { actions: ['dynamodb:BatchGetItem'], partitions: P.rollupState },
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rollups, ...P.rollupState] },
  { actions: ['dynamodb:PutItem'], partitions: [...P.rollups, ...P.rollupState] },
  { actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'], partitions: P.meta },
  { actions: ['dynamodb:Scan'], partitions: 'any' },
  { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.rawEvents, ...P.rejections, ...P.changeLog] },
];

/**
 * Queued jobs (runQueuedJob: forced rollup, rebuild, purge): the worker's access plus the
 * rebuild's repair of user and survey facts from raw events (`{"job":"rebuild","fix":true}`).
 */
export const JOBS_ACCESS: TableGrant[] = [...WORKER_ACCESS, { actions: ['dynamodb:BatchWriteItem'], partitions: [...P.userFacts, ...P.surveys] }];
