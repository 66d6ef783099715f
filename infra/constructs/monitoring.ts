/**
 * What tells the operator that something is wrong: one SNS topic (e-mail subscription from
 * `sextant:alarmEmail`) as the action of every alarm, the alarms themselves, and one
 * CloudWatch dashboard with the same figures plus events accepted per minute.
 *
 * Alarms (each notifies on ALARM and on OK, so the operator also learns that it is over):
 * - per function: Lambda Errors and Throttles (1-minute sums, any);
 * - worker and jobs: the longest invocation of a minute above 80% of the timeout;
 * - HTTP API: 5xx and 429 rates (percent of requests; 3 of 5 one-minute periods at 5% or more).
 *   HTTP APIs publish no 429 metric: a metric filter on the access logs counts them;
 * - DynamoDB read and write throttle events (2 of 5 one-minute periods);
 * - every dead-letter / failure queue holding a message;
 * - rollup lag (custom metric RollupLagSeconds, worst of 5 minutes; missing data is breaching:
 *   a worker that stops ticking stops reporting);
 * - queued jobs failing (custom metric JobsFailed) and ingest shedding (EventsShed).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/src/lambda/metric-names';

export interface MonitoredFunction {
  /** short name used in alarm ids and the dashboard (`Api`, `Ingest`, `Worker`, `Jobs`) */
  name: string;
  fn: IFunction;
  timeout: Duration;
  /** alarm when the longest invocation of a minute passes 80% of the timeout */
  watchDuration?: boolean;
}

export interface MonitoringProps {
  functions: MonitoredFunction[];
  httpApi: HttpApi;
  /** the HTTP API's access log group (JSON records with `status` and `routeKey`) */
  accessLogs: ILogGroup;
  table: ITable;
  /** queues that should stay empty (dead-letter queues, the worker's failure destination) */
  emptyQueues: { name: string; queue: IQueue }[];
  /** the job queue itself (depth and age on the dashboard) */
  jobQueue: IQueue;
  alarmEmail?: string;
  /** minutes between worker ticks: sets the rollup lag threshold */
  rollupEveryMinutes: number;
}

const MINUTE = Duration.minutes(1);

/** Custom metric of the functions (namespace Sextant, dimension service=sextant). */
export function sextantMetric(name: string, statistic: string, period = MINUTE): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE }, statistic, period });
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** alarm threshold on RollupLagSeconds */
  readonly rollupLagThresholdSeconds: number;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Sextant alarms', enforceSSL: true });
    // enforceSSL replaces the default topic policy: CloudWatch (this account's alarms) must be allowed to publish
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names, states and metric values, no data of the product. CloudWatch cannot publish to a topic encrypted with the AWS managed key (aws/sns), and a customer-managed key for this topic alone would cost more than everything else idle here; the topic is TLS-only (SNS3).',
    });
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, description: string, metric: IMetric, opts: { threshold: number; evaluationPeriods?: number; datapointsToAlarm?: number; missing?: TreatMissingData }) => {
      const a = new Alarm(this, alarmId, {
        alarmDescription: `Sextant: ${description}`,
        metric,
        threshold: opts.threshold,
        evaluationPeriods: opts.evaluationPeriods ?? 1,
        datapointsToAlarm: opts.datapointsToAlarm,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: opts.missing ?? TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    // ---- functions ----
    for (const f of props.functions) {
      alarm(`${f.name}Errors`, `${f.name} function invocations failed (unhandled error or timeout)`, f.fn.metricErrors({ period: MINUTE, statistic: 'Sum' }), { threshold: 1 });
      alarm(`${f.name}Throttles`, `${f.name} function invocations throttled (reserved concurrency or account limit reached)`, f.fn.metricThrottles({ period: MINUTE, statistic: 'Sum' }), { threshold: 1 });
      if (f.watchDuration) {
        alarm(
          `${f.name}DurationNearTimeout`,
          `${f.name} function ran longer than 80% of its ${f.timeout.toSeconds()} s timeout`,
          f.fn.metricDuration({ period: MINUTE, statistic: 'Maximum' }),
          { threshold: Math.round(f.timeout.toMilliseconds() * 0.8) },
        );
      }
    }

    // ---- HTTP API: 5xx and 429 rates ----
    const requests = props.httpApi.metricCount({ period: MINUTE, statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period: MINUTE, statistic: 'Sum' });
    new MetricFilter(this, 'Http429', {
      logGroup: props.accessLogs,
      metricNamespace: METRICS_NAMESPACE,
      metricName: METRIC.httpThrottled,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricValue: '1',
    });
    const throttled = new Metric({ namespace: METRICS_NAMESPACE, metricName: METRIC.httpThrottled, statistic: 'Sum', period: MINUTE });
    // ids differ per expression: a dashboard graph may hold both
    const rate = (id: string, label: string, part: IMetric) =>
      new MathExpression({ expression: `IF(requests${id} > 0, 100 * part${id} / requests${id}, 0)`, usingMetrics: { [`part${id}`]: part, [`requests${id}`]: requests }, label, period: MINUTE });
    const rate5xx = rate('5xx', '5xx %', serverErrors);
    const rate429 = rate('429', '429 %', throttled);
    alarm('Api5xxRate', 'HTTP API answered 5% or more of requests with 5xx in 3 of the last 5 minutes', rate5xx, { threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3 });
    alarm('Api429Rate', 'HTTP API answered 5% or more of requests with 429 (throttled) in 3 of the last 5 minutes', rate429, { threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3 });

    // ---- DynamoDB ----
    const tableMetric = (name: string) => new Metric({ namespace: 'AWS/DynamoDB', metricName: name, dimensionsMap: { TableName: props.table.tableName }, statistic: 'Sum', period: MINUTE });
    alarm('TableReadThrottles', 'DynamoDB throttled reads of the table in 2 of the last 5 minutes', tableMetric('ReadThrottleEvents'), { threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 2 });
    alarm('TableWriteThrottles', 'DynamoDB throttled writes to the table in 2 of the last 5 minutes', tableMetric('WriteThrottleEvents'), { threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 2 });

    // ---- queues that must stay empty ----
    for (const { name, queue } of props.emptyQueues) {
      alarm(`${name}NotEmpty`, `messages in ${name}`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), { threshold: 1 });
    }

    // ---- rollups, jobs, shedding (custom metrics of the functions) ----
    const tick = Math.max(1, props.rollupEveryMinutes);
    this.rollupLagThresholdSeconds = Math.max(300, 3 * tick * 60);
    const lagPeriod = Duration.minutes(Math.max(5, tick));
    alarm(
      'RollupLag',
      `rollups are ${this.rollupLagThresholdSeconds} s or more behind the data, or the worker stopped reporting (${METRIC.rollupLag})`,
      sextantMetric(METRIC.rollupLag, 'Maximum', lagPeriod),
      { threshold: this.rollupLagThresholdSeconds, missing: TreatMissingData.BREACHING },
    );
    alarm('JobsFailing', `queued jobs failed (${METRIC.jobsFailed}; SQS retries them, then the jobs dead-letter queue holds them)`, sextantMetric(METRIC.jobsFailed, 'Sum'), { threshold: 1 });
    alarm('IngestShedding', `ingest answered 429/503 and stored nothing of those requests in 2 of the last 5 minutes (${METRIC.eventsShed})`, sextantMetric(METRIC.eventsShed, 'Sum'), { threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 2 });

    // ---- dashboard ----
    const perFn = (m: (f: MonitoredFunction) => IMetric) => props.functions.map(m);
    const w = (title: string, left: IMetric[], opts: { right?: IMetric[]; width?: number } = {}) => new GraphWidget({ title, left, right: opts.right, width: opts.width ?? 8, height: 6 });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stack.stackName}-operations`, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Sextant operations\nEvery alarm below notifies the SNS topic of the \`AlarmTopicArn\` output. Custom metrics: namespace \`${METRICS_NAMESPACE}\`, dimension \`service=${METRICS_SERVICE}\` (docs/deploy.md, "Monitoring").`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      w('Events per minute', [
        sextantMetric(METRIC.eventsAccepted, 'Sum').with({ label: 'accepted' }),
        sextantMetric(METRIC.eventsDuplicate, 'Sum').with({ label: 'duplicates' }),
        sextantMetric(METRIC.eventsRejected, 'Sum').with({ label: 'rejected' }),
        sextantMetric(METRIC.eventsShed, 'Sum').with({ label: 'shed (429/503)' }),
      ]),
      w('HTTP API requests per minute', [requests.with({ label: 'requests' }), serverErrors.with({ label: '5xx' }), throttled.with({ label: '429' })]),
      w('HTTP API error rates (%)', [rate5xx, rate429]),
    );
    this.dashboard.addWidgets(
      w('Lambda errors', perFn((f) => f.fn.metricErrors({ period: MINUTE, statistic: 'Sum', label: f.name }))),
      w('Lambda throttles', perFn((f) => f.fn.metricThrottles({ period: MINUTE, statistic: 'Sum', label: f.name }))),
      w('Lambda duration (max, ms)', perFn((f) => f.fn.metricDuration({ period: MINUTE, statistic: 'Maximum', label: f.name }))),
    );
    this.dashboard.addWidgets(
      w('DynamoDB throttle events', [tableMetric('ReadThrottleEvents').with({ label: 'reads' }), tableMetric('WriteThrottleEvents').with({ label: 'writes' })]),
      w('Rollups', [sextantMetric(METRIC.rollupLag, 'Maximum').with({ label: 'lag (s)' })], { right: [sextantMetric(METRIC.rollupDuration, 'Maximum').with({ label: 'duration (ms)' })] }),
      w(
        'Queues',
        [
          props.jobQueue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'jobs waiting' }),
          sextantMetric(METRIC.jobsFailed, 'Sum').with({ label: 'jobs failed' }),
          ...props.emptyQueues.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: name })),
        ],
      ),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
  }
}
