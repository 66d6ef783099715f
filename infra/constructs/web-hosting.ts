/**
 * The dashboard: a private S3 bucket behind CloudFront (origin access control), security
 * headers, SPA fallback, and `config.json` telling the built app where the API is.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { dashboardCsp } from '../../shared/security-headers';

export interface WebHostingProps {
  /** origins the dashboard may call (CSP connect-src besides 'self') */
  connectSources: string[];
  /** directory of the built dashboard (`web/dist`); skipped when it does not exist */
  webDist: string;
  removalPolicy: RemovalPolicy;
  /** retention of the deployment helper's log group (`sextant:logRetentionDays`, like every other log group) */
  logRetention: RetentionDays;
}

export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  private readonly webDist: string;
  private readonly logRetention: RetentionDays;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;

    // Access logs of the web bucket (S3 server access logs) and of CloudFront (standard logs,
    // which are delivered with ACLs: hence BUCKET_OWNER_PREFERRED on this bucket only).
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log destination of the web bucket and of CloudFront; logging its own writes into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-site/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });

    // one definition with the local server's (shared/security-headers.ts)
    const csp = dashboardCsp(props.connectSources);
    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Sextant dashboard security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // the legacy XSS auditor is off in modern browsers and harmful where present (OWASP)
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    // index.html and config.json change on every deploy; hashed assets are cached for long
    const uncached: BehaviorOptions = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      responseHeadersPolicy: this.headers,
      compress: true,
    };
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Sextant dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: { ...uncached, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      additionalBehaviors: { '/index.html': uncached, '/config.json': uncached },
      // SPA: unknown paths (S3 answers 403 without ListBucket, 404 with it) load the app
      errorResponses: [
        { httpStatus: 403, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) },
        { httpStatus: 404, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) },
      ],
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1 (MinimumProtocolVersion is ignored without a custom certificate). Browsers negotiate TLS 1.2/1.3 anyway; add a custom domain with an ACM certificate and TLSv1.2_2021 to enforce it (docs/deploy.md).',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The dashboard serves static files to a product team wherever it works; there is no country to restrict. The data sits behind the API, which requires a bearer token.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Static, public assets only (no data, no forms): a WAF web ACL (us-east-1, from ~$5/month plus per-request fees) would protect nothing the origin access control does not. Add one through the distribution webAclId if policy demands it.',
    });

    this.webDist = props.webDist;
    this.logRetention = props.logRetention;
    this.removalPolicy = props.removalPolicy;
  }

  /**
   * Upload the built dashboard and `config.json` (`{ apiUrl }`, no trailing slash). web/dist
   * comes from `npm run build:web`; synth must work before that, so the build is uploaded only
   * when present, while config.json is always written.
   */
  deploy(apiUrl: string): BucketDeployment {
    const hasBuild = existsSync(this.webDist);
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [...(hasBuild ? [Source.asset(this.webDist)] : []), Source.jsonData('config.json', { apiUrl })],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      // without it the helper (a CDK-provided function) logs into a group that never expires
      logGroup: new LogGroup(this, 'DeployLogs', { retention: this.logRetention, removalPolicy: this.removalPolicy }),
    });
    acknowledgeDeploymentProvider(Stack.of(this), this.bucket);
    return deployment;
  }
}

/**
 * BucketDeployment runs a CDK-provided function during deployments only (a stack-level
 * singleton). Its findings concern code and grants CDK writes: wildcards scoped to the CDK
 * asset bucket and to this site bucket, and CloudFront invalidation, which has no
 * resource-level permission for CreateInvalidation in CDK's grant.
 */
function acknowledgeDeploymentProvider(stack: Stack, site: Bucket) {
  const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) return;
  const siteArn = `<${stack.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>/*`;
  const reason =
    'CDK BucketDeployment provider, invoked by CloudFormation during deployments only: it copies the built dashboard from the CDK asset bucket into the site bucket (s3:GetObject*/GetBucket*/List* on the asset bucket, s3:DeleteObject*/Abort* for pruning the site bucket) and invalidates the distribution (Resource "*" in CDK\'s grant). Grants are written by CDK and scoped to those two buckets.';
  for (const finding of [
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    `Resource::${siteArn}`,
    'Resource::*',
  ]) {
    Validations.of(provider).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The CDK BucketDeployment provider role is created by CDK with AWSLambdaBasicExecutionRole (its own logs only); the construct offers no way to replace it.',
  });
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-L1',
    reason: "The CDK BucketDeployment provider's runtime (Python + AWS CLI layer) is chosen and updated by aws-cdk-lib, not by this project; it runs only during deployments.",
  });
}
