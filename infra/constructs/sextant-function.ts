/**
 * One place for Lambda defaults: Node.js 22 on arm64, esbuild bundling (local esbuild, no
 * Docker), source maps, JSON logs into a log group with retention, X-Ray tracing, its own
 * role, and table + secret access granted in the same call.
 *
 * Bundling choices:
 * - The AWS SDK is bundled (externalModules lists only `dynalite`). The project pins exact
 *   SDK versions (see STACK.md) and tests them; the copy inside the Lambda runtime changes
 *   under us. Bundled and minified, only the clients used are shipped, and cold starts read
 *   one file instead of resolving the runtime's node_modules.
 * - `dynalite` is the local embedded store behind a dynamic import that Lambda never reaches
 *   (it always runs SEXTANT_STORE=dynamodb); bundling it would pull in LevelDB.
 * - ESM output with a `createRequire` banner: CommonJS dependencies inside the bundle still
 *   `require()` Node built-ins.
 * - Source maps without embedded sources: stack traces map to file:line, the .map stays small
 *   (Node parses it at start-up with --enable-source-maps).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { lockFile, repoRoot } from '../paths';
import { METRICS_NAMESPACE } from '../../functions/src/lambda/metric-names';
import { TableAccess, type TableGrant } from './table-access';

/** The one Lambda runtime of the project (bundles target the same Node.js major). */
export const RUNTIME = Runtime.NODEJS_22_X;

export interface SextantFunctionProps {
  /** absolute path of a one-line entry file in functions/src/lambda */
  entry: string;
  /** exported handler name (default `handler`) */
  handler?: string;
  description: string;
  table: ITable;
  /** the table actions and partitions this function uses, nothing more */
  tableAccess: TableGrant[];
  /** Secrets Manager JSON (`{ pseudonymKey }` for ingest, `{ adminToken }` for the API), read at cold start; none for functions that need no secret */
  secret?: ISecret;
  /** the `service` of its logs and traces (Powertools): api, ingest, worker, jobs */
  serviceName: string;
  /** reserved concurrent executions (unset: none) */
  reservedConcurrency?: number;
  /** asynchronous invocations (the worker's schedule): where a failed event goes, how often it is retried */
  asyncInvoke?: { onFailure: IDestination; retryAttempts: number; maxEventAge: Duration };
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  logRetention: RetentionDays;
  logRemovalPolicy?: RemovalPolicy;
}

export class SextantFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly tableAccess: TableAccess;

  constructor(scope: Construct, id: string, props: SextantFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN });

    // Its own role: write to its own log group only (instead of AWSLambdaBasicExecutionRole,
    // which allows logs:CreateLogGroup and PutLogEvents on every log group).
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Sextant ${id} function` });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      projectRoot: repoRoot,
      depsLockFilePath: lockFile,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(15),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // platform START/REPORT records (duration, memory, init time) stay: a few lines per invocation
      systemLogLevelV2: SystemLogLevel.INFO,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(props.asyncInvoke ?? {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        SEXTANT_TABLE: props.table.tableName,
        ...(props.secret ? { SEXTANT_SECRET_ARN: props.secret.secretArn } : {}),
        // Powertools (functions/src/lambda/observability.ts): logs and traces per function, metrics under one service
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1'),
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        externalModules: ['dynalite'],
        banner: "import { createRequire as __sextantCreateRequire } from 'node:module'; const require = __sextantCreateRequire(import.meta.url);",
      },
    });

    // GetSecretValue only (all the runtime calls). Written as identity policy rather than
    // secret.grantRead: with a customer-managed key, grantRead would edit the key policy in the
    // stateful stack and make it depend on this role (a cycle between the stacks).
    if (props.secret) this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.secret.secretArn] }));
    if (props.secret?.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.tableAccess = new TableAccess(this, 'TableAccess', { table: props.table, role: this.role, grants: props.tableAccess });

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        `Pinned to ${RUNTIME.name}: the newest Node.js line the project's toolchain, esbuild target and pinned AWS SDK are tested on (STACK.md). Node 22 reaches end of life in April 2027; change RUNTIME here once the suites pass on Node 24.`,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*".',
    });
  }
}
