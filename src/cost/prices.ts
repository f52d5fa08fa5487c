/**
 * The price data of `wharf cost`: one table per region ({@link PRICES}), every figure with its
 * source, the date it was read or published, and a confidence tag, plus the pricing rules that
 * no AWS page settles ({@link PricingAssumptions}), each an explicit switch with a stated default.
 *
 * Figures and tags come from the project's pricing reference (`docs/reference/pricing.md`),
 * compiled from AWS pricing pages and AWS Price List rows; source ids (`S1`, `S9`, …) are that
 * reference's, followed by the AWS page the figure belongs to. Confidence tags:
 * - `C1` first-party AWS text (pricing page, documentation, whitepaper);
 * - `C2` an AWS Price List row (usage type / SKU / publication date) quoted by a third party;
 * - `C3` a secondary source only (blog, calculator);
 * - `U` unconfirmed or inferred.
 * Combined tags (`C1+C2`, `C2/C3`) mean the figure has both kinds of support, or parts of it do.
 */

import { UsageError } from '../errors.js';

/** How well a figure is supported; see the module comment. */
export type Confidence = 'C1' | 'C1+C2' | 'C1/U' | 'C2' | 'C2/C3' | 'C3' | 'U';

/** One priced or metered figure with where it comes from. */
export interface PriceFact {
  /** The number: USD for prices, the quantity for metering facts (e.g. 25 new connections/s per LCU). */
  readonly value: number;
  /** What `value` is per, e.g. `USD per vCPU-hour`, `new connections per second per LCU`. */
  readonly unit: string;
  /** The reference's source id and the AWS page (or Price List usage type) behind it. */
  readonly source: string;
  /** When the source was read or the price published (`YYYY-MM-DD`, or `YYYY-MM` when only the month is known). */
  readonly asOf: string;
  readonly confidence: Confidence;
  /** Anything a reader needs to use the figure correctly. */
  readonly note?: string;
}

/** Fargate vCPU-hour and GB-hour prices of one architecture and purchase option. */
export interface FargateRates {
  readonly vcpuHour: PriceFact;
  readonly gbHour: PriceFact;
}

/** Every figure the cost model uses for one region. */
export interface RegionPrices {
  readonly region: string;
  readonly currency: 'USD';
  readonly fargate: {
    readonly x86: FargateRates;
    readonly arm: FargateRates;
    /** Fargate Spot floats; these are a dated snapshot. */
    readonly spotX86: FargateRates;
    readonly spotArm: FargateRates;
    /** Ephemeral storage above the included amount, per GB-hour. */
    readonly ephemeralGbHour: PriceFact;
    /** Ephemeral storage included with every task, GB. */
    readonly ephemeralIncludedGb: PriceFact;
  };
  readonly apiGateway: {
    /** HTTP API, per request (per 512 KB unit) for the first {@link httpTier1Requests} a month. */
    readonly httpRequestTier1: PriceFact;
    /** Size of the first tier, requests a month. */
    readonly httpTier1Requests: PriceFact;
    /** HTTP API, per request beyond the first tier. */
    readonly httpRequestTier2: PriceFact;
    /** HTTP APIs are metered in increments of this many bytes. */
    readonly meteringIncrementBytes: PriceFact;
    /** Requests a month free for 12 months (accounts created before 2025-07-15). */
    readonly freeTierRequests: PriceFact;
  };
  readonly alb: {
    readonly hour: PriceFact;
    readonly lcuHour: PriceFact;
    readonly lcuNewConnectionsPerSecond: PriceFact;
    readonly lcuActiveConnectionsPerMinute: PriceFact;
    /** For IP targets (Fargate `awsvpc` tasks are IP targets). */
    readonly lcuProcessedGbPerHour: PriceFact;
    readonly lcuRuleEvaluationsPerSecond: PriceFact;
    /** Rules processed per request that do not count as rule evaluations. */
    readonly freeRules: PriceFact;
    /** Minimum nodes (and so public IPv4 addresses) of an internet-facing ALB. */
    readonly minimumAzs: PriceFact;
    readonly freeTierHours: PriceFact;
    readonly freeTierLcus: PriceFact;
  };
  readonly nat: {
    readonly hour: PriceFact;
    readonly processedGb: PriceFact;
  };
  /** Any public IPv4 address, in use or idle (task public IPs, Elastic IPs, ALB nodes). */
  readonly publicIpv4Hour: PriceFact;
  readonly cloudMap: {
    /** Per registered instance (each running ECS task in a Cloud Map service). */
    readonly resourceMonth: PriceFact;
    /** Per `DiscoverInstances` call. */
    readonly discoveryCall: PriceFact;
  };
  readonly route53: {
    /** Per hosted zone, first 25 zones (a private DNS namespace creates one). */
    readonly hostedZoneMonth: PriceFact;
  };
  readonly logs: {
    readonly ingestGb: PriceFact;
    readonly storageGbMonth: PriceFact;
    readonly freeTierGb: PriceFact;
  };
  readonly cloudWatch: {
    /** First 10,000 custom metrics; later tiers are not reached by one service. */
    readonly customMetricMonth: PriceFact;
    readonly alarmMonth: PriceFact;
    readonly freeTierMetrics: PriceFact;
  };
}

const S = {
  S1: 'S1 https://aws.amazon.com/api-gateway/pricing/',
  S2: 'S2 https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
  S3: 'S3 AWS Price List AmazonApiGateway USE1-ApiGatewayHttpRequest (SKU FC2TWT2UEPTBKVBX), https://aws.amazon.com/api-gateway/pricing/',
  S4: 'S4 https://aws.amazon.com/elasticloadbalancing/pricing/',
  S5: 'S5 AWS Price List AWSELB LoadBalancerUsage / LCUUsage (SKUs 37CUWUT8GSNQEPUV, P2XGEJ8N3KU52WA8), https://aws.amazon.com/elasticloadbalancing/pricing/',
  S6: 'S6 https://aws.amazon.com/elasticloadbalancing/classicloadbalancer/pricing/',
  S7: 'S7 https://aws.amazon.com/vpc/pricing/',
  S9: 'S9 AWS Price List AmazonEC2 NatGateway-Hours (SKU M2YSHUBETB3JX4M4) / NatGateway-Bytes, https://aws.amazon.com/vpc/pricing/',
  S10: 'S10 https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html',
  S11: 'S11 AWS Price List AmazonECS (USE1-Fargate-*), https://aws.amazon.com/fargate/pricing/',
  S11spot:
    'S11 Fargate Spot price feed https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json, https://aws.amazon.com/fargate/pricing/',
  S13: 'S13 AWS Price List AWSCloudMap (Cloud-Map-Resources, Cloud-Map-DIR-API-Calls), https://aws.amazon.com/cloud-map/pricing/',
  S15: 'S15 AWS Price List AmazonRoute53 (hosted zone), https://aws.amazon.com/route53/pricing/',
  S16: 'S16 AWS Price List AmazonCloudWatch (USE1-DataProcessing-Bytes, USE1-TimedStorage-ByteHrs, CW:MetricMonitorUsage), https://aws.amazon.com/cloudwatch/pricing/',
  S4b: 'S4b https://aws.amazon.com/cloudwatch/pricing/ (alarm example)',
  S19: 'S19 https://aws.amazon.com/free/ (free tier change of 2025-07-15)',
} as const;

function fact(
  value: number,
  unit: string,
  source: string,
  asOf: string,
  confidence: Confidence,
  note?: string,
): PriceFact {
  return note === undefined
    ? { value, unit, source, asOf, confidence }
    : { value, unit, source, asOf, confidence, note };
}

const US_EAST_1: RegionPrices = {
  region: 'us-east-1',
  currency: 'USD',
  fargate: {
    x86: {
      vcpuHour: fact(0.04048, 'USD per vCPU-hour (Linux/x86)', S.S11, '2026-09-11', 'C2'),
      gbHour: fact(0.004445, 'USD per GB-hour (Linux/x86)', S.S11, '2026-09-11', 'C2'),
    },
    arm: {
      vcpuHour: fact(0.03238, 'USD per vCPU-hour (Linux/ARM)', S.S11, '2026-09-11', 'C2'),
      gbHour: fact(0.00356, 'USD per GB-hour (Linux/ARM)', S.S11, '2026-09-11', 'C2'),
    },
    spotX86: {
      vcpuHour: fact(
        0.01288871,
        'USD per vCPU-hour (Spot, Linux/x86)',
        S.S11spot,
        '2026-09-28',
        'C2/C3',
        'floating price; snapshot',
      ),
      gbHour: fact(
        0.00141527,
        'USD per GB-hour (Spot, Linux/x86)',
        S.S11spot,
        '2026-09-28',
        'C2/C3',
        'floating price; snapshot',
      ),
    },
    spotArm: {
      vcpuHour: fact(
        0.01030969,
        'USD per vCPU-hour (Spot, Linux/ARM)',
        S.S11spot,
        '2026-09-28',
        'C2/C3',
        'floating price; snapshot',
      ),
      gbHour: fact(
        0.00113349,
        'USD per GB-hour (Spot, Linux/ARM)',
        S.S11spot,
        '2026-09-28',
        'C2/C3',
        'floating price; snapshot',
      ),
    },
    ephemeralGbHour: fact(0.000111, 'USD per GB-hour above the included storage', S.S11, '2026-09-11', 'C2'),
    ephemeralIncludedGb: fact(20, 'GB included per task', S.S11, '2026-09-11', 'C2'),
  },
  apiGateway: {
    httpRequestTier1: fact(
      0.000001,
      'USD per HTTP API request (first 300 million a month)',
      S.S3,
      '2026-08-12',
      'C1+C2',
    ),
    httpTier1Requests: fact(300_000_000, 'requests a month in the first tier', S.S1, '2026-09-20', 'C1+C2'),
    httpRequestTier2: fact(
      0.0000009,
      'USD per HTTP API request (over 300 million a month)',
      S.S3,
      '2026-08-12',
      'C1+C2',
    ),
    meteringIncrementBytes: fact(
      524_288,
      'bytes per metered request ("metered in 512 KB increments")',
      S.S1,
      '2026-09-20',
      'C1/U',
      'whether response bytes count is not stated; see PricingAssumptions.responseBytesCountTowardApiGatewayUnits',
    ),
    freeTierRequests: fact(
      1_000_000,
      'requests a month free for 12 months (accounts before 2025-07-15)',
      S.S19,
      '2026-09-20',
      'C1',
    ),
  },
  alb: {
    hour: fact(0.0225, 'USD per ALB-hour (partial hour billed as a full hour)', S.S5, '2026-09-14', 'C1+C2'),
    lcuHour: fact(0.008, 'USD per LCU-hour', S.S5, '2026-09-14', 'C1+C2'),
    lcuNewConnectionsPerSecond: fact(25, 'new connections per second per LCU', S.S4, '2026-09-20', 'C1'),
    lcuActiveConnectionsPerMinute: fact(
      3000,
      'active connections per minute per LCU (1,500 with mutual TLS)',
      S.S4,
      '2026-09-20',
      'C1',
    ),
    lcuProcessedGbPerHour: fact(1, 'GB processed per hour per LCU (IP targets)', S.S4, '2026-09-20', 'C1'),
    lcuRuleEvaluationsPerSecond: fact(1000, 'rule evaluations per second per LCU', S.S4, '2026-09-20', 'C1'),
    freeRules: fact(10, 'rules processed per request that are free', S.S4, '2026-09-20', 'C1'),
    minimumAzs: fact(
      2,
      'AZs (nodes, public IPv4 addresses) at least, internet-facing',
      S.S10,
      '2026-09-29',
      'C1/U',
      'more addresses when ELB scales nodes; count unconfirmed',
    ),
    freeTierHours: fact(
      750,
      'ALB-hours a month free for 12 months (legacy accounts)',
      S.S6,
      '2026-09-20',
      'C1',
    ),
    freeTierLcus: fact(15, 'LCUs free for 12 months (legacy accounts)', S.S6, '2026-09-20', 'C1'),
  },
  nat: {
    hour: fact(0.045, 'USD per NAT-gateway-hour', S.S9, '2026-09-14', 'C2'),
    processedGb: fact(0.045, 'USD per GB processed', S.S9, '2026-09-14', 'C2'),
  },
  publicIpv4Hour: fact(
    0.005,
    'USD per public IPv4 address-hour (in use or idle, since 2024-02-01)',
    S.S7,
    '2026-09-29',
    'C1',
  ),
  cloudMap: {
    resourceMonth: fact(0.1, 'USD per registered instance-month', S.S13, '2026-08-12', 'C2'),
    discoveryCall: fact(0.000001, 'USD per DiscoverInstances call', S.S13, '2026-08-12', 'C2'),
  },
  route53: {
    hostedZoneMonth: fact(0.5, 'USD per hosted zone-month (first 25 zones)', S.S15, '2026-08-12', 'C2'),
  },
  logs: {
    ingestGb: fact(0.5, 'USD per GB ingested (Standard class)', S.S16, '2026-06', 'C2'),
    storageGbMonth: fact(0.03, 'USD per GB-month stored', S.S16, '2026-06', 'C2'),
    freeTierGb: fact(5, 'GB a month of ingestion (and of storage) free', S.S16, '2026-06', 'C3'),
  },
  cloudWatch: {
    customMetricMonth: fact(
      0.3,
      'USD per custom metric-month (first 10,000 metrics)',
      S.S16,
      '2026-06',
      'C2',
    ),
    alarmMonth: fact(0.1, 'USD per standard-resolution alarm metric-month', S.S4b, '2026-09-29', 'C1'),
    freeTierMetrics: fact(10, 'custom metrics a month free', S.S16, '2026-06', 'C3'),
  },
};

/** Price tables by region. Only `us-east-1` is filled today. */
export const PRICES: Readonly<Record<string, RegionPrices>> = { 'us-east-1': US_EAST_1 };

/**
 * The price table of `region`.
 *
 * @throws {@link UsageError} (`WHARF_COST_REGION`) naming the region and the regions that have prices.
 */
export function pricesFor(region: string): RegionPrices {
  const prices = PRICES[region];
  if (!prices) {
    throw new UsageError(
      `no prices for region '${region}'; Wharf's cost model has prices for: ${Object.keys(PRICES).join(', ')}. Estimate with --region us-east-1 and treat the result as indicative.`,
      { code: 'WHARF_COST_REGION' },
    );
  }
  return prices;
}

/**
 * The pricing rules AWS does not settle, and modelling conventions, as explicit switches.
 * Every field is documented with its default ({@link DEFAULT_ASSUMPTIONS}).
 */
export interface PricingAssumptions {
  /**
   * Monthly charge of an API Gateway VPC link (V2). No Price List line exists; AWS docs describe
   * no charge; two blogs claim $7.20 a month (unsupported). Confidence U.
   * @default 0
   */
  readonly vpcLinkMonthlyUsd: number;
  /**
   * Whether API Gateway's Cloud Map `DiscoverInstances` lookups for a VPC-link integration are
   * billed to the account. When true, one call per request is charged (the worst case; API
   * Gateway may cache). Undocumented. Confidence U.
   * @default false
   */
  readonly cloudMapLookupsBilled: boolean;
  /**
   * Whether response bytes count toward the 512 KB metering unit of HTTP APIs (AWS only says
   * "API calls received"). When false: `units = max(1, ceil(requestBytes / 524288))`; when true the
   * request and response bytes are added first (conservative). Confidence U.
   * @default false
   */
  readonly responseBytesCountTowardApiGatewayUnits: boolean;
  /**
   * Apply the legacy 12-month free tier (API Gateway 1 M requests, ALB 750 h and 15 LCUs) and the
   * always-free CloudWatch allowances (5 GB logs ingestion, 5 GB storage, 10 custom metrics).
   * Accounts created on or after 2025-07-15 get credits instead.
   * @default false
   */
  readonly freeTier: boolean;
  /**
   * Hours in a month (the AWS calculator's convention; some AWS examples use 720).
   * @default 730
   */
  readonly hoursPerMonth: number;
  /**
   * Bytes in a billed GB (LCU processed bytes, NAT processed bytes, log volumes). AWS does not
   * state 10^9 or 2^30 for these meters; sizes on the command line are binary (1 KB = 1024 B), so
   * the default is binary too.
   * @default 1073741824 (2^30)
   */
  readonly bytesPerGB: number;
  /**
   * Whether public IPv4 addresses are charged (false reproduces comparisons from before
   * 2024-02-01).
   * @default true
   */
  readonly publicIpv4Billed: boolean;
  /**
   * Bytes one API Gateway access-log line adds (the stage's `AccessLogSettings.Format` filled in,
   * JSON with a request id, IP, time, route and status). Ingested at the standard rate (API Gateway
   * access logs are not known to be vended logs; confidence U).
   * @default 300
   */
  readonly accessLogBytesPerRequest: number;
  /**
   * Data processed by NAT gateways that does not depend on requests: image pulls on deploys and
   * restarts and outbound calls, per task running behind NAT, per month. Log events of tasks
   * behind NAT are added on top (the awslogs driver reaches CloudWatch through the NAT gateway
   * unless the VPC has an interface endpoint).
   * @default 1 (GB per task-month)
   */
  readonly natGbPerTaskMonth: number;
  /**
   * Months of logs a log group without `RetentionInDays` holds in the estimate (it never stops
   * growing; the line shows the storage bill of that month).
   * @default 12
   */
  readonly logHorizonMonths: number;
  /**
   * Container Insights (classic, ECS) custom metrics per cluster and per service (cluster,
   * service and task-definition-family dimensions). AWS charges them as custom metrics; the count
   * is inferred from the metric list in the ECS Container Insights docs. Confidence U.
   * @default { perCluster: 8, perService: 12 }
   */
  readonly containerInsightsMetrics: { readonly perCluster: number; readonly perService: number };
  /**
   * Bytes of Container Insights performance log events per task per minute (task and container
   * events, ingested into `/aws/ecs/containerinsights/<cluster>/performance`). Confidence U.
   * @default 2048
   */
  readonly containerInsightsLogBytesPerTaskMinute: number;
  /**
   * Custom metrics a route publishes with `DetailedMetricsEnabled` (4xx, 5xx, Count,
   * IntegrationLatency, Latency, DataProcessed). Billed only in hours a metric receives data, so
   * idle costs nothing. Confidence U on the count.
   * @default 6
   */
  readonly detailedMetricsPerRoute: number;
  /**
   * Milliseconds of vCPU time one request costs a task, for the task count a CPU target tracking
   * policy holds at the given traffic (`--cpu-per-request`; see `scaling.ts`). Not in any template:
   * measure yours (a `wharf dev` load run shows the CPU per task) and pass it. Confidence U.
   * @default 10
   */
  readonly cpuMsPerRequest: number;
}

/** The defaults of {@link PricingAssumptions}. */
export const DEFAULT_ASSUMPTIONS: PricingAssumptions = {
  vpcLinkMonthlyUsd: 0,
  cloudMapLookupsBilled: false,
  responseBytesCountTowardApiGatewayUnits: false,
  freeTier: false,
  hoursPerMonth: 730,
  bytesPerGB: 1024 ** 3,
  publicIpv4Billed: true,
  accessLogBytesPerRequest: 300,
  natGbPerTaskMonth: 1,
  logHorizonMonths: 12,
  containerInsightsMetrics: { perCluster: 8, perService: 12 },
  containerInsightsLogBytesPerTaskMinute: 2048,
  detailedMetricsPerRoute: 6,
  cpuMsPerRequest: 10,
};

/** The defaults with `overrides` applied. */
export function pricingAssumptions(overrides: Partial<PricingAssumptions> = {}): PricingAssumptions {
  return { ...DEFAULT_ASSUMPTIONS, ...overrides };
}

/** The assumptions as one line each, for the output's "assumptions" section. */
export function describeAssumptions(assumptions: PricingAssumptions): string[] {
  const a = assumptions;
  return [
    `month = ${a.hoursPerMonth} h; 1 GB = ${a.bytesPerGB === 1024 ** 3 ? '2^30' : a.bytesPerGB} bytes`,
    `VPC link: $${a.vpcLinkMonthlyUsd}/month (no Price List line; unconfirmed)`,
    `API Gateway's Cloud Map lookups billed: ${a.cloudMapLookupsBilled ? 'yes, 1 DiscoverInstances call per request' : 'no (undocumented)'}`,
    `response bytes count toward the 512 KB unit: ${a.responseBytesCountTowardApiGatewayUnits ? 'yes' : 'no (request bytes only)'}`,
    `free tier: ${a.freeTier ? 'applied (legacy 12-month offer + always-free CloudWatch)' : 'not applied'}`,
    `public IPv4 addresses billed: ${a.publicIpv4Billed ? 'yes ($0.005/h since 2024-02-01)' : 'no'}`,
    `API Gateway access log: ${a.accessLogBytesPerRequest} B per request`,
    `NAT gateway data besides logs: ${a.natGbPerTaskMonth} GB per task-month (image pulls, outbound calls)`,
    `log groups without retention: storage shown ${a.logHorizonMonths} months in; log storage uncompressed (conservative)`,
    `Container Insights: ${a.containerInsightsMetrics.perCluster} metrics per cluster + ${a.containerInsightsMetrics.perService} per service, ${a.containerInsightsLogBytesPerTaskMinute} B of performance events per task-minute`,
    `API Gateway detailed metrics: ${a.detailedMetricsPerRoute} metrics per route, billed only when traffic flows`,
    `scaled services: the task count their target tracking holds at this traffic, each service receiving the whole profile; CPU targets at ${a.cpuMsPerRequest} ms of vCPU per request and no CPU at idle (--cpu-per-request), memory targets flat with traffic (they hold the minimum)`,
    'each ingress carries the whole traffic profile; data transfer out to the internet is the same for both patterns and is not included',
  ];
}
