/**
 * Reading scalable targets and target tracking policies from templates
 * (docs/reference/aws-behavior-2.md §1.1–§1.2, §1.6): what the local scaler runs, what it warns
 * it does not emulate, and the shapes it refuses with the file, resource and property.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/errors.js';
import { buildLocalModel, EMULATED_TYPES, NOT_EMULATED } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { ROOT } from '../../support/cli.js';

const ALB_CPU = join(ROOT, 'test/fixtures/scaling/alb-cpu.yml');
const NOT_EMULATED_SCALING = join(ROOT, 'test/fixtures/scaling/step-scaling.yml');

const modelOf = (file: string, parameters: Record<string, string> = {}) =>
  buildLocalModel(resolveApp(loadTemplateFile(file), { parameters }));

/** The ALB fixture with `from` replaced by `to`, in a temp file. */
function edited(from: string | RegExp, to: string): string {
  const text = readFileSync(ALB_CPU, 'utf8');
  if (typeof from === 'string' ? !text.includes(from) : !from.test(text))
    throw new Error(`fixture has no ${from}`);
  const file = join(mkdtempSync(join(tmpdir(), 'wharf-scaling-')), 'alb-cpu.yml');
  writeFileSync(file, text.replace(from, to));
  return file;
}

function refusal(file: string, parameters: Record<string, string> = {}): TemplateError {
  try {
    modelOf(file, parameters);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('resolveScalableTargets', () => {
  it('reads the target, both policy shapes (ScalingTargetId; ResourceId + dimension + namespace) and the target group of ResourceLabel', () => {
    const model = modelOf(ALB_CPU);
    const targetGroupArn = model.targetGroups[0]?.arn;
    expect(model.scalableTargets).toEqual([
      expect.objectContaining({
        resourceId: 'service/scaling/burner',
        clusterName: 'scaling',
        serviceName: 'burner',
        minCapacity: 1,
        maxCapacity: 3,
        scaleInSuspended: false,
        scaleOutSuspended: false,
        policies: [
          expect.objectContaining({
            name: 'burner-cpu',
            metric: 'ECSServiceAverageCPUUtilization',
            targetValue: 50,
            scaleOutCooldownSeconds: 60,
            scaleInCooldownSeconds: 60,
            disableScaleIn: false,
          }),
          expect.objectContaining({
            name: 'burner-requests',
            metric: 'ALBRequestCountPerTarget',
            targetGroupArn,
            // §1.6: 300 s when the policy does not set them.
            scaleOutCooldownSeconds: 300,
            scaleInCooldownSeconds: 300,
            disableScaleIn: true,
          }),
        ],
      }),
    ]);
    expect(
      model.warnings.filter((w) => w.includes('ApplicationAutoScaling') || w.includes('Scaling')),
    ).toEqual([]);
  });

  it('counts both types as emulated, with no "not emulated" warning', () => {
    expect(EMULATED_TYPES.has('AWS::ApplicationAutoScaling::ScalableTarget')).toBe(true);
    expect(EMULATED_TYPES.has('AWS::ApplicationAutoScaling::ScalingPolicy')).toBe(true);
    expect(NOT_EMULATED['AWS::ApplicationAutoScaling::ScalingPolicy']).toBeUndefined();
  });

  it('warns once per step policy, customized metric, scheduled action and target of a service it does not run', () => {
    const model = modelOf(NOT_EMULATED_SCALING);
    const scaling = model.warnings.filter((w) => /Policy|Target:/.test(w));
    expect(scaling).toEqual([
      expect.stringMatching(/step-scaling\.yml: ScalableTarget: ScheduledActions are not emulated/),
      expect.stringMatching(/OtherStackTarget: service api of cluster elsewhere is not in these templates/),
      expect.stringMatching(/StepPolicy: PolicyType StepScaling is not emulated/),
      expect.stringMatching(/QueuePolicy: a CustomizedMetricSpecification is not emulated/),
    ]);
    expect(model.scalableTargets.map((t) => [t.resourceId, t.policies.length])).toEqual([
      [expect.stringMatching(/^service\/.+\/worker$/), 0],
    ]);
  });

  it('refuses MinCapacity above MaxCapacity, naming the property', () => {
    const error = refusal(ALB_CPU, { MinCapacity: '4', MaxCapacity: '3' });
    expect(error.location).toMatchObject({
      logicalId: 'ScalableTarget',
      propertyPath: 'Properties.MinCapacity',
    });
    expect(error.message).toMatch(/above MaxCapacity 3/);
  });

  it('refuses an ECS ResourceId that is not service/<cluster>/<service>', () => {
    const error = refusal(
      edited(
        'ResourceId: !Join ["", ["service/", !Ref Cluster',
        'ResourceId: !Join ["", ["cluster/", !Ref Cluster',
      ),
    );
    expect(error.location).toMatchObject({
      logicalId: 'ScalableTarget',
      propertyPath: 'Properties.ResourceId',
    });
  });

  it('refuses ALBRequestCountPerTarget without a ResourceLabel, or one naming an undeclared target group', () => {
    const label = /ResourceLabel:\s*!Join[^\n]*/;
    const missing = refusal(edited(label, ''));
    expect(missing.location).toMatchObject({
      logicalId: 'RequestScaling',
      propertyPath:
        'Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel',
    });
    expect(missing.message).toMatch(/required for ALBRequestCountPerTarget/);
    const unknown = refusal(edited(label, 'ResourceLabel: app/lb/1234/targetgroup/other/5678'));
    expect(unknown.message).toMatch(/not declared in these templates/);
  });
});
