/** CDK entry point (`npx cdk synth`, `npx cdk deploy --all`); settings come from cdk.json context. */
import { App } from 'aws-cdk-lib';
import { createSextant } from './sextant';

const app = new App();
createSextant(app, {
  // unresolved without credentials: synth stays offline and environment-agnostic
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
});
