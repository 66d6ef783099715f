/**
 * Deployment settings are validated at synth: runtime settings with the functions' own schema
 * (functions/src/config.ts), so nothing a function would refuse at cold start can be deployed,
 * and context given on the command line (`-c key=value`, always a string) reads like cdk.json.
 */
import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/paths';
import { readSettings } from '../../infra/settings';
import { cdkContext, cleanup, synth } from './synth';

afterAll(cleanup);

const settings = (context: Record<string, unknown>) => readSettings(new App({ context: { ...cdkContext, ...context } }).node);

describe('runtime settings (sextant:runtime)', () => {
  it("deploy.md's own -c 'sextant:runtime={…}' example synthesizes, and its values reach every function", () => {
    const guide = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');
    const example = guide.match(/-c '(sextant:runtime=\{[^']*\})'/);
    expect(example, 'deploy.md shows a -c sextant:runtime example').not.toBeNull();
    const [key, value] = [example![1].slice(0, example![1].indexOf('=')), example![1].slice(example![1].indexOf('=') + 1)];
    const { stateless } = synth({ [key]: value }); // a string, as the CDK CLI passes it
    const expected = JSON.parse(value) as Record<string, string>;
    const fns = Object.values(stateless.findResources('AWS::Lambda::Function')).filter((f) => String(f.Properties.Description ?? '').startsWith('Sextant'));
    expect(fns).toHaveLength(4);
    for (const fn of fns) expect(fn.Properties.Environment.Variables).toMatchObject(expected);
  });

  it('accepts an object (cdk.json) and numbers as well as strings', () => {
    expect(settings({ 'sextant:runtime': { SEXTANT_RAW_RETENTION_DAYS: 30, SEXTANT_LOG_LEVEL: 'warn' } }).runtime).toEqual({ SEXTANT_RAW_RETENTION_DAYS: '30', SEXTANT_LOG_LEVEL: 'warn' });
  });

  it('refuses what the functions would refuse at cold start, one line per value, with the schema\'s message', () => {
    expect(() => settings({ 'sextant:runtime': { SEXTANT_RAW_RETENTION_DAYS: '3' } })).toThrow(/sextant:runtime\.SEXTANT_RAW_RETENTION_DAYS: .*7.*\(got "3"\)/);
    let message = '';
    try {
      settings({ 'sextant:runtime': '{"SEXTANT_LOG_LEVEL": "loud", "SEXTANT_RATE_LIMIT_PER_MINUTE": "0"}' });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n').filter((l) => l.includes('sextant:runtime.'));
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/SEXTANT_LOG_LEVEL: .*"debug"/);
    expect(lines.join('\n')).toMatch(/SEXTANT_RATE_LIMIT_PER_MINUTE: .*>=1/);
    expect(() => settings({ 'sextant:runtime': { SEXTANT_MAX_EVENT_AGE_DAYS: 'soon' } })).toThrow(/SEXTANT_MAX_EVENT_AGE_DAYS/);
  });

  it('refuses unknown keys and text that is not a JSON object', () => {
    expect(() => settings({ 'sextant:runtime': { SEXTANT_PSEUDONYM_KEY: 'x'.repeat(40) } })).toThrow(/SEXTANT_PSEUDONYM_KEY: not a runtime setting/);
    expect(() => settings({ 'sextant:runtime': '{"SEXTANT_LOG_LEVEL": ' })).toThrow(/sextant:runtime: an object of SEXTANT_\* settings/);
    expect(() => settings({ 'sextant:runtime': '["SEXTANT_LOG_LEVEL"]' })).toThrow(/sextant:runtime: an object/);
  });
});

describe('other operations settings', () => {
  it('alarm e-mail, route throttles and reserved concurrency are validated', () => {
    expect(() => settings({ 'sextant:alarmEmail': 'ops at example' })).toThrow(/sextant:alarmEmail: an e-mail address/);
    expect(() => settings({ 'sextant:ingestThrottleRate': 0, 'sextant:apiThrottleBurst': 'many' })).toThrow(/sextant:ingestThrottleRate[\s\S]*sextant:apiThrottleBurst/);
    expect(() => settings({ 'sextant:reservedConcurrency': '{"ingest": -1, "cron": 2}' })).toThrow(/reservedConcurrency\.ingest: a positive integer[\s\S]*reservedConcurrency\.cron: not a function/);
    expect(settings({ 'sextant:alarmEmail': 'ops@example.com', 'sextant:ingestThrottleRate': '300' })).toMatchObject({ alarmEmail: 'ops@example.com', routeThrottle: { ingest: { rateLimit: 300 } } });
  });
});
