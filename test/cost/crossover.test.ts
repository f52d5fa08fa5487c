/**
 * The crossover between the two ingress patterns against the public comparisons and the
 * reference computation of `docs/reference/pricing.md` §8, and the advice lines.
 */

import { describe, expect, it } from 'vitest';
import {
  adviceFor,
  albIngressCost,
  apiGatewayIngressCost,
  costCurves,
  findCrossover,
  type IngressScenario,
  solveCrossover,
} from '../../src/cost/crossover.js';
import { buildCostModel, priceCostModel } from '../../src/cost/estimate.js';
import { type PricingAssumptions, pricesFor, pricingAssumptions } from '../../src/cost/prices.js';
import { parseTraffic, type TrafficInput } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';

const DAYS = 730 / 24;

/**
 * The reference's setting: 2 tasks registered in Cloud Map, one private hosted zone, an ALB in 2
 * AZs, keep-alive clients (connections negligible), no access logs or detailed metrics, all bytes
 * in the response.
 */
function scenario(traffic: TrafficInput, assumptions: Partial<PricingAssumptions> = {}): IngressScenario {
  return {
    prices: pricesFor('us-east-1'),
    assumptions: pricingAssumptions(assumptions),
    traffic: parseTraffic({ requestSize: '0', concurrency: '0', newConnections: '0', ...traffic }),
    tasks: 2,
    hostedZones: 1,
    albPublicIpv4: 2,
    apiAccessLogs: false,
    apiDetailedMetricRoutes: 0,
  };
}

function crossover(s: IngressScenario) {
  return solveCrossover(
    (r) => apiGatewayIngressCost(s, r),
    (r) => albIngressCost(s, r),
  );
}

describe('crossover against the public comparisons', () => {
  it('TinyStacks 2021 / apigatewaycost.com 2026: ALB cheaper above ≈ 500k requests/day at 5 KB responses, no IPv4 charge', () => {
    // HTTP API: 0.20 (2 instances) + 0.50 (hosted zone) + $1/M requests.
    // ALB: 16.425 (hours) + LCU on processed bytes: 5 KB × 1M ÷ 2^30 GB × $0.008 = $0.0381 per million.
    // R* = (16.425 − 0.70) / (1 − 0.0381) M = 16.35M/month = 537k/day.
    const solution = crossover(scenario({ responseSize: '5KB' }, { publicIpv4Billed: false }));
    expect(solution.cheaperBelow).toBe('api-gateway');
    const perDay = (solution.requestsPerMonth as number) / DAYS;
    expect(perDay).toBeCloseTo(537_478, -3);
    // Tolerance: the comparisons say "≈ 500k/day" (and apigatewaycost's own figures put it higher): ±15 %.
    expect(perDay).toBeGreaterThan(500_000 * 0.85);
    expect(perDay).toBeLessThan(500_000 * 1.15);
  });

  it('reproduces the reference computation (decimal GB, 5,000 B): 16.4M/month', () => {
    // (16.425 − 0.70) / (1 − 0.008 × 5000 / 1000 / 1000 × 1000) = 15.725 / 0.96 = 16.38M
    const solution = crossover(
      scenario({ responseSize: '5000' }, { publicIpv4Billed: false, bytesPerGB: 1e9 }),
    );
    expect(solution.requestsPerMonth).toBeCloseTo(15.725 / 0.96e-6, -3);
  });

  it.each([
    // [case, traffic, assumptions, expected crossover (reference §8 closed form)]
    ['10 KB, keep-alive, IPv4 billed', { responseSize: '10000' }, {}, (16.425 + 7.3 - 0.7) / (1 - 0.08)],
    [
      '10 KB, one new connection per request',
      { requests: '1/s', responseSize: '10000', newConnections: '1/s' },
      {},
      // new-connection dimension: 1M ÷ 2,628,000 s ÷ 25 × 730 h × $0.008 = $0.0889 per million
      (16.425 + 7.3 - 0.7) / (1 - (1e6 / 2_628_000 / 25) * 730 * 0.008),
    ],
    [
      '10 KB, Cloud Map lookups billed per request',
      { responseSize: '10000' },
      { cloudMapLookupsBilled: true },
      (16.425 + 7.3 - 0.7) / (2 - 0.08),
    ],
    ['100 KB', { responseSize: '100000' }, {}, (16.425 + 7.3 - 0.7) / (1 - 0.8)],
  ] as const)('reference case %s', (_name, traffic, assumptions, millions) => {
    const solution = crossover(scenario(traffic, { bytesPerGB: 1e9, ...assumptions }));
    expect((solution.requestsPerMonth as number) / 1e6).toBeCloseTo(millions, 2);
  });

  it('reference case ≥ 125 KB: an ALB is never cheaper (processed bytes cost more than $1/M)', () => {
    const solution = crossover(scenario({ responseSize: '200000' }, { bytesPerGB: 1e9 }));
    expect(solution).toEqual({ cheaperBelow: 'api-gateway' });
  });
});

describe('crossover of a template', () => {
  it('prices the other pattern with the same tasks and network, and advises', () => {
    const model = buildCostModel(loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'));
    const traffic = parseTraffic({ requests: '1B' });
    const result = findCrossover(model, traffic);
    expect(result).toMatchObject({ current: 'alb', alternative: 'api-gateway', cheaperBelow: 'api-gateway' });
    // At the crossover both totals are equal.
    const r = result?.requestsPerMonth as number;
    expect(result?.costAt('alb', r)).toBeCloseTo(result?.costAt('api-gateway', r) as number, 3);
    // The ALB total is the estimate itself.
    expect(result?.albUsd).toBeCloseTo(priceCostModel(model, traffic).totalMonthlyUsd, 9);
    expect(result?.advice).toMatch(
      /^An ALB is the cheaper ingress for this traffic .* API Gateway becomes cheaper below 19\.3M requests\/month \(≈ 633k\/day\)\.$/,
    );
    expect(result?.alternativeDescription).toMatch(
      /HTTP API \+ VPC link \+ Cloud Map \(2 registered tasks, a private DNS namespace\)/,
    );
    const curve = costCurves(result as NonNullable<typeof result>, [0, 1e9]);
    expect(curve[1]).toEqual({
      requestsPerMonth: 1e9,
      apiGatewayUsd: result?.apiGatewayUsd,
      albUsd: result?.albUsd,
    });
  });
});

describe('advice on obvious waste', () => {
  it('flags NAT gateways per AZ and log groups without retention on the ALB fixture', () => {
    const model = buildCostModel(loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'));
    const advice = adviceFor(model, priceCostModel(model, parseTraffic({ requests: '10M' })));
    expect(advice.map((a) => a.kind)).toEqual(['nat-per-az', 'log-retention']);
    // One NAT gateway fewer: 730 h × $0.045 + its address 730 h × $0.005 = $36.50
    expect(advice[0].monthlySavingsUsd).toBeCloseTo(36.5, 9);
    expect(advice[0].message).toMatch(/2 NAT gateways \(one per AZ\) cost \$73\.00\/month before data/);
    expect(advice[1].message).toMatch(
      /LogGroup \(ServiceStack\) has no RetentionInDays.*grows by 1\.86265 GB/,
    );
  });

  it('flags public IPv4 per task and Container Insights on the small API Gateway fixture', () => {
    const model = buildCostModel(loadTemplateFile('test/fixtures/seeds-like/api-gateway/parent.yml'));
    const advice = adviceFor(model, priceCostModel(model, parseTraffic({ requests: '0' })));
    expect(advice.map((a) => a.kind)).toEqual([
      'public-ipv4-per-task',
      'container-insights',
      'log-retention',
      'log-retention',
    ]);
    // 2 × $3.65; a NAT gateway with its address costs $36.50, so below 10 tasks the IPs are cheaper.
    expect(advice[0].message).toMatch(
      /2 tasks have a public IPv4 address each \(\$7\.30\/month\).*up to 9 tasks/,
    );
    expect(advice[1].message).toMatch(/Container Insights on ECSCluster costs \$6\.08\/month for 2 tasks/);
  });
});
