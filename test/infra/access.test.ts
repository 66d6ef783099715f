/**
 * infra/access.ts restates the partition names of functions/src/store/keys.ts (infra imports
 * only entry files from functions/). These tests keep the two in step, and pin down the
 * semantics of the TableAccess construct.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { K } from '../../functions/src/store/keys';
import { API_ACCESS, INGEST_ACCESS, JOBS_ACCESS, PARTITIONS, WORKER_ACCESS } from '../../infra/access';
import { TableAccess, tableStatements, type TableGrant } from '../../infra/constructs/table-access';
import { allows, type Statement } from './synth';

/** One sample partition key per key builder of keys.ts. */
const SAMPLES: Record<string, string> = {
  roadmapHead: K.roadmapHead().PK,
  roadmapPartition: K.roadmapPartition('7-a1b2c3d4'),
  mission: K.mission(K.roadmapPartition('7-a1b2c3d4')).PK,
  theme: K.theme(K.roadmapPartition('7-a1b2c3d4'), 't').PK,
  milestone: K.milestone(K.roadmapPartition('7-a1b2c3d4'), '2026-10').PK,
  epic: K.epic(K.roadmapPartition('7-a1b2c3d4'), 'e').PK,
  story: K.story(K.roadmapPartition('7-a1b2c3d4'), 's').PK,
  credentialByHash: K.credentialByHash('f00d').PK,
  keysPartition: K.keysPartition(),
  keyRecord: K.keyRecord('k').PK,
  signInCode: K.signInCode('f00d').PK,
  signInSlot: K.signInSlot('local-start').PK,
  peoplePartition: K.peoplePartition(),
  person: K.person('per_0123abcd').PK,
  personSeen: K.personSeen('per_0123abcd').PK,
  reviewsPartition: K.reviewsPartition('e'),
  review: K.review('e', '2026-11-01T00:00:00Z', 'r').PK,
  iterationsPartition: K.iterationsPartition(),
  iteration: K.iteration('i').PK,
  rawEvent: K.rawEvent('m').PK,
  userFactsPartition: K.userFactsPartition('2026-10', 0),
  userFact: K.userFact('2026-10', 0, 'u', 20000).PK,
  surveyPartition: K.surveyPartition('2026-10'),
  survey: K.survey('2026-10', '2026-10-02', 'm').PK,
  kpiPartition: K.kpiPartition('checkout_conversion'),
  kpi: K.kpi('checkout_conversion', '2026-10-02').PK,
  kpiNames: K.kpiNames(),
  kpiName: K.kpiName('checkout_conversion').PK,
  rollupPartition: K.rollupPartition(),
  epicRollup: K.epicRollup('e', 28).PK,
  monthRollup: K.monthRollup('2026-10').PK,
  rollupTotal: K.rollupTotal('E#e#W28').PK,
  rollupState: K.rollupState().PK,
  ingestDay: K.ingestDay('2026-10-02', 63).PK,
  ingestPartition: K.ingestPartition(0),
  ingestLegacyPartition: K.ingestLegacyPartition(),
  rejection: K.rejection('2026-10-02', '2026-10-02T00:00:00Z', '1').PK,
  rebuildRun: K.rebuildRun('r1').PK,
  rebuildSegment: K.rebuildSegment('r1', 0).PK,
  rebuildFactsPartition: K.rebuildFactsPartition('r1', '2026-10'),
  rebuildFact: K.rebuildFact('r1', '2026-10', 'UF#2026-10#0|u#20000').PK,
  rejectionPartition: K.rejectionPartition('2026-10-02'),
  meta: K.meta('DEMO').PK,
  asksPartition: K.asksPartition(),
  ask: K.ask('ask-0123456789abcdef0123').PK,
  accountMembersPartition: K.accountMembersPartition('acme'),
  accountMember: K.accountMember('acme', 'u').PK,
  subscriptionsPartition: K.subscriptionsPartition(),
  subscription: K.subscription('s1').PK,
  deliveriesPartition: K.deliveriesPartition('s1'),
  delivery: K.delivery('s1', '2026-10').PK,
  changeLog: K.changeLog('2026-10-02T13', 3, 1790000000000, 'x').PK,
  changeLogPartition: K.changeLogPartition('2026-10-02T13', 3),
  userStatePartition: K.userStatePartition(5),
  userState: K.userState(5, 'u').PK,
  surveyState: K.surveyState(5, 'm').PK,
  partialPartition: K.partialPartition(5),
  epicPartial: K.epicPartial(5, 'e', 28).PK,
  epicPartialDelta: K.epicPartialDelta(5, 'E#e#W28', 7).PK,
  epicPartialHead: K.epicPartialHead(5, 'E#e#W28').PK,
  monthPartial: K.monthPartial(5, '2026-10').PK,
  shardPartition: K.shardPartition(5),
  shardCommit: K.shardCommit(5, 12).PK,
  shardPart: K.shardPart(5, 12, 'r', 0).PK,
  shardHead: K.shardHead(5).PK,
  rollupCursor: K.rollupCursor().PK,
  auditMonthPartition: K.auditMonthPartition('2026-10'),
  auditEpicPartition: K.auditEpicPartition('e'),
  auditActorPartition: K.auditActorPartition('ana@fabrikam.example'),
  auditItem: K.auditItem(K.auditEpicPartition('e'), '2026-10-02T10:00:00.000Z', 'aud_1').PK,
  auditSince: K.auditSince().PK,
};
/** Entries of K that are not partition builders. */
const NOT_PARTITIONS = [
  'rawEventPrefix',
  'rejectionPrefix',
  'epicRollupPrefix',
  'monthRollupPrefix',
  'parseUserFact',
  'isSurveyFact',
  'parseSurvey',
  'changeLogSk',
  'changeLogPrefix',
  'userStatePrefix',
  'surveyStatePrefix',
  'shardCommitPrefix',
  'shardPartPrefix',
  'partialOfDelta',
  'epicPartialHeadPrefix',
  'rollupTotalPrefix',
  'askPrefix',
  'accountMemberPrefix',
  'userFactPrefix',
  'personPrefix',
  'personSeenPrefix',
  'auditSk',
];

const glob = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
const groupOf = (pk: string) => Object.entries(PARTITIONS).filter(([, patterns]) => patterns.some((p) => glob(p).test(pk))).map(([g]) => g);

describe('access matrix vs the key layout', () => {
  it('has a sample for every key builder in keys.ts (a new entity must be placed in infra/access.ts)', () => {
    expect(Object.keys(K).filter((k) => !NOT_PARTITIONS.includes(k)).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('places every partition key in exactly one partition group', () => {
    for (const [builder, pk] of Object.entries(SAMPLES)) expect(groupOf(pk), `${builder} → ${pk}`).toHaveLength(1);
  });

  it('every partition is read by the dashboard API', () => {
    const s = tableStatements('arn:aws:dynamodb:eu-west-1:111111111111:table/Table', API_ACCESS).map((x) => x.toStatementJson() as Statement);
    for (const [builder, pk] of Object.entries(SAMPLES)) expect(allows(s, 'dynamodb:GetItem', [pk], 'table/Table'), builder).toBe(true);
  });

  it('each function gets a stable list of actions (no new action without a test change)', () => {
    const actions = (g: TableGrant[]) => [...new Set(g.flatMap((x) => x.actions))].sort();
    expect(actions(INGEST_ACCESS)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actions(API_ACCESS)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // the worker never scans: DynamoDB TTL does the retention it would scan for
    expect(actions(WORKER_ACCESS)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actions(JOBS_ACCESS)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
  });
});

describe('the audit trail is append-only on AWS', () => {
  const arn = 'arn:aws:dynamodb:eu-west-1:111111111111:table/Table';
  const pks = [K.auditMonthPartition('2026-10'), K.auditEpicPartition('virtual-try-on'), K.auditActorPartition('ana@fabrikam.example')];
  const functions = { ingest: INGEST_ACCESS, api: API_ACCESS, worker: WORKER_ACCESS, jobs: JOBS_ACCESS };

  it('the API can add entries and read them', () => {
    const s = tableStatements(arn, API_ACCESS).map((x) => x.toStatementJson() as Statement);
    for (const pk of pks) {
      expect(allows(s, 'dynamodb:PutItem', [pk], 'table/Table'), pk).toBe(true);
      for (const read of ['dynamodb:GetItem', 'dynamodb:Query'] as const) expect(allows(s, read, [pk], 'table/Table'), `${read} ${pk}`).toBe(true);
    }
  });

  it('no function can update, delete or batch-write an entry', () => {
    for (const [name, grants] of Object.entries(functions)) {
      const s = tableStatements(arn, grants).map((x) => x.toStatementJson() as Statement);
      for (const pk of pks) {
        for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const) {
          expect(allows(s, action, [pk], 'table/Table'), `${name}: ${action} on ${pk}`).toBe(false);
        }
      }
    }
  });

  it('only the API writes entries (the ingest, worker and jobs functions cannot add one)', () => {
    for (const [name, grants] of Object.entries(functions)) {
      if (name === 'api') continue;
      const s = tableStatements(arn, grants).map((x) => x.toStatementJson() as Statement);
      for (const pk of pks) expect(allows(s, 'dynamodb:PutItem', [pk], 'table/Table'), `${name}: PutItem on ${pk}`).toBe(false);
    }
  });
});

describe('TableAccess construct', () => {
  const arn = 'arn:aws:dynamodb:eu-west-1:111111111111:table/T';
  const json = (grants: TableGrant[]) => tableStatements(arn, grants).map((s) => s.toStatementJson() as Statement);

  it('writes one statement per distinct partition set, with a fail-closed LeadingKeys condition', () => {
    const s = json([
      { actions: ['dynamodb:GetItem'], partitions: ['A#*'] },
      { actions: ['dynamodb:PutItem'], partitions: ['A#*'] },
      { actions: ['dynamodb:Query'], partitions: ['B'] },
    ]);
    expect(s).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: arn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['A#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: arn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['B'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      },
    ]);
    // a request without leading keys is not allowed by a partition-limited statement
    expect(allows(s, 'dynamodb:GetItem', undefined, 'table/T')).toBe(false);
  });

  it('unions the partitions of one action across grants, so mixed batches pass', () => {
    const s = json([
      { actions: ['dynamodb:BatchWriteItem'], partitions: ['ROLLUP'] },
      { actions: ['dynamodb:BatchWriteItem'], partitions: ['EVT#*'] },
    ]);
    expect(s).toHaveLength(1);
    expect(allows(s, 'dynamodb:BatchWriteItem', ['ROLLUP', 'EVT#1'], 'table/T')).toBe(true);
    expect(allows(s, 'dynamodb:BatchWriteItem', ['ROLLUP', 'KEYS'], 'table/T')).toBe(false);
  });

  it("refuses a Scan limited to partitions (Scan carries no leading keys) and grants it only table-wide", () => {
    expect(() => json([{ actions: ['dynamodb:Scan'], partitions: ['EVT#*'] }])).toThrow(/Scan carries no leading keys/);
    const s = json([{ actions: ['dynamodb:Scan'], partitions: 'any' }]);
    expect(s[0].Condition).toBeUndefined();
  });

  it('rejects wildcard-only or malformed patterns and empty grants', () => {
    expect(() => json([{ actions: ['dynamodb:GetItem'], partitions: ['*'] }])).toThrow(/pattern/);
    expect(() => json([{ actions: ['dynamodb:GetItem'], partitions: ['A*B'] }])).toThrow(/pattern/);
    expect(() => json([{ actions: ['dynamodb:GetItem'], partitions: [] }])).toThrow(/empty/);
    expect(() => json([{ actions: ['dynamodb:*' as never], partitions: ['A'] }])).toThrow(/unknown action/);
  });

  it('attaches one policy to the role', () => {
    const stack = new Stack(new App(), 'T');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    new TableAccess(stack, 'Access', { table, role, grants: [{ actions: ['dynamodb:GetItem'], partitions: ['META'] }] });
    process.env.CDK_VALIDATION = 'false'; // skip loading CloudFormation's rule set (~9 s) for this tiny stack
    const t = Template.fromStack(stack);
    delete process.env.CDK_VALIDATION;
    t.resourceCountIs('AWS::IAM::Policy', 1);
    t.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }] });
  });
});
