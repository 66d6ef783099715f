/**
 * Digests on AWS: the worker (which the existing schedule already invokes) gets the dashboard URL
 * for links and, only when an SES identity is configured, permission to send e-mail from exactly
 * that identity — cdk-nag stays clean.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, synth } from './synth';

afterAll(cleanup);

const sesStatements = (policies: Record<string, { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }>) =>
  Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement.filter((s) => JSON.stringify(s.Action).includes('ses:')).map((s) => ({ ...s, policy: p })));

describe('digests on AWS', () => {
  it('grants ses:SendEmail on the configured identity only, to the worker only, and sets its e-mail environment', () => {
    const { stateless, report } = synth({ 'sextant:sesIdentity': 'fabrikam.example', 'sextant:removalPolicy': 'destroy' });
    const violations = report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName} ${v.ruleName}`));
    expect(violations).toEqual([]);
    const statements = sesStatements(stateless.findResources('AWS::IAM::Policy') as never);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('ses:SendEmail');
    expect(JSON.stringify(statements[0].Resource)).toContain(':identity/fabrikam.example');
    expect(JSON.stringify(statements[0].Resource)).not.toContain('*');
    expect(JSON.stringify(statements[0].policy.Properties)).toMatch(/WorkerRole/);
    const worker = Object.values(stateless.findResources('AWS::Lambda::Function')).find((f) => JSON.stringify(f).includes('Sextant worker'))!;
    const env = (worker as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
    expect(env.SEXTANT_EMAIL_TRANSPORT).toBe('ses');
    expect(env.SEXTANT_MAIL_FROM).toBe('Sextant <digest@fabrikam.example>');
    expect(JSON.stringify(env.SEXTANT_BASE_URL)).toContain('DomainName');
  }, 60_000);

  it('grants no SES permission when no identity is configured', () => {
    const { stateless } = synth({ 'sextant:removalPolicy': 'destroy' });
    expect(sesStatements(stateless.findResources('AWS::IAM::Policy') as never)).toEqual([]);
  }, 60_000);
});
