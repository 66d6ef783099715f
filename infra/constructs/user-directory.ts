/**
 * People's sign-in on AWS when no external identity provider is given: a Cognito user pool
 * (email sign-in, optional TOTP MFA, no self sign-up: admins create users or people are invited),
 * its hosted sign-in domain, and the groups that map to Sextant's roles (sextant-admin,
 * sextant-editor, sextant-viewer; the ID token's `cognito:groups` claim). Stateful (the pool holds
 * the accounts), so it lives in the stateful stack; the dashboard's app client, whose callback is
 * the dashboard URL, is made in the stateless stack (`addDashboardClient`).
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolDomain,
  type IUserPool,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export const ROLE_GROUPS = { admin: 'sextant-admin', editor: 'sextant-editor', viewer: 'sextant-viewer' } as const;

export interface UserDirectoryProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /** `plus`: threat protection (compromised credentials, adaptive authentication) enforced; billed per monthly active user */
  featurePlan: 'essentials' | 'plus';
  /** hosted sign-in domain prefix (<prefix>.auth.<region>.amazoncognito.com); default `<stack prefix>-<account id>` */
  domainPrefix: string;
}

export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    const plus = props.featurePlan === 'plus';
    this.userPool = new UserPool(this, 'UserPool', {
        signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      // admins create accounts (or invite on the People page and create them here); nobody signs themselves up
      selfSignUpEnabled: false,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: plus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(plus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'MFA is optional (TOTP, no SMS): each person can turn it on; companies that need it enforced connect their own identity provider (Okta, Entra ID, Google), which applies their MFA policy.',
    });
    if (!plus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan (threat protection) is billed per monthly active user; sextant:cognitoFeaturePlan=plus turns it on with enforcement. Essentials keeps a strong password policy and optional MFA.',
      });
    }
    for (const [role, group] of Object.entries(ROLE_GROUPS)) {
      new CfnUserPoolGroup(this, `Group${role[0].toUpperCase()}${role.slice(1)}`, { userPoolId: this.userPool.userPoolId, groupName: group, description: `Sextant ${role}s (the ID token's cognito:groups claim)` });
    }
    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
  }
}

/** The dashboard's app client: public (no secret), authorization code with PKCE, callback and sign-out URL = the dashboard. */
export function addDashboardClient(scope: Construct, id: string, pool: IUserPool, dashboardUrl: string): UserPoolClient {
  return new UserPoolClient(scope, id, {
    userPool: pool,
    generateSecret: false,
    authFlows: {},
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
      callbackUrls: [`${dashboardUrl}/`],
      logoutUrls: [`${dashboardUrl}/`],
    },
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
  });
}

/** A default domain prefix: unique per account (Cognito prefixes are global per region). */
export const defaultDomainPrefix = (stackPrefix: string) => `${stackPrefix.toLowerCase()}-${Aws.ACCOUNT_ID}`;
