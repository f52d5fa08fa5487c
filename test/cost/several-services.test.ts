import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCostModel, type CostEstimate, priceCostModel } from '../../src/cost/estimate.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';
import type { CfnResource } from '../../src/template/model.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/several-services/${name}`, import.meta.url));

function estimate(
  file: string,
  requests = '1M/month',
  edit?: (resources: Record<string, CfnResource>) => void,
) {
  const app = loadTemplateFile(fixture(file));
  if (edit) edit(app.stacks[0]?.template.Resources as Record<string, CfnResource>);
  return priceCostModel(buildCostModel(app), parseTraffic({ requests }));
}

const linesOf = (result: CostEstimate, logicalId: string) =>
  result.lines.filter((line) => line.resource.logicalId === logicalId);

describe('wharf cost with several services', () => {
  it('prices Fargate per service, by its own size and count, named by its ECS service', () => {
    const result = estimate('checks-api.yml');
    expect(result.byService.map((s) => [s.name, s.resource.logicalId, s.tasks, s.vcpu, s.memoryGb])).toEqual([
      ['orders', 'OrdersService', 2, 0.5, 1],
      ['users', 'UsersService', 1, 0.25, 0.5],
      ['inventory', 'InventoryService', 2, 0.25, 0.5],
    ]);
    const orders = linesOf(result, 'OrdersService').find((l) => l.what.startsWith('vCPU-hours'));
    expect(orders?.formula).toContain('2 tasks × 0.5 vCPU × 730 h');
    expect(orders?.monthlyUsd).toBeCloseTo(2 * 0.5 * 730 * (orders?.unitPriceUsd ?? Number.NaN), 9);
    const users = linesOf(result, 'UsersService').find((l) => l.what.startsWith('GB-hours'));
    expect(users?.formula).toContain('1 tasks × 0.5 GB × 730 h');
  });

  it('gives each service its own lines (Fargate, its Cloud Map registrations, its log group) and keeps the ingress shared', () => {
    const result = estimate('checks-api.yml');
    const orders = result.byService.find((s) => s.name === 'orders');
    expect(orders?.lines.map((l) => `${l.resource.logicalId} ${l.what}`)).toEqual([
      'OrdersService vCPU-hours (x86, on-demand)',
      'OrdersService GB-hours (x86, on-demand)',
      'OrdersRegistry registered instances (running tasks)',
      'OrdersLogs ingestion (service logs of OrdersService)',
      'OrdersLogs storage (service logs of OrdersService, 14-day retention)',
    ]);
    for (const s of result.byService) {
      expect(s.monthlyUsd).toBeCloseTo(
        s.lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        9,
      );
    }
    const owned = new Set(result.byService.flatMap((s) => s.lines));
    const shared = result.lines.filter((l) => !owned.has(l)).map((l) => l.resource.logicalId);
    expect(new Set(shared)).toEqual(new Set(['HttpApi', 'VpcLink', 'Namespace', 'NatGateway', 'NatAddress']));
  });

  it('prices one VPC link shared by every route, and Cloud Map instances per Cloud Map service', () => {
    const result = estimate('checks-api.yml');
    const links = result.lines.filter((l) => l.resource.type === 'AWS::ApiGatewayV2::VpcLink');
    expect(links).toHaveLength(1);
    expect(links[0]?.monthlyUsd).toBe(0);
    const instances = result.lines
      .filter((l) => l.what.startsWith('registered instances'))
      .map((l) => [l.resource.logicalId, l.quantity]);
    expect(instances).toEqual([
      ['OrdersRegistry', 2],
      ['UsersRegistry', 1],
      ['InventoryRegistry', 2],
    ]);
    expect(result.lines.filter((l) => l.what.startsWith('hosted zone'))).toHaveLength(1);
  });

  it('counts listener rules into the rule-evaluation LCU dimension past the 10 free rules', () => {
    const lcu = (result: CostEstimate) =>
      linesOf(result, 'LoadBalancer').find((l) => l.what.startsWith('LCU-hours'));
    // Three rules: the dimension is 0 (pricing.md: the first 10 processed rules are free).
    expect(lcu(estimate('checks-alb.yml', '100/s'))?.formula).toContain(
      'rules 100 × max(0, 3 − 10) ÷ 1000 = 0)',
    );
    // Forty rules at 100 requests/s: 100 × 30 ÷ 1000 = 3 LCU, above the 2.06 LCU of processed bytes.
    const many = estimate('checks-alb.yml', '100/s', (resources) => {
      const rule = resources.OrdersRule as CfnResource;
      for (let i = 0; i < 37; i++) {
        resources[`ExtraRule${i}`] = {
          ...rule,
          Properties: { ...rule.Properties, Priority: 100 + i },
        };
      }
    });
    const line = lcu(many);
    expect(line?.what).toBe('LCU-hours (rule evaluations dimension)');
    expect(line?.formula).toContain('rules 100 × max(0, 40 − 10) ÷ 1000 = 3)');
    expect(line?.quantity).toBeCloseTo(3 * 730, 6);
  });
});
