/**
 * The cost model of `wharf cost`: reads an application through the project's one loader and
 * evaluator (`resolveApp`), finds every billable resource, and prices it for a traffic profile.
 *
 * Two steps, so callers that price the same templates many times (the crossover, the chart) read
 * them once: {@link buildCostModel} (templates → inventory) and {@link priceCostModel}
 * (inventory × traffic → {@link CostEstimate}); {@link estimateCost} does both.
 *
 * Priced: Fargate tasks (vCPU-hours and GB-hours, x86 or ARM, on-demand or Spot by the service's
 * capacity provider strategy, ephemeral storage above 20 GB), HTTP API requests (512 KB units,
 * 300 M tier), VPC links (assumption), detailed route metrics, ALB hours and LCUs (four
 * dimensions, the highest billed), NAT gateway hours and GB processed, public IPv4 addresses
 * (tasks with `AssignPublicIp: ENABLED`, Elastic IPs, internet-facing ALB nodes), Cloud Map
 * instances and private/public DNS namespaces (Route 53 hosted zones), Route 53 hosted zones of
 * custom domains (`route53.ts`: records, certificates and custom domain names are free or noted),
 * CloudWatch Logs ingestion and storage, Container Insights, CloudWatch alarms. A scaled service
 * is priced at the task count its target tracking holds at the traffic (`scaling.ts`). Every other resource is either in the list
 * of known free types or reported as "not priced", never counted as zero silently.
 *
 * This file reads the templates into the model and sums the bill; the lines of each priced AWS
 * service are built in its own file (`fargate.ts`, `alb.ts`, `http-api.ts`, `cloud-map.ts`,
 * `cloudwatch.ts`, on the shared pieces of `pricing-line.ts`), re-exported here.
 */

import { parseCpuUnits, parseMemoryMiB } from '../aws/fargate-sizes.js';
import { resolveApp } from '../template/evaluate.js';
import type { LoadedApp } from '../template/model.js';
import { plainNumber, plainRecord, plainText } from '../template/plain-values.js';
import type { PlainValue, ResolvedApp, ResolvedResource } from '../template/resolved.js';
import { albLines, type LcuDimensions, lcuDimensions } from './alb.js';
import { cloudMapLines, hostedZoneLine } from './cloud-map.js';
import { detailedMetricsLine, logLines, metricsLine } from './cloudwatch.js';
import { fargateLines } from './fargate.js';
import { apiGatewayUnitsPerRequest, httpApiRequestLines, vpcLinkLine } from './http-api.js';
import {
  type Confidence,
  type PricingAssumptions,
  pricesFor,
  pricingAssumptions,
  type RegionPrices,
} from './prices.js';
import { fmt, ipv4Line, line, type PricingContext, pricingContext, usd } from './pricing-line.js';
import {
  type CostNote,
  createdZoneLine,
  DOMAIN_TYPES,
  domainInventory,
  type HostedZoneInfo,
} from './route53.js';
import { type ServiceScaling, serviceScalingOf, type TasksAtTraffic, tasksAtTraffic } from './scaling.js';
import { type ServiceCost, serviceBreakdown } from './service-breakdown.js';
import type { TrafficProfile } from './traffic.js';

export type { CostNote, LcuDimensions, PricingContext };
export {
  albLines,
  apiGatewayUnitsPerRequest,
  cloudMapLines,
  detailedMetricsLine,
  fmt,
  hostedZoneLine,
  httpApiRequestLines,
  lcuDimensions,
  logLines,
  pricingContext,
  vpcLinkLine,
};

/** The two ingress patterns Wharf builds. */
export type IngressPattern = 'api-gateway' | 'alb';

/** Where a priced (or unpriced) resource is declared. */
export interface ResourceId {
  /** Template file. */
  readonly file: string;
  /** Stack display name (`ServiceStack`, or the root's name). */
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
}

/** One line of the monthly bill: `quantity × unitPriceUsd = monthlyUsd`. */
export interface CostLine {
  readonly resource: ResourceId;
  /** The AWS service billing it, e.g. `Fargate`, `Elastic Load Balancing`, `CloudWatch Logs`. */
  readonly service: string;
  /** What is charged, e.g. `vCPU-hours (x86, on-demand)`. */
  readonly what: string;
  readonly quantity: number;
  /** Unit of `quantity`, e.g. `vCPU-hour`, `LCU-hour`, `GB`. */
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  /** The arithmetic behind the line, with every input named. */
  readonly formula: string;
  /** The weakest confidence tag of the figures used. */
  readonly confidence: Confidence;
  /** Set when the line exists only because of this ingress pattern (used by the crossover). */
  readonly ingress?: IngressPattern;
}

/** A resource that looks billable but that the model does not price. */
export interface NotPriced {
  readonly resource: ResourceId;
  readonly reason: string;
}

/** The bill for one traffic profile. */
export interface CostEstimate {
  /** The application's name. */
  readonly app: string;
  readonly region: string;
  readonly currency: 'USD';
  /** Which ingress the templates use: `none` without HTTP API or ALB, `both` with both. */
  readonly pattern: IngressPattern | 'both' | 'none';
  readonly traffic: TrafficProfile;
  readonly assumptions: PricingAssumptions;
  readonly lines: readonly CostLine[];
  readonly totalMonthlyUsd: number;
  /** Sum of the lines tagged with each ingress; `shared` is everything else (tasks, network, logs). */
  readonly byIngress: { readonly 'api-gateway': number; readonly alb: number; readonly shared: number };
  /**
   * The lines each ECS service brings by itself (Fargate, its tasks' public IPv4, its own Cloud
   * Map registrations and log group), one entry per service; the rest is shared.
   */
  readonly byService: readonly ServiceCost[];
  /** What the bill depends on beyond its lines, e.g. a hosted zone named by id and billed to its owner. */
  readonly notes: readonly CostNote[];
  /** Billable-looking resources left out of the total. */
  readonly notPriced: readonly NotPriced[];
  /** Resource types known to cost nothing by themselves, with how many the templates have. */
  readonly free: readonly { readonly type: string; readonly count: number }[];
}

/** Options of {@link buildCostModel} and {@link estimateCost}. */
export interface CostOptions {
  /** Region to price in (and to resolve templates in). @default 'us-east-1' */
  readonly region?: string;
  /** Overrides of {@link PricingAssumptions}. */
  readonly assumptions?: Partial<PricingAssumptions>;
  /** Root-stack parameter values, as for `resolveApp`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** A price table to use instead of `PRICES[region]` (tests, what-ifs). */
  readonly prices?: RegionPrices;
}

/**
 * Resource types that cost nothing by themselves. Types that only enable a charge billed
 * elsewhere are here too (the stage's detailed metrics and the cluster's Container Insights are
 * priced on the stage and cluster lines; a listener's traffic on the load balancer line).
 */
export const FREE_TYPES: ReadonlySet<string> = new Set([
  'AWS::CloudFormation::Stack',
  'AWS::Serverless::Application',
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::CloudFormation::WaitCondition',
  'AWS::CDK::Metadata',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::ServiceLinkedRole',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::EgressOnlyInternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::VPCCidrBlock',
  'AWS::EC2::SubnetCidrBlock',
  'AWS::EC2::DHCPOptions',
  'AWS::EC2::VPCDHCPOptionsAssociation',
  'AWS::EC2::PrefixList',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::ClusterCapacityProviderAssociations',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::RouteResponse',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::IntegrationResponse',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Deployment',
  'AWS::ApiGatewayV2::ApiMapping',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Model',
  'AWS::ServiceDiscovery::HttpNamespace',
  'AWS::Logs::ResourcePolicy',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::SSM::Parameter',
  'AWS::Lambda::Permission',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
]);

/** Types the model prices (their lines come from the inventory below). */
const PRICED_TYPES = new Set([
  'AWS::ECS::Service',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::VpcLink',
  'AWS::EC2::NatGateway',
  'AWS::EC2::EIP',
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  'AWS::ServiceDiscovery::PublicDnsNamespace',
  'AWS::ServiceDiscovery::Service',
  'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Alarm',
]);

/** Why some well-known billable types are not priced. */
const NOT_PRICED_REASONS: Record<string, string> = {
  'AWS::ApiGateway::RestApi':
    'REST APIs (API Gateway v1) are priced differently from HTTP APIs; not modelled',
  'AWS::EC2::VPCEndpoint': 'VPC endpoints (interface endpoints per AZ-hour and GB) are not modelled',
  'AWS::Lambda::Function': 'Lambda functions (requests, GB-seconds) are not modelled',
  'AWS::EC2::Instance': 'EC2 instances are not modelled',
  'AWS::WAFv2::WebACL': 'WAF web ACLs (per ACL, rule and request) are not modelled',
  'AWS::ElasticLoadBalancingV2::TrustStore': 'mutual-TLS trust stores ($0.005/h) are not modelled',
};

/** A Fargate service as the model sees it. */
export interface ServiceInfo {
  readonly id: ResourceId;
  /** The `ServiceName` property, when it is known. */
  readonly name?: string;
  /**
   * With a scalable target: its `min` in the model (the service idle); {@link priceCostModel}
   * replaces it with the count the policies hold at the traffic priced (see `scaling.ts`).
   */
  readonly tasks: number;
  /** The service's ECS scalable target (range and target tracking policies), when it has one. */
  readonly scaling?: ServiceScaling;
  /**
   * Set by {@link priceCostModel} on a scaled service: the count at the traffic priced, why, and
   * what its own lines (Fargate, its tasks' public IPv4) would cost idle at the minimum.
   */
  readonly atTraffic?: TasksAtTraffic & { readonly idleMonthlyUsd: number };
  readonly vcpu: number;
  readonly memoryGb: number;
  readonly arm: boolean;
  /** Share of tasks on Fargate Spot, 0–1. */
  readonly spotShare: number;
  readonly ephemeralGb: number;
  readonly publicIp: boolean;
  readonly clusterRef: string;
  readonly logGroupNames: readonly string[];
  readonly registryArns: readonly string[];
  readonly azs: readonly string[];
}

interface AlbInfo {
  readonly id: ResourceId;
  readonly publicIpv4: number;
  readonly rules: number;
}

interface HttpApiInfo {
  readonly id: ResourceId;
  readonly ref: string;
  readonly routes: number;
  /** Cloud Map service ARNs its VPC-link integrations target. */
  readonly cloudMapTargets: readonly string[];
}

interface StageInfo {
  readonly id: ResourceId;
  readonly apiRef: string;
  readonly detailedMetrics: boolean;
  readonly accessLogArn?: string;
}

interface LogGroupInfo {
  readonly id: ResourceId;
  readonly name: string;
  readonly arn: string;
  readonly retentionDays?: number;
}

interface ClusterInfo {
  readonly id: ResourceId;
  readonly ref: string;
  readonly arn: string;
  readonly insights: 'off' | 'enabled' | 'enhanced';
}

interface DiscoveryServiceInfo {
  readonly id: ResourceId;
  readonly arn: string;
  readonly namespaceId: string;
}

/** The billable inventory of an application, read once from its templates. */
export interface CostModel {
  readonly app: ResolvedApp;
  readonly region: string;
  readonly prices: RegionPrices;
  readonly assumptions: PricingAssumptions;
  readonly pattern: CostEstimate['pattern'];
  /** Fargate services. */
  readonly services: readonly ServiceInfo[];
  readonly loadBalancers: readonly AlbInfo[];
  readonly httpApis: readonly HttpApiInfo[];
  readonly stages: readonly StageInfo[];
  readonly vpcLinks: readonly ResourceId[];
  readonly natGateways: readonly ResourceId[];
  readonly elasticIps: readonly { readonly id: ResourceId; readonly forNat: boolean }[];
  readonly namespaces: readonly {
    readonly id: ResourceId;
    readonly ref: string;
    readonly hostedZone: boolean;
  }[];
  readonly discoveryServices: readonly DiscoveryServiceInfo[];
  readonly logGroups: readonly LogGroupInfo[];
  readonly clusters: readonly ClusterInfo[];
  readonly alarms: readonly ResourceId[];
  /** Route 53 hosted zones the templates create (custom domains). */
  readonly hostedZones: readonly HostedZoneInfo[];
  /** What the bill depends on beyond its lines (zones created elsewhere). */
  readonly notes: readonly CostNote[];
  readonly notPriced: readonly NotPriced[];
  readonly free: readonly { readonly type: string; readonly count: number }[];
}

// ---------------------------------------------------------------- reading resolved values

function idOf(resource: ResolvedResource): ResourceId {
  return {
    file: resource.stack.loaded.file,
    stack: resource.stack.loaded.name,
    logicalId: resource.logicalId,
    type: resource.type,
  };
}

function list(value: PlainValue | undefined): PlainValue[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value !== '') return value.split(',');
  return [];
}

function at(value: PlainValue | undefined, path: string): PlainValue | undefined {
  let current: PlainValue | undefined = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

function resourcesOf(app: ResolvedApp, type: string): ResolvedResource[] {
  return app.stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => r.type === type));
}

/** Matches a value against a resource's `Ref` or any of its attributes. */
function refersTo(value: string | undefined, resource: ResolvedResource): boolean {
  if (value === undefined) return false;
  if (value === resource.ref) return true;
  return Object.values(resource.attributes).some((attribute) => attribute === value);
}

function lastSegment(value: string): string {
  return value.slice(value.lastIndexOf('/') + 1);
}

// ---------------------------------------------------------------- building the inventory

/**
 * Reads the application into the inventory the pricing works on. Resolves every intrinsic with
 * `resolveApp` (root parameters from `options.parameters`, else their defaults).
 *
 * @throws {@link UsageError} (`WHARF_COST_REGION`) for a region without prices, and whatever
 *   `resolveApp` throws for templates it cannot evaluate.
 */
export function buildCostModel(app: LoadedApp, options: CostOptions = {}): CostModel {
  const region = options.region ?? 'us-east-1';
  const prices = options.prices ?? pricesFor(region);
  const assumptions = pricingAssumptions(options.assumptions);
  const resolved = resolveApp(app, { parameters: options.parameters, environment: { region } });
  const notPriced: NotPriced[] = [];
  const freeCounts = new Map<string, number>();

  for (const stack of resolved.stacks) {
    for (const resource of stack.resources.values()) {
      if (PRICED_TYPES.has(resource.type) || DOMAIN_TYPES.has(resource.type)) continue;
      if (FREE_TYPES.has(resource.type)) {
        if (resource.type === 'AWS::SSM::Parameter' && plainText(resource.properties.Tier) === 'Advanced') {
          notPriced.push({
            resource: idOf(resource),
            reason: 'advanced-tier SSM parameters are not modelled',
          });
          continue;
        }
        freeCounts.set(resource.type, (freeCounts.get(resource.type) ?? 0) + 1);
        continue;
      }
      const reason =
        NOT_PRICED_REASONS[resource.type] ??
        (resource.type.startsWith('Custom::') || resource.type === 'AWS::CloudFormation::CustomResource'
          ? 'custom resource: its provider (usually a Lambda function run at deploy time) is not modelled'
          : `${resource.type} is not in Wharf's cost model; look up its pricing page`);
      notPriced.push({ resource: idOf(resource), reason });
    }
  }

  const subnetAz = new Map<string, string>();
  for (const subnet of resourcesOf(resolved, 'AWS::EC2::Subnet')) {
    const az =
      plainText(subnet.properties.AvailabilityZone) ?? plainText(subnet.properties.AvailabilityZoneId);
    subnetAz.set(subnet.ref, az ?? subnet.ref);
  }
  const azsOf = (subnets: PlainValue[]) => [
    ...new Set(
      subnets
        .map((s) => plainText(s))
        .filter((s): s is string => !!s)
        .map((s) => subnetAz.get(s) ?? s),
    ),
  ];

  const taskDefinitions = resourcesOf(resolved, 'AWS::ECS::TaskDefinition');
  const services: ServiceInfo[] = [];
  for (const service of resourcesOf(resolved, 'AWS::ECS::Service')) {
    const p = service.properties;
    const id = idOf(service);
    const taskDefRef = plainText(p.TaskDefinition);
    const taskDef = taskDefinitions.find((td) => refersTo(taskDefRef, td));
    const strategy = list(p.CapacityProviderStrategy).map(plainRecord);
    const launchType = plainText(p.LaunchType) ?? (strategy.length > 0 ? undefined : 'FARGATE');
    if (launchType && launchType !== 'FARGATE') {
      notPriced.push({
        resource: id,
        reason: `launch type ${launchType}: the instances it runs on are not modelled (only Fargate is)`,
      });
      continue;
    }
    if (strategy.some((s) => !/^FARGATE(_SPOT)?$/.test(plainText(s.CapacityProvider) ?? ''))) {
      notPriced.push({
        resource: id,
        reason: 'capacity providers other than FARGATE/FARGATE_SPOT are not modelled',
      });
      continue;
    }
    if (plainText(p.SchedulingStrategy) === 'DAEMON') {
      notPriced.push({
        resource: id,
        reason: 'DAEMON services run one task per instance; not modelled on Fargate',
      });
      continue;
    }
    if (!taskDef) {
      notPriced.push({
        resource: id,
        reason: `its task definition '${taskDefRef ?? '(none)'}' is not in these templates, so its size is unknown`,
      });
      continue;
    }
    const td = taskDef.properties;
    const cpu = td.Cpu === undefined ? undefined : parseCpuUnits(plainText(td.Cpu) ?? '');
    const memory = td.Memory === undefined ? undefined : parseMemoryMiB(plainText(td.Memory) ?? '');
    if (cpu === undefined || memory === undefined) {
      notPriced.push({
        resource: id,
        reason: `task definition ${taskDef.logicalId} has no task-level Cpu/Memory (Fargate requires both)`,
      });
      continue;
    }
    const os = plainText(at(td, 'RuntimePlatform.OperatingSystemFamily')) ?? 'LINUX';
    if (os !== 'LINUX') {
      notPriced.push({ resource: id, reason: `Fargate ${os} tasks (OS license charge) are not modelled` });
      continue;
    }
    const scaling = serviceScalingOf(
      resolved,
      plainText(service.attributes.Name) ?? plainText(p.ServiceName),
      plainText(p.Cluster),
    );
    // A scaled service is priced idle, at its minimum (an assumption the formula states).
    const tasks = scaling?.min ?? plainNumber(p.DesiredCount) ?? 1;
    let spotShare = 0;
    if (strategy.length > 0) {
      // Base tasks go to their provider first; the rest is split by weight.
      let remaining = tasks;
      let spotTasks = 0;
      for (const entry of strategy) {
        const base = Math.min(remaining, plainNumber(entry.Base) ?? 0);
        if (plainText(entry.CapacityProvider) === 'FARGATE_SPOT') spotTasks += base;
        remaining -= base;
      }
      const weights = strategy.map((e) => plainNumber(e.Weight) ?? 0);
      const total = weights.reduce((a, b) => a + b, 0);
      strategy.forEach((entry, i) => {
        if (total > 0 && plainText(entry.CapacityProvider) === 'FARGATE_SPOT')
          spotTasks += (remaining * weights[i]) / total;
      });
      spotShare = tasks > 0 ? spotTasks / tasks : 0;
    }
    const logGroupNames = list(td.ContainerDefinitions)
      .map(plainRecord)
      .filter((c) => plainText(at(c, 'LogConfiguration.LogDriver')) === 'awslogs')
      .map((c) => plainText(at(c, 'LogConfiguration.Options.awslogs-group')))
      .filter((name): name is string => !!name);
    services.push({
      id,
      name: plainText(p.ServiceName),
      tasks,
      scaling,
      vcpu: cpu / 1024,
      memoryGb: memory / 1024,
      arm: plainText(at(td, 'RuntimePlatform.CpuArchitecture')) === 'ARM64',
      spotShare,
      ephemeralGb: plainNumber(at(td, 'EphemeralStorage.SizeInGiB')) ?? 20,
      publicIp: plainText(at(p, 'NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp')) === 'ENABLED',
      clusterRef: plainText(p.Cluster) ?? 'default',
      logGroupNames: [...new Set(logGroupNames)],
      registryArns: list(p.ServiceRegistries)
        .map((r) => plainText(plainRecord(r).RegistryArn))
        .filter((a): a is string => !!a),
      azs: azsOf(list(at(p, 'NetworkConfiguration.AwsvpcConfiguration.Subnets'))),
    });
  }

  const listeners = resourcesOf(resolved, 'AWS::ElasticLoadBalancingV2::Listener');
  const listenerRules = resourcesOf(resolved, 'AWS::ElasticLoadBalancingV2::ListenerRule');
  const loadBalancers: AlbInfo[] = [];
  for (const lb of resourcesOf(resolved, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const p = lb.properties;
    const type = plainText(p.Type) ?? 'application';
    if (type !== 'application') {
      notPriced.push({
        resource: idOf(lb),
        reason: `${type} load balancers (NLCU/GLCU) are not modelled; only application load balancers are`,
      });
      continue;
    }
    const subnets = [
      ...list(p.Subnets),
      ...list(p.SubnetMappings).map((m) => plainRecord(m).SubnetId ?? null),
    ];
    const internetFacing = (plainText(p.Scheme) ?? 'internet-facing') === 'internet-facing';
    const noIpv4 = plainText(p.IpAddressType) === 'dualstack-without-public-ipv4';
    const azCount = Math.max(azsOf(subnets).length, 2);
    const ownListeners = listeners.filter((l) => refersTo(plainText(l.properties.LoadBalancerArn), lb));
    const rulesPerListener = ownListeners.map(
      (l) => listenerRules.filter((r) => refersTo(plainText(r.properties.ListenerArn), l)).length,
    );
    loadBalancers.push({
      id: idOf(lb),
      publicIpv4: internetFacing && !noIpv4 ? azCount : 0,
      rules: Math.max(0, ...rulesPerListener),
    });
  }

  const routes = resourcesOf(resolved, 'AWS::ApiGatewayV2::Route');
  const integrations = resourcesOf(resolved, 'AWS::ApiGatewayV2::Integration');
  const httpApis: HttpApiInfo[] = [];
  for (const api of resourcesOf(resolved, 'AWS::ApiGatewayV2::Api')) {
    const protocol = plainText(api.properties.ProtocolType) ?? 'HTTP';
    if (protocol !== 'HTTP') {
      notPriced.push({
        resource: idOf(api),
        reason: `${protocol} APIs (messages and connection minutes) are not modelled; only HTTP APIs are`,
      });
      continue;
    }
    const own = (r: ResolvedResource) => plainText(r.properties.ApiId) === api.ref;
    httpApis.push({
      id: idOf(api),
      ref: api.ref,
      routes: Math.max(1, routes.filter(own).length),
      cloudMapTargets: integrations
        .filter(own)
        .filter((i) => plainText(i.properties.ConnectionType) === 'VPC_LINK')
        .map((i) => plainText(i.properties.IntegrationUri) ?? '')
        .filter((uri) => uri.includes(':servicediscovery:')),
    });
  }
  const stages: StageInfo[] = resourcesOf(resolved, 'AWS::ApiGatewayV2::Stage').map((stage) => {
    const p = stage.properties;
    const routeSettings = Object.values(plainRecord(p.RouteSettings)).map(plainRecord);
    return {
      id: idOf(stage),
      apiRef: plainText(p.ApiId) ?? '',
      detailedMetrics:
        at(p, 'DefaultRouteSettings.DetailedMetricsEnabled') === true ||
        routeSettings.some((s) => s.DetailedMetricsEnabled === true),
      accessLogArn: plainText(at(p, 'AccessLogSettings.DestinationArn')),
    };
  });

  const eipResources = resourcesOf(resolved, 'AWS::EC2::EIP');
  const natResources = resourcesOf(resolved, 'AWS::EC2::NatGateway');
  const natAllocations = new Set(
    natResources.map((n) => plainText(n.properties.AllocationId)).filter(Boolean),
  );

  const discoveryServices = resourcesOf(resolved, 'AWS::ServiceDiscovery::Service').map((s) => {
    if (s.properties.HealthCheckConfig !== undefined) {
      notPriced.push({
        resource: idOf(s),
        reason: 'HealthCheckConfig creates Route 53 health checks per instance, which are not modelled',
      });
    }
    return {
      id: idOf(s),
      arn: plainText(s.attributes.Arn) ?? s.ref,
      namespaceId:
        plainText(at(s.properties, 'DnsConfig.NamespaceId')) ?? plainText(s.properties.NamespaceId) ?? '',
    };
  });

  const namespaceTypes = [
    'AWS::ServiceDiscovery::PrivateDnsNamespace',
    'AWS::ServiceDiscovery::PublicDnsNamespace',
  ];
  const namespaces = namespaceTypes.flatMap((type) =>
    resourcesOf(resolved, type).map((ns) => ({ id: idOf(ns), ref: ns.ref, hostedZone: true })),
  );

  const logGroups: LogGroupInfo[] = resourcesOf(resolved, 'AWS::Logs::LogGroup').map((lg) => {
    const retention = plainNumber(lg.properties.RetentionInDays);
    return {
      id: idOf(lg),
      name: lg.ref,
      arn: plainText(lg.attributes.Arn) ?? lg.ref,
      ...(retention === undefined ? {} : { retentionDays: retention }),
    };
  });

  const clusters: ClusterInfo[] = resourcesOf(resolved, 'AWS::ECS::Cluster').map((cluster) => {
    const setting = list(cluster.properties.ClusterSettings)
      .map(plainRecord)
      .find((s) => plainText(s.Name) === 'containerInsights');
    const value = plainText(setting?.Value);
    return {
      id: idOf(cluster),
      ref: cluster.ref,
      arn: plainText(cluster.attributes.Arn) ?? cluster.ref,
      insights: value === 'enabled' ? 'enabled' : value === 'enhanced' ? 'enhanced' : 'off',
    };
  });
  for (const cluster of clusters) {
    if (cluster.insights === 'enhanced') {
      notPriced.push({
        resource: cluster.id,
        reason:
          'Container Insights with enhanced observability adds task- and container-level metrics whose count and price are unconfirmed; only the classic set is priced',
      });
    }
  }

  const domains = domainInventory(resolved, idOf, prices.route53.hostedZoneMonth.value);
  notPriced.push(...domains.notPriced);
  for (const resource of domains.free)
    freeCounts.set(resource.type, (freeCounts.get(resource.type) ?? 0) + 1);

  const hasApiGateway = httpApis.length > 0;
  const hasAlb = loadBalancers.length > 0;
  const pattern = hasApiGateway && hasAlb ? 'both' : hasApiGateway ? 'api-gateway' : hasAlb ? 'alb' : 'none';

  return {
    app: resolved,
    region,
    prices,
    assumptions,
    pattern,
    services,
    loadBalancers,
    httpApis,
    stages,
    vpcLinks: resourcesOf(resolved, 'AWS::ApiGatewayV2::VpcLink').map(idOf),
    natGateways: natResources.map(idOf),
    elasticIps: eipResources.map((eip) => ({
      id: idOf(eip),
      forNat: natAllocations.has(plainText(eip.attributes.AllocationId)) || natAllocations.has(eip.ref),
    })),
    namespaces,
    discoveryServices,
    logGroups,
    clusters,
    alarms: resourcesOf(resolved, 'AWS::CloudWatch::Alarm').map(idOf),
    hostedZones: domains.zones,
    notes: domains.notes,
    notPriced,
    free: [...freeCounts]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => a.type.localeCompare(b.type)),
  };
}

/**
 * A scaled service at the traffic of `ctx`: `tasks` becomes the count its target tracking holds
 * (`scaling.ts`), with the idle price of its own lines at the minimum beside it.
 */
function scaledAtTraffic(ctx: PricingContext, service: ServiceInfo): ServiceInfo {
  if (!service.scaling) return service;
  const held = tasksAtTraffic(service.scaling, service.vcpu, ctx.traffic, ctx.assumptions);
  const idle = fargateLines(ctx, { ...service, tasks: service.scaling.min });
  return {
    ...service,
    tasks: held.tasks,
    atTraffic: { ...held, idleMonthlyUsd: idle.reduce((sum, l) => sum + l.monthlyUsd, 0) },
  };
}

/**
 * Prices an inventory for a traffic profile. Each ingress (HTTP API, ALB) is assumed to carry the
 * whole profile; each Fargate service writes `logBytesPerRequest` per request to its log groups.
 */
export function priceCostModel(model: CostModel, traffic: TrafficProfile): CostEstimate {
  const { prices, assumptions } = model;
  const ctx = pricingContext(prices, assumptions, traffic);
  const hours = assumptions.hoursPerMonth;
  const R = traffic.requestsPerMonth;
  const lines: CostLine[] = [];
  const services = model.services.map((service) => scaledAtTraffic(ctx, service));

  // Compute.
  for (const service of services) lines.push(...fargateLines(ctx, service));

  // Ingress: HTTP APIs, their VPC links, stages, Cloud Map.
  for (const api of model.httpApis) lines.push(...httpApiRequestLines(ctx, api.id));
  for (const link of model.vpcLinks) lines.push(vpcLinkLine(ctx, link));
  for (const stage of model.stages) {
    const api = model.httpApis.find((a) => a.ref === stage.apiRef);
    if (stage.detailedMetrics && api)
      lines.push(detailedMetricsLine(ctx, stage.id, api.routes, 'api-gateway'));
  }
  const apiTargets = new Set(model.httpApis.flatMap((api) => api.cloudMapTargets));
  const apiNamespaces = new Set(
    model.discoveryServices.filter((s) => apiTargets.has(s.arn)).map((s) => s.namespaceId),
  );
  for (const ns of model.namespaces) {
    lines.push(hostedZoneLine(ctx, ns.id, apiNamespaces.has(ns.ref) ? 'api-gateway' : undefined));
  }
  for (const discovery of model.discoveryServices) {
    const instances = services
      .filter((s) => s.registryArns.includes(discovery.arn))
      .reduce((sum, s) => sum + s.tasks, 0);
    const forApi = apiTargets.has(discovery.arn);
    lines.push(...cloudMapLines(ctx, discovery.id, instances, forApi, forApi ? 'api-gateway' : undefined));
  }

  // Custom domains: the hosted zones the templates create.
  for (const zone of model.hostedZones) lines.push(createdZoneLine(ctx, zone));

  // Ingress: load balancers.
  for (const alb of model.loadBalancers) lines.push(...albLines(ctx, alb.id, alb));

  // Network: NAT gateways and Elastic IPs.
  if (model.natGateways.length > 0) {
    const behindNat = services.filter((s) => !s.publicIp);
    const taskCount = behindNat.reduce((sum, s) => sum + s.tasks, 0);
    const logBytes = behindNat.reduce(
      (sum, s) => sum + (s.logGroupNames.length > 0 ? R * traffic.logBytesPerRequest : 0),
      0,
    );
    const totalGb = taskCount * assumptions.natGbPerTaskMonth + logBytes / assumptions.bytesPerGB;
    const share = model.natGateways.length;
    for (const nat of model.natGateways) {
      lines.push(
        line({
          resource: nat,
          service: 'NAT gateway',
          what: 'NAT gateway hours',
          quantity: hours,
          unit: 'NAT-hour',
          price: prices.nat.hour,
          formula: `${hours} h × ${usd(prices.nat.hour.value)}`,
        }),
        line({
          resource: nat,
          service: 'NAT gateway',
          what: 'data processed (image pulls, outbound calls, log shipping)',
          quantity: totalGb / share,
          unit: 'GB',
          price: prices.nat.processedGb,
          formula:
            `(${fmt(taskCount)} tasks behind NAT × ${fmt(assumptions.natGbPerTaskMonth)} GB + ` +
            `${fmt(R)} requests × ${fmt(traffic.logBytesPerRequest)} B of logs = ${fmt(totalGb)} GB) ÷ ${share} NAT gateway${share > 1 ? 's' : ''} × ${usd(prices.nat.processedGb.value)}`,
          confidence: 'U',
        }),
      );
    }
  }
  for (const eip of model.elasticIps) {
    lines.push(ipv4Line(ctx, eip.id, 1, eip.forNat ? "NAT gateway's Elastic IP" : 'Elastic IP'));
  }

  // Logs.
  const accessLogStages = model.stages.filter((s) => s.accessLogArn);
  for (const group of model.logGroups) {
    const writers = services.filter((s) => s.logGroupNames.includes(group.name));
    const stagesHere = accessLogStages.filter(
      (s) => s.accessLogArn === group.arn || s.accessLogArn === group.name,
    );
    if (writers.length > 0) {
      lines.push(
        ...logLines(
          ctx,
          group.id,
          `service logs of ${writers.map((w) => w.id.logicalId).join(', ')}`,
          writers.length * R * traffic.logBytesPerRequest,
          `${writers.length > 1 ? `${writers.length} services × ` : ''}${fmt(R)} requests × ${fmt(traffic.logBytesPerRequest)} B`,
          group.retentionDays,
        ),
      );
    }
    if (stagesHere.length > 0) {
      lines.push(
        ...logLines(
          ctx,
          group.id,
          'API Gateway access logs',
          stagesHere.length * R * assumptions.accessLogBytesPerRequest,
          `${stagesHere.length > 1 ? `${stagesHere.length} stages × ` : ''}${fmt(R)} requests × ${fmt(assumptions.accessLogBytesPerRequest)} B`,
          group.retentionDays,
          'api-gateway',
          'U',
        ),
      );
    }
    if (writers.length === 0 && stagesHere.length === 0) {
      lines.push(
        line({
          resource: group.id,
          service: 'CloudWatch Logs',
          what: 'ingestion (no writer found in these templates)',
          quantity: 0,
          unit: 'GB',
          price: prices.logs.ingestGb,
          formula: `0 GB × ${usd(prices.logs.ingestGb.value)}`,
        }),
      );
    }
  }
  for (const stage of accessLogStages) {
    const known = model.logGroups.some((g) => g.arn === stage.accessLogArn || g.name === stage.accessLogArn);
    if (!known) {
      lines.push(
        ...logLines(
          ctx,
          stage.id,
          `API Gateway access logs to ${lastSegment(stage.accessLogArn ?? '')} (outside these templates, retention unknown: assumed 30 days)`,
          R * assumptions.accessLogBytesPerRequest,
          `${fmt(R)} requests × ${fmt(assumptions.accessLogBytesPerRequest)} B`,
          30,
          'api-gateway',
          'U',
        ),
      );
    }
  }

  // Container Insights.
  for (const cluster of model.clusters) {
    if (cluster.insights === 'off') continue;
    const inCluster = services.filter((s) => s.clusterRef === cluster.ref || s.clusterRef === cluster.arn);
    const tasks = inCluster.reduce((sum, s) => sum + s.tasks, 0);
    const { perCluster, perService } = assumptions.containerInsightsMetrics;
    const metrics = tasks > 0 ? perCluster + perService * inCluster.length : 0;
    lines.push(
      metricsLine(
        ctx,
        cluster.id,
        'Container Insights metrics',
        metrics,
        tasks > 0
          ? `${perCluster} cluster metrics + ${perService} × ${inCluster.length} service${inCluster.length > 1 ? 's' : ''}`
          : '0 metrics (no tasks)',
        'U',
      ),
    );
    const minutes = hours * 60;
    const bytes = tasks * minutes * assumptions.containerInsightsLogBytesPerTaskMinute;
    lines.push(
      ...logLines(
        ctx,
        cluster.id,
        'Container Insights performance events',
        bytes,
        `${fmt(tasks)} tasks × ${fmt(minutes)} min × ${fmt(assumptions.containerInsightsLogBytesPerTaskMinute)} B`,
        1,
        undefined,
        'U',
      ),
    );
  }

  // Alarms.
  for (const alarm of model.alarms) {
    lines.push(
      line({
        resource: alarm,
        service: 'CloudWatch',
        what: 'alarm (standard resolution)',
        quantity: 1,
        unit: 'alarm-month',
        price: prices.cloudWatch.alarmMonth,
        formula: `1 × ${usd(prices.cloudWatch.alarmMonth.value)}`,
      }),
    );
  }

  const sum = (filter: (l: CostLine) => boolean) =>
    lines.filter(filter).reduce((total, l) => total + l.monthlyUsd, 0);
  return {
    app: model.app.loaded.name,
    region: model.region,
    currency: 'USD',
    pattern: model.pattern,
    traffic,
    assumptions,
    lines,
    totalMonthlyUsd: sum(() => true),
    byIngress: {
      'api-gateway': sum((l) => l.ingress === 'api-gateway'),
      alb: sum((l) => l.ingress === 'alb'),
      shared: sum((l) => l.ingress === undefined),
    },
    byService: serviceBreakdown({ ...model, services }, lines),
    notes: model.notes,
    notPriced: model.notPriced,
    free: model.free,
  };
}

/**
 * Prices every billable resource of `app` for `traffic` (see the module comment).
 *
 * @throws {@link UsageError} (`WHARF_COST_REGION`) for a region without prices, and the
 *   `TemplateError`s of `resolveApp`.
 * @example
 * const estimate = estimateCost(loadTemplateFile('out/parent.yml'), parseTraffic({ requests: '10M/month' }));
 * for (const l of estimate.lines) console.log(l.resource.logicalId, l.what, l.monthlyUsd.toFixed(2), l.formula);
 */
export function estimateCost(
  app: LoadedApp,
  traffic: TrafficProfile,
  options: CostOptions = {},
): CostEstimate {
  return priceCostModel(buildCostModel(app, options), traffic);
}
