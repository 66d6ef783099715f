/**
 * Alarms, their action and their metric; the SNS topic and its e-mail subscription; the
 * dashboard. Every alarm notifies the one topic (on ALARM and on OK), and watches the metric
 * its name says, with the threshold docs/deploy.md states.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../functions/src/lambda/metric-names';
import { cleanup, logicalId, synth, synthDefault } from './synth';

afterAll(cleanup);

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function alarms(template = synthDefault().stateless): Record<string, Props> {
  const out: Record<string, Props> = {};
  for (const [id, r] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) out[id] = r.Properties;
  return out;
}
/** the alarm whose logical id starts with Monitoring<name> */
function alarm(name: string, template = synthDefault().stateless): Props {
  const found = Object.entries(alarms(template)).filter(([id]) => id.startsWith(`Monitoring${name}`) && !id.slice(`Monitoring${name}`.length).match(/^[A-Z][a-z]/));
  expect(found.map(([id]) => id), name).toHaveLength(1);
  return found[0][1];
}
const topicId = () => Object.keys(synthDefault().stateless.findResources('AWS::SNS::Topic'))[0];

describe('alarm topic', () => {
  it('is one TLS-only topic that CloudWatch in this account may publish to', () => {
    const { stateless } = synthDefault();
    stateless.resourceCountIs('AWS::SNS::Topic', 1);
    const policy = Object.values(stateless.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement as Props[];
    expect(policy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(policy).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
    );
    stateless.hasOutput('AlarmTopicArn', { Value: { Ref: topicId() } });
  });

  it('subscribes the address of sextant:alarmEmail, and nobody when it is unset', () => {
    synthDefault().stateless.resourceCountIs('AWS::SNS::Subscription', 0);
    const { stateless } = synth({ 'sextant:alarmEmail': 'ops@example.com' });
    const topic = Object.keys(stateless.findResources('AWS::SNS::Topic'))[0];
    stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topic } });
  });

  it('is the action of every alarm, on ALARM and on OK', () => {
    const all = Object.values(alarms());
    expect(all.length).toBe(20);
    for (const a of all) {
      expect(a.AlarmActions, a.AlarmDescription).toEqual([{ Ref: topicId() }]);
      expect(a.OKActions, a.AlarmDescription).toEqual([{ Ref: topicId() }]);
      expect(a.AlarmDescription).toMatch(/^Sextant: /);
    }
  });
});

describe('alarms and their metrics', () => {
  it('each function: errors and throttles, any in a minute', () => {
    const { sextant } = synthDefault();
    const s = sextant.stateless;
    for (const [name, fn] of [['Api', s.api], ['Ingest', s.ingest], ['Worker', s.worker], ['Jobs', s.jobs]] as const) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarm(`${name}${metric}`)).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.fn) } }],
          Statistic: 'Sum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('worker and jobs: the longest invocation of a minute at 80% of the timeout', () => {
    const { sextant, stateless } = synthDefault();
    const fns = stateless.findResources('AWS::Lambda::Function');
    for (const [name, fn] of [['Worker', sextant.stateless.worker], ['Jobs', sextant.stateless.jobs]] as const) {
      const timeoutMs = fns[logicalId(fn.fn)].Properties.Timeout * 1000;
      expect(alarm(`${name}DurationNearTimeout`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Duration', Statistic: 'Maximum', Period: 60, Threshold: timeoutMs * 0.8 });
    }
  });

  it('HTTP API: 5xx and 429 as a percentage of requests, 3 of 5 minutes at 5%', () => {
    const { sextant } = synthDefault();
    const apiId = logicalId(sextant.stateless.httpApi);
    for (const [name, part] of [['Api5xxRate', { Namespace: 'AWS/ApiGateway', MetricName: '5xx' }], ['Api429Rate', { Namespace: 'Sextant', MetricName: METRIC.httpThrottled }]] as const) {
      const a = alarm(name);
      expect(a).toMatchObject({ Threshold: 5, EvaluationPeriods: 5, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const expr = (a.Metrics as Props[]).find((m) => m.Expression);
      expect(expr?.Expression).toMatch(/^IF\(requests\w* > 0, 100 \* part\w* \/ requests\w*, 0\)$/);
      const stats = (a.Metrics as Props[]).filter((m) => m.MetricStat).map((m) => m.MetricStat);
      expect(stats).toContainEqual(expect.objectContaining({ Metric: expect.objectContaining(part), Stat: 'Sum', Period: 60 }));
      expect(stats).toContainEqual(expect.objectContaining({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiId', Value: { Ref: apiId } }] }, Stat: 'Sum' }));
    }
  });

  it('429s are counted from the access logs (HTTP APIs publish no 429 metric)', () => {
    const { stateless } = synthDefault();
    const stage = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'))[0].Properties;
    const accessLogs = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    stateless.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: accessLogs },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricNamespace: 'Sextant', MetricName: METRIC.httpThrottled, MetricValue: '1' }],
    });
  });

  it('DynamoDB read and write throttle events on the table, 2 of 5 minutes', () => {
    const { sextant } = synthDefault();
    for (const [name, metric] of [['TableReadThrottles', 'ReadThrottleEvents'], ['TableWriteThrottles', 'WriteThrottleEvents']]) {
      const a = alarm(name);
      expect(a).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: metric, Statistic: 'Sum', Period: 60, Threshold: 1, EvaluationPeriods: 5, DatapointsToAlarm: 2 });
      expect(JSON.stringify(a.Dimensions)).toContain(sextant.stateful.stackName);
      expect(a.Dimensions[0].Name).toBe('TableName');
    }
  });

  it('every dead-letter and failure queue holding a message', () => {
    const { sextant, stateless } = synthDefault();
    const queues = stateless.findResources('AWS::SQS::Queue');
    const jobs = queues[logicalId(sextant.stateless.queue)].Properties;
    const expected = {
      JobsDlq: jobs.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0],
      ScheduleDlq: Object.values(stateless.findResources('AWS::Scheduler::Schedule'))[0].Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0],
      WorkerFailures: logicalId(sextant.stateless.workerFailures),
    };
    for (const [name, queueId] of Object.entries(expected)) {
      expect(alarm(`${name}NotEmpty`)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
      });
    }
  });

  it('rollup lag (custom metric RollupLagSeconds), breaching when the worker stops reporting', () => {
    expect(alarm('RollupLag')).toMatchObject({
      Namespace: 'Sextant',
      MetricName: 'RollupLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'sextant' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 300,
      TreatMissingData: 'breaching',
    });
    // a slower tick raises the threshold: three ticks behind
    expect(alarm('RollupLag', synth({ 'sextant:rollupEveryMinutes': 10 }).stateless)).toMatchObject({ Threshold: 1800, Period: 600 });
  });

  it('queued jobs failing and ingest shedding (custom metrics)', () => {
    expect(alarm('JobsFailing')).toMatchObject({ Namespace: 'Sextant', MetricName: METRIC.jobsFailed, Dimensions: [{ Name: 'service', Value: 'sextant' }], Statistic: 'Sum', Period: 60, Threshold: 1 });
    expect(alarm('IngestShedding')).toMatchObject({ Namespace: 'Sextant', MetricName: METRIC.eventsShed, Statistic: 'Sum', Period: 60, Threshold: 1, EvaluationPeriods: 5, DatapointsToAlarm: 2 });
  });
});

describe('operations dashboard', () => {
  it('shows events accepted per minute and the figures of every alarm', () => {
    const { stateless } = synthDefault();
    const dashboards = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0].Properties.DashboardBody);
    for (const m of [METRIC.eventsAccepted, METRIC.eventsRejected, METRIC.eventsDuplicate, METRIC.eventsShed, METRIC.rollupLag, METRIC.rollupDuration, METRIC.jobsFailed, METRIC.httpThrottled]) {
      expect(body, m).toContain(m);
    }
    for (const m of ['Errors', 'Throttles', 'Duration', 'ReadThrottleEvents', 'WriteThrottleEvents', 'ApproximateNumberOfMessagesVisible', '5xx', 'Count']) expect(body, m).toContain(m);
    // the body is a Fn::Join of text and references: with references replaced, it is the dashboard JSON
    const parts = dashboards[0].Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const doc = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'REF')).join(''));
    const events = doc.widgets.find((w: Props) => w.properties.title === 'Events per minute');
    expect(events.properties.metrics[0]).toEqual(['Sextant', METRIC.eventsAccepted, 'service', 'sextant', { label: 'accepted', period: 60, stat: 'Sum' }]);
    // the alarm status widget lists every alarm
    for (const id of Object.keys(alarms())) expect(body, id).toContain(id);
    stateless.hasOutput('OperationsDashboard', {});
  });
});
