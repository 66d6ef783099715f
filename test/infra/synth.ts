/**
 * Synthesize the CDK app as `cdk synth` would (cdk.json context, cdk-nag plugin), without
 * bundling the functions, and read the templates and the validation report.
 */
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/paths';
import { createSextant, type Sextant, type SextantOptions } from '../../infra/sextant';

export const cdkContext: Record<string, unknown> = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context;

export interface Synthesized {
  app: App;
  sextant: Sextant;
  stateful: Template;
  stateless: Template;
  /** the policy validation report (cdk-nag findings), `{ pluginReports: [...] }` */
  report: { pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[] };
  outdir: string;
}

const made: string[] = [];

export interface SynthOptions extends SextantOptions {
  /**
   * Also run CDK's built-in CloudFormation validation (schema + lint rules; errors fail synth
   * with `@aws-cdk/core:validateAgainstDefaultRules`), as `cdk synth` does. Its rule set takes
   * ~9 s to load, so only the validation tests turn it on.
   */
  cfnValidation?: boolean;
}

/** Synthesize with extra context (e.g. `{ 'sextant:removalPolicy': 'destroy' }`). Throws when cdk-nag reports an unacknowledged error. */
export function synth(context: Record<string, unknown> = {}, opts: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'sextant-cdk-'));
  made.push(outdir);
  // no bundling in tests: the function code is a placeholder asset (~0.7 s instead of ~5 s)
  const app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } });
  const sextant = createSextant(app, opts);
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = opts.cfnValidation ? 'true' : 'false';
  let assembly;
  try {
    assembly = app.synth();
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
  const reportFile = ['validation-report.json', 'policy-validation-report.json'].map((f) => join(assembly.directory, f)).find((f) => existsSync(f));
  return {
    app,
    sextant,
    stateful: Template.fromJSON(assembly.getStackByName(sextant.stateful.stackName).template),
    stateless: Template.fromJSON(assembly.getStackByName(sextant.stateless.stackName).template),
    report: reportFile ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] },
    outdir,
  };
}

let defaultSynth: Synthesized | undefined;
/** The default configuration (cdk.json as committed), synthesized once per test file. */
export const synthDefault = () => (defaultSynth ??= synth());

export function cleanup() {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  defaultSynth = undefined;
}

// ---- IAM: the statements attached to a role, and a small evaluator for DynamoDB requests ----

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every statement of the identity policies attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const out: Statement[] = [];
  for (const p of Object.values(policies)) {
    const roles = (p.Properties.Roles ?? []) as { Ref?: string }[];
    if (roles.some((r) => r.Ref === roleLogicalId)) out.push(...(p.Properties.PolicyDocument.Statement as Statement[]));
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  for (const inline of (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) out.push(...inline.PolicyDocument.Statement);
  return out;
}

/** The logical id of a construct's CloudFormation resource in its stack. */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * Would IAM allow this DynamoDB request on the table? `leadingKeys` undefined means the
 * request carries none (Scan). Implements the operators the templates use: Allow statements,
 * ForAllValues:StringLike (true when the key is absent, as in IAM) and Null.
 */
export function allows(statements: Statement[], action: string, leadingKeys?: string[], resourceHint = 'Table'): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || !actionsOf(s).includes(action)) return false;
    if (!JSON.stringify(s.Resource).includes(resourceHint)) return false;
    for (const [op, keys] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(keys)) {
        if (key !== 'dynamodb:LeadingKeys') throw new Error(`evaluator: unexpected condition key ${key}`);
        const patterns = (Array.isArray(value) ? value : [value]).map(glob);
        const present = leadingKeys !== undefined && leadingKeys.length > 0;
        if (op === 'ForAllValues:StringLike') {
          if (present && !leadingKeys!.every((k) => patterns.some((p) => p.test(k)))) return false;
        } else if (op === 'Null') {
          if ((value === 'true') !== !present) return false;
        } else {
          throw new Error(`evaluator: unexpected condition operator ${op}`);
        }
      }
    }
    return true;
  });
}
