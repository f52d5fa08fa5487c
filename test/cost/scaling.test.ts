/**
 * `wharf cost` on a scaled service: priced at the task count its target tracking policies would
 * hold at the given traffic (within [min, max]), with the arithmetic in the Fargate lines' formula
 * and the range, the count and the idle cost at the minimum in the per-service breakdown.
 */
import { describe, expect, it } from 'vitest';
import { buildCostModel, priceCostModel } from '../../src/cost/estimate.js';
import { pricingAssumptions } from '../../src/cost/prices.js';
import { type ServiceScaling, tasksAtTraffic } from '../../src/cost/scaling.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';

const ALB_CPU = 'test/fixtures/scaling/alb-cpu.yml';

const policy = (metric: string, target: number) => ({ logicalId: 'P', metric, target });

describe('the task count target tracking holds at a traffic', () => {
  const assumptions = pricingAssumptions();
  const at = (scaling: ServiceScaling, requests: string, vcpu = 0.25, cpuMsPerRequest = 10) =>
    tasksAtTraffic(scaling, vcpu, parseTraffic({ requests }), { ...assumptions, cpuMsPerRequest });

  it('divides requests per minute by an ALBRequestCountPerTarget target, rounding up', () => {
    // 10M requests a 730-hour month = 228.3 requests a minute; ÷ 50 = 4.57 → 5.
    const held = at({ min: 2, max: 10, policies: [policy('ALBRequestCountPerTarget', 50)] }, '10M/month');
    expect(held.tasks).toBe(5);
    expect(held.basis).toBe('50 requests/min per target: ceil(228 req/min ÷ 50) = 5');
  });

  it('divides vCPU seconds per second by what one task carries at a CPU target', () => {
    // 20 req/s × 25 ms = 0.5 vCPU-s/s; one 0.25-vCPU task at 50 % carries 0.125 → 4 tasks.
    const held = at(
      { min: 1, max: 10, policies: [policy('ECSServiceAverageCPUUtilization', 50)] },
      '20/s',
      0.25,
      25,
    );
    expect(held.tasks).toBe(4);
    expect(held.basis).toContain('ceil(20 req/s × 25 ms of vCPU ÷ (0.25 vCPU × 50 %)) = 4');
  });

  it('clamps to [min, max] and says so', () => {
    const scaling = { min: 2, max: 3, policies: [policy('ALBRequestCountPerTarget', 50)] };
    expect(at(scaling, '1k/month')).toMatchObject({ tasks: 2 });
    expect(at(scaling, '1k/month').basis).toContain(', raised to the minimum 2');
    expect(at(scaling, '100M/month')).toMatchObject({ tasks: 3 });
    expect(at(scaling, '100M/month').basis).toContain(', capped at the maximum 3');
  });

  it('runs the largest count any policy asks for; memory and custom metrics hold the minimum', () => {
    const held = at(
      {
        min: 1,
        max: 20,
        policies: [
          policy('ECSServiceAverageMemoryUtilization', 60),
          policy('ALBRequestCountPerTarget', 100),
          policy('custom', 7),
          policy('ECSServiceAverageCPUUtilization', 50),
        ],
      },
      '50/s',
    );
    // requests: 3000/min ÷ 100 = 30 → capped at 20; CPU: 50 × 0.01 ÷ 0.125 = 4.
    expect(held.tasks).toBe(20);
    expect(held.basis).toContain('memory 60 %: assumed flat with traffic, holds 1');
    expect(held.basis).toContain('custom 7: not modelled, holds 1');
  });

  it('holds the minimum without target tracking policies', () => {
    expect(at({ min: 3, max: 9, policies: [] }, '1B/month')).toEqual({
      tasks: 3,
      basis: 'no target tracking policy: priced at the minimum 3',
    });
  });
});

describe('cost of a scaled service', () => {
  it('reads the range and both policies of the scalable target (by ScalingTargetId and by ResourceId)', () => {
    const model = buildCostModel(loadTemplateFile(ALB_CPU), {
      parameters: { MinCapacity: '2', MaxCapacity: '5' },
    });
    expect(model.services.map((s) => [s.name, s.tasks, s.scaling])).toEqual([
      [
        'burner',
        2,
        {
          min: 2,
          max: 5,
          policies: [
            { logicalId: 'CpuScaling', metric: 'ECSServiceAverageCPUUtilization', target: 50 },
            { logicalId: 'RequestScaling', metric: 'ALBRequestCountPerTarget', target: 100000 },
          ],
        },
      ],
    ]);
  });

  it('prices Fargate at the count held at the traffic and shows the range, the count and the idle cost', () => {
    const model = buildCostModel(loadTemplateFile(ALB_CPU), {
      parameters: { MinCapacity: '2', MaxCapacity: '10', RequestTarget: '1000' },
    });
    // 100M requests a month = 2283 req/min ÷ 1000 → 3; CPU: 38.1 req/s × 10 ms ÷ 0.125 → 4.
    const estimate = priceCostModel(model, parseTraffic({ requests: '100M/month' }));
    const fargate = estimate.lines.filter((l) => l.service === 'Fargate');
    expect(fargate.map((l) => l.quantity)).toEqual([4 * 0.25 * 730, 4 * 0.5 * 730]);
    for (const line of fargate)
      expect(line.formula).toMatch(
        /^4 tasks \(held by target tracking at this traffic, range 2–10: CPU 50 %: .* = 4; 1000 requests\/min per target: ceil\(2283 req\/min ÷ 1000\) = 3\)/,
      );
    const [service] = estimate.byService;
    expect(service.tasks).toBe(4);
    expect(service.scaling).toMatchObject({ min: 2, max: 10, tasksAtTraffic: 4 });
    const atMin = fargate.reduce((sum, l) => sum + l.monthlyUsd, 0) / 2;
    expect(service.scaling?.idleMonthlyUsd).toBeCloseTo(atMin, 9);
  });

  it('prices the minimum at the default traffic (1M requests a month is far below one task)', () => {
    const model = buildCostModel(loadTemplateFile(ALB_CPU), {
      parameters: { MinCapacity: '2', MaxCapacity: '5' },
    });
    const estimate = priceCostModel(model, parseTraffic({}));
    expect(estimate.byService[0].tasks).toBe(2);
    expect(estimate.byService[0].scaling?.basis).toContain(', raised to the minimum 2');
  });

  it('prices a service without a scalable target at its DesiredCount, with no range', () => {
    const model = buildCostModel(loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'));
    expect(model.services.map((s) => [s.tasks, s.scaling])).toEqual([[2, undefined]]);
    expect(
      priceCostModel(model, parseTraffic({ requests: '1B/month' })).byService[0].scaling,
    ).toBeUndefined();
  });
});
