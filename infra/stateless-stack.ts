/**
 * Stateless resources: the Lambda functions (one per scaling and permission profile), the
 * HTTP API, the job queue, the per-minute schedule and the dashboard's web hosting.
 * Everything here can be destroyed and redeployed without losing data.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ACCESS, INGEST_ACCESS, JOBS_ACCESS, WORKER_ACCESS } from './access';
import { SextantFunction } from './constructs/sextant-function';
import { WebHosting } from './constructs/web-hosting';
import { lambdaEntry, webDist } from './paths';
import type { SextantSettings } from './settings';

export interface StatelessStackProps extends StackProps {
  table: ITable;
  /** `{ pseudonymKey }` for ingest and the worker */
  pseudonymSecret: ISecret;
  /** `{ pseudonymKey, adminToken }` for the dashboard API */
  apiSecret: ISecret;
  settings: SextantSettings;
  /** built dashboard directory (default: web/dist) */
  webDist?: string;
}

/** Queued jobs (re-attribution, rebuilds) may run this long; the queue's visibility timeout is 6×. */
const JOB_TIMEOUT = Duration.minutes(5);

export class StatelessStack extends Stack {
  readonly api: SextantFunction;
  readonly ingest: SextantFunction;
  readonly worker: SextantFunction;
  readonly jobs: SextantFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly queue: Queue;
  readonly web: WebHosting;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings, table } = props;
    const logRemovalPolicy = settings.removalPolicy;

    // ---- queues: jobs (+ DLQ) and the schedule's DLQ ----
    const queueDefaults = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    const jobsDlq = new Queue(this, 'JobDlq', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    this.queue = new Queue(this, 'JobQueue', {
      ...queueDefaults,
      visibilityTimeout: Duration.seconds(JOB_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: jobsDlq, maxReceiveCount: 5 },
    });
    const scheduleDlq = new Queue(this, 'ScheduleDlq', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    for (const dlq of [jobsDlq, scheduleDlq]) {
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue (of the jobs queue or of the worker schedule); it is watched by an alarm, not redriven.' });
    }

    // ---- functions ----
    // No reserved concurrency: it would be carved out of the account's pool (new accounts have
    // 10, and a reservation below the unreserved minimum fails the deploy). Bounds come from
    // elsewhere: stage throttling (API, ingest), the event source's MaximumConcurrency (jobs),
    // and one schedule tick per minute (worker; its rollup is idempotent if two ever overlap).
    // rollup fan-out (docs/key-layout.md "Incremental rollups"): shards, change-log partitions and
    // the change log's read lag; an operator may override them through sextant:runtime
    const rollupEnv = { SEXTANT_ROLLUP_SHARDS: '16', SEXTANT_CHANGELOG_PARTITIONS: '32', SEXTANT_CHANGELOG_LAG_MS: '15000' };
    const common = { table, logRetention: settings.logRetention, logRemovalPolicy, environment: { ...rollupEnv, ...settings.runtime } };
    this.api = new SextantFunction(this, 'Api', {
      ...common,
      entry: lambdaEntry('api'),
      description: 'Sextant dashboard API: /api/v1/*, /health, /openapi.json',
      tableAccess: API_ACCESS,
      secret: props.apiSecret,
      timeout: Duration.seconds(29),
      environment: { ...common.environment, SEXTANT_ENSURE_ADMIN: '1', SEXTANT_QUEUE_URL: this.queue.queueUrl },
    });
    this.ingest = new SextantFunction(this, 'Ingest', {
      ...common,
      entry: lambdaEntry('ingest'),
      description: 'Sextant ingest: Segment-compatible /v1/* and /v1/metrics',
      tableAccess: INGEST_ACCESS,
      secret: props.pseudonymSecret,
      timeout: Duration.seconds(29),
    });
    this.worker = new SextantFunction(this, 'Worker', {
      ...common,
      entry: lambdaEntry('worker'),
      description: 'Sextant worker: rollups when data changed (every minute; retention falls to DynamoDB TTL)',
      tableAccess: WORKER_ACCESS,
      secret: props.pseudonymSecret,
      timeout: Duration.minutes(5),
      // the rollup holds the facts of its window in memory; memory also buys CPU on Lambda
      memorySize: 2048,
      // DynamoDB TTL (expiresAt) expires raw events and rejection samples: no daily purge scan
      environment: { ...common.environment, SEXTANT_TTL_ENABLED: '1', SEXTANT_QUEUE_URL: this.queue.queueUrl },
    });
    this.jobs = new SextantFunction(this, 'Jobs', {
      ...common,
      entry: lambdaEntry('worker'),
      handler: 'queueHandler',
      description: 'Sextant jobs: queued re-attribution and rebuilds (SQS, partial-batch failures)',
      tableAccess: JOBS_ACCESS,
      secret: props.pseudonymSecret,
      timeout: JOB_TIMEOUT,
      memorySize: 2048,
      environment: { ...common.environment, SEXTANT_QUEUE_URL: this.queue.queueUrl },
    });
    // the API may enqueue jobs (SEXTANT_QUEUE_URL): send only, no receive, delete or purge
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    // the worker's tick fans the rollup out (one message per shard job, then the merge); a
    // forced rollup from the queue does the same
    for (const f of [this.worker, this.jobs]) f.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    // shard jobs run side by side (one invocation per message); each takes seconds
    this.jobs.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 16 }),
    );

    // ---- every minute (sextant:rollupEveryMinutes): the worker rolls up when data changed ----
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'Sextant: EventBridge Scheduler invokes the worker',
    });
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.worker.fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: "lambda:InvokeFunction on the worker function's versions and aliases (ARN:*), as CDK's grantInvoke writes it; the scope is this one function.",
    });
    new Schedule(this, 'WorkerSchedule', {
      description: 'Sextant: worker tick (rollup when data changed)',
      schedule: ScheduleExpression.rate(Duration.minutes(settings.rollupEveryMinutes)),
      target: new LambdaInvoke(this.worker.fn, {
        input: ScheduleTargetInput.fromObject({ source: 'sextant.schedule', scheduledTime: ContextAttribute.scheduledTime }),
        role: scheduleRole,
        deadLetterQueue: scheduleDlq,
        retryAttempts: 2,
        // a tick older than this is superseded by the next one
        maxEventAge: Duration.minutes(5),
      }),
    });

    // ---- HTTP API ----
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetention, removalPolicy: logRemovalPolicy });
    this.web = new WebHosting(this, 'Web', {
      // the exact API URL cannot appear in the CSP on first deploy: API (CORS origin) and
      // distribution (CSP) would reference each other. See docs/deploy.md.
      connectSources: [settings.apiOrigin ?? `https://*.execute-api.${this.region}.${this.urlSuffix}`],
      webDist: props.webDist ?? webDist,
      removalPolicy: settings.removalPolicy,
    });
    const dashboardOrigin = `https://${this.web.distribution.distributionDomainName}`;
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Sextant: dashboard API and Segment-compatible ingest',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [dashboardOrigin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    });
    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.api.fn);
    const ingestIntegration = new HttpLambdaIntegration('IngestIntegration', this.ingest.fn);
    this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration: apiIntegration });
    this.httpApi.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration: apiIntegration });
    this.httpApi.addRoutes({ path: '/openapi.json', methods: [HttpMethod.GET], integration: apiIntegration });
    this.httpApi.addRoutes({ path: '/v1/{proxy+}', methods: [HttpMethod.POST], integration: ingestIntegration });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization is enforced by the application on every route: hashed bearer tokens with viewer/editor/admin roles on /api/v1/*, Segment write keys (Basic auth or body) on /v1/*. A Lambda authorizer would add a second invocation per request to repeat the same lookup. /health and /openapi.json are public by design.',
    });

    const apiUrl = this.httpApi.apiEndpoint;
    this.web.deploy(apiUrl);

    // ---- alarms: anything in a dead-letter queue needs a look ----
    for (const [name, dlq] of [['JobsDlqNotEmpty', jobsDlq], ['ScheduleDlqNotEmpty', scheduleDlq]] as const) {
      new Alarm(this, name, {
        alarmDescription: `Sextant: messages in ${name.replace('NotEmpty', '')}`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    new CfnOutput(this, 'DashboardUrl', { value: dashboardOrigin, description: 'The dashboard (CloudFront)' });
    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'HTTP API base URL' });
    new CfnOutput(this, 'IngestUrl', { value: `${apiUrl}/v1/batch`, description: 'Segment-compatible batch endpoint' });
    new CfnOutput(this, 'JobQueueUrl', { value: this.queue.queueUrl, description: 'Send {"job":"rollup"|"rebuild"|"purge"} here to run a job' });
  }
}

/** HTTP API access log record: one JSON object per request (no headers, no bodies, no credentials). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};
