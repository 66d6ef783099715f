/**
 * People's sign-in on AWS: a Cognito user pool, hosted domain, role groups and a public PKCE app
 * client made by the app when no external issuer is given; the external issuer's settings passed
 * through otherwise; the API function (only) gets the SEXTANT_OIDC_* environment.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, logicalId, synth, synthDefault } from './synth';

afterAll(cleanup);

const envOf = (t: ReturnType<typeof synthDefault>['stateless'], fnLogicalId: string) => t.toJSON().Resources[fnLogicalId].Properties.Environment.Variables as Record<string, unknown>;

describe('sign-in with Cognito (no external issuer given)', () => {
  it('makes a user pool: email sign-in, no self sign-up, strong passwords, optional TOTP MFA, retained', () => {
    const { stateful } = synthDefault();
    stateful.resourceCountIs('AWS::Cognito::UserPool', 1);
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
        UserPoolTier: 'ESSENTIALS',
      }),
    });
    for (const g of ['sextant-admin', 'sextant-editor', 'sextant-viewer']) stateful.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: g });
    stateful.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('makes a public app client: code flow with PKCE, the dashboard as callback and sign-out URL', () => {
    const { stateless } = synthDefault();
    stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid', 'email', 'profile']),
      CallbackURLs: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
      LogoutURLs: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
      EnableTokenRevocation: true,
    });
    const client = Object.values(stateless.findResources('AWS::Cognito::UserPoolClient'))[0].Properties;
    // https://<the CloudFront distribution's domain>/
    expect(JSON.stringify(client.CallbackURLs)).toMatch(/"https:\/\/",\{"Fn::GetAtt":\["WebCdn[A-Z0-9]+","DomainName"\]\},"\/"/);
    expect(JSON.stringify(client.AllowedOAuthFlows)).not.toContain('implicit');
  });

  it('gives the API function (and only it) the issuer, client id, groups claim and logout URL; names them in outputs', () => {
    const { stateless, sextant } = synthDefault();
    const api = envOf(stateless, logicalId(sextant.stateless.api.fn));
    // the user pool's provider URL (https://cognito-idp.<region>.amazonaws.com/<pool id>), from the stateful stack
    expect(JSON.stringify(api.SEXTANT_OIDC_ISSUER)).toMatch(/UserPool[A-Z0-9]+ProviderURL/);
    expect(api.SEXTANT_OIDC_CLIENT_ID).toBeDefined();
    expect(api.SEXTANT_OIDC_ROLES_CLAIM).toBe('cognito:groups');
    expect(api.SEXTANT_OIDC_SCOPES).toBe('openid email profile');
    expect(JSON.stringify(api.SEXTANT_OIDC_LOGOUT_URL)).toContain('/logout');
    const ingest = envOf(stateless, logicalId(sextant.stateless.ingest.fn));
    expect(Object.keys(ingest).filter((k) => k.startsWith('SEXTANT_OIDC'))).toEqual([]);
    for (const o of ['OidcIssuer', 'OidcClientId', 'SignInUrl', 'CognitoDomain']) expect(Object.keys(stateless.findOutputs(o))).toHaveLength(1);
    // the dashboard may fetch the issuer's discovery and the hosted domain's token endpoint
    const csp = JSON.stringify(Object.values(stateless.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties);
    expect(csp).toContain('https://cognito-idp.');
  });

  it('turns threat protection on with the Plus plan', () => {
    const { stateful } = synth({ 'sextant:cognitoFeaturePlan': 'plus' });
    stateful.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
  });
});

describe('sign-in with an external identity provider', () => {
  it('makes no user pool and passes the issuer, client id, claim settings and admin emails to the API', () => {
    const { stateful, stateless, sextant } = synth({
      'sextant:oidcIssuer': 'https://login.microsoftonline.com/0000-tenant/v2.0',
      'sextant:oidcClientId': 'a1b2c3',
      'sextant:oidcRolesClaim': 'roles',
      'sextant:oidcRoleValues': 'admin=Sextant.Admin,editor=Sextant.Editor,viewer=Sextant.Viewer',
      'sextant:adminEmails': 'Ana@Fabrikam.example',
      'sextant:oidcProviderName': 'Fabrikam (Entra ID)',
    });
    stateful.resourceCountIs('AWS::Cognito::UserPool', 0);
    stateless.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(envOf(stateless, logicalId(sextant.stateless.api.fn))).toMatchObject({
      SEXTANT_OIDC_ISSUER: 'https://login.microsoftonline.com/0000-tenant/v2.0',
      SEXTANT_OIDC_CLIENT_ID: 'a1b2c3',
      SEXTANT_OIDC_ROLES_CLAIM: 'roles',
      SEXTANT_OIDC_ROLE_VALUES: 'admin=Sextant.Admin,editor=Sextant.Editor,viewer=Sextant.Viewer',
      SEXTANT_OIDC_PROVIDER_NAME: 'Fabrikam (Entra ID)',
      SEXTANT_ADMIN_EMAILS: 'ana@fabrikam.example',
    });
    const csp = JSON.stringify(Object.values(stateless.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties);
    expect(csp).toContain('https://login.microsoftonline.com');
  });

  it('fails synth on half or bad settings', () => {
    expect(() => synth({ 'sextant:oidcIssuer': 'https://fabrikam.okta.com' })).toThrow(/sextant:oidcClientId go together/);
    expect(() => synth({ 'sextant:oidcIssuer': 'http://fabrikam.okta.com', 'sextant:oidcClientId': 'x' })).toThrow(/https:\/\//);
    expect(() => synth({ 'sextant:oidcIssuer': 'https://fabrikam.okta.com', 'sextant:oidcClientId': 'x', 'sextant:oidcRoleValues': 'owner=x' })).toThrow(/not a role/);
    expect(() => synth({ 'sextant:adminEmails': 'not-an-email' })).toThrow(/sextant:adminEmails/);
    expect(() => synth({ 'sextant:cognitoFeaturePlan': 'gold' })).toThrow(/cognitoFeaturePlan/);
  });
});
