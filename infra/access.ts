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
  ingestStats: ['INGEST', 'REJECT#*'], // ingest telemetry and rejected-event samples
} as const;

const P = PARTITIONS;
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * Ingest: authenticates write keys, stores raw events and the facts derived from them.
 * It can neither read nor write the roadmap, keys, reviews or iterations, and has no
 * DeleteItem (BatchWriteItem is limited to its own partitions).
 */
export const INGEST_ACCESS: TableGrant[] = [
  { actions: ['dynamodb:GetItem'], partitions: P.credentials },
  {
    actions: [...READ.filter((a) => a !== 'dynamodb:Query'), ...WRITE],
    partitions: [...P.rawEvents, ...P.userFacts, ...P.surveys, ...P.kpis, ...P.meta, ...P.ingestStats],
  },
];

/**
 * Dashboard API: reads everything it shows; writes only what users manage (roadmap, keys
 * and credentials, reviews, iterations) and the META dirty flag. It cannot forge or delete
 * measured data (events, facts, KPIs, rollups).
 */
export const API_ACCESS: TableGrant[] = [
  { actions: [...READ], partitions: Object.values(P).flat() },
  {
    actions: [...WRITE, 'dynamodb:DeleteItem'],
    partitions: [...P.roadmap, ...P.credentials, ...P.keys, ...P.reviews, ...P.iterations, ...P.meta],
  },
];

/**
 * Worker (scheduled rollups + retention, and queued re-attribution): reads facts, KPIs and
 * the roadmap, writes rollups and their state, and purges expired raw events. Scan cannot be
 * limited by partition (see TableAccess); it is read-only and used by the retention purge.
 */
export const WORKER_ACCESS: TableGrant[] = [
  { actions: [...READ], partitions: [...P.userFacts, ...P.surveys, ...P.roadmap, ...P.meta, ...P.rollups, ...P.kpis] },
  { actions: [...WRITE], partitions: [...P.rollups, ...P.meta] },
  { actions: ['dynamodb:Scan'], partitions: 'any' },
  { actions: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], partitions: P.rawEvents },
];
