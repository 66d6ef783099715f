/**
 * The single-table key layout: every PK/SK string is built here and nowhere else.
 * Documented in docs/key-layout.md.
 */
export const PK = 'PK';
export const SK = 'SK';

export const K = {
  // roadmap: a versioned partition so a whole-document import switches atomically
  roadmapHead: () => ({ PK: 'ROADMAP', SK: 'HEAD' }),
  /** each import writes its own partition; HEAD names the current one */
  roadmapPartition: (versionTag: string) => `ROADMAP#v${versionTag}`,
  mission: (partition: string) => ({ PK: partition, SK: 'MISSION' }),
  theme: (partition: string, id: string) => ({ PK: partition, SK: `THEME#${id}` }),
  milestone: (partition: string, id: string) => ({ PK: partition, SK: `MILESTONE#${id}` }),
  epic: (partition: string, id: string) => ({ PK: partition, SK: `EPIC#${id}` }),
  story: (partition: string, id: string) => ({ PK: partition, SK: `STORY#${id}` }),

  // credentials: looked up by hash on every request; listed by id
  credentialByHash: (hash: string) => ({ PK: `CRED#${hash}`, SK: 'CRED' }),
  keysPartition: () => 'KEYS',
  keyRecord: (id: string) => ({ PK: 'KEYS', SK: `KEY#${id}` }),
  // people (OpenID Connect sign-in): the people list by a hash of the email, and when each person
  // (from the list, the groups claim or SEXTANT_ADMIN_EMAILS) was last seen; one small partition
  peoplePartition: () => 'PEOPLE',
  person: (id: string) => ({ PK: 'PEOPLE', SK: `PERSON#${id}` }),
  personPrefix: 'PERSON#',
  personSeen: (id: string) => ({ PK: 'PEOPLE', SK: `SEEN#${id}` }),
  personSeenPrefix: 'SEEN#',
  // one-time sign-in codes, by hash (deleted when used); the newest start link per slot
  signInCode: (hash: string) => ({ PK: `SIGNIN#${hash}`, SK: 'CODE' }),
  signInSlot: (slot: string) => ({ PK: 'META', SK: `SIGNIN#${slot}` }),

  // PM reviews per epic, time-ordered
  reviewsPartition: (epicId: string) => `REVIEWS#${epicId}`,
  review: (epicId: string, createdAt: string, id: string) => ({ PK: `REVIEWS#${epicId}`, SK: `${createdAt}#${id}` }),

  // iteration snapshots
  iterationsPartition: () => 'ITERATIONS',
  iteration: (id: string) => ({ PK: 'ITERATIONS', SK: `ITER#${id}` }),

  // raw events, one item per messageId (dedupe + rebuild + retention)
  rawEvent: (messageId: string) => ({ PK: `EVT#${messageId}`, SK: 'E' }),
  rawEventPrefix: 'EVT#',

  // activity facts: one item per user-day (and per user-day-usage key), in monthly partitions
  // sharded by user so no partition is hot. SK: <user hash, 22 chars>#<day number>[#<usage key>]
  userFactsPartition: (month: string, shard: number) => `UF#${month}#${shard}`,
  userFact: (month: string, shard: number, userHash: string, day: number, usageKey?: string) => ({
    PK: `UF#${month}#${shard}`,
    SK: usageKey === undefined ? `${userHash}#${day}` : `${userHash}#${day}#${usageKey}`,
  }),
  /** inverse of userFact's SK */
  parseUserFact: (sk: string) => {
    const a = sk.indexOf('#');
    const b = sk.indexOf('#', a + 1);
    return { user: sk.slice(0, a), day: Number(b < 0 ? sk.slice(a + 1) : sk.slice(a + 1, b)), usageKey: b < 0 ? undefined : sk.slice(b + 1) };
  },

  // satisfaction responses, one item per messageId, grouped per month
  surveyPartition: (month: string) => `SRV#${month}`,
  isSurveyFact: (pk: string) => pk.startsWith('SRV#'),
  survey: (month: string, date: string, messageId: string) => ({ PK: `SRV#${month}`, SK: `${date}#${messageId}` }),
  /** inverse of survey's SK */
  parseSurvey: (sk: string) => ({ date: sk.slice(0, sk.indexOf('#')), messageId: sk.slice(sk.indexOf('#') + 1) }),

  // daily KPI values
  kpiPartition: (name: string) => `KPI#${name}`,
  kpi: (name: string, date: string) => ({ PK: `KPI#${name}`, SK: date }),
  kpiNames: () => 'KPIS',
  kpiName: (name: string) => ({ PK: 'KPIS', SK: name }),

  // rollups (recomputed with SET; safe to redo)
  rollupPartition: () => 'ROLLUP',
  epicRollup: (epicId: string, windowDays: number) => ({ PK: 'ROLLUP', SK: `EPIC#${epicId}#W${windowDays}` }),
  epicRollupPrefix: 'EPIC#',
  monthRollup: (month: string) => ({ PK: 'ROLLUP', SK: `MONTH#${month}` }),
  /** an epic window's total over all shards, uncut, and the changes it includes (per shard: the last sequence number applied) */
  rollupTotal: (partialSk: string) => ({ PK: 'ROLLUP', SK: `TOTAL#${partialSk}` }),
  rollupTotalPrefix: 'TOTAL#',
  monthRollupPrefix: 'MONTH#',
  rollupState: () => ({ PK: 'META', SK: 'ROLLUP' }),

  // incremental rollups (docs/key-layout.md "Incremental rollups")
  /** change log: one item per ingest request with new facts; hour bucket × partition */
  changeLog: (hour: string, partition: number, stamp: number, id: string) => ({ PK: `CHG#${hour}#${partition}`, SK: `${String(stamp).padStart(13, '0')}#${id}` }),
  changeLogPartition: (hour: string, partition: number) => `CHG#${hour}#${partition}`,
  changeLogSk: (stamp: number) => String(stamp).padStart(13, '0'),
  changeLogPrefix: 'CHG#',
  /** the rollup's per-user state (days active, usage days), kept by the shard runs */
  userStatePartition: (shard: number) => `USTATE#${shard}`,
  userState: (shard: number, userHash: string) => ({ PK: `USTATE#${shard}`, SK: `U#${userHash}` }),
  userStatePrefix: 'U#',
  /** a survey response counted by the shard (dedupe by messageId) */
  surveyState: (shard: number, messageId: string) => ({ PK: `USTATE#${shard}`, SK: `S#${messageId}` }),
  surveyStatePrefix: 'S#',
  /** per-shard summable rollups: an epic window's, a month's */
  partialPartition: (shard: number) => `RPART#${shard}`,
  epicPartial: (shard: number, epicId: string, windowDays: number) => ({ PK: `RPART#${shard}`, SK: `E#${epicId}#W${windowDays}` }),
  /** a run's change of an epic partial (`<partial SK>#D<seq>`), folded into the partial when the pending changes outgrow it */
  epicPartialDelta: (shard: number, partialSk: string, seq: number) => ({ PK: `RPART#${shard}`, SK: `${partialSk}#D${String(seq).padStart(10, '0')}` }),
  /** the partial SK of a delta SK (or of a partial SK: unchanged) */
  partialOfDelta: (sk: string) => sk.replace(/#D\d{10}$/, ''),
  /** a partial's head: its definition, sequence number and size (small: read instead of the partial, which is read only to fold it) */
  epicPartialHead: (shard: number, partialSk: string) => ({ PK: `RPART#${shard}`, SK: `H#${partialSk}` }),
  epicPartialHeadPrefix: 'H#',
  monthPartial: (shard: number, month: string) => ({ PK: `RPART#${shard}`, SK: `M#${month}` }),
  /** per-shard run journal: commit C#<seq> (conditional put), its parts, and the materialised head */
  shardPartition: (shard: number) => `RSHARD#${shard}`,
  shardCommit: (shard: number, seq: number) => ({ PK: `RSHARD#${shard}`, SK: `C#${String(seq).padStart(10, '0')}` }),
  shardCommitPrefix: 'C#',
  shardPart: (shard: number, seq: number, runId: string, n: number) => ({ PK: `RSHARD#${shard}`, SK: `P#${String(seq).padStart(10, '0')}#${runId}#${String(n).padStart(4, '0')}` }),
  shardPartPrefix: (seq: number, runId?: string) => `P#${String(seq).padStart(10, '0')}#${runId === undefined ? '' : `${runId}#`}`,
  shardHead: (shard: number) => ({ PK: `RSHARD#${shard}`, SK: 'HEAD' }),
  /** the coordinator's change-log cursor and shard count */
  rollupCursor: () => ({ PK: 'META', SK: 'ROLLUP#CURSOR' }),

  // ingest telemetry: counters per day, spread over INGEST_PARTS partitions (one picked at random
  // per request) so no item takes every request's write; the reader sums the partitions.
  // `INGEST` without a number is the single partition of earlier versions (still read).
  ingestDay: (date: string, part: number) => ({ PK: `INGEST#${part}`, SK: `DAY#${date}` }),
  ingestPartition: (part: number) => `INGEST#${part}`,
  ingestLegacyPartition: () => 'INGEST',
  rejection: (date: string, at: string, n: string) => ({ PK: `REJECT#${date}`, SK: `${at}#${n}` }),
  rejectionPartition: (date: string) => `REJECT#${date}`,
  rejectionPrefix: 'REJECT#',

  // segmented rebuild on AWS (functions/src/lambda/rebuild-fanout.ts): a run's state and the
  // facts its segments recomputed, per month; scratch data with a TTL (expiresAt)
  rebuildRun: (run: string) => ({ PK: `REBUILD#${run}`, SK: 'RUN' }),
  rebuildSegment: (run: string, segment: number) => ({ PK: `REBUILD#${run}`, SK: `SEG#${segment}` }),
  rebuildFactsPartition: (run: string, month: string) => `REBUILD#${run}#${month}`,
  rebuildFact: (run: string, month: string, factKey: string) => ({ PK: `REBUILD#${run}#${month}`, SK: factKey }),

  // installation secrets and metadata
  meta: (name: string) => ({ PK: 'META', SK: name }),

  // customer asks: one partition (asks arrive at human rates), id = hash of the external id when given
  asksPartition: () => 'ASKS',
  ask: (id: string) => ({ PK: 'ASKS', SK: `ASK#${id}` }),
  askPrefix: 'ASK#',
  // account membership from Segment `group` calls: which (pseudonymous) users belong to an account
  accountMembersPartition: (accountId: string) => `ACCOUNT#${accountId}`,
  accountMember: (accountId: string, userHash: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `U#${userHash}` }),
  accountMemberPrefix: 'U#',
  /** one user's facts of a month: SK prefix within `userFactsPartition` */
  userFactPrefix: (userHash: string) => `${userHash}#`,
  // digest subscriptions, and one delivery record per subscription and period
  subscriptionsPartition: () => 'SUBS',
  subscription: (id: string) => ({ PK: 'SUBS', SK: `SUB#${id}` }),
  deliveriesPartition: (subscriptionId: string) => `DELIVERY#${subscriptionId}`,
  delivery: (subscriptionId: string, period: string) => ({ PK: `DELIVERY#${subscriptionId}`, SK: period }),

  // audit trail (docs/key-layout.md "Audit trail"): append-only, written with conditional puts,
  // never updated or deleted; each entry under the month it was recorded, and copied under each
  // epic it changed and under its actor, so every filter is one Query, newest first
  auditMonthPartition: (month: string) => `AUDIT#T#${month}`,
  auditEpicPartition: (epicId: string) => `AUDIT#E#${epicId}`,
  auditActorPartition: (actorRef: string) => `AUDIT#A#${actorRef}`,
  /** SK within any audit partition: time first, so a descending Query is newest first */
  auditSk: (at: string, id: string) => `${at}#${id}`,
  auditItem: (partition: string, at: string, id: string) => ({ PK: partition, SK: `${at}#${id}` }),
  /** the earliest month with an entry (a newest-first walk over months stops there) */
  auditSince: () => ({ PK: 'META', SK: 'AUDIT#SINCE' }),
} as const;

export const USER_FACT_SHARDS = 8;

/**
 * Partitions of the ingest counters: at 10,000 requests/s each takes about 156 writes/s
 * (random choice: under 200 in any second), well under half of DynamoDB's 1,000 per partition.
 */
export const INGEST_PARTS = 64;
