import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, logicalId, synthDefault } from './synth';

afterAll(cleanup);

const fnResources = () => {
  const { stateless } = synthDefault();
  return stateless.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Sextant') } });
};

describe('Lambda functions', () => {
  it('are four: API, ingest, scheduled worker, queued jobs (same code, different handlers and permissions)', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    expect(Object.keys(fns).sort()).toEqual(
      [sextant.stateless.api, sextant.stateless.ingest, sextant.stateless.worker, sextant.stateless.jobs].map((f) => logicalId(f.fn)).sort(),
    );
    expect(fns[logicalId(sextant.stateless.jobs.fn)].Properties.Handler).toBe('index.queueHandler');
    for (const f of [sextant.stateless.api, sextant.stateless.ingest, sextant.stateless.worker]) expect(fns[logicalId(f.fn)].Properties.Handler).toBe('index.handler');
  });

  it('run Node.js 22 on arm64 with active tracing, JSON logs and source maps', () => {
    for (const fn of Object.values(fnResources())) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('log into their own log group with a retention', () => {
    const { stateless } = synthDefault();
    const groups = stateless.findResources('AWS::Logs::LogGroup');
    for (const fn of Object.values(fnResources())) {
      const group = groups[fn.Properties.LoggingConfig.LogGroup.Ref];
      expect(group.Properties.RetentionInDays).toBe(30);
    }
  });

  it('get the table name and the secret ARN, never a secret value, in their environment', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    for (const fn of Object.values(fns)) {
      const env = fn.Properties.Environment.Variables;
      expect(JSON.stringify(env.SEXTANT_TABLE)).toContain('Table');
      expect(JSON.stringify(env.SEXTANT_SECRET_ARN)).toMatch(/Secret|PseudonymKey/);
      expect(Object.keys(env)).not.toContain('SEXTANT_ADMIN_TOKEN');
      expect(Object.keys(env)).not.toContain('SEXTANT_PSEUDONYM_KEY');
      expect(JSON.stringify(env)).not.toContain('resolve:secretsmanager');
    }
    const api = fns[logicalId(sextant.stateless.api.fn)].Properties.Environment.Variables;
    expect(api.SEXTANT_ENSURE_ADMIN).toBe('1');
    expect(JSON.stringify(api.SEXTANT_SECRET_ARN)).toContain('ApiSecret');
    expect(api.SEXTANT_QUEUE_URL).toBeDefined();
    // ingest and the worker read the secret without the admin token
    for (const f of [sextant.stateless.ingest, sextant.stateless.worker, sextant.stateless.jobs]) {
      expect(JSON.stringify(fns[logicalId(f.fn)].Properties.Environment.Variables.SEXTANT_SECRET_ARN)).toContain('PseudonymKey');
    }
    // DynamoDB TTL expires raw events on AWS: the worker skips its daily purge scan
    expect(fns[logicalId(sextant.stateless.worker.fn)].Properties.Environment.Variables.SEXTANT_TTL_ENABLED).toBe('1');
  });

  it('have no reserved concurrency (API throttling and the event source cap bound them instead)', () => {
    for (const fn of Object.values(fnResources())) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('have timeouts the API Gateway integration can wait for', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    expect(fns[logicalId(sextant.stateless.api.fn)].Properties.Timeout).toBeLessThanOrEqual(29);
    expect(fns[logicalId(sextant.stateless.ingest.fn)].Properties.Timeout).toBeLessThanOrEqual(29);
  });
});
