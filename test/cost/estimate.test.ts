/**
 * The cost model against hand-computed bills of both examples at idle, 10M and 1B requests a
 * month. The examples import 'wharf' from dist/: run `npm run build` first (npm test does).
 *
 * Shared by every figure below (us-east-1, src/cost/prices.ts, default assumptions):
 * month = 730 h; 1 GB = 2^30 B; default traffic shape 1 KB requests, 5 KB responses, 200 B of
 * service logs and 300 B of access log per request; both examples run 2 tasks of 0.25 vCPU /
 * 0.5 GB (x86) with Container Insights on their cluster and 30-day log retention.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCrossover } from '../../src/cost/crossover.js';
import {
  buildCostModel,
  type CostEstimate,
  type CostModel,
  estimateCost,
  priceCostModel,
} from '../../src/cost/estimate.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { isWharfError } from '../../src/errors.js';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import { loadTemplateFile } from '../../src/template/load.js';

const GB = 2 ** 30;
const DAYS = 730 / 24; // days in a 730-hour month

// --- Figures both examples share --------------------------------------------------------------
const FARGATE = 2 * 0.25 * 730 * 0.04048 + 2 * 0.5 * 730 * 0.004445; // 14.7752 + 3.24485 = 18.02005
const INSIGHTS_METRICS = (8 + 12 * 1) * 0.3; // 8 cluster + 12 per service metrics × $0.30 = 6.00
const INSIGHTS_EVENTS_GB = (2 * 730 * 60 * 2048) / GB; // 2 tasks × 43,800 min × 2 KB = 0.16708 GB
const INSIGHTS = INSIGHTS_METRICS + INSIGHTS_EVENTS_GB * 0.5 + INSIGHTS_EVENTS_GB * (1 / DAYS) * 0.03; // 1-day retention
/** Ingestion at $0.50/GB plus 30-day storage (GB/month × 30 days ÷ 30.42 days × $0.03). */
const logs30 = (gb: number) => gb * 0.5 + gb * (30 / DAYS) * 0.03;
const IPV4 = 730 * 0.005; // $3.65 per address-month

// --- API Gateway example ------------------------------------------------------------------------
// Fixed: Fargate + 2 task IPv4 (7.30) + hosted zone of the private namespace (0.50) + 2 Cloud Map
// instances (0.20) + Container Insights; per request: HTTP API units, 6 detailed metrics (only
// with traffic), service logs and access logs.
function apiGatewayExample(requests: number): number {
  const httpApi = Math.min(requests, 300e6) * 1e-6 + Math.max(0, requests - 300e6) * 0.9e-6;
  const detailedMetrics = requests > 0 ? 6 * 0.3 : 0;
  return (
    FARGATE +
    2 * IPV4 +
    0.5 +
    2 * 0.1 +
    INSIGHTS +
    httpApi +
    detailedMetrics +
    logs30((requests * 200) / GB) +
    logs30((requests * 300) / GB)
  );
}

// --- ALB example --------------------------------------------------------------------------------
// Fixed: Fargate + ALB hours (730 × 0.0225 = 16.425) + 2 ALB node IPv4 + 2 NAT gateways
// (2 × 730 × 0.045 = 65.70) + 2 NAT Elastic IPs + Container Insights; per request: LCUs on the
// processed-bytes dimension (R × 6 KB ÷ 1 GB = LCU-hours, × $0.008), NAT data (2 tasks × 1 GB +
// the service logs shipped through NAT, × $0.045) and the service logs.
function albExample(requests: number): number {
  const lcuHours = (requests * (1024 + 5120)) / GB;
  const natGb = 2 * 1 + (requests * 200) / GB;
  return (
    FARGATE +
    730 * 0.0225 +
    2 * IPV4 +
    2 * 730 * 0.045 +
    2 * IPV4 +
    INSIGHTS +
    lcuHours * 0.008 +
    natGb * 0.045 +
    logs30((requests * 200) / GB)
  );
}

function line(estimate: CostEstimate, logicalId: string, what: RegExp) {
  const found = estimate.lines.filter((l) => l.resource.logicalId === logicalId && what.test(l.what));
  expect(found, `${logicalId} ${what}`).toHaveLength(1);
  return found[0];
}

describe('cost of the examples (synthesized)', () => {
  let apiGateway: SynthesizedApp;
  let alb: SynthesizedApp;
  let apiModel: CostModel;
  let albModel: CostModel;

  beforeAll(async () => {
    [apiGateway, alb] = await Promise.all([
      synthesizeApp({ dir: 'examples/api-gateway-fargate' }),
      synthesizeApp({ dir: 'examples/public-alb-fargate' }),
    ]);
    apiModel = buildCostModel(apiGateway.apps[0]);
    albModel = buildCostModel(alb.apps[0]);
  });
  afterAll(() => {
    apiGateway?.dispose();
    alb?.dispose();
  });

  it('at idle: API Gateway example ≈ $32.10, ALB example ≈ $120.92', () => {
    const api = priceCostModel(apiModel, parseTraffic({ requests: '0' }));
    const lb = priceCostModel(albModel, parseTraffic({ requests: '0' }));
    // 18.02005 + 7.30 + 0.50 + 0.20 + 6.0837 = 32.1038
    expect(api.totalMonthlyUsd).toBeCloseTo(apiGatewayExample(0), 6);
    expect(api.totalMonthlyUsd).toBeCloseTo(32.1038, 3);
    // 18.02005 + 16.425 + 7.30 + 65.70 + 7.30 + 6.0837 + 2 GB × 0.045 = 120.9188
    expect(lb.totalMonthlyUsd).toBeCloseTo(albExample(0), 6);
    expect(lb.totalMonthlyUsd).toBeCloseTo(120.9188, 3);
    expect(api.pattern).toBe('api-gateway');
    expect(lb.pattern).toBe('alb');
    expect(api.notPriced).toEqual([]);
    expect(lb.notPriced).toEqual([]);
  });

  it('at 10M requests/month: API Gateway example ≈ $46.37, ALB example ≈ $122.45', () => {
    const traffic = parseTraffic({ requests: '10M/month' });
    const api = priceCostModel(apiModel, traffic);
    const lb = priceCostModel(albModel, traffic);
    expect(api.totalMonthlyUsd).toBeCloseTo(apiGatewayExample(10e6), 6);
    expect(lb.totalMonthlyUsd).toBeCloseTo(albExample(10e6), 6);
    expect(api.totalMonthlyUsd).toBeCloseTo(46.3698, 3);
    expect(lb.totalMonthlyUsd).toBeCloseTo(122.4468, 3);
    // 10M × $1/M
    expect(line(api, 'ApiGateway', /first 300 M/).monthlyUsd).toBeCloseTo(10, 9);
    // 10M × 6,144 B ÷ 2^30 = 57.22 LCU-hours × $0.008 = $0.4578
    const lcu = line(lb, 'PublicLoadBalancer', /LCU-hours/);
    expect(lcu.what).toContain('processed bytes');
    expect(lcu.quantity).toBeCloseTo((10e6 * 6144) / GB, 6);
    expect(lcu.monthlyUsd).toBeCloseTo(0.457764, 5);
  });

  it('at 1B requests/month: API Gateway example ≈ $1,210.51 (tier above 300M), ALB example ≈ $273.72', () => {
    const traffic = parseTraffic({ requests: '1B/month' });
    const api = priceCostModel(apiModel, traffic);
    const lb = priceCostModel(albModel, traffic);
    // 300M × $1/M + 700M × $0.90/M = 300 + 630
    expect(line(api, 'ApiGateway', /first 300 M/).monthlyUsd).toBeCloseTo(300, 6);
    expect(line(api, 'ApiGateway', /over 300 M/).monthlyUsd).toBeCloseTo(630, 6);
    expect(api.totalMonthlyUsd).toBeCloseTo(apiGatewayExample(1e9), 6);
    // 1B × 6,144 B ÷ 2^30 × $0.008 = $45.78
    expect(line(lb, 'PublicLoadBalancer', /LCU-hours/).monthlyUsd).toBeCloseTo(45.7764, 3);
    expect(lb.totalMonthlyUsd).toBeCloseTo(albExample(1e9), 6);
    expect(api.totalMonthlyUsd).toBeCloseTo(1210.5129, 3);
    expect(lb.totalMonthlyUsd).toBeCloseTo(273.7207, 3);
  });

  it('finds the same crossover for both examples: ≈ 19.26M requests/month (≈ 633k/day)', () => {
    // Ingress-only costs (everything else is the same service on the same network):
    //   HTTP API side: 0.50 zone + 0.20 instances + 1.80 detailed metrics
    //                  + R × ($1/M + 300 B access log ÷ 2^30 × ($0.50 + 30/30.42 × $0.03))
    //   ALB side:      16.425 hours + 7.30 for 2 node addresses + R × 6,144 B ÷ 2^30 × $0.008
    const perRequestApi = 1e-6 + (300 / GB) * (0.5 + (30 / DAYS) * 0.03);
    const perRequestAlb = (6144 / GB) * 0.008;
    const expected = (16.425 + 7.3 - (0.5 + 0.2 + 1.8)) / (perRequestApi - perRequestAlb); // 19,257,131
    const traffic = parseTraffic({ requests: '10M' });
    const fromApi = findCrossover(apiModel, traffic);
    const fromAlb = findCrossover(albModel, traffic);
    expect(fromApi?.requestsPerMonth).toBeCloseTo(expected, -1);
    expect(fromAlb?.requestsPerMonth).toBeCloseTo(expected, -1);
    // ALB alternative at 10M: 46.3698 − 13.9797 (HTTP API 10 + 0.70 + 1.80 + access logs 1.4797)
    //                        + 16.425 + 7.30 + 0.4578 (LCU) = 56.5729
    expect(fromApi?.advice).toBe(
      'API Gateway is the cheaper ingress for this traffic (at 10M requests/month API Gateway costs $46.37 and an ALB $56.57); an ALB becomes cheaper above 19.3M requests/month (≈ 633k/day).',
    );
    expect(fromAlb?.advice).toMatch(/^Switching to API Gateway would save \$\d+\.\d\d\/month/);
  });

  it('gives every line its resource, quantity × unit price, and the formula', () => {
    const estimate = priceCostModel(apiModel, parseTraffic({ requests: '10M' }));
    const vcpu = line(estimate, 'Service', /vCPU-hours/);
    expect(vcpu.resource).toMatchObject({ stack: 'ServiceStack', type: 'AWS::ECS::Service' });
    expect(vcpu.formula).toBe('2 tasks × 0.25 vCPU × 730 h × $0.04048 = $14.7752');
    for (const l of estimate.lines) {
      expect(l.monthlyUsd).toBeCloseTo(l.quantity * l.unitPriceUsd, 9);
      expect(l.formula).toMatch(/= \$/);
      expect(l.resource.file).toMatch(/\.json$/);
    }
    expect(estimate.byIngress['api-gateway'] + estimate.byIngress.shared).toBeCloseTo(
      estimate.totalMonthlyUsd,
      9,
    );
  });
});

describe('cost of the seeds-shaped YAML fixtures', () => {
  it('prices the API Gateway fixture, whose log groups keep logs forever (12 months in)', () => {
    const estimate = estimateCost(
      loadTemplateFile('test/fixtures/seeds-like/api-gateway/parent.yml'),
      parseTraffic({ requests: '10M' }),
    );
    // 10M × 200 B = 1.8626 GB a month; without retention the estimate shows month 12: 22.35 GB × $0.03
    const storage = line(estimate, 'LogGroup', /storage/);
    expect(storage.quantity).toBeCloseTo(((10e6 * 200) / GB) * 12, 6);
    expect(storage.what).toContain('no retention');
    // No detailed metrics on this stage; everything else as the example.
    expect(estimate.lines.some((l) => l.what.startsWith('detailed route metrics'))).toBe(false);
  });

  it('prices the ALB fixture: ALB, 2 NAT gateways and their Elastic IPs, no Container Insights', () => {
    const estimate = estimateCost(
      loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'),
      parseTraffic({ requests: '0' }),
    );
    // 18.02005 Fargate + 16.425 ALB + 7.30 ALB IPv4 + 65.70 NAT + 0.09 NAT data + 7.30 EIPs
    expect(estimate.totalMonthlyUsd).toBeCloseTo(FARGATE + 16.425 + 7.3 + 65.7 + 0.09 + 7.3, 6);
    expect(line(estimate, 'NatAddressOne', /Elastic IP/).monthlyUsd).toBeCloseTo(3.65, 9);
  });
});

describe('pricing rules and switches', () => {
  const fixture = () => loadTemplateFile('test/fixtures/seeds-like/api-gateway/parent.yml');

  it('meters HTTP API requests in 512 KB units of the request (response too when switched on)', () => {
    const big = parseTraffic({ requests: '1M', requestSize: '600KB', responseSize: '1MB' });
    // ceil(600 KB / 512 KB) = 2 units per request
    expect(line(estimateCost(fixture(), big), 'HttpApi', /first 300 M/).quantity).toBe(2e6);
    // ceil((600 KB + 1024 KB) / 512 KB) = 4 units
    const withResponse = estimateCost(fixture(), big, {
      assumptions: { responseBytesCountTowardApiGatewayUnits: true },
    });
    expect(line(withResponse, 'HttpApi', /first 300 M/).quantity).toBe(4e6);
  });

  it('bills Cloud Map lookups and a VPC link charge only when the assumptions say so', () => {
    const traffic = parseTraffic({ requests: '10M' });
    const base = estimateCost(fixture(), traffic);
    const pessimistic = estimateCost(fixture(), traffic, {
      assumptions: { cloudMapLookupsBilled: true, vpcLinkMonthlyUsd: 7.2 },
    });
    // + 10M × $1/M lookups + $7.20 VPC link
    expect(pessimistic.totalMonthlyUsd - base.totalMonthlyUsd).toBeCloseTo(10 + 7.2, 9);
    expect(line(pessimistic, 'ServiceDiscoveryService', /DiscoverInstances/).confidence).toBe('U');
  });

  it('applies the free tier only when asked: 1M HTTP API requests', () => {
    const traffic = parseTraffic({ requests: '3M' });
    const free = estimateCost(fixture(), traffic, { assumptions: { freeTier: true } });
    expect(line(free, 'HttpApi', /first 300 M/).monthlyUsd).toBeCloseTo(2, 9); // (3M − 1M) × $1/M
  });

  it('prices ARM and Spot tasks from the capacity provider strategy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-cost-'));
    try {
      const file = join(dir, 'spot.yml');
      writeFileSync(
        file,
        `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: "1024"
      Memory: "2048"
      RequiresCompatibilities: [FARGATE]
      RuntimePlatform: { CpuArchitecture: ARM64, OperatingSystemFamily: LINUX }
      ContainerDefinitions: [{ Name: app, Image: x }]
  Service:
    Type: AWS::ECS::Service
    Properties:
      DesiredCount: 4
      TaskDefinition: !Ref Task
      CapacityProviderStrategy:
        - { CapacityProvider: FARGATE, Base: 1, Weight: 1 }
        - { CapacityProvider: FARGATE_SPOT, Weight: 2 }
`,
      );
      const estimate = estimateCost(loadTemplateFile(file), parseTraffic({ requests: '0' }));
      // Base 1 on-demand, the other 3 split 1:2 → 1 + 1 = 2 on-demand, 2 Spot.
      expect(line(estimate, 'Service', /vCPU-hours \(ARM, on-demand\)/).monthlyUsd).toBeCloseTo(
        2 * 1 * 730 * 0.03238,
        9,
      );
      expect(line(estimate, 'Service', /vCPU-hours \(ARM, Spot\)/).monthlyUsd).toBeCloseTo(
        2 * 1 * 730 * 0.01030969,
        9,
      );
      expect(line(estimate, 'Service', /GB-hours \(ARM, Spot\)/).monthlyUsd).toBeCloseTo(
        2 * 2 * 730 * 0.00113349,
        9,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resources the model does not know', () => {
  it('lists billable-looking unknown types as "not priced", never as zero, and counts known free types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-cost-'));
    try {
      const file = join(dir, 'unknown.yml');
      writeFileSync(
        file,
        `Resources:
  Queue:
    Type: AWS::SQS::Queue
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: vpc-1, ServiceName: com.amazonaws.us-east-1.logs }
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Type: network, Subnets: [subnet-1, subnet-2] }
`,
      );
      const estimate = estimateCost(loadTemplateFile(file), parseTraffic());
      expect(estimate.lines).toEqual([]);
      expect(estimate.totalMonthlyUsd).toBe(0);
      expect(estimate.notPriced.map((n) => [n.resource.logicalId, n.reason])).toEqual([
        ['Queue', "AWS::SQS::Queue is not in Wharf's cost model; look up its pricing page"],
        ['Endpoint', expect.stringMatching(/VPC endpoints .* are not modelled/)],
        ['Nlb', expect.stringMatching(/network load balancers .* are not modelled/)],
      ]);
      expect(estimate.free).toEqual([{ type: 'AWS::IAM::Role', count: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a region without prices, naming the regions it has', () => {
    try {
      estimateCost(loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'), parseTraffic(), {
        region: 'eu-west-1',
      });
      expect.unreachable();
    } catch (error) {
      expect(isWharfError(error) && error.code).toBe('WHARF_COST_REGION');
      expect((error as Error).message).toMatch(/no prices for region 'eu-west-1'.*us-east-1/);
    }
  });
});
