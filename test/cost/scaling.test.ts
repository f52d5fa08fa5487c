/**
 * `wharf cost` on a scaled service: priced idle at its scalable target's MinCapacity, with the
 * assumption and the range in the Fargate lines' formula.
 */
import { describe, expect, it } from 'vitest';
import { buildCostModel, priceCostModel } from '../../src/cost/estimate.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';

const ALB_CPU = 'test/fixtures/scaling/alb-cpu.yml';

describe('cost of a scaled service', () => {
  it('prices the tasks at MinCapacity and states the range, whatever DesiredCount says', () => {
    const model = buildCostModel(loadTemplateFile(ALB_CPU), {
      parameters: { MinCapacity: '2', MaxCapacity: '5' },
    });
    expect(model.services.map((s) => [s.name, s.tasks, s.scaling])).toEqual([
      ['burner', 2, { min: 2, max: 5 }],
    ]);
    const fargate = priceCostModel(model, parseTraffic({})).lines.filter((l) => l.service === 'Fargate');
    expect(fargate.length).toBeGreaterThan(0);
    for (const line of fargate)
      expect(line.formula).toContain('2 tasks (idle: scaling min 2, up to 5 under load)');
  });

  it('prices a service without a scalable target at its DesiredCount, with no range', () => {
    const model = buildCostModel(loadTemplateFile('test/fixtures/seeds-like/alb/parent.yml'));
    expect(model.services.map((s) => [s.tasks, s.scaling])).toEqual([[2, undefined]]);
  });
});
