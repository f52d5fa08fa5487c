/**
 * The scaling traps beyond their trips/passes fixtures: the other shapes they read (a label that
 * names another target group, a literal ResourceId, a memory target), and a template synthesized
 * by Wharf's own `scaling` prop tripping none of them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { runTrapRules } from '../../src/check/traps/index.js';
import { LoadBalancedFargateService } from '../../src/index.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { ROOT } from '../support/cli.js';

process.env.CDK_VALIDATION = 'false';

const PASSES = join(ROOT, 'test/fixtures/traps/scaling-target-at-idle/passes/template.yml');

/** The passing fixture with each `[from, to]` replaced, loaded; its scaling findings as `rule logicalId`. */
function scalingFindings(...edits: [string, string][]): string[] {
  let text = readFileSync(PASSES, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
    text = text.replace(from, to);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'wharf-scaling-traps-')), 'template.yml');
  writeFileSync(file, text);
  return runTrapRules(loadTemplateFile(file))
    .filter((f) => f.ruleId.startsWith('scaling-'))
    .map((f) => `${f.ruleId} ${f.logicalId}`);
}

describe('scaling traps', () => {
  it('trips scaling-request-target-without-lb when the label names a target group the service is not in', () => {
    const other = [
      '  Listener:\n',
      '  OtherTargets:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      VpcId: vpc-0123456789abcdef0\n      TargetType: ip\n      Protocol: HTTP\n      Port: 8080\n\n  Listener:\n',
    ] as [string, string];
    expect(
      scalingFindings(other, [
        '!GetAtt AppTargets.TargetGroupFullName',
        '!GetAtt OtherTargets.TargetGroupFullName',
      ]),
    ).toEqual(['scaling-request-target-without-lb RequestScaling']);
  });

  it('finds the service of a literal ResourceId by its ServiceName', () => {
    const literal = '"service/apps/app"';
    expect(
      scalingFindings(
        ['!Join ["", ["service/apps/", !GetAtt AppService.Name]]', literal],
        ['      LaunchType: FARGATE\n', '      LaunchType: FARGATE\n      DesiredCount: 9\n'],
      ),
    ).toEqual(['scaling-desired-outside-range AppService']);
  });

  it('trips scaling-target-at-idle on a memory target of 3 %, not on one of 6 %', () => {
    const memory = ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization'] as [
      string,
      string,
    ];
    expect(scalingFindings(memory, ['TargetValue: 60', 'TargetValue: 3'])).toEqual([
      'scaling-target-at-idle CpuScaling',
    ]);
    expect(scalingFindings(memory, ['TargetValue: 60', 'TargetValue: 6'])).toEqual([]);
  });

  it("trips none on the load balancer pattern's synthesized scaling (CPU and requests per target)", () => {
    const app = new App();
    const stack = new Stack(app, 'Scaled');
    new LoadBalancedFargateService(stack, 'Web', {
      layout: 'flat',
      service: { scaling: { min: 2, max: 6, cpuPercent: 60, requestsPerTarget: 500 } },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-scaling-traps-')), 'scaled.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const findings = runTrapRules(loadTemplateFile(file));
    expect(findings.filter((f) => f.ruleId.startsWith('scaling-'))).toEqual([]);
    // The rules did read it: an out-of-range count written into the same template is found.
    const json = Template.fromStack(stack).toJSON();
    const serviceId = Object.keys(json.Resources).find(
      (id) => json.Resources[id].Type === 'AWS::ECS::Service',
    );
    json.Resources[serviceId as string].Properties.DesiredCount = 7;
    writeFileSync(file, JSON.stringify(json));
    expect(runTrapRules(loadTemplateFile(file)).map((f) => f.ruleId)).toContain(
      'scaling-desired-outside-range',
    );
  });
});
