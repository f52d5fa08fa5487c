/**
 * The crossover of `wharf cost`: the same service (same tasks, same network) behind the other
 * ingress pattern, priced as a function of requests a month, and the request volume at which the
 * two cost the same; plus advice lines where money is obviously wasted.
 *
 * The current pattern's cost is the full estimate of the templates at each volume. The other
 * pattern's cost is the estimate's lines that do not depend on the ingress (`byIngress.shared`:
 * tasks, NAT, IPv4 of tasks, service logs, Container Insights) plus a modelled ingress:
 * - an ALB alternative: one internet-facing ALB with a node (and public IPv4 address) in each AZ
 *   the tasks run in (at least 2), no listener rules beyond the default action; Cloud Map
 *   resources used only by the HTTP API go away;
 * - an HTTP API alternative, as Wharf's `ApiGatewayFargateService` builds it: HTTP API, VPC link
 *   (assumption), a private DNS namespace (one Route 53 hosted zone, unless the templates already
 *   have a DNS namespace), every task registered in Cloud Map, access logs kept 30 days, detailed
 *   route metrics for one route.
 * Traffic shape (sizes, connection behaviour) stays the profile's at every volume.
 */

import {
  albLines,
  type CostEstimate,
  type CostLine,
  type CostModel,
  cloudMapLines,
  detailedMetricsLine,
  fmt,
  hostedZoneLine,
  httpApiRequestLines,
  type IngressPattern,
  logLines,
  priceCostModel,
  pricingContext,
  type ResourceId,
  vpcLinkLine,
} from './estimate.js';
import type { PricingAssumptions, RegionPrices } from './prices.js';
import { formatCount, type TrafficProfile, withRequests } from './traffic.js';

/** The modelled ingress of one pattern, independent of any template. */
export interface IngressScenario {
  readonly prices: RegionPrices;
  readonly assumptions: PricingAssumptions;
  /** Traffic shape; its request volume is replaced at each point. */
  readonly traffic: TrafficProfile;
  /** Tasks registered in Cloud Map on the HTTP API side. */
  readonly tasks: number;
  /** Route 53 hosted zones the HTTP API side adds (1 for a new private DNS namespace). */
  readonly hostedZones: number;
  /** Public IPv4 addresses of the ALB (one per AZ node, at least 2 when internet-facing). */
  readonly albPublicIpv4: number;
  /** Listener rules evaluated per request on the ALB (the first 10 are free). @default 0 */
  readonly albRules?: number;
  /** HTTP API side writes access logs (30-day retention). @default true */
  readonly apiAccessLogs?: boolean;
  /** HTTP API side enables detailed metrics on this many routes (0: off). @default 1 */
  readonly apiDetailedMetricRoutes?: number;
}

function modelled(type: string, logicalId: string): ResourceId {
  return { file: '(modelled alternative)', stack: '', logicalId, type };
}

const sumLines = (lines: readonly CostLine[]) => lines.reduce((total, l) => total + l.monthlyUsd, 0);

/** The modelled HTTP API ingress lines at `requestsPerMonth` (see the module comment). */
export function apiGatewayIngressLines(scenario: IngressScenario, requestsPerMonth: number): CostLine[] {
  const ctx = pricingContext(
    scenario.prices,
    scenario.assumptions,
    withRequests(scenario.traffic, requestsPerMonth),
  );
  const api = modelled('AWS::ApiGatewayV2::Api', 'HttpApi');
  const lines = [
    ...httpApiRequestLines(ctx, api),
    vpcLinkLine(ctx, modelled('AWS::ApiGatewayV2::VpcLink', 'VpcLink')),
    ...cloudMapLines(
      ctx,
      modelled('AWS::ServiceDiscovery::Service', 'ServiceDiscoveryService'),
      scenario.tasks,
      true,
      'api-gateway',
    ),
  ];
  for (let zone = 0; zone < scenario.hostedZones; zone++) {
    lines.push(
      hostedZoneLine(ctx, modelled('AWS::ServiceDiscovery::PrivateDnsNamespace', 'Namespace'), 'api-gateway'),
    );
  }
  const routes = scenario.apiDetailedMetricRoutes ?? 1;
  if (routes > 0) {
    lines.push(
      detailedMetricsLine(ctx, modelled('AWS::ApiGatewayV2::Stage', 'Stage'), routes, 'api-gateway'),
    );
  }
  if (scenario.apiAccessLogs ?? true) {
    lines.push(
      ...logLines(
        ctx,
        modelled('AWS::Logs::LogGroup', 'AccessLogs'),
        'API Gateway access logs',
        requestsPerMonth * scenario.assumptions.accessLogBytesPerRequest,
        `${fmt(requestsPerMonth)} requests × ${fmt(scenario.assumptions.accessLogBytesPerRequest)} B`,
        30,
        'api-gateway',
        'U',
      ),
    );
  }
  return lines;
}

/** The modelled ALB ingress lines at `requestsPerMonth` (see the module comment). */
export function albIngressLines(scenario: IngressScenario, requestsPerMonth: number): CostLine[] {
  const ctx = pricingContext(
    scenario.prices,
    scenario.assumptions,
    withRequests(scenario.traffic, requestsPerMonth),
  );
  return albLines(ctx, modelled('AWS::ElasticLoadBalancingV2::LoadBalancer', 'LoadBalancer'), {
    publicIpv4: scenario.albPublicIpv4,
    rules: scenario.albRules ?? 0,
  });
}

/** Monthly USD of the modelled HTTP API ingress at `requestsPerMonth`. */
export function apiGatewayIngressCost(scenario: IngressScenario, requestsPerMonth: number): number {
  return sumLines(apiGatewayIngressLines(scenario, requestsPerMonth));
}

/** Monthly USD of the modelled ALB ingress at `requestsPerMonth`. */
export function albIngressCost(scenario: IngressScenario, requestsPerMonth: number): number {
  return sumLines(albIngressLines(scenario, requestsPerMonth));
}

/** Where two cost curves cross. */
export interface CrossoverSolution {
  /** Requests a month at which both cost the same; `undefined` when they do not cross in the range. */
  readonly requestsPerMonth?: number;
  /** The pattern cheaper below the crossover (or everywhere in the range when there is none). */
  readonly cheaperBelow: IngressPattern;
}

/** The upper end of the search range: 10^12 requests a month (≈ 380,000 requests per second). */
export const MAX_REQUESTS_PER_MONTH = 1e12;

/**
 * Finds the smallest request volume in [0, {@link MAX_REQUESTS_PER_MONTH}] where `apiGateway(R)
 * − alb(R)` changes sign: a scan on a logarithmic grid (1,000 to 10^12, 40 points a decade), then
 * bisection to 0.01 %. Both curves are continuous and piecewise linear in R.
 */
export function solveCrossover(
  apiGateway: (requestsPerMonth: number) => number,
  alb: (requestsPerMonth: number) => number,
): CrossoverSolution {
  const diff = (r: number) => apiGateway(r) - alb(r);
  const grid = [0];
  for (let exponent = 3; exponent <= 12 + 1e-9; exponent += 1 / 40) grid.push(10 ** exponent);
  const first = diff(0);
  const cheaperBelow: IngressPattern = first <= 0 ? 'api-gateway' : 'alb';
  const sign = Math.sign(first) || -1;
  for (let i = 1; i < grid.length; i++) {
    if (Math.sign(diff(grid[i])) === -sign) {
      let lo = grid[i - 1];
      let hi = grid[i];
      while (hi - lo > hi * 1e-9) {
        const mid = (lo + hi) / 2;
        if (Math.sign(diff(mid)) === -sign) hi = mid;
        else lo = mid;
      }
      return { requestsPerMonth: (lo + hi) / 2, cheaperBelow };
    }
  }
  return { cheaperBelow };
}

/** One point of the two cost curves. */
export interface CurvePoint {
  readonly requestsPerMonth: number;
  readonly apiGatewayUsd: number;
  readonly albUsd: number;
}

/** The crossover of an application's ingress, and its advice. */
export interface Crossover {
  /** The pattern the templates use. */
  readonly current: IngressPattern;
  readonly alternative: IngressPattern;
  /** Requests a month where both cost the same; absent when they do not cross up to 10^12. */
  readonly requestsPerMonth?: number;
  /** The same per day (month = hoursPerMonth / 24 days). */
  readonly requestsPerDay?: number;
  readonly cheaperBelow: IngressPattern;
  /** Both totals at the profile's volume. */
  readonly apiGatewayUsd: number;
  readonly albUsd: number;
  /** What the modelled alternative contains, in words. */
  readonly alternativeDescription: string;
  /** One line of advice. */
  readonly advice: string;
  /** Total monthly cost of a pattern (the whole stack) at a volume. */
  readonly costAt: (pattern: IngressPattern, requestsPerMonth: number) => number;
}

function scenarioFor(model: CostModel, traffic: TrafficProfile): IngressScenario {
  const tasks = model.services.reduce((sum, s) => sum + s.tasks, 0);
  const azs = new Set(model.services.flatMap((s) => s.azs));
  return {
    prices: model.prices,
    assumptions: model.assumptions,
    traffic,
    tasks,
    hostedZones: model.namespaces.length > 0 ? 0 : 1,
    albPublicIpv4: Math.max(model.prices.alb.minimumAzs.value, azs.size),
    albRules: 0,
    apiAccessLogs: true,
    apiDetailedMetricRoutes: 1,
  };
}

const LABEL: Record<IngressPattern, string> = { 'api-gateway': 'API Gateway', alb: 'an ALB' };

/**
 * The crossover for an application that uses exactly one ingress pattern (see the module
 * comment); `undefined` when it uses none or both.
 */
export function findCrossover(model: CostModel, traffic: TrafficProfile): Crossover | undefined {
  if (model.pattern !== 'api-gateway' && model.pattern !== 'alb') return undefined;
  const current = model.pattern;
  const alternative: IngressPattern = current === 'alb' ? 'api-gateway' : 'alb';
  const scenario = scenarioFor(model, traffic);
  const estimateAt = (r: number): CostEstimate => priceCostModel(model, withRequests(traffic, r));
  const costAt = (pattern: IngressPattern, r: number): number => {
    const estimate = estimateAt(r);
    if (pattern === current) return estimate.totalMonthlyUsd;
    return (
      estimate.byIngress.shared +
      (pattern === 'alb' ? albIngressCost(scenario, r) : apiGatewayIngressCost(scenario, r))
    );
  };
  const solution = solveCrossover(
    (r) => costAt('api-gateway', r),
    (r) => costAt('alb', r),
  );
  const R = traffic.requestsPerMonth;
  const apiGatewayUsd = costAt('api-gateway', R);
  const albUsd = costAt('alb', R);
  const days = model.assumptions.hoursPerMonth / 24;
  const alternativeDescription =
    alternative === 'alb'
      ? `one internet-facing ALB with ${scenario.albPublicIpv4} nodes (public IPv4 each), no extra listener rules; Cloud Map resources of the HTTP API removed`
      : `HTTP API + VPC link + Cloud Map (${scenario.tasks} registered tasks${scenario.hostedZones > 0 ? ', a private DNS namespace' : ''}), access logs kept 30 days, detailed metrics on 1 route`;
  let advice: string;
  const money = (value: number) => `$${value.toFixed(2)}`;
  const at = `at ${formatCount(R)} requests/month ${LABEL['api-gateway']} costs ${money(apiGatewayUsd)} and ${LABEL.alb} ${money(albUsd)}`;
  if (solution.requestsPerMonth === undefined) {
    advice = `${LABEL[solution.cheaperBelow]} is cheaper at any volume up to ${formatCount(MAX_REQUESTS_PER_MONTH)} requests/month with these request sizes (${at}).`;
  } else {
    const cross = `${formatCount(solution.requestsPerMonth)} requests/month (≈ ${formatCount(solution.requestsPerMonth / days)}/day)`;
    const cheaperNow = R < solution.requestsPerMonth ? solution.cheaperBelow : other(solution.cheaperBelow);
    const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
    advice =
      cheaperNow === current
        ? `${capitalized(LABEL[current])} is the cheaper ingress for this traffic (${at}); ${LABEL[alternative]} becomes cheaper ${R < solution.requestsPerMonth ? 'above' : 'below'} ${cross}.`
        : `Switching to ${LABEL[alternative]} would save ${money(Math.abs(apiGatewayUsd - albUsd))}/month (${at}); the two cost the same at ${cross}.`;
  }
  return {
    current,
    alternative,
    ...(solution.requestsPerMonth === undefined
      ? {}
      : { requestsPerMonth: solution.requestsPerMonth, requestsPerDay: solution.requestsPerMonth / days }),
    cheaperBelow: solution.cheaperBelow,
    apiGatewayUsd,
    albUsd,
    alternativeDescription,
    advice,
    costAt,
  };
}

function other(pattern: IngressPattern): IngressPattern {
  return pattern === 'alb' ? 'api-gateway' : 'alb';
}

/**
 * Both curves at the given volumes (for the chart), the whole stack each.
 * @default requests - 0 and 10^3 … 10^11 in 10 points a decade
 */
export function costCurves(crossover: Crossover, requests?: readonly number[]): CurvePoint[] {
  const points = requests ?? [0, ...Array.from({ length: 81 }, (_, i) => 10 ** (3 + i / 10))];
  return points.map((r) => ({
    requestsPerMonth: r,
    apiGatewayUsd: crossover.costAt('api-gateway', r),
    albUsd: crossover.costAt('alb', r),
  }));
}

/** One advice line about obvious waste. */
export interface Advice {
  readonly kind: 'nat-per-az' | 'public-ipv4-per-task' | 'container-insights' | 'log-retention';
  readonly message: string;
  /** What following the advice saves a month, when it can be computed. */
  readonly monthlySavingsUsd?: number;
  readonly resources: readonly ResourceId[];
}

/**
 * Advice where money is obviously wasted: a NAT gateway per AZ (fine in production, waste on a
 * dev stack), a public IPv4 address per task (compared with one NAT gateway), Container Insights
 * costing a large share of a small service, log groups that keep logs forever.
 */
export function adviceFor(model: CostModel, estimate: CostEstimate): Advice[] {
  const { prices, assumptions } = model;
  const hours = assumptions.hoursPerMonth;
  const ipv4Month = assumptions.publicIpv4Billed ? hours * prices.publicIpv4Hour.value : 0;
  const natMonth = hours * prices.nat.hour.value;
  const advice: Advice[] = [];
  const money = (value: number) => `$${value.toFixed(2)}`;

  if (model.natGateways.length >= 2) {
    const perNat = natMonth + ipv4Month;
    const savings = (model.natGateways.length - 1) * perNat;
    advice.push({
      kind: 'nat-per-az',
      message: `${model.natGateways.length} NAT gateways (one per AZ) cost ${money(model.natGateways.length * perNat)}/month before data (${money(natMonth)} hours + ${money(ipv4Month)} address each). On a dev or test stack one NAT gateway is enough: saves ${money(savings)}/month (egress then depends on one AZ).`,
      monthlySavingsUsd: savings,
      resources: model.natGateways,
    });
  }

  const publicTasks = model.services.filter((s) => s.publicIp);
  const taskCount = publicTasks.reduce((sum, s) => sum + s.tasks, 0);
  if (taskCount > 0 && ipv4Month > 0) {
    const cost = taskCount * ipv4Month;
    const natAlternative = natMonth + ipv4Month;
    const breakEven = Math.ceil(natAlternative / ipv4Month);
    advice.push({
      kind: 'public-ipv4-per-task',
      message:
        taskCount < breakEven
          ? `${taskCount} tasks have a public IPv4 address each (${money(cost)}/month). That is still cheaper than private subnets behind one NAT gateway (${money(natAlternative)}/month) up to ${breakEven - 1} tasks; beyond that, or to keep tasks unreachable, move them to private subnets.`
          : `${taskCount} tasks have a public IPv4 address each (${money(cost)}/month); private subnets behind one NAT gateway cost ${money(natAlternative)}/month: saves ${money(cost - natAlternative)}/month.`,
      ...(taskCount >= breakEven ? { monthlySavingsUsd: cost - natAlternative } : {}),
      resources: publicTasks.map((s) => s.id),
    });
  }

  for (const cluster of model.clusters) {
    const insights = estimate.lines.filter(
      (l) => l.resource.logicalId === cluster.id.logicalId && l.resource.file === cluster.id.file,
    );
    const insightsUsd = insights.reduce((sum, l) => sum + l.monthlyUsd, 0);
    if (insightsUsd <= 0) continue;
    const inCluster = model.services.filter(
      (s) => s.clusterRef === cluster.ref || s.clusterRef === cluster.arn,
    );
    const fargateUsd = estimate.lines
      .filter(
        (l) => l.service === 'Fargate' && inCluster.some((s) => s.id.logicalId === l.resource.logicalId),
      )
      .reduce((sum, l) => sum + l.monthlyUsd, 0);
    const tasks = inCluster.reduce((sum, s) => sum + s.tasks, 0);
    if (tasks <= 4 || insightsUsd >= 0.1 * fargateUsd) {
      advice.push({
        kind: 'container-insights',
        message: `Container Insights on ${cluster.id.logicalId} costs ${money(insightsUsd)}/month for ${tasks} tasks whose compute costs ${money(fargateUsd)}/month (${fargateUsd > 0 ? Math.round((100 * insightsUsd) / fargateUsd) : 100}%). On a small service the free ECS service metrics (CPU, memory) may do: set containerInsights to disabled.`,
        monthlySavingsUsd: insightsUsd,
        resources: [cluster.id],
      });
    }
  }

  for (const group of model.logGroups) {
    if (group.retentionDays !== undefined) continue;
    const ingest = estimate.lines.filter(
      (l) =>
        l.resource.file === group.id.file &&
        l.resource.logicalId === group.id.logicalId &&
        l.service === 'CloudWatch Logs' &&
        l.unit === 'GB',
    );
    const gbPerMonth = ingest.reduce((sum, l) => sum + l.quantity, 0);
    const growth = gbPerMonth * prices.logs.storageGbMonth.value;
    advice.push({
      kind: 'log-retention',
      message: `Log group ${group.id.logicalId} (${group.id.stack}) has no RetentionInDays: logs are kept and billed forever${gbPerMonth > 0 ? `, storage grows by ${fmt(gbPerMonth)} GB (${money(growth)}/month more) every month` : ''}. Set RetentionInDays (Wharf's default is 30).`,
      resources: [group.id],
    });
  }
  return advice;
}
