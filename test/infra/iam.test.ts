/**
 * The IAM policy of each function, evaluated against concrete DynamoDB requests built from the
 * real key layout (functions/src/store/keys.ts), plus template-wide wildcard checks.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { K } from '../../functions/src/store/keys';
import { actionsOf, allows, cleanup, logicalId, roleStatements, synth, synthDefault, type Statement } from './synth';

afterAll(cleanup);

const sample = {
  roadmapHead: K.roadmapHead().PK,
  roadmapV3: K.epic(K.roadmapPartition('3-5e1f09aa'), 'virtual-try-on').PK,
  credential: K.credentialByHash('ab12').PK,
  keys: K.keyRecord('key_1').PK,
  reviews: K.review('virtual-try-on', '2026-11-02T10:00:00Z', 'r1').PK,
  iterations: K.iteration('it1').PK,
  rawEvent: K.rawEvent('msg-1').PK,
  userFact: K.userFactsPartition('2026-10', 3),
  survey: K.surveyPartition('2026-10'),
  kpi: K.kpi('checkout_conversion', '2026-10-01').PK,
  kpiNames: K.kpiName('checkout_conversion').PK,
  rollup: K.epicRollup('virtual-try-on', 28).PK,
  rollupState: K.rollupState().PK,
  ingestDay: K.ingestDay('2026-10-01', 17).PK,
  rejection: K.rejection('2026-10-01', '2026-10-01T00:00:00Z', '1').PK,
  changeLog: K.changeLog('2026-10-01T13', 7, 1790000000000, 'x').PK,
  userState: K.userState(3, 'u').PK,
  partial: K.epicPartial(3, 'virtual-try-on', 28).PK,
  journal: K.shardCommit(3, 9).PK,
};
const rollupInternals = [sample.userState, sample.partial, sample.journal];
const managed = [sample.roadmapHead, sample.roadmapV3, sample.credential, sample.keys, sample.reviews, sample.iterations];
const measured = [sample.rawEvent, sample.userFact, sample.survey, sample.kpi, sample.kpiNames, sample.rollup];
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

function statementsOf(which: 'api' | 'ingest' | 'worker' | 'jobs') {
  const { sextant, stateless } = synthDefault();
  return roleStatements(stateless, logicalId(sextant.stateless[which].role));
}

describe('ingest function', () => {
  const s = () => statementsOf('ingest');

  it('authenticates write keys: GetItem on CRED# only', () => {
    expect(allows(s(), 'dynamodb:GetItem', [sample.credential])).toBe(true);
    for (const pk of [sample.keys, sample.roadmapHead, sample.rawEvent]) expect(allows(s(), 'dynamodb:GetItem', [pk])).toBe(false);
  });

  it('looks up stored events and facts, stores raw events, facts, KPIs and rejections, and updates counters and the dirty flag', () => {
    expect(allows(s(), 'dynamodb:BatchGetItem', [sample.rawEvent])).toBe(true);
    expect(allows(s(), 'dynamodb:BatchGetItem', [sample.userFact, sample.survey])).toBe(true);
    expect(allows(s(), 'dynamodb:BatchWriteItem', [sample.rawEvent, sample.userFact, sample.survey, sample.kpi, sample.kpiNames, sample.rejection])).toBe(true);
    expect(allows(s(), 'dynamodb:UpdateItem', [sample.ingestDay])).toBe(true);
    expect(allows(s(), 'dynamodb:UpdateItem', [sample.rollupState])).toBe(true);
  });

  it('writes the change log (PutItem on CHG# only), never the rollup state, partials or journal', () => {
    expect(allows(s(), 'dynamodb:PutItem', [sample.changeLog])).toBe(true);
    for (const pk of [...rollupInternals, sample.rawEvent, sample.userFact, sample.rollup, sample.rollupState]) expect(allows(s(), 'dynamodb:PutItem', [pk]), pk).toBe(false);
    for (const action of WRITES) for (const pk of rollupInternals) expect(allows(s(), action, [pk]), `${action} ${pk}`).toBe(false);
    expect(allows(s(), 'dynamodb:Query', [sample.changeLog])).toBe(false);
  });

  it('cannot delete items, nor write or read the roadmap, keys, credentials, reviews, iterations or rollups', () => {
    expect(s().flatMap(actionsOf)).not.toContain('dynamodb:DeleteItem');
    for (const action of WRITES) {
      for (const pk of [...managed, sample.rollup]) expect(allows(s(), action, [pk]), `${action} ${pk}`).toBe(false);
    }
    // one forbidden key taints a whole batch
    expect(allows(s(), 'dynamodb:BatchWriteItem', [sample.rawEvent, sample.roadmapV3])).toBe(false);
    for (const pk of [sample.roadmapHead, sample.roadmapV3, sample.keys, sample.reviews]) expect(allows(s(), 'dynamodb:Query', [pk])).toBe(false);
    expect(allows(s(), 'dynamodb:Scan')).toBe(false);
  });

  it('write actions carry a LeadingKeys condition that fails closed and excludes ROADMAP, KEYS and CRED', () => {
    const writes = s().filter((st) => actionsOf(st).some((a) => WRITES.includes(a)));
    expect(writes.length).toBeGreaterThan(0);
    for (const st of writes) {
      const patterns = st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[];
      expect(patterns).toBeDefined();
      expect(st.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      for (const p of patterns) expect(p).not.toMatch(/^(ROADMAP|KEYS|CRED|REVIEWS|ITERATIONS|ROLLUP|\*)/);
    }
  });

  it('reads only the pseudonymisation key\'s secret (no admin token), and cannot use the job queue', () => {
    const secretStatements = s().filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
    expect(secretStatements.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(secretStatements)).toContain('PseudonymKey');
    expect(JSON.stringify(secretStatements)).not.toContain('ApiSecret');
    expect(s().flatMap(actionsOf).filter((a) => a.startsWith('sqs:'))).toEqual([]);
  });
});

describe('dashboard API function', () => {
  const s = () => statementsOf('api');

  it('reads every partition it shows', () => {
    for (const pk of Object.values(sample)) {
      expect(allows(s(), 'dynamodb:GetItem', [pk]), pk).toBe(true);
      expect(allows(s(), 'dynamodb:Query', [pk]), pk).toBe(true);
    }
    expect(allows(s(), 'dynamodb:BatchGetItem', [K.monthRollup('2026-10').PK])).toBe(true);
  });

  it('manages roadmap, keys, credentials, reviews and iterations, and marks rollups dirty', () => {
    for (const action of WRITES) for (const pk of managed) expect(allows(s(), action, [pk]), `${action} ${pk}`).toBe(true);
    expect(allows(s(), 'dynamodb:BatchWriteItem', [sample.roadmapV3, sample.roadmapHead])).toBe(true);
    expect(allows(s(), 'dynamodb:UpdateItem', [sample.rollupState])).toBe(true);
  });

  it('cannot forge or delete measured data, and cannot scan', () => {
    for (const action of WRITES) for (const pk of measured) expect(allows(s(), action, [pk]), `${action} ${pk}`).toBe(false);
    expect(allows(s(), 'dynamodb:Scan')).toBe(false);
  });

  it('may enqueue jobs (SendMessage only) and reads the secret with the admin token', () => {
    const sqs = s().filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap(actionsOf)).toEqual(['sqs:SendMessage']);
    expect(JSON.stringify(s().filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue')))).toContain('ApiSecret');
  });
});

describe('worker and jobs functions', () => {
  it('the rollup reads facts, roadmap and state, and rewrites rollups (puts and stale deletes) and state', () => {
    const s = statementsOf('worker');
    for (const pk of [sample.roadmapHead, sample.roadmapV3, sample.userFact, sample.survey, sample.rollupState, sample.rollup]) {
      expect(allows(s, 'dynamodb:Query', [pk]) || allows(s, 'dynamodb:GetItem', [pk]), pk).toBe(true);
    }
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.rollup])).toBe(true);
    expect(allows(s, 'dynamodb:UpdateItem', [sample.rollupState])).toBe(true);
  });

  it('the rollup fan-out reads the change log and keeps user state, partials and journal (conditional puts), and sends its shard jobs to the queue', () => {
    for (const which of ['worker', 'jobs'] as const) {
      const s = statementsOf(which);
      expect(allows(s, 'dynamodb:Query', [sample.changeLog])).toBe(true);
      for (const pk of rollupInternals) {
        expect(allows(s, 'dynamodb:Query', [pk]) && allows(s, 'dynamodb:GetItem', [pk]), pk).toBe(true);
        expect(allows(s, 'dynamodb:PutItem', [pk]) && allows(s, 'dynamodb:BatchWriteItem', [pk]), pk).toBe(true);
      }
      expect(allows(s, 'dynamodb:BatchGetItem', [sample.userState])).toBe(true);
      expect(allows(s, 'dynamodb:PutItem', [sample.rollup])).toBe(true);
      // the change log is the ingest function's: the worker only reads it (and the purge expires it)
      expect(allows(s, 'dynamodb:PutItem', [sample.changeLog])).toBe(false);
      // (the worker's on-failure destination adds a second SendMessage, to its failure queue)
      expect([...new Set(s.flatMap(actionsOf).filter((a) => a.startsWith('sqs:') && !['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(a)))]).toEqual(['sqs:SendMessage']);
    }
  });

  it('the scheduled worker never scans, nor deletes raw events (DynamoDB TTL expires them on AWS)', () => {
    const s = statementsOf('worker');
    expect(allows(s, 'dynamodb:Scan')).toBe(false);
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.rawEvent])).toBe(false);
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.rejection])).toBe(false);
  });

  it('neither worker nor jobs reads any secret: the pseudonymisation key stays with ingest', () => {
    for (const fn of ['worker', 'jobs'] as const) expect(statementsOf(fn).flatMap(actionsOf).filter((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:'))).toEqual([]);
  });

  it('queued jobs: the rebuild and the purge on request scan (table-wide, read-only) and batch-delete raw events and rejections', () => {
    const s = statementsOf('jobs');
    expect(allows(s, 'dynamodb:Scan')).toBe(true);
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.rawEvent, sample.rejection, sample.changeLog])).toBe(true);
  });

  it('merges partitions per action, so a batch spanning two grants is allowed', () => {
    const s = statementsOf('jobs');
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.rollup, sample.rawEvent])).toBe(true);
    expect(s.filter((st) => actionsOf(st).includes('dynamodb:BatchWriteItem'))).toHaveLength(1);
  });

  it('the scheduled worker cannot touch credentials, keys, user-managed data, or rewrite facts', () => {
    const s = statementsOf('worker');
    for (const action of WRITES) {
      for (const pk of [...managed, sample.userFact, sample.survey, sample.kpi]) expect(allows(s, action, [pk]), `${action} ${pk}`).toBe(false);
    }
    expect(allows(s, 'dynamodb:GetItem', [sample.credential])).toBe(false);
    expect(s.flatMap(actionsOf)).not.toContain('dynamodb:DeleteItem');
  });

  it('queued jobs may also repair user and survey facts (rebuild --fix), nothing user-managed', () => {
    const s = statementsOf('jobs');
    expect(allows(s, 'dynamodb:BatchWriteItem', [sample.userFact, sample.survey, sample.rollup])).toBe(true);
    for (const action of WRITES) for (const pk of managed) expect(allows(s, action, [pk]), `${action} ${pk}`).toBe(false);
  });

  it('the jobs function may keep only its segmented rebuild\'s state and scratch facts (REBUILD#), and send to its own queue', () => {
    const s = statementsOf('jobs');
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:GetItem']) {
      expect(allows(s, action, [K.rebuildRun('r').PK]), action).toBe(true);
      expect(allows(s, action, [K.rebuildFact('r', '2026-10', 'k').PK]), action).toBe(true);
    }
    expect(allows(statementsOf('worker'), 'dynamodb:PutItem', [K.rebuildRun('r').PK])).toBe(false);
    const { sextant, stateless } = synthDefault();
    const send = roleStatements(stateless, logicalId(sextant.stateless.jobs.role)).filter((st) => actionsOf(st).includes('sqs:SendMessage'));
    expect(send).toHaveLength(1);
    expect(send[0].Resource).toEqual({ 'Fn::GetAtt': [logicalId(sextant.stateless.queue), 'Arn'] });
  });

  it('the jobs function consumes the queue; nobody else can receive or delete messages', () => {
    const { sextant, stateless } = synthDefault();
    const jobsActions = roleStatements(stateless, logicalId(sextant.stateless.jobs.role)).flatMap(actionsOf);
    expect(jobsActions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    for (const other of ['api', 'ingest', 'worker'] as const) {
      const actions = roleStatements(stateless, logicalId(sextant.stateless[other].role)).flatMap(actionsOf);
      expect(actions.filter((a) => ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'].includes(a))).toEqual([]);
    }
  });
});

describe('the whole template', () => {
  const allStatements = (t: ReturnType<typeof synthDefault>['stateless']) => {
    const out: { where: string; st: Statement }[] = [];
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::KMS::Key']) {
      for (const [id, r] of Object.entries(t.findResources(type))) {
        const doc = r.Properties.PolicyDocument ?? r.Properties.KeyPolicy;
        for (const st of (doc?.Statement ?? []) as Statement[]) out.push({ where: id, st });
      }
    }
    for (const [id, r] of Object.entries(t.findResources('AWS::IAM::Role'))) {
      for (const p of (r.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) for (const st of p.PolicyDocument.Statement) out.push({ where: id, st });
    }
    return out;
  };

  it('has no Allow statement with a `*` or `service:*` action', () => {
    const { stateful, stateless } = synthDefault();
    for (const t of [stateful, stateless]) {
      for (const { where, st } of allStatements(t)) {
        if (st.Effect !== 'Allow') continue;
        for (const a of actionsOf(st)) expect(a, `${where}: ${a}`).not.toMatch(/^\*$|:\*$/);
      }
    }
  });

  it('customer-managed key variant: the only `kms:*` is the default key-policy statement that delegates to IAM', () => {
    const { stateful, stateless } = synth({ 'sextant:encryption': 'customer-managed', 'sextant:removalPolicy': 'destroy' });
    for (const t of [stateful, stateless]) {
      for (const { where, st } of allStatements(t)) {
        if (st.Effect !== 'Allow' || !actionsOf(st).some((a) => /^\*$|:\*$/.test(a))) continue;
        // the account root principal: grants nothing by itself, IAM policies decide (AWS default key policy)
        expect(where).toMatch(/^DataKey/);
        expect(actionsOf(st)).toEqual(['kms:*']);
        expect(JSON.stringify((st as unknown as { Principal: unknown }).Principal)).toMatch(/:root/);
      }
    }
  });

  it("has no wildcard action at all in Sextant's own roles (functions, schedule); only CDK's deployment provider uses s3:Get*-style groups", () => {
    const { sextant, stateless } = synthDefault();
    const own = [sextant.stateless.api, sextant.stateless.ingest, sextant.stateless.worker, sextant.stateless.jobs].map((f) => logicalId(f.role));
    own.push(Object.keys(stateless.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] }) } }))[0]);
    for (const role of own) for (const a of roleStatements(stateless, role).flatMap(actionsOf)) expect(a, `${role}: ${a}`).not.toContain('*');

    const partial = allStatements(stateless)
      .filter(({ st }) => st.Effect === 'Allow')
      .flatMap(({ where, st }) => actionsOf(st).filter((a) => a.includes('*')).map((a) => `${where.replace(/[0-9A-F]{8}$/, '')} ${a}`));
    expect([...new Set(partial)].sort()).toEqual(
      ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => `CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiBServiceRoleDefaultPolicy ${a}`),
    );
  });

  it('uses no AWS managed policy for the functions (own log group only, not AWSLambdaBasicExecutionRole)', () => {
    const { sextant, stateless } = synthDefault();
    const roles = stateless.findResources('AWS::IAM::Role');
    for (const f of [sextant.stateless.api, sextant.stateless.ingest, sextant.stateless.worker, sextant.stateless.jobs]) {
      expect(roles[logicalId(f.role)].Properties.ManagedPolicyArns).toBeUndefined();
      const logs = roleStatements(stateless, logicalId(f.role)).filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')));
      expect(logs.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(JSON.stringify(logs[0].Resource)).toContain(logicalId(f.logGroup));
    }
  });

  it('customer-managed key: table and secret decryption only via DynamoDB / Secrets Manager', () => {
    const { sextant, stateless } = synth({ 'sextant:encryption': 'customer-managed' });
    const kms = roleStatements(stateless, logicalId(sextant.stateless.ingest.role)).filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
    expect(kms.length).toBe(2);
    for (const st of kms) expect(JSON.stringify(st.Condition)).toMatch(/kms:ViaService.*(dynamodb|secretsmanager)\./);
  });
});
