import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../infra/paths';
import { DEFAULT_RESERVED_CONCURRENCY } from '../../infra/settings';
import { JOBS_MAX_CONCURRENCY } from '../../infra/stateless-stack';
import { cleanup, logicalId, synth, synthDefault } from './synth';

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

  it('with CDK\'s deployment helper, make the five functions of the template, as docs/deploy.md says', () => {
    const { stateless } = synthDefault();
    const all = stateless.findResources('AWS::Lambda::Function');
    expect(Object.keys(all)).toHaveLength(5);
    expect(Object.keys(all).filter((id) => id.startsWith('CustomCDKBucketDeployment'))).toHaveLength(1);
    const guide = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');
    expect(guide).toMatch(/five Lambda functions/);
    expect(guide).not.toMatch(/four Lambda functions/);
  });

  it('get the table name and only the secret they use, never a secret value, in their environment', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    for (const fn of Object.values(fns)) {
      const env = fn.Properties.Environment.Variables;
      expect(JSON.stringify(env.SEXTANT_TABLE)).toContain('Table');
      expect(Object.keys(env)).not.toContain('SEXTANT_ADMIN_TOKEN');
      expect(Object.keys(env)).not.toContain('SEXTANT_PSEUDONYM_KEY');
      expect(JSON.stringify(env)).not.toContain('resolve:secretsmanager');
    }
    const api = fns[logicalId(sextant.stateless.api.fn)].Properties.Environment.Variables;
    expect(api.SEXTANT_ENSURE_ADMIN).toBe('1');
    expect(JSON.stringify(api.SEXTANT_SECRET_ARN)).toContain('ApiSecret');
    expect(api.SEXTANT_QUEUE_URL).toBeDefined();
    // the pseudonymisation key reaches ingest alone; worker and jobs read no secret
    expect(JSON.stringify(fns[logicalId(sextant.stateless.ingest.fn)].Properties.Environment.Variables.SEXTANT_SECRET_ARN)).toContain('PseudonymKey');
    for (const f of [sextant.stateless.worker, sextant.stateless.jobs]) expect(fns[logicalId(f.fn)].Properties.Environment.Variables.SEXTANT_SECRET_ARN).toBeUndefined();
    // DynamoDB TTL expires raw events on AWS: the worker skips its daily purge scan
    expect(fns[logicalId(sextant.stateless.worker.fn)].Properties.Environment.Variables.SEXTANT_TTL_ENABLED).toBe('1');
  });

  it('name their Powertools service (logs, traces) and the metrics namespace', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    const service = (f: { fn: unknown }) => fns[logicalId(f.fn as never)].Properties.Environment.Variables;
    const s = sextant.stateless;
    expect([s.api, s.ingest, s.worker, s.jobs].map((f) => service(f).POWERTOOLS_SERVICE_NAME)).toEqual(['api', 'ingest', 'worker', 'jobs']);
    for (const fn of Object.values(fns)) expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Sextant');
  });

  it('have reserved concurrency, the jobs function at least its queue\'s maximum concurrency; none when turned off', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    const s = sextant.stateless;
    const reserved = (f: { fn: unknown }) => fns[logicalId(f.fn as never)].Properties.ReservedConcurrentExecutions;
    expect({ api: reserved(s.api), ingest: reserved(s.ingest), worker: reserved(s.worker), jobs: reserved(s.jobs) }).toEqual(DEFAULT_RESERVED_CONCURRENCY);
    expect(reserved(s.jobs)).toBeGreaterThanOrEqual(JOBS_MAX_CONCURRENCY);
    const off = synth({ 'sextant:reservedConcurrency': 'false' });
    for (const fn of Object.values(off.stateless.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Sextant') } }))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    const custom = synth({ 'sextant:reservedConcurrency': '{"ingest": 80}' });
    custom.stateless.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Sextant ingest'), ReservedConcurrentExecutions: 80 });
    expect(() => synth({ 'sextant:reservedConcurrency': { jobs: 1 } })).toThrow(/maximum concurrency/);
  });

  it('send a worker tick that failed its retries to an on-failure destination', () => {
    const { stateless, sextant } = synthDefault();
    const config = Object.values(stateless.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(config).toHaveLength(1);
    expect(config[0].Properties).toMatchObject({
      FunctionName: { Ref: logicalId(sextant.stateless.worker.fn) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(sextant.stateless.workerFailures), 'Arn'] } } },
    });
  });

  it('have timeouts the API Gateway integration can wait for', () => {
    const { sextant } = synthDefault();
    const fns = fnResources();
    expect(fns[logicalId(sextant.stateless.api.fn)].Properties.Timeout).toBeLessThanOrEqual(29);
    expect(fns[logicalId(sextant.stateless.ingest.fn)].Properties.Timeout).toBeLessThanOrEqual(29);
  });
});
