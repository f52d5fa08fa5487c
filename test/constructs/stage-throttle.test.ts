/**
 * Throttling of the HTTP API stage: the default limits on every route, `throttle: false`, and
 * per-route limits (`RouteSettings`) for the routes of several services, with the pure
 * normalization table-tested.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ApiGatewayIngress } from '../../src/constructs/api-gateway-ingress.js';
import {
  DEFAULT_STAGE_THROTTLE,
  normalizeStageThrottle,
  requireThrottledRoutesExist,
  type StageThrottleOptions,
} from '../../src/constructs/stage-throttle.js';
import { propsFailure } from '../support/thrown-error.js';
import { apiGatewayPattern, nestedTemplate, resourceOf, templatesOf } from './support.js';

const IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0';

function stageOf(props: Parameters<typeof apiGatewayPattern>[0]): Record<string, unknown> {
  const { pattern } = apiGatewayPattern(props);
  return resourceOf(nestedTemplate(templatesOf(pattern), 'ApiGatewayStack'), 'ApiGatewayStage');
}

describe('normalizeStageThrottle', () => {
  it.each([
    ['nothing', undefined, { defaults: { rateLimit: 100, burstLimit: 200 }, routes: {} }],
    ['false (no stage throttle)', false, { routes: {} }],
    [
      'a rate only (the burst stays 200)',
      { rateLimit: 0.5 },
      { defaults: { rateLimit: 0.5, burstLimit: 200 }, routes: {} },
    ],
    [
      'a route with a burst only (its rate is the stage rate)',
      { rateLimit: 50, routes: { 'POST /orders': { burstLimit: 5 } } },
      {
        defaults: { rateLimit: 50, burstLimit: 200 },
        routes: { 'POST /orders': { rateLimit: 50, burstLimit: 5 } },
      },
    ],
  ] as const)('applies the defaults to %s', (_, given, expected) => {
    expect(normalizeStageThrottle('Api', 'throttle', given)).toEqual(expected);
  });

  it.each([
    [{ rateLimit: -1 }, 'throttle.rateLimit', 'got -1'],
    [{ rateLimit: Number.NaN }, 'throttle.rateLimit', 'got null'],
    [{ burstLimit: 5001 }, 'throttle.burstLimit', 'an integer from 0 to 5000'],
    [{ routes: { 'GET /a': { burstLimit: 1.5 } } }, "throttle.routes['GET /a'].burstLimit", 'got 1.5'],
  ])('rejects %j, naming %s', (given, prop, says) => {
    const failure = propsFailure(() => normalizeStageThrottle('Api', 'throttle', given));
    expect(failure.prop).toBe(prop);
    expect(failure.message).toContain(says);
  });

  it('rejects a route throttle for a route the API does not have, listing the routes it has', () => {
    const throttle = normalizeStageThrottle('Api', 'throttle', { routes: { 'GET /b': {} } });
    const failure = propsFailure(() => requireThrottledRoutesExist('Api', 'throttle', throttle, ['GET /a']));
    expect(failure.prop).toBe("throttle.routes['GET /b']");
    expect(failure.message).toContain("'GET /a'");
    expect(() =>
      requireThrottledRoutesExist('Api', 'throttle', throttle, ['GET /a', 'GET /b']),
    ).not.toThrow();
  });
});

/** The stage of an ingress alone (one service on $default): cheaper to synthesize than a pattern. */
function ingressStage(throttle?: StageThrottleOptions | false): Record<string, unknown> {
  const stack = new Stack(new App(), 'Edge');
  new ApiGatewayIngress(stack, 'Ingress', {
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    serviceSecurityGroupId: 'sg-0123456789abcdef0',
    containerPort: 80,
    cloudMapServiceArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1',
    throttle,
  });
  const [stage] = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Stage'));
  return (stage?.Properties ?? {}) as Record<string, unknown>;
}

describe('the stage of the HTTP API', () => {
  it(`throttles every route by default at ${DEFAULT_STAGE_THROTTLE.rateLimit} requests/s, burst ${DEFAULT_STAGE_THROTTLE.burstLimit} (seed: unlimited)`, () => {
    const props = ingressStage();
    expect(props.DefaultRouteSettings).toEqual({
      DetailedMetricsEnabled: true,
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
    expect(props.RouteSettings).toBeUndefined();
  });

  it('sets no throttle with throttle: false (only the account limit applies)', () => {
    expect(ingressStage(false).DefaultRouteSettings).toEqual({ DetailedMetricsEnabled: true });
  });

  it('refuses a route throttle for a route other than $default when the one service is on $default', () => {
    const failure = propsFailure(() => ingressStage({ routes: { 'GET /a': {} } }));
    expect(failure.prop).toBe("throttle.routes['GET /a']");
    expect(failure.message).toContain("'$default'");
  });

  it("gives a service's route its own RouteSettings and creates that route before the stage", () => {
    const stage = stageOf({
      services: {
        orders: { image: IMAGE, routes: ['GET /orders', 'POST /orders'] },
        users: { image: IMAGE, routes: ['ANY /users/{proxy+}'] },
      },
      apiGateway: {
        throttle: {
          rateLimit: 500,
          burstLimit: 1000,
          routes: { 'POST /orders': { rateLimit: 10, burstLimit: 20 } },
        },
      },
    });
    const props = stage.Properties as Record<string, unknown>;
    expect(props.DefaultRouteSettings).toEqual({
      DetailedMetricsEnabled: true,
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
    });
    // a route's entry replaces DefaultRouteSettings for it: the metrics setting is repeated (§2.5)
    expect(props.RouteSettings).toEqual({
      'POST /orders': { DetailedMetricsEnabled: true, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    expect(stage.DependsOn).toEqual(['RoutePostOrders']);
  });
});

describe('ApiGatewayIngress used on its own, with addService', () => {
  function ingressWith(routeKeys: string[]) {
    const app = new App();
    const ingress = new ApiGatewayIngress(new Stack(app, 'Edge'), 'Ingress', {
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      throttle: { routes: { 'POST /orders': { rateLimit: 1 } } },
    });
    ingress.addService({
      id: 'Orders',
      name: 'orders',
      cloudMapServiceArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1',
      serviceSecurityGroupId: 'sg-0123456789abcdef0',
      containerPort: 8080,
      routeKeys,
    });
    return app;
  }

  it('refuses to synthesize when a throttled route key was never added', () => {
    expect(() => ingressWith(['GET /orders']).synth()).toThrow(
      "throttle.routes['POST /orders'] names no route of the API (routes: GET /orders)",
    );
  });

  it('synthesizes once the route exists', () => {
    expect(() => ingressWith(['GET /orders', 'POST /orders']).synth()).not.toThrow();
  });
});
