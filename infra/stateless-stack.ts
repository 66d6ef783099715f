/**
 * Stateless resources: the Lambda functions (one per scaling and permission profile), the
 * HTTP API, the job queue, the per-minute schedule and the dashboard's web hosting.
 * Everything here can be destroyed and redeployed without losing data.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { API_ACCESS, INGEST_ACCESS, JOBS_ACCESS, WORKER_ACCESS } from './access';
import { Monitoring } from './constructs/monitoring';
import { SextantFunction } from './constructs/sextant-function';
import { WebHosting } from './constructs/web-hosting';
import { lambdaEntry, webDist } from './paths';
import type { SextantSettings } from './settings';
import { addDashboardClient, type UserDirectory } from './constructs/user-directory';

export interface StatelessStackProps extends StackProps {
  table: ITable;
  /** `{ pseudonymKey }`: ingest only (the one function that pseudonymises user ids) */
  pseudonymSecret: ISecret;
  /** `{ adminToken }` for the dashboard API */
  apiSecret: ISecret;
  settings: SextantSettings;
  /** the Cognito user pool for people's sign-in (absent with an external identity provider) */
  users?: UserDirectory;
  /** built dashboard directory (default: web/dist) */
  webDist?: string;
}

/** Sign-in code exchanges per second across the fleet (a person signs in a few times a day). */
export const SIGN_IN_RATE_PER_SECOND = 5;
export const SIGN_IN_BURST = 10;

/** Queued jobs (re-attribution, rebuilds) may run this long; the queue's visibility timeout is 6×. */
const JOB_TIMEOUT = Duration.minutes(5);
const WORKER_TIMEOUT = Duration.minutes(5);
/** Queued jobs run at most this many at once (the event source's MaximumConcurrency); the jobs function's reserved concurrency must not be lower. */
export const JOBS_MAX_CONCURRENCY = 16;

export class StatelessStack extends Stack {
  readonly api: SextantFunction;
  readonly ingest: SextantFunction;
  readonly worker: SextantFunction;
  readonly jobs: SextantFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly queue: Queue;
  /** where the worker's failed asynchronous invocations (schedule ticks) go after Lambda's retries */
  readonly workerFailures: Queue;
  readonly web: WebHosting;
  readonly monitoring: Monitoring;

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
    this.workerFailures = new Queue(this, 'WorkerFailures', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    for (const dlq of [jobsDlq, scheduleDlq, this.workerFailures]) {
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: "This queue is itself a dead-letter queue (of the jobs queue, of the worker schedule, or the worker's on-failure destination); it is watched by an alarm, not redriven.",
      });
    }

    // ---- functions ----
    // Reserved concurrency per function (settings.ts DEFAULT_RESERVED_CONCURRENCY, docs/deploy.md
    // "Concurrency"): a flood of one kind of traffic cannot take the account's pool from the
    // others, and none can starve the rest of the account. `sextant:reservedConcurrency=false`
    // turns it off on accounts whose concurrency quota is too small to carve reservations from.
    const reserved = settings.reservedConcurrency || undefined;
    if (reserved && reserved.jobs < JOBS_MAX_CONCURRENCY) throw new Error(`sextant:reservedConcurrency.jobs must be at least the job queue's maximum concurrency (${JOBS_MAX_CONCURRENCY})`);
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
      serviceName: 'api',
      reservedConcurrency: reserved?.api,
      timeout: Duration.seconds(29),
      environment: { ...common.environment, SEXTANT_ENSURE_ADMIN: '1', SEXTANT_QUEUE_URL: this.queue.queueUrl },
    });
    this.ingest = new SextantFunction(this, 'Ingest', {
      ...common,
      entry: lambdaEntry('ingest'),
      description: 'Sextant ingest: Segment-compatible /v1/* and /v1/metrics',
      tableAccess: INGEST_ACCESS,
      secret: props.pseudonymSecret,
      serviceName: 'ingest',
      reservedConcurrency: reserved?.ingest,
      timeout: Duration.seconds(29),
    });
    this.worker = new SextantFunction(this, 'Worker', {
      ...common,
      entry: lambdaEntry('worker'),
      description: 'Sextant worker: rollups when data changed (every minute; retention falls to DynamoDB TTL)',
      tableAccess: WORKER_ACCESS,
      serviceName: 'worker',
      reservedConcurrency: reserved?.worker,
      // a tick that failed twice goes to WorkerFailures (alarmed) instead of vanishing; an older
      // tick is superseded by the next one anyway
      asyncInvoke: { onFailure: new SqsDestination(this.workerFailures), retryAttempts: 2, maxEventAge: Duration.minutes(15) },
      timeout: WORKER_TIMEOUT,
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
      serviceName: 'jobs',
      reservedConcurrency: reserved?.jobs,
      timeout: JOB_TIMEOUT,
      memorySize: 2048,
      // the segmented rebuild and the rollup's shard jobs fan out over their own queue
      environment: { ...common.environment, SEXTANT_QUEUE_URL: this.queue.queueUrl },
    });
    // the API may enqueue jobs (SEXTANT_QUEUE_URL): send only, no receive, delete or purge
    this.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    // the worker's tick fans the rollup out (one message per shard job, then the merge); a
    // forced rollup from the queue does the same, and the segmented rebuild enqueues its own steps
    for (const f of [this.worker, this.jobs]) f.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    // shard jobs run side by side (one invocation per message); each takes seconds
    this.jobs.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: JOBS_MAX_CONCURRENCY }),
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
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Sextant: dashboard API and Segment-compatible ingest',
      createDefaultStage: false,
      // Any origin, never credentials: the API takes bearer tokens in a header, which another
      // site cannot read or send for the dashboard, so an origin allow-list protects nothing —
      // and naming the CloudFront domain here would keep the CSP below from naming this API
      // exactly (each would depend on the other). Browser ingest needs any origin anyway.
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        // what browser SDKs send: Segment's analytics-next posts text/plain (no preflight);
        // RudderStack's JavaScript SDK adds Basic authorization and an AnonymousId header
        allowHeaders: ['authorization', 'content-type', 'content-encoding', 'anonymousid'],
        // a browser client backing off after 429/503 must be able to read Retry-After
        exposeHeaders: ['retry-after'],
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
    this.web = new WebHosting(this, 'Web', {
      // the dashboard may call this API only (CSP connect-src), or the origin set in sextant:apiOrigin (a custom domain)
      connectSources: [settings.apiOrigin ?? this.httpApi.apiEndpoint, ...signInOrigins(settings, props.users, this.region)],
      webDist: props.webDist ?? webDist,
      removalPolicy: settings.removalPolicy,
      logRetention: settings.logRetention,
    });
    const dashboardOrigin = `https://${this.web.distribution.distributionDomainName}`;
    // Route-level throttling: ingest and the dashboard API each get their own token bucket, so a
    // flood on /api/* cannot get ingest answered 429, nor an ingest backlog lock the dashboard
    // out. The stage default above applies to the other routes (/health, /openapi.json). The one
    // unauthenticated API route that checks a secret (a sign-in code) has its own, low throttle
    // across the fleet; failed authentication is also limited per address and key prefix in each
    // container (functions/src/auth-limit.ts). HTTP APIs take no AWS WAF web ACL.
    // RouteSettings is a JSON map in CloudFormation: keys are written as CloudFormation spells them
    const routeLimit = (t: { rateLimit: number; burstLimit: number }) => ({ ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit });
    (this.stage.node.defaultChild as CfnStage).routeSettings = {
      [INGEST_ROUTE]: routeLimit(settings.routeThrottle.ingest),
      [API_ROUTE]: routeLimit(settings.routeThrottle.api),
      'POST /api/v1/sign-in': { ThrottlingRateLimit: SIGN_IN_RATE_PER_SECOND, ThrottlingBurstLimit: SIGN_IN_BURST },
    };
    const apiIntegration = new HttpLambdaIntegration('ApiIntegration', this.api.fn);
    const ingestIntegration = new HttpLambdaIntegration('IngestIntegration', this.ingest.fn);
    const routes = [
      ...this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration: apiIntegration }),
      ...this.httpApi.addRoutes({ path: '/api/v1/sign-in', methods: [HttpMethod.POST], integration: apiIntegration }),
      ...this.httpApi.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration: apiIntegration }),
      ...this.httpApi.addRoutes({ path: '/openapi.json', methods: [HttpMethod.GET], integration: apiIntegration }),
      ...this.httpApi.addRoutes({ path: '/v1/{proxy+}', methods: [HttpMethod.POST], integration: ingestIntegration }),
      // customer asks arrive at human rates and are checked against the roadmap: the API function
      // serves them (the more specific route wins over /v1/{proxy+}), so ingest never reads the roadmap
      ...this.httpApi.addRoutes({ path: '/v1/asks', methods: [HttpMethod.POST], integration: apiIntegration }),
    ];
    // route settings name route keys: the routes must exist before the stage refers to them
    for (const r of routes) this.stage.node.addDependency(r);
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization is enforced by the application on every route: hashed bearer tokens with viewer/editor/admin roles on /api/v1/*, Segment write keys (Basic auth or body) on /v1/*. A Lambda authorizer would add a second invocation per request to repeat the same lookup. /health and /openapi.json are public by design.',
    });

    // ---- digests (monthly review): links back to the dashboard; e-mail through SES from one identity ----
    this.worker.fn.addEnvironment('SEXTANT_BASE_URL', dashboardOrigin);
    this.api.fn.addEnvironment('SEXTANT_BASE_URL', dashboardOrigin);
    if (settings.sesIdentity) {
      const identity = settings.sesIdentity;
      this.worker.fn.addEnvironment('SEXTANT_EMAIL_TRANSPORT', 'ses');
      this.worker.fn.addEnvironment('SEXTANT_MAIL_FROM', settings.mailFrom ?? `Sextant <${identity.includes('@') ? identity : `digest@${identity}`}>`);
      this.worker.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })] }));
    }

    // ---- people's sign-in (OpenID Connect): a Cognito user pool of this app, or an external issuer ----
    const identity = settings.identity;
    const oidcEnv: Record<string, string> = { SEXTANT_ADMIN_EMAILS: identity.adminEmails.join(',') };
    if (identity.kind === 'cognito' && props.users) {
      const client = addDashboardClient(this, 'DashboardClient', props.users.userPool, dashboardOrigin);
      const hosted = props.users.domain.baseUrl();
      Object.assign(oidcEnv, {
        SEXTANT_OIDC_ISSUER: props.users.userPool.userPoolProviderUrl,
        SEXTANT_OIDC_CLIENT_ID: client.userPoolClientId,
        SEXTANT_OIDC_ROLES_CLAIM: 'cognito:groups',
        // Cognito refuses offline_access; it returns a refresh token with every code grant
        SEXTANT_OIDC_SCOPES: 'openid email profile',
        SEXTANT_OIDC_PROVIDER_NAME: 'Cognito',
        SEXTANT_OIDC_LOGOUT_URL: `${hosted}/logout`,
      });
      new CfnOutput(this, 'OidcIssuer', { value: props.users.userPool.userPoolProviderUrl, description: 'OpenID Connect issuer (the Cognito user pool)' });
      new CfnOutput(this, 'OidcClientId', { value: client.userPoolClientId, description: "The dashboard's app client id (public, PKCE)" });
      new CfnOutput(this, 'SignInUrl', { value: `${dashboardOrigin}/`, description: 'Where people sign in: the dashboard offers "Sign in with Cognito" (also the app client\'s callback URL)' });
      new CfnOutput(this, 'CognitoDomain', { value: hosted, description: 'The Cognito hosted sign-in domain' });
    } else if (identity.kind === 'external') {
      Object.assign(oidcEnv, {
        SEXTANT_OIDC_ISSUER: identity.issuer,
        SEXTANT_OIDC_CLIENT_ID: identity.clientId,
        ...(identity.rolesClaim ? { SEXTANT_OIDC_ROLES_CLAIM: identity.rolesClaim } : {}),
        ...(identity.roleValues ? { SEXTANT_OIDC_ROLE_VALUES: identity.roleValues } : {}),
        ...(identity.scopes ? { SEXTANT_OIDC_SCOPES: identity.scopes } : {}),
        ...(identity.providerName ? { SEXTANT_OIDC_PROVIDER_NAME: identity.providerName } : {}),
        ...(identity.origins.length ? { SEXTANT_OIDC_ORIGINS: identity.origins.join(',') } : {}),
      });
      new CfnOutput(this, 'OidcIssuer', { value: identity.issuer, description: 'OpenID Connect issuer (external identity provider)' });
      new CfnOutput(this, 'OidcClientId', { value: identity.clientId, description: "The dashboard's client id at the provider (public client, PKCE)" });
      new CfnOutput(this, 'SignInUrl', { value: `${dashboardOrigin}/`, description: 'Open the dashboard and choose "Sign in with …"; register this URL as the redirect (callback) URI of the client' });
    }
    // only the API function verifies people's tokens (ingest takes write keys only)
    for (const [k, v] of Object.entries(oidcEnv)) if (v) this.api.fn.addEnvironment(k, v);

    const apiUrl = this.httpApi.apiEndpoint;
    this.web.deploy(apiUrl);

    // ---- alarms (e-mail through one SNS topic) and the operations dashboard ----
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: [
        { name: 'Api', fn: this.api.fn, timeout: Duration.seconds(29) },
        { name: 'Ingest', fn: this.ingest.fn, timeout: Duration.seconds(29) },
        { name: 'Worker', fn: this.worker.fn, timeout: WORKER_TIMEOUT, watchDuration: true },
        { name: 'Jobs', fn: this.jobs.fn, timeout: JOB_TIMEOUT, watchDuration: true },
      ],
      httpApi: this.httpApi,
      accessLogs,
      table,
      emptyQueues: [
        { name: 'JobsDlq', queue: jobsDlq },
        { name: 'ScheduleDlq', queue: scheduleDlq },
        { name: 'WorkerFailures', queue: this.workerFailures },
      ],
      jobQueue: this.queue,
      alarmEmail: settings.alarmEmail,
      rollupEveryMinutes: settings.rollupEveryMinutes,
    });

    new CfnOutput(this, 'DashboardUrl', { value: dashboardOrigin, description: 'The dashboard (CloudFront)' });
    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'HTTP API base URL' });
    new CfnOutput(this, 'IngestUrl', { value: `${apiUrl}/v1/batch`, description: 'Segment-compatible batch endpoint' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic every alarm notifies (subscribe more addresses here)' });
    new CfnOutput(this, 'OperationsDashboard', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard: events, API, functions, table, queues, rollups, alarms',
    });
    new CfnOutput(this, 'JobQueueUrl', { value: this.queue.queueUrl, description: 'Send {"job":"rollup"|"rebuild"|"purge"} here to run a job' });
  }
}

export const INGEST_ROUTE = 'POST /v1/{proxy+}';
export const API_ROUTE = 'ANY /api/{proxy+}';

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

/** Origins the dashboard's sign-in calls (CSP connect-src): the issuer (discovery, JWKS) and the token endpoint's host. */
function signInOrigins(settings: SextantSettings, users: UserDirectory | undefined, region: string): string[] {
  const id = settings.identity;
  if (id.kind === 'external') return [...new Set([new URL(id.issuer).origin, ...id.origins])];
  if (!users) return [];
  return [`https://cognito-idp.${region}.amazonaws.com`, users.domain.baseUrl()];
}
