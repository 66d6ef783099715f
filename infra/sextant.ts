/**
 * The whole deployment: a stateful stack (table, secrets) and a stateless stack (functions,
 * API, queue, schedule, web hosting), checked by cdk-nag's AwsSolutions pack. Shared by the
 * CDK entry point (infra/app.ts) and the infra tests, so both synthesize the same thing.
 */
import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings, type SextantSettings } from './settings';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface SextantOptions {
  env?: Environment;
  /** built dashboard directory (default: web/dist) */
  webDist?: string;
}

export interface Sextant {
  settings: SextantSettings;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export function createSextant(app: App, opts: SextantOptions = {}): Sextant {
  const settings = readSettings(app.node);
  const tags = { app: 'sextant', installation: settings.prefix };
  const stateful = new StatefulStack(app, `${settings.prefix}Stateful`, {
    env: opts.env,
    tags,
    description: 'Sextant: DynamoDB table and secrets (stateful; retained by default)',
    terminationProtection: settings.deletionProtection,
    settings,
  });
  const stateless = new StatelessStack(app, `${settings.prefix}Stateless`, {
    env: opts.env,
    tags,
    description: 'Sextant: Lambda functions, HTTP API, queue, schedule and dashboard hosting',
    table: stateful.table,
    pseudonymSecret: stateful.pseudonymSecret,
    apiSecret: stateful.apiSecret,
    users: stateful.users,
    settings,
    webDist: opts.webDist,
  });
  stateless.addStackDependency(stateful, 'reads the table and the secrets');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { settings, stateful, stateless };
}
