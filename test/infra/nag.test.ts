/**
 * cdk-nag (AwsSolutions) runs as a CDK validation plugin in synth: an unacknowledged error
 * fails `app.synth()` (and `cdk synth`), findings land in the assembly's validation report,
 * and acknowledgements live in construct metadata.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { createSextant } from '../../infra/sextant';
import { cdkContext, cleanup, synth } from './synth';

afterAll(cleanup);

function acknowledgements(root: IConstruct) {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      // stored as 'Annotation::<id>'; cdk-nag matches it without the prefix
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
    }
  }
  return out;
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding, with CloudFormation validation on as in `cdk synth`', () => {
    const { report, app } = synth({}, { cfnValidation: true });
    const violations = report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`));
    expect(violations).toEqual([]);
    expect(acknowledgements(app).length).toBeGreaterThan(0);
  }, 180_000);

  it('stays clean in the other configurations (destroy, customer-managed key, pinned API origin)', () => {
    const { report } = synth({
      'sextant:removalPolicy': 'destroy',
      'sextant:encryption': 'customer-managed',
      'sextant:apiOrigin': 'https://abc123.execute-api.eu-west-1.amazonaws.com',
    });
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('stays clean with an external identity provider and with the Cognito Plus plan', () => {
    const external = synth({ 'sextant:oidcIssuer': 'https://fabrikam.okta.com/oauth2/default', 'sextant:oidcClientId': '0oa1b2c3d4' });
    expect(external.report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
    const plus = synth({ 'sextant:cognitoFeaturePlan': 'plus' });
    expect(plus.report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('acknowledges each finding on the construct concerned, never on a stack or the app, with a reason', () => {
    const { app, sextant } = synth();
    const acks = acknowledgements(app);
    for (const a of acks) {
      expect(a.path.split('/').length, `${a.id} on ${a.path}`).toBeGreaterThan(1);
      expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThanOrEqual(60);
    }
    expect(acks.some((a) => a.path === sextant.stateless.node.path || a.path === sextant.stateful.node.path)).toBe(false);
    // the reviewed set: a new acknowledgement is a deliberate change to this list
    const ids = [...new Set(acks.map((a) => a.id.replace(/<[A-Za-z0-9]+\.Arn>/, '<Fn.Arn>')))].sort();
    expect(ids).toEqual(
      [
        'AwsSolutions-APIG4', // authorization in the application (bearer tokens, write keys)
        'AwsSolutions-CFR1', // no geo restriction for a team dashboard
        'AwsSolutions-COG2', // Cognito MFA optional (TOTP); an external provider applies its own MFA policy
        'AwsSolutions-COG8', // Cognito Essentials plan unless sextant:cognitoFeaturePlan=plus
        'AwsSolutions-CFR2', // no WAF in front of static assets
        'AwsSolutions-CFR4', // default CloudFront certificate (TLSv1 policy fixed by CloudFront)
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', // CDK deployment provider
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Resource::*]', // X-Ray; CloudFront invalidation (deployment provider)
        'AwsSolutions-IAM5[Resource::<Fn.Arn>/*]', // the site bucket's objects (deployment provider)
        'AwsSolutions-IAM5[Resource::<Fn.Arn>:*]', // invoke the worker's versions (schedule role)
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'AwsSolutions-L1', // nodejs22.x pinned; CDK provider runtime
        'AwsSolutions-S1', // the access-log bucket itself
        'AwsSolutions-SNS2', // alarm topic: CloudWatch cannot publish to an aws/sns-encrypted topic
        'AwsSolutions-SMG4', // pseudonymKey must never rotate; admin token rotated by hand
        'AwsSolutions-SQS3', // dead-letter queues
      ].sort(),
    );
  });

  it('fails synth on an unacknowledged error (the check is live)', () => {
    const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
    createSextant(app);
    new Queue(new Stack(app, 'Rogue'), 'Plain', { enforceSSL: false });
    process.env.CDK_VALIDATION = 'false';
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS(3|4)/);
    } finally {
      delete process.env.CDK_VALIDATION;
    }
  });
});
