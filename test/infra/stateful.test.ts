import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, synth, synthDefault } from './synth';

afterAll(cleanup);

describe('stateful stack: table and secrets', () => {
  it('has one PK/SK string table, on demand, with PITR, TTL on expiresAt and deletion protection', () => {
    const { stateful } = synthDefault();
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: Match.absent(),
        GlobalSecondaryIndexes: Match.absent(),
      },
    });
  });

  it('protects the stateful stack from deletion by default', () => {
    const { sextant } = synthDefault();
    expect(sextant.stateful.terminationProtection).toBe(true);
    expect(sextant.stateless.terminationProtection).toBe(false);
  });

  it('generates the pseudonymisation key and the admin token in Secrets Manager, retained', () => {
    const { stateful } = synthDefault();
    stateful.resourceCountIs('AWS::SecretsManager::Secret', 2);
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: { GenerateStringKey: 'pseudonymKey', PasswordLength: 64, ExcludePunctuation: true, SecretStringTemplate: '{}' } },
    });
    // the API's secret: { adminToken } only; the pseudonymisation key stays in ingest's secret
    const apiSecret = Object.values(stateful.findResources('AWS::SecretsManager::Secret', { Properties: { GenerateSecretString: { GenerateStringKey: 'adminToken' } } }));
    expect(apiSecret).toHaveLength(1);
    expect(apiSecret[0].Properties.GenerateSecretString.SecretStringTemplate).toBe('{}');
    expect(JSON.stringify(stateful.toJSON())).not.toContain('resolve:secretsmanager');
    expect(apiSecret[0].DeletionPolicy).toBe('Retain');
  });

  it('outputs the table name, the secret ARN and the command that prints the admin token', () => {
    const { stateful } = synthDefault();
    stateful.hasOutput('TableName', {});
    stateful.hasOutput('ApiSecretArn', {});
    stateful.hasOutput('PseudonymSecretArn', {});
    const cmd = JSON.stringify(stateful.findOutputs('AdminTokenCommand'));
    expect(cmd).toContain('aws secretsmanager get-secret-value');
    expect(cmd).toContain('jq -r .adminToken');
  });

  it('destroy mode: no retention, no deletion protection (for throw-away environments)', () => {
    const { stateful, sextant } = synth({ 'sextant:removalPolicy': 'destroy' });
    stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    stateful.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    expect(sextant.stateful.terminationProtection).toBe(false);
  });

  it('deletion protection can be set apart from the removal policy', () => {
    const { stateful } = synth({ 'sextant:deletionProtection': false });
    stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: false } });
  });

  it('customer-managed encryption: one rotating KMS key for the table and both secrets', () => {
    const { stateful } = synth({ 'sextant:encryption': 'customer-managed' });
    stateful.resourceCountIs('AWS::KMS::Key', 1);
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    stateful.allResourcesProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
  });

  it('rejects invalid settings with one line per bad value', () => {
    expect(() => synth({ 'sextant:removalPolicy': 'snapshot', 'sextant:logRetentionDays': 31 })).toThrow(
      /sextant:removalPolicy: 'retain' or 'destroy'[\s\S]*sextant:logRetentionDays/,
    );
  });
});
