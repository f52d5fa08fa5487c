import type { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import {
  ApiGatewayIngress,
  type ApiGatewayOptions,
  normalizeApiGatewayOptions,
} from './api-gateway-ingress.js';
import type { Cluster } from './cluster.js';
import { normalizeContainerOptions, SEED_HEALTH_CHECK } from './container-options.js';
import { type ApiGatewayDomainOptions, knownRegion, normalizeDomain } from './custom-domain.js';
import type { Network } from './network.js';
import {
  type BuiltService,
  FargatePatternBase,
  type FargatePatternProps,
  type PatternVariant,
} from './pattern-base.js';
import { parseRouteKey } from './route-key.js';
import type { Service } from './service.js';
import { rejectRequestScaling } from './service-scaling.js';
import { type PlannedService, planServices, type SeveralServicesEntry } from './several-services.js';
import type { StackLayoutPlan } from './stack-layout.js';
import { requireThrottledRoutesExist } from './stage-throttle.js';
import { withPropPrefix } from './validate.js';

const API_GATEWAY_NO_LB =
  'the API Gateway pattern has no load balancer, so there is no request count per target to track';

/** One service of an {@link ApiGatewayFargateService} with several. */
export interface ApiGatewayServiceOptions extends SeveralServicesEntry {
  /**
   * The HTTP API routes that reach this service, by route key: `<METHOD> <path>` (METHOD one of
   * ANY, GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS; `{name}` matches one segment, a last
   * `{name+}` every child) or `$default` (what no other route matches). Each key once per API.
   * The backend receives the request path unchanged. Without routes the service is private:
   * reachable only by its `callers`, at `http://<name>.internal:<containerPort>`.
   * @default - none: a private service
   * @example ['ANY /orders/{proxy+}', 'GET /orders']
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
   */
  readonly routes?: string[];
}

/** Props of {@link ApiGatewayFargateService}. */
export interface ApiGatewayFargateServiceProps extends FargatePatternProps {
  /**
   * The HTTP API in front of the service.
   * @default - the seeds' API: `fargate-api-gateway`, `$default` route and stage, detailed
   * metrics, JSON access logs kept 30 days
   * @example { throttle: { rateLimit: 500, burstLimit: 1000 } }
   */
  readonly apiGateway?: ApiGatewayOptions;
  /**
   * Several services behind the one API, by name (instead of `service`). Each has its own
   * container, size, count, health check, environment and image, its own nested stack
   * (`<Name>ServiceStack`), and its own integration and routes on the API; all share one VPC
   * link. A service without routes is private: A records in the Cloud Map namespace `internal`
   * and a security group that admits only its `callers`.
   * @default - one service, `service`
   * @example
   * {
   *   orders: { image: { directory: 'app' }, containerPort: 8080, routes: ['ANY /orders/{proxy+}'] },
   *   inventory: { image: { directory: 'app' }, containerPort: 8080, callers: ['orders'] },
   * }
   */
  readonly services?: Readonly<Record<string, ApiGatewayServiceOptions>>;
  /**
   * HTTPS on a domain of your own, in `ApiGatewayStack`: a regional custom domain name (TLS 1.2)
   * mapping the `$default` stage, a Route 53 alias record in the hosted zone, and a new ACM
   * certificate validated by DNS unless you give `certificate`. The parent's `ApiGatewayUri`
   * becomes `https://<name>`, and a `DomainName` output names the domain. With
   * `disableExecuteApiEndpoint` the default `execute-api` endpoint is off.
   * @default - the default `execute-api` endpoint only
   * @example { name: 'api.example.com', hostedZone: 'Z0123456789ABCDEFGHIJ' }
   * @example { name: 'api.example.com', hostedZone: 'example.com', certificate: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789', disableExecuteApiEndpoint: true }
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html
   */
  readonly domain?: ApiGatewayDomainOptions;
}

const API_OUTPUTS = {
  ApiGatewayUri: 'The URL of the API',
  DomainName: 'The custom domain name of the API',
};

/**
 * Seed pattern 1: API Gateway HTTP API → VPC link → Cloud Map (SRV records) → ECS service on
 * Fargate. A serverless ingress with no hourly charge, for APIs with modest traffic.
 *
 * Laid out like the seed's `parent.yml`: nested stacks `VpcStack` (low-cost VPC by default),
 * `ClusterStack` (cluster, execution role, Cloud Map namespace `internal`), `ServiceStack` (the
 * service registered with SRV records, with the seed's container health check) and
 * `ApiGatewayStack` (HTTP API, VPC link, integration, stage, access logs), passing `VpcId`,
 * `PublicSubnetIds`, `ClusterName`, `ECSTaskExecutionRole`, `ServiceDiscoveryNamespaceId`,
 * `ServiceSecurityGroup` and `ServiceDiscoveryServiceArn` between them. The parent stack outputs
 * `ApiGatewayUri`.
 *
 * **Cost** (us-east-1, defaults, two tasks in public subnets): Fargate ~$18/month, two public
 * IPv4 addresses ~$7.30/month, the Cloud Map hosted zone $0.50/month, and $1.00 per million
 * requests. Cheaper than an ALB below roughly 15-20 million requests a month; run `wharf cost`
 * for your traffic.
 *
 * @example
 * const app = new App();
 * const stack = new Stack(app, 'Orders');
 * new ApiGatewayFargateService(stack, 'Api', {
 *   service: { image: 'public.ecr.aws/docker/library/nginx:1.28.0', desiredCount: 2 },
 * });
 *
 * With `services`, several services share the API and its VPC link: each public one (with
 * `routes`) gets its own nested stack `<Name>ServiceStack`, SRV records, integration and routes;
 * each private one (no routes) A records and a security group that admits only its `callers`.
 *
 * @example
 * new ApiGatewayFargateService(stack, 'Api', {
 *   services: {
 *     orders: { image: { directory: 'app' }, containerPort: 8080, routes: ['ANY /orders/{proxy+}'] },
 *     inventory: { image: { directory: 'app' }, containerPort: 8080, callers: ['orders'] },
 *   },
 * });
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 */
export class ApiGatewayFargateService extends FargatePatternBase {
  readonly network: Network;
  readonly cluster: Cluster;
  /** The one service, or with `services` the first one declared. */
  readonly service: Service;
  /** Every service by name (the one service under its `serviceName`). */
  readonly services: Readonly<Record<string, Service>>;
  readonly apiGateway: ApiGatewayIngress;
  /**
   * The public URL of the API (`ApiGatewayUri`), as the parent stack sees it: `https://<name>`
   * with a `domain`.
   */
  readonly apiGatewayUri: string;
  /** With a `domain`: its name (the `DomainName` output), as the parent stack sees it. */
  readonly domainName?: string;

  constructor(scope: Construct, id: string, props: ApiGatewayFargateServiceProps = {}) {
    super(scope, id);
    const apiOwner = `${this.node.path}/ApiGateway`;
    const api = normalizeApiGatewayOptions(apiOwner, props.apiGateway);
    const routeKeys =
      props.services === undefined
        ? ['$default']
        : Object.values(props.services).flatMap((s) => s.routes ?? []);
    requireThrottledRoutesExist(apiOwner, 'throttle', api.throttle, routeKeys);
    if (props.domain !== undefined) {
      normalizeDomain(this, 'domain', props.domain, 'api-gateway', knownRegion(this));
    }
    const variant: PatternVariant = {
      defaultNetwork: { profile: 'low-cost' },
      tasksInPrivateSubnets: false,
      cloudMap: true,
      defaultHealthCheck: SEED_HEALTH_CHECK,
    };
    if (props.services !== undefined) {
      if (props.service !== undefined) {
        throw new PropsValidationError(
          this.node.path,
          'services',
          "give either 'service' (one service on the $default route) or 'services' (several, each with its routes), not both.",
        );
      }
      const planned = planApiGatewayServices(this.node.path, props.services, variant);
      const foundation = this.buildFoundation(props, variant, true);
      const built = this.buildServices(foundation, planned, (s) => (s.isPublic ? 'SRV' : 'A'));
      const { plan, vpcPart } = foundation;
      const part = plan.part(
        'ApiGatewayStack',
        'Wharf ingress: API Gateway HTTP API with a VPC link to the services',
      );
      this.apiGateway = new ApiGatewayIngress(part, 'ApiGateway', {
        ...props.apiGateway,
        vpcId: plan.importValue(part, vpcPart, 'VpcId', 'The VPC of the VPC link'),
        subnetIds: plan.importList(part, vpcPart, 'PublicSubnetIds', 'Subnets for the VPC link'),
        domain: props.domain,
      });
      for (const service of planned.filter((s) => s.isPublic)) {
        const { part: servicePart, service: ecs } = built.get(service.name) as BuiltService;
        this.apiGateway.addService({
          id: service.id,
          name: service.name,
          cloudMapServiceArn: plan.importValue(
            part,
            servicePart,
            'ServiceDiscoveryServiceArn',
            `ARN of the Cloud Map service of ${service.name}`,
            `${service.id}ServiceDiscoveryServiceArn`,
          ),
          serviceSecurityGroupId: plan.importValue(
            part,
            servicePart,
            'ServiceSecurityGroup',
            `The security group of ${service.name}`,
            `${service.id}ServiceSecurityGroup`,
          ),
          containerPort: ecs.settings.containerPort,
          routeKeys: service.options.routes ?? [],
        });
      }
      plan.publish(part, this.apiGateway.outputs, API_OUTPUTS);
      this.network = foundation.network;
      this.cluster = foundation.cluster;
      this.services = Object.fromEntries(
        Object.keys(props.services).map((name) => [name, built.get(name)?.service as Service]),
      );
      this.service = Object.values(this.services)[0] as Service;
      this.apiGatewayUri = plan.outputInParent(
        part,
        'ApiGatewayUri',
        'The URL at which the public services receive traffic',
      );
      this.domainName = this.domainOutput(plan, part, props);
      return;
    }
    rejectRequestScaling(this.node.path, 'service', props.service?.scaling, API_GATEWAY_NO_LB);
    const core = this.buildCore(props, variant);
    const { plan, vpcPart, servicePart } = core;
    const part = plan.part(
      'ApiGatewayStack',
      'Wharf ingress: API Gateway HTTP API with a VPC link to the service',
    );
    this.apiGateway = new ApiGatewayIngress(part, 'ApiGateway', {
      ...props.apiGateway,
      vpcId: plan.importValue(part, vpcPart, 'VpcId', 'The VPC of the VPC link'),
      subnetIds: plan.importList(part, vpcPart, 'PublicSubnetIds', 'Subnets for the VPC link'),
      serviceSecurityGroupId: plan.importValue(
        part,
        servicePart,
        'ServiceSecurityGroup',
        "The service's security group",
      ),
      cloudMapServiceArn: plan.importValue(
        part,
        servicePart,
        'ServiceDiscoveryServiceArn',
        'ARN of the Cloud Map service',
      ),
      containerPort: core.service.settings.containerPort,
      domain: props.domain,
    });
    plan.publish(part, this.apiGateway.outputs, API_OUTPUTS);
    this.network = core.network;
    this.cluster = core.cluster;
    this.service = core.service;
    this.services = { [core.service.settings.serviceName]: core.service };
    this.apiGatewayUri = plan.outputInParent(
      part,
      'ApiGatewayUri',
      'The URL at which the Fargate service receives traffic',
    );
    this.domainName = this.domainOutput(plan, part, props);
  }

  /** The parent's `DomainName` output, with a domain. */
  private domainOutput(
    plan: StackLayoutPlan,
    part: Construct,
    props: ApiGatewayFargateServiceProps,
  ): string | undefined {
    if (props.domain === undefined) return undefined;
    return plan.outputInParent(part, 'DomainName', 'The custom domain name clients use');
  }
}

/**
 * Checks the services of an API Gateway pattern before anything is built: names, callers, each
 * container, and the route keys (syntax, and each key once on the API). Pure.
 */
export function planApiGatewayServices(
  owner: string,
  services: Readonly<Record<string, ApiGatewayServiceOptions>>,
  variant: Pick<PatternVariant, 'defaultHealthCheck'>,
): PlannedService<ApiGatewayServiceOptions>[] {
  const planned = planServices(owner, services, (_, o) => (o.routes?.length ?? 0) > 0);
  const routeOwners = new Map<string, string>();
  for (const service of Object.keys(services).map((n) => planned.find((p) => p.name === n))) {
    if (!service) continue;
    rejectRequestScaling(owner, service.prop, service.options.scaling, API_GATEWAY_NO_LB);
    withPropPrefix(owner, service.prop, () =>
      normalizeContainerOptions(
        owner,
        { ...service.options, serviceName: service.name },
        variant.defaultHealthCheck,
      ),
    );
    for (const [i, key] of (service.options.routes ?? []).entries()) {
      const prop = `${service.prop}.routes[${i}]`;
      parseRouteKey(owner, prop, key);
      const other = routeOwners.get(key);
      if (other !== undefined) {
        throw new PropsValidationError(
          owner,
          prop,
          `the route key '${key}' is also ${other}; allowed: each route key once per API (one route, one integration).`,
        );
      }
      routeOwners.set(key, prop);
    }
  }
  return planned;
}
