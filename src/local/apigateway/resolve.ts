/**
 * Template → API Gateway HTTP API model: `AWS::ApiGatewayV2::Api` (HTTP) with its stages, routes,
 * integrations and VPC links. Shapes the emulator cannot serve (WebSocket APIs, OpenAPI bodies,
 * Lambda or AWS service integrations) are rejected here, with the resource and property named.
 */

import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { originOf, PropertyReader } from '../props.js';
import { compilePathMapping } from './path-mapping.js';
import type {
  AccessLogConfig,
  HttpApiConfig,
  IntegrationConfig,
  RouteConfig,
  StageConfig,
  ThrottleConfig,
  VpcLinkConfig,
} from './types.js';

/** Maximum and default `TimeoutInMillis` of an HTTP API integration (HTTP API quotas). */
const MAX_TIMEOUT_MS = 30_000;
const MIN_TIMEOUT_MS = 50;

function belongsTo(resource: ResolvedResource, apiId: string): boolean {
  return new PropertyReader(resource).optionalString('ApiId') === apiId;
}

function readThrottle(props: PropertyReader, path: string): ThrottleConfig | undefined {
  const rate = props.optionalNumber(`${path}.ThrottlingRateLimit`);
  const burst = props.optionalNumber(`${path}.ThrottlingBurstLimit`);
  if (rate === undefined && burst === undefined) return undefined;
  return { rateLimit: rate ?? 10_000, burstLimit: burst ?? 5_000 };
}

/**
 * `RouteSettings` throttling by route key. Keys are read from the map itself, not through a
 * dotted path: a route key may contain dots (`GET /v1.0/report`).
 */
function readRouteThrottles(props: PropertyReader): Record<string, ThrottleConfig> {
  const routeSettings = props.raw('RouteSettings');
  const routeThrottles: Record<string, ThrottleConfig> = {};
  if (!routeSettings || typeof routeSettings !== 'object' || Array.isArray(routeSettings))
    return routeThrottles;
  for (const [key, settings] of Object.entries(routeSettings)) {
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) continue;
    const number = (field: string): number | undefined => {
      const value = settings[field];
      if (value === undefined || value === null) return undefined;
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      return props.fail(
        `RouteSettings['${key}'].${field}`,
        `expected a number, got ${JSON.stringify(value)}`,
      );
    };
    const rate = number('ThrottlingRateLimit');
    const burst = number('ThrottlingBurstLimit');
    if (rate === undefined && burst === undefined) continue;
    routeThrottles[key] = { rateLimit: rate ?? 10_000, burstLimit: burst ?? 5_000 };
  }
  return routeThrottles;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` → `<name>`. */
export function logGroupNameFromArn(arn: string): string {
  const marker = ':log-group:';
  const at = arn.indexOf(marker);
  if (at < 0) return arn;
  return arn.slice(at + marker.length).replace(/:\*$/, '');
}

function resolveStage(resource: ResolvedResource): StageConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const routeThrottles = readRouteThrottles(props);
  const destinationArn = props.optionalString('AccessLogSettings.DestinationArn');
  const format = props.optionalString('AccessLogSettings.Format');
  const accessLog: AccessLogConfig | undefined =
    destinationArn && format
      ? { destinationArn, format, logGroupName: logGroupNameFromArn(destinationArn) }
      : undefined;
  return {
    name: props.string('StageName'),
    autoDeploy: props.boolean('AutoDeploy', false),
    throttle: readThrottle(props, 'DefaultRouteSettings'),
    routeThrottles,
    accessLog,
    origin: originOf(resource),
  };
}

function resolveIntegration(resource: ResolvedResource): IntegrationConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const type = props.string('IntegrationType');
  if (type !== 'HTTP_PROXY') {
    props.fail('IntegrationType', `'${type}' integrations are not emulated locally; allowed: HTTP_PROXY`);
  }
  const connectionType = props.optionalString('ConnectionType') ?? 'INTERNET';
  if (connectionType !== 'VPC_LINK' && connectionType !== 'INTERNET') {
    props.fail('ConnectionType', `got '${connectionType}'; allowed: VPC_LINK, INTERNET`);
  }
  const timeoutMs = props.number('TimeoutInMillis', MAX_TIMEOUT_MS);
  if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
    props.fail(
      'TimeoutInMillis',
      `got ${timeoutMs}; allowed: ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} for HTTP APIs`,
    );
  }
  const overwritePath = props.optionalString('RequestParameters.overwrite:path');
  if (overwritePath !== undefined) {
    try {
      compilePathMapping(overwritePath);
    } catch (error) {
      props.fail('RequestParameters.overwrite:path', (error as Error).message);
    }
  }
  return {
    id: resource.ref,
    type: 'HTTP_PROXY',
    connectionType,
    overwritePath,
    uri: props.string('IntegrationUri'),
    method: props.optionalString('IntegrationMethod') ?? 'ANY',
    timeoutMs,
    vpcLinkId: connectionType === 'VPC_LINK' ? props.string('ConnectionId') : undefined,
    origin: originOf(resource),
  };
}

function resolveRoute(resource: ResolvedResource): RouteConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const target = props.optionalString('Target');
  if (target !== undefined && !target.startsWith('integrations/')) {
    props.fail('Target', `got '${target}'; allowed: integrations/<IntegrationId>`);
  }
  return {
    routeKey: props.string('RouteKey'),
    integrationId: target?.slice('integrations/'.length),
    origin: originOf(resource),
  };
}

/** The HTTP APIs the templates declare, with everything attached to each. */
export function resolveHttpApis(app: ResolvedApp): HttpApiConfig[] {
  const stages = resourcesOfType(app, 'AWS::ApiGatewayV2::Stage');
  const routes = resourcesOfType(app, 'AWS::ApiGatewayV2::Route');
  const integrations = resourcesOfType(app, 'AWS::ApiGatewayV2::Integration');
  const vpcLinks: VpcLinkConfig[] = resourcesOfType(app, 'AWS::ApiGatewayV2::VpcLink').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    return {
      id: resource.ref,
      name: props.optionalString('Name') ?? resource.logicalId,
      securityGroupIds: props.strings('SecurityGroupIds'),
      subnetIds: props.strings('SubnetIds'),
      origin: originOf(resource),
    };
  });
  return resourcesOfType(app, 'AWS::ApiGatewayV2::Api').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const protocol = props.optionalString('ProtocolType');
    if (protocol !== 'HTTP')
      props.fail('ProtocolType', `got '${protocol}'; only HTTP APIs are emulated locally`);
    for (const unsupported of ['Body', 'BodyS3Location', 'Target', 'RouteKey']) {
      if (props.raw(unsupported) !== undefined) {
        props.fail(
          unsupported,
          'quick-create and OpenAPI definitions are not emulated; declare Route, Integration and Stage resources',
        );
      }
    }
    const id = resource.ref;
    const apiIntegrations = integrations.filter((r) => belongsTo(r, id)).map(resolveIntegration);
    const linkIds = new Set(apiIntegrations.map((i) => i.vpcLinkId).filter(Boolean));
    return {
      id,
      name: props.optionalString('Name') ?? resource.logicalId,
      awsEndpoint: String(resource.attributes.ApiEndpoint),
      stages: stages.filter((r) => belongsTo(r, id)).map(resolveStage),
      routes: routes.filter((r) => belongsTo(r, id)).map(resolveRoute),
      integrations: apiIntegrations,
      vpcLinks: vpcLinks.filter((link) => linkIds.has(link.id)),
      disableExecuteApiEndpoint: props.boolean('DisableExecuteApiEndpoint', false),
      origin: originOf(resource),
    };
  });
}
