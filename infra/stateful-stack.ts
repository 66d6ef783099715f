/**
 * Stateful resources: the single DynamoDB table and the secrets. Kept apart from the
 * stateless stack so that functions, API and web hosting can be replaced or destroyed
 * freely while data and keys stay (RETAIN + deletion protection by default).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { SextantSettings } from './settings';
import { UserDirectory, defaultDomainPrefix } from './constructs/user-directory';

export interface StatefulStackProps extends StackProps {
  settings: Pick<SextantSettings, 'removalPolicy' | 'deletionProtection' | 'encryption'> & Partial<Pick<SextantSettings, 'identity' | 'prefix'>>;
}

export class StatefulStack extends Stack {
  readonly table: Table;
  /** `{ pseudonymKey }`: what ingest needs */
  readonly pseudonymSecret: Secret;
  /** `{ adminToken }`: the dashboard API's secret (bootstrap admin token) */
  readonly apiSecret: Secret;
  readonly key?: Key;
  /** people's sign-in (Cognito) when no external identity provider is configured */
  readonly users?: UserDirectory;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { removalPolicy, deletionProtection, encryption } = props.settings;

    if (encryption === 'customer-managed') {
      this.key = new Key(this, 'DataKey', {
        description: 'Sextant: encrypts the table and the secrets',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy,
      });
    }

    // Key layout: functions/src/store/keys.ts (PK/SK strings, no secondary index).
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      deletionProtection,
      removalPolicy,
      ...(this.key ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.key } : { encryption: TableEncryption.AWS_MANAGED }),
    });

    // Secrets Manager generates one value per secret. The pseudonymisation key lives in its own
    // secret, read by ingest alone (the one function that pseudonymises user ids); the API's
    // secret holds only the bootstrap admin token. Worker and jobs read no secret.
    this.pseudonymSecret = new Secret(this, 'PseudonymKey', {
      description: 'Sextant: keyed-hash key for pseudonymising user ids. Never change it: stored pseudonyms depend on it.',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'pseudonymKey', passwordLength: 64, excludePunctuation: true },
      encryptionKey: this.key,
      removalPolicy,
    });
    this.apiSecret = new Secret(this, 'ApiSecret', {
      description: 'Sextant: dashboard API secret (bootstrap adminToken)',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'adminToken', passwordLength: 48, excludePunctuation: true },
      encryptionKey: this.key,
      removalPolicy,
    });

    const rotation =
      'Not rotated automatically. pseudonymKey is the HMAC key behind every stored user pseudonym: rotating it would split each user into two and break the outcome maths. ' +
      'adminToken is a bootstrap credential: operators create named keys with it and rotate it with put-secret-value (the API re-registers it on the next cold start); see docs/deploy.md.';
    Validations.of(this.pseudonymSecret).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotation });
    Validations.of(this.apiSecret).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotation });

    const identity = props.settings.identity;
    if (identity?.kind === 'cognito') {
      this.users = new UserDirectory(this, 'Users', {
        removalPolicy,
        deletionProtection,
        featurePlan: identity.featurePlan,
        domainPrefix: identity.domainPrefix ?? defaultDomainPrefix(props.settings.prefix ?? 'sextant'),
      });
      new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId, description: 'Cognito user pool: create people here and put them in sextant-admin / sextant-editor / sextant-viewer (or invite them on the People page)' });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table' });
    new CfnOutput(this, 'PseudonymSecretArn', { value: this.pseudonymSecret.secretArn, description: 'Secret holding the pseudonymisation key (never change it)' });
    new CfnOutput(this, 'ApiSecretArn', { value: this.apiSecret.secretArn, description: 'Secret holding the bootstrap admin token' });
    new CfnOutput(this, 'AdminTokenCommand', {
      description: 'Print the bootstrap admin token',
      value: `aws secretsmanager get-secret-value --region ${this.region} --secret-id ${this.apiSecret.secretArn} --query SecretString --output text | jq -r .adminToken`,
    });
  }
}
