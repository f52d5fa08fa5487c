import { createHash } from 'node:crypto';
import {
  CfnApi,
  CfnApiMapping,
  CfnDomainName,
  CfnIntegration,
  CfnRoute,
  CfnStage,
  CfnVpcLink,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import type { CfnRecordSet } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import {
  type ApiGatewayDomainOptions,
  domainAliasRecord,
  domainCertificate,
  domainUrl,
  knownRegion,
  type NormalizedDomain,
  normalizeDomain,
} from './custom-domain.js';
import { acknowledgeNag } from './nag.js';
import { parseRouteKey, routeLogicalId } from './route-key.js';
import {
  type NormalizedStageThrottle,
  normalizeStageThrottle,
  requireThrottledRoutesExist,
  type StageThrottleOptions,
  stageThrottleSettings,
} from './stage-throttle.js';
import {
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type PropsOwner,
  requireIntegerInRange,
  requireListLength,
  requireName,
  requireOneOf,
} from './validate.js';

/**
 * The access-log line the seeds write: one JSON object per request.
 * Variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export const SEED_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
});

/** Options of the API Gateway ingress that a pattern user may set. */
export interface ApiGatewayOptions {
  /**
   * Name of the HTTP API (not unique in AWS; shown in the console).
   * @default 'fargate-api-gateway'
   * @example 'orders-api'
   */
  readonly apiName?: string;
  /**
   * Name of the VPC link.
   * @default 'fargate-vpc-link'
   */
  readonly vpcLinkName?: string;
  /**
   * Per-route CloudWatch metrics on the `$default` stage (billed as custom metrics).
   * @default true
   */
  readonly detailedMetrics?: boolean;
  /**
   * Access-log line format (`$context` variables), at most 3 KB.
   * @default SEED_ACCESS_LOG_FORMAT
   */
  readonly accessLogFormat?: string;
  /**
   * Days to keep access logs.
   * @default 30
   */
  readonly accessLogRetentionDays?: LogRetentionDays;
  /**
   * Throttling of the `$default` stage: `rateLimit` requests/s and `burstLimit` for each route
   * (`DefaultRouteSettings`), and limits for single routes by route key (`RouteSettings`);
   * `false` for none (only the account's 10,000 requests/s, burst 5,000, shared by every API in
   * the Region). `DEFAULT_STAGE_THROTTLE` says why that default.
   * @default { rateLimit: 100, burstLimit: 200 } on every route
   * @example { rateLimit: 500, burstLimit: 1000, routes: { 'POST /orders': { rateLimit: 10, burstLimit: 20 } } }
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
   */
  readonly throttle?: StageThrottleOptions | false;
  /**
   * Integration timeout in milliseconds, 50-30000.
   * @default 30000
   */
  readonly integrationTimeoutMillis?: number;
}

/** Props of {@link ApiGatewayIngress}. */
export interface ApiGatewayIngressProps extends ApiGatewayOptions {
  /** VPC of the VPC link's security group. @example network.vpcId */
  readonly vpcId: string;
  /**
   * Subnets for the VPC link's network interfaces: at least two, in different AZs.
   * @example network.publicSubnetIds
   */
  readonly subnetIds: string[];
  /**
   * The service's security group, opened to the VPC link on the container port. With
   * `containerPort` and `cloudMapServiceArn`: the seed's one service on the `$default` route.
   * @default - no service yet: add each with {@link ApiGatewayIngress.addService}
   */
  readonly serviceSecurityGroupId?: string;
  /** The container port the service listens on. @default - with serviceSecurityGroupId only @example 80 */
  readonly containerPort?: number;
  /**
   * ARN of the service's Cloud Map service (with SRV records).
   * @default - with serviceSecurityGroupId only
   * @example service.cloudMapServiceArn
   */
  readonly cloudMapServiceArn?: string;
  /**
   * A domain of your own for the API: a regional `ApiDomain` (TLS 1.2) with an `ApiMapping` of
   * the `$default` stage, a Route 53 alias `AliasRecord`, and a `Certificate` unless you give one.
   * `ApiGatewayUri` becomes `https://<name>`. See {@link ApiGatewayDomainOptions}.
   * @default - the default endpoint only
   * @example { name: 'api.example.com', hostedZone: 'Z0123456789ABCDEFGHIJ' }
   */
  readonly domain?: ApiGatewayDomainOptions;
}

/** A service with routes of its own on an HTTP API; see {@link ApiGatewayIngress.addService}. */
export interface ApiGatewayServiceTarget {
  /** Prefix of its logical ids: `OrdersIntegration`, `OrdersIngressFromApiGateway`. @example 'Orders' */
  readonly id: string;
  /** The service name, for descriptions. @example 'orders' */
  readonly name: string;
  /** ARN of its Cloud Map service (SRV records). */
  readonly cloudMapServiceArn: string;
  /** Its security group, opened to the VPC link on `containerPort`. */
  readonly serviceSecurityGroupId: string;
  /** @example 8080 */
  readonly containerPort: number;
  /**
   * Route keys, already checked ({@link parseRouteKey}) and unique on the API. Each route's
   * logical id comes from its key ({@link routeLogicalId}).
   * @example ['ANY /orders/{proxy+}', 'GET /orders']
   */
  readonly routeKeys: string[];
}

/** {@link ApiGatewayOptions} with defaults applied. */
export interface NormalizedApiGatewayOptions {
  readonly apiName: string;
  readonly vpcLinkName: string;
  readonly detailedMetrics: boolean;
  readonly accessLogFormat: string;
  readonly accessLogRetentionDays: LogRetentionDays;
  readonly throttle: NormalizedStageThrottle;
  readonly integrationTimeoutMillis: number;
}

/** Applies defaults and checks limits from the HTTP API quotas page; pure. */
export function normalizeApiGatewayOptions(
  owner: PropsOwner,
  options: ApiGatewayOptions = {},
): NormalizedApiGatewayOptions {
  const apiName = options.apiName ?? 'fargate-api-gateway';
  requireName(owner, 'apiName', apiName, 128, /^[\x20-\x7e]+$/, '1-128 printable ASCII characters');
  const vpcLinkName = options.vpcLinkName ?? 'fargate-vpc-link';
  requireName(owner, 'vpcLinkName', vpcLinkName, 128, /^[\x20-\x7e]+$/, '1-128 printable ASCII characters');
  const accessLogFormat = options.accessLogFormat ?? SEED_ACCESS_LOG_FORMAT;
  // "Access log template size: 3 KB" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)
  requireName(
    owner,
    'accessLogFormat',
    accessLogFormat,
    3072,
    /\$context\.requestId/,
    'at most 3 KB, containing $context.requestId',
  );
  const accessLogRetentionDays = options.accessLogRetentionDays ?? 30;
  requireOneOf<number>(owner, 'accessLogRetentionDays', accessLogRetentionDays, LOG_RETENTION_DAYS);
  const integrationTimeoutMillis = options.integrationTimeoutMillis ?? 30000;
  requireIntegerInRange(owner, 'integrationTimeoutMillis', integrationTimeoutMillis, 50, 30000);
  const throttle = normalizeStageThrottle(owner, 'throttle', options.throttle);
  return {
    apiName,
    vpcLinkName,
    detailedMetrics: options.detailedMetrics ?? true,
    accessLogFormat,
    accessLogRetentionDays: accessLogRetentionDays as LogRetentionDays,
    throttle,
    integrationTimeoutMillis,
  };
}

/**
 * A serverless public ingress: an API Gateway HTTP API whose `$default` route proxies every
 * request through a VPC link to the tasks of a Cloud Map service (or, with
 * {@link ApiGatewayIngress.addService}, several services each with its own integration and
 * routes, sharing the one VPC link). As the seeds' `api-gateway.yml`,
 * with one tightening: the service accepts traffic from the VPC link on the container port only
 * (the seed opens all protocols and ports).
 *
 * Resources: `ApiGateway` (HTTP), `ApiGatewayVpcLink` with `ApiGatewaySecurityGroup`,
 * `ApiGatewayVpcLinkIntegration` (HTTP_PROXY over VPC_LINK to the Cloud Map service, payload
 * format 1.0, method ANY), `ApiGatewayRoute` (`$default`), `ApiGatewayStage` (`$default`,
 * auto-deploy, detailed metrics, access logs), `LogGroup`, `ServiceIngressFromApiGateway`.
 *
 * **Cost** (us-east-1): no hourly charge; $1.00 per million requests for the first 300 million a
 * month (each 512 KB of a request counts as one), $0.90 after. VPC links for HTTP APIs carry no
 * extra charge. See https://aws.amazon.com/api-gateway/pricing/.
 *
 * @example
 * new ApiGatewayIngress(stack, 'Ingress', {
 *   vpcId: network.vpcId,
 *   subnetIds: network.publicSubnetIds,
 *   serviceSecurityGroupId: service.securityGroupId,
 *   containerPort: 80,
 *   cloudMapServiceArn: service.cloudMapServiceArn!,
 * });
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 */
export class ApiGatewayIngress extends Construct {
  /** The API's public endpoint, `https://<api-id>.execute-api.<region>.amazonaws.com`. */
  readonly apiEndpoint: string;
  /** The VPC link's security group id. */
  readonly securityGroupId: string;
  /** Escape hatches. */
  readonly api: CfnApi;
  readonly vpcLink: CfnVpcLink;
  /** The seed's one integration (absent when services are added with {@link addService}). */
  readonly integration?: CfnIntegration;
  readonly stage: CfnStage;
  /** The seed's `$default` route (absent when services are added with {@link addService}). */
  readonly route?: CfnRoute;
  readonly logGroup: CfnLogGroup;
  /** With a `domain`: the custom domain name, its API mapping and alias record. */
  readonly domain?: {
    readonly domainName: CfnDomainName;
    readonly apiMapping: CfnApiMapping;
    readonly record: CfnRecordSet;
  };
  /**
   * Values to publish as stack outputs, named as in the seeds: `ApiGatewayUri` (`https://<name>`
   * with a domain) and, with a domain, `DomainName`.
   */
  readonly outputs: Readonly<Record<string, string>>;
  private readonly timeoutInMillis: number;
  private readonly throttle: NormalizedStageThrottle;

  constructor(scope: Construct, id: string, props: ApiGatewayIngressProps) {
    super(scope, id);
    const o = normalizeApiGatewayOptions(this, props);
    requireListLength(this, 'subnetIds', props.subnetIds, 2);
    const single = [props.serviceSecurityGroupId, props.containerPort, props.cloudMapServiceArn];
    if (single.some((v) => v !== undefined) && single.some((v) => v === undefined)) {
      throw new PropsValidationError(
        this.node.path,
        'serviceSecurityGroupId',
        'serviceSecurityGroupId, containerPort and cloudMapServiceArn go together (the one service on the $default route); give all three, or none and call addService for each service.',
      );
    }
    if (props.containerPort !== undefined) {
      requireIntegerInRange(this, 'containerPort', props.containerPort, 1, 65535);
    }
    const domain =
      props.domain === undefined
        ? undefined
        : normalizeDomain(this, 'domain', props.domain, 'api-gateway', knownRegion(this));

    this.api = new CfnApi(this, 'ApiGateway', {
      name: o.apiName,
      protocolType: 'HTTP',
      // Applies to every stage; the $default stage auto-deploys, so it takes effect (§2.4).
      disableExecuteApiEndpoint: domain?.disableExecuteApiEndpoint ? true : undefined,
    });
    const securityGroup = new CfnSecurityGroup(this, 'ApiGatewaySecurityGroup', {
      groupDescription: 'VPC link of the API Gateway: the only way in to the service',
      vpcId: props.vpcId,
    });
    this.securityGroupId = securityGroup.ref;
    this.vpcLink = new CfnVpcLink(this, 'ApiGatewayVpcLink', {
      name: o.vpcLinkName,
      securityGroupIds: [securityGroup.ref],
      subnetIds: props.subnetIds,
    });
    this.timeoutInMillis = o.integrationTimeoutMillis;
    if (props.cloudMapServiceArn !== undefined) {
      this.integration = this.createIntegration('ApiGatewayVpcLinkIntegration', props.cloudMapServiceArn);
    }
    this.logGroup = new CfnLogGroup(this, 'LogGroup', { retentionInDays: o.accessLogRetentionDays });
    this.throttle = o.throttle;
    const throttle = stageThrottleSettings(o.throttle, o.detailedMetrics);
    this.stage = new CfnStage(this, 'ApiGatewayStage', {
      apiId: this.api.ref,
      stageName: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        detailedMetricsEnabled: o.detailedMetrics,
        ...throttle.defaults,
      },
      routeSettings: throttle.routeSettings,
      accessLogSettings: { destinationArn: this.logGroup.attrArn, format: o.accessLogFormat },
    });
    if (this.integration && props.serviceSecurityGroupId && props.containerPort) {
      requireThrottledRoutesExist(this, 'throttle', o.throttle, ['$default']);
      this.route = this.createRoute('ApiGatewayRoute', '$default', this.integration);
      this.admitVpcLink(
        'ServiceIngressFromApiGateway',
        props.serviceSecurityGroupId,
        props.containerPort,
        'the service',
      );
    }
    if (!this.route) {
      // With addService, the routes come later: check the throttled keys once they are all in.
      this.node.addValidation({
        validate: () => {
          const keys = this.node.children.flatMap((c) => (c instanceof CfnRoute ? [c.routeKey] : []));
          const unknown = Object.keys(o.throttle.routes).filter((k) => !keys.includes(k));
          return unknown.map(
            (k) =>
              `throttle.routes['${k}'] names no route of the API (routes: ${keys.join(', ') || 'none'}).`,
          );
        },
      });
    }
    this.apiEndpoint = this.api.attrApiEndpoint;
    if (domain) {
      this.domain = this.createDomain(domain);
      this.outputs = {
        ApiGatewayUri: domainUrl(domain, this.domain.record, this.apiEndpoint),
        DomainName: domain.name,
      };
    } else {
      this.outputs = { ApiGatewayUri: this.apiEndpoint };
    }
  }

  /**
   * The custom domain (docs/reference/aws-behavior-2.md §2.1-2.3): `ApiDomain`, REGIONAL with
   * `TLS_1_2` ("the only supported TLS version" for HTTP APIs), the `$default` stage mapped at the
   * root (no `ApiMappingKey`, so the URL has no stage segment), and the alias record to the
   * domain's regional name.
   */
  private createDomain(domain: NormalizedDomain) {
    const domainName = new CfnDomainName(this, 'ApiDomain', {
      domainName: domain.name,
      domainNameConfigurations: [
        {
          certificateArn: domainCertificate(this, domain),
          endpointType: 'REGIONAL',
          securityPolicy: 'TLS_1_2',
        },
      ],
    });
    const apiMapping = new CfnApiMapping(this, 'ApiMapping', {
      apiId: this.api.ref,
      domainName: domainName.ref,
      stage: this.stage.ref,
    });
    const record = domainAliasRecord(this, domain, {
      dnsName: domainName.attrRegionalDomainName,
      hostedZoneId: domainName.attrRegionalHostedZoneId,
    });
    return { domainName, apiMapping, record };
  }

  /**
   * Adds a service with routes of its own: an integration (`<id>Integration`, HTTP_PROXY over the
   * shared VPC link to its Cloud Map service), a route per key, and a rule admitting the VPC link
   * to its container port (`<id>IngressFromApiGateway`).
   *
   * @example
   * ingress.addService({ id: 'Orders', name: 'orders', cloudMapServiceArn: orders.cloudMapServiceArn!,
   *   serviceSecurityGroupId: orders.securityGroupId, containerPort: 8080, routeKeys: ['ANY /orders/{proxy+}'] });
   */
  addService(target: ApiGatewayServiceTarget): { integration: CfnIntegration; routes: CfnRoute[] } {
    requireIntegerInRange(this, 'containerPort', target.containerPort, 1, 65535);
    const integration = this.createIntegration(`${target.id}Integration`, target.cloudMapServiceArn);
    const routes = target.routeKeys.map((key) => {
      parseRouteKey(this.node.path, `routes of ${target.name}`, key);
      let id = routeLogicalId(key);
      // Two keys that differ only in punctuation (GET /a-b, GET /a/b): the later one gets a hash.
      if (this.node.tryFindChild(id)) {
        id = `${id}${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
      }
      return this.createRoute(id, key, integration);
    });
    this.admitVpcLink(
      `${target.id}IngressFromApiGateway`,
      target.serviceSecurityGroupId,
      target.containerPort,
      `the ${target.name} service`,
    );
    return { integration, routes };
  }

  private createIntegration(id: string, cloudMapServiceArn: string): CfnIntegration {
    return new CfnIntegration(this, id, {
      apiId: this.api.ref,
      connectionId: this.vpcLink.ref,
      connectionType: 'VPC_LINK',
      integrationType: 'HTTP_PROXY',
      integrationUri: cloudMapServiceArn,
      payloadFormatVersion: '1.0',
      integrationMethod: 'ANY',
      timeoutInMillis: this.timeoutInMillis,
    });
  }

  private createRoute(id: string, routeKey: string, integration: CfnIntegration): CfnRoute {
    const route = new CfnRoute(this, id, {
      apiId: this.api.ref,
      routeKey,
      target: `integrations/${integration.ref}`,
    });
    // RouteSettings may name only a route that exists ("Unable to find Route by key …",
    // aws-behavior-2.md §2.5): create the route before the stage.
    if (this.throttle.routes[routeKey]) this.stage.addResourceDependency(route);
    acknowledgeNag(
      route,
      'AwsSolutions-APIG4',
      routeKey === '$default' && id === 'ApiGatewayRoute'
        ? 'A public API by design, as in the seed: the $default route forwards every request and the service authenticates its own callers. Attach a JWT or IAM authorizer to ApiGatewayRoute (ingress.route) when the gateway must authenticate.'
        : `A public API by design: the route ${routeKey} forwards its requests and the service authenticates its own callers. Attach a JWT or IAM authorizer to the route when the gateway must authenticate.`,
    );
    return route;
  }

  private admitVpcLink(id: string, groupId: string, port: number, what: string): void {
    new CfnSecurityGroupIngress(this, id, {
      description: `API Gateway VPC link to ${what} on port ${port}`,
      groupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      sourceSecurityGroupId: this.securityGroupId,
    });
  }
}
