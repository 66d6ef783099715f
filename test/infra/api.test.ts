import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, logicalId, synth, synthDefault } from './synth';

afterAll(cleanup);

describe('HTTP API', () => {
  it('routes the dashboard API and the ingest endpoints to their own functions', () => {
    const { stateless, sextant } = synthDefault();
    const routes = stateless.findResources('AWS::ApiGatewayV2::Route');
    const integrations = stateless.findResources('AWS::ApiGatewayV2::Integration');
    const target = (routeKey: string) => {
      const route = Object.values(routes).find((r) => r.Properties.RouteKey === routeKey);
      expect(route, routeKey).toBeDefined();
      const integrationId = JSON.stringify(route!.Properties.Target).match(/"Ref":"([^"]+)"/)![1];
      return JSON.stringify(integrations[integrationId].Properties.IntegrationUri);
    };
    expect(Object.values(routes).map((r) => r.Properties.RouteKey).sort()).toEqual(['ANY /api/{proxy+}', 'GET /health', 'GET /openapi.json', 'POST /api/v1/sign-in', 'POST /v1/asks', 'POST /v1/{proxy+}']);
    const api = logicalId(sextant.stateless.api.fn);
    const ingest = logicalId(sextant.stateless.ingest.fn);
    // customer asks are checked against the roadmap, which the ingest function may not read
    for (const key of ['ANY /api/{proxy+}', 'GET /health', 'GET /openapi.json', 'POST /api/v1/sign-in', 'POST /v1/asks']) expect(target(key)).toContain(api);
    expect(target('POST /v1/{proxy+}')).toContain(ingest);
    stateless.allResourcesProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('throttles the default stage and writes JSON access logs to a log group with retention', () => {
    const { stateless } = synthDefault();
    stateless.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'))[0].Properties;
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', integrationError: '$context.integrationErrorMessage' });
    expect(stage.AccessLogSettings.Format).not.toMatch(/authorization|header/i);
    const groupId = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(stateless.findResources('AWS::Logs::LogGroup')[groupId].Properties.RetentionInDays).toBe(30);
  });

  it('throttling is configurable from context', () => {
    const { stateless } = synth({ 'sextant:throttleRate': 50, 'sextant:throttleBurst': 100, 'sextant:ingestThrottleRate': '500', 'sextant:apiThrottleBurst': 30 });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: { 'POST /v1/{proxy+}': { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 300 }, 'ANY /api/{proxy+}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 30 } },
    });
  });

  it('gives ingest and the dashboard API their own route-level throttle, so neither can starve the other', () => {
    const { stateless } = synthDefault();
    const [stageId, stage] = Object.entries(stateless.findResources('AWS::ApiGatewayV2::Stage'))[0];
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /v1/{proxy+}': { ThrottlingRateLimit: 150, ThrottlingBurstLimit: 300 },
      'ANY /api/{proxy+}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      // one-time sign-in codes: a low throttle across the fleet
      'POST /api/v1/sign-in': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    // every route key named in the settings exists, and the stage is created after the routes
    const routes = stateless.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes).map((r) => r.Properties.RouteKey);
    for (const key of Object.keys(stage.Properties.RouteSettings)) expect(keys).toContain(key);
    for (const routeId of Object.keys(routes)) expect(stage.DependsOn, `${stageId} after ${routeId}`).toContain(routeId);
  });

  it('allows CORS from any origin without credentials (bearer tokens in a header), with the headers browser SDKs send, and exposes Retry-After', () => {
    const { stateless } = synthDefault();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowHeaders: ['authorization', 'content-type', 'content-encoding', 'anonymousid'],
        ExposeHeaders: ['retry-after'],
        AllowMethods: Match.arrayWith(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        AllowCredentials: Match.absent(),
      },
    });
  });

  it('throttles the sign-in code exchange on its own route, below the stage limit', () => {
    const { stateless } = synthDefault();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/v1/sign-in' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /api/v1/sign-in': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } },
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });

  it('outputs the dashboard, API and ingest URLs', () => {
    const { stateless } = synthDefault();
    for (const name of ['DashboardUrl', 'ApiUrl', 'IngestUrl', 'JobQueueUrl']) stateless.hasOutput(name, {});
    expect(JSON.stringify(stateless.findOutputs('IngestUrl'))).toContain('/v1/batch');
  });
});
