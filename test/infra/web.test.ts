import { Match } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, logicalId, synth, synthDefault } from './synth';

const builtDir = mkdtempSync(join(tmpdir(), 'sextant-web-'));
writeFileSync(join(builtDir, 'index.html'), '<!doctype html><div id="root"></div>');
afterAll(() => {
  cleanup();
  rmSync(builtDir, { recursive: true, force: true });
});

describe('dashboard hosting', () => {
  it('keeps the site bucket private, encrypted, versioned, TLS-only and access-logged', () => {
    const { stateless, sextant } = synthDefault();
    const site = logicalId(sextant.stateless.web.bucket);
    const logs = logicalId(sextant.stateless.web.logBucket);
    stateless.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 's3-site/' },
        WebsiteConfiguration: Match.absent(),
      },
    });
    for (const id of [site, logs]) {
      const policy = Object.values(stateless.findResources('AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === id)!;
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
    // the log bucket: private and encrypted too; expires logs after 90 days
    stateless.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
    });
  });

  it('serves the bucket through CloudFront with origin access control only', () => {
    const { stateless, sextant } = synthDefault();
    stateless.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    stateless.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
    const dist = stateless.findResources('AWS::CloudFront::Distribution')[logicalId(sextant.stateless.web.distribution)].Properties.DistributionConfig;
    expect(dist.Origins).toHaveLength(1);
    const oac = Object.keys(stateless.findResources('AWS::CloudFront::OriginAccessControl'))[0];
    expect(dist.Origins[0]).toMatchObject({ OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } });
    expect(dist.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    // the bucket policy lets only this distribution read
    const policy = Object.values(stateless.findResources('AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === logicalId(sextant.stateless.web.bucket))!;
    const read = policy.Properties.PolicyDocument.Statement.find((s: { Effect: string; Action: string }) => s.Effect === 'Allow' && s.Action === 's3:GetObject');
    expect(read.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(JSON.stringify(read.Condition)).toContain(logicalId(sextant.stateless.web.distribution));
  });

  it('is a single-page app: default root object and 403/404 fall back to /index.html with 200', () => {
    const { stateless } = synthDefault();
    stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
        ],
        // index.html and config.json are never cached: a redeploy takes effect at once
        CacheBehaviors: [
          Match.objectLike({ PathPattern: '/index.html', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }),
          Match.objectLike({ PathPattern: '/config.json', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }),
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('sends security headers: HSTS, CSP (self + the API origin, no framing), nosniff, referrer policy', () => {
    const { stateless, sextant } = synthDefault();
    const policy = Object.values(stateless.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig;
    const sec = policy.SecurityHeadersConfig;
    expect(sec.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true, Override: true });
    expect(sec.ContentTypeOptions).toEqual({ Override: true });
    expect(sec.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(sec.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'self'");
    // the deployed API's own origin, not a wildcard of the region
    expect(csp).not.toContain('*');
    expect(csp).toContain(`connect-src 'self' ",{"Fn::GetAtt":["${logicalId(sextant.stateless.httpApi)}","ApiEndpoint"]}`);
    // every behaviour of the distribution sends them
    const dist = stateless.findResources('AWS::CloudFront::Distribution')[logicalId(sextant.stateless.web.distribution)].Properties.DistributionConfig;
    for (const b of [dist.DefaultCacheBehavior, ...dist.CacheBehaviors]) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: logicalId(sextant.stateless.web.headers) });
  });

  it('pins the exact API origin in the CSP when sextant:apiOrigin is set', () => {
    const { stateless } = synth({ 'sextant:apiOrigin': 'https://abc123.execute-api.eu-west-1.amazonaws.com' });
    const csp = Object.values(stateless.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    // followed by the sign-in origins (the Cognito user pool's, test/infra/identity.test.ts)
    expect(JSON.stringify(csp)).toMatch(/connect-src 'self' https:\/\/abc123\.execute-api\.eu-west-1\.amazonaws\.com[ ;]/);
  });

  it('writes config.json with the API URL even before the dashboard is built', () => {
    const { stateless } = synth({}, { webDist: join(builtDir, 'missing') });
    const deployment = Object.values(stateless.findResources('Custom::CDKBucketDeployment'))[0].Properties;
    expect(deployment.SourceObjectKeys).toHaveLength(1);
    expect(JSON.stringify(deployment.SourceMarkers)).toContain('HttpApi');
    expect(deployment.DistributionPaths).toEqual(['/*']);
  });

  it('uploads web/dist alongside config.json when it exists', () => {
    const { stateless } = synth({}, { webDist: builtDir });
    const deployment = Object.values(stateless.findResources('Custom::CDKBucketDeployment'))[0].Properties;
    expect(deployment.SourceObjectKeys).toHaveLength(2);
  });

  it('destroy mode empties and deletes the buckets with the stack', () => {
    const { stateless } = synth({ 'sextant:removalPolicy': 'destroy' });
    stateless.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    stateless.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });
});
