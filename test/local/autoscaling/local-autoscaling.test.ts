/**
 * What `wharf dev` says about `--scaling-speed` when it would compress the scale-in window below
 * a new task's time to take traffic (launch, registration, health checks run in real time).
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressionWarnings } from '../../../src/local/autoscaling/local-autoscaling.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { ROOT } from '../../support/cli.js';

const ALB_CPU = join(ROOT, 'test/fixtures/scaling/alb-cpu.yml');
const modelOf = (file: string) => buildLocalModel(resolveApp(loadTemplateFile(file)));

describe('compressionWarnings', () => {
  const model = modelOf(ALB_CPU);
  const deps = {
    targets: model.scalableTargets,
    serviceConfigs: model.services,
    targetGroups: new Map(model.targetGroups.map((config) => [config.arn, { config }])),
  } as unknown as Parameters<typeof compressionWarnings>[0];

  it('warns when the scale-in window is shorter than twice the health checks (15 s < 2 × 5 s × 2)', () => {
    expect(compressionWarnings(deps, 60)).toEqual([
      'service/scaling/burner: at --scaling-speed 60 the scale-in window (15 datapoints) lasts 15 s, less than twice ' +
        "a new task's health checks (10 s): the service may scale in before new tasks take traffic. " +
        'A speed up to 45 keeps the window twice as long.',
    ]);
  });

  it('says nothing at speeds that keep the window long enough', () => {
    expect(compressionWarnings(deps, 45)).toEqual([]);
    expect(compressionWarnings(deps, 1)).toEqual([]);
  });
});
