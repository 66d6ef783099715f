import { afterAll, describe, expect, it } from 'vitest';
import { JOBS_MAX_CONCURRENCY } from '../../infra/stateless-stack';
import { cleanup, logicalId, synth, synthDefault } from './synth';

afterAll(cleanup);

const queueId = (q: unknown) => (q as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('per-minute schedule', () => {
  it('invokes the worker every minute with retries, a maximum event age and a dead-letter queue', () => {
    const { stateless, sextant } = synthDefault();
    stateless.resourceCountIs('AWS::Scheduler::Schedule', 1);
    const schedule = Object.values(stateless.findResources('AWS::Scheduler::Schedule'))[0].Properties;
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [logicalId(sextant.stateless.worker.fn), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 } },
    });
    // the tick carries no job: runScheduledWork rolls up when dirty
    expect(JSON.parse(schedule.Target.Input).job).toBeUndefined();
    const dlq = stateless.findResources('AWS::SQS::Queue')[queueId(schedule.Target.DeadLetterConfig.Arn)];
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
  });

  it('tick interval is configurable from context', () => {
    const { stateless } = synth({ 'sextant:rollupEveryMinutes': 5 });
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it("runs with a role that can invoke only the worker, assumable only by Scheduler from this account", () => {
    const { stateless, sextant } = synthDefault();
    const schedule = Object.values(stateless.findResources('AWS::Scheduler::Schedule'))[0].Properties;
    const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0];
    const role = stateless.findResources('AWS::IAM::Role')[roleId].Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke.Resource)).toContain(logicalId(sextant.stateless.worker.fn));
    expect(statements.find((s) => s.Action === 'sqs:SendMessage')).toBeDefined();
  });
});

describe('job queue', () => {
  it('is encrypted, TLS-only, and redrives to a dead-letter queue after 5 receives', () => {
    const { stateless, sextant } = synthDefault();
    const queues = stateless.findResources('AWS::SQS::Queue');
    const jobs = queues[logicalId(sextant.stateless.queue)].Properties;
    expect(jobs).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 6 * 300, RedrivePolicy: { maxReceiveCount: 5 } });
    const dlq = queues[queueId(jobs.RedrivePolicy.deadLetterTargetArn)].Properties;
    expect(dlq).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    // every queue (jobs, its DLQ, the schedule's DLQ, the worker's failure destination) denies requests without TLS
    const policies = Object.values(stateless.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds the jobs function (queueHandler) with partial-batch failure reporting and a concurrency cap', () => {
    const { stateless, sextant } = synthDefault();
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(sextant.stateless.jobs.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(sextant.stateless.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // one rollup shard job per invocation, shards side by side
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: JOBS_MAX_CONCURRENCY },
    });
    const fn = stateless.findResources('AWS::Lambda::Function')[logicalId(sextant.stateless.jobs.fn)].Properties;
    // messages must stay invisible while a batch runs
    expect(6 * fn.Timeout).toBeLessThanOrEqual(stateless.findResources('AWS::SQS::Queue')[logicalId(sextant.stateless.queue)].Properties.VisibilityTimeout);
  });
});
