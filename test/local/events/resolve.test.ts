/**
 * Reading `AWS::Events::Rule` into the local model (aws-behavior-2.md §11): scheduled rules with
 * ECS targets become rules the local cloud fires; what AWS would refuse is a TemplateError naming
 * the file, the rule and the property; what does not run locally is one warning naming the rule;
 * task definitions nothing starts are listed for `--run-task`.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWharfError, TemplateError } from '../../../src/errors.js';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { buildLocalModel, type LocalModel, unusedTaskDefinitions } from '../../../src/local/model.js';
import { findRunTaskDefinition, runTaskPlacement } from '../../../src/local/run-task.js';
import { notifyUnusedTaskDefinitions } from '../../../src/local/scheduled-tasks-wiring.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/tasks/scheduled-task.yml');
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function modelOf(file: string): LocalModel {
  return buildLocalModel(resolveApp(loadTemplateFile(file)));
}

/** The fixture with `edit` applied to its text, in a temp folder. */
function edited(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-rules-'));
  folders.push(dir);
  const file = join(dir, 'scheduled-task.yml');
  writeFileSync(file, edit(readFileSync(FIXTURE, 'utf8')));
  return file;
}

function errorOf(file: string): TemplateError {
  try {
    modelOf(file);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('scheduled rules in the local model', () => {
  it('reads each rule with its schedule, state and ECS targets (TaskCount, network, Input overrides)', () => {
    const model = modelOf(FIXTURE);
    expect(model.scheduledRules.map((r) => [r.name, r.schedule.expression, r.state])).toEqual([
      ['report-every-minute', 'rate(1 minute)', 'ENABLED'],
      ['cleanup', 'cron(0/5 * * * ? *)', 'ENABLED'],
    ]);
    const [report, cleanup] = model.scheduledRules;
    expect(report?.targets[0]).toMatchObject({ id: 'Report', taskCount: 1, assignPublicIp: false });
    expect(report?.targets[0]?.subnetIds).toHaveLength(1);
    expect(report?.targets[0]?.securityGroupIds).toHaveLength(1);
    expect(report?.targets[0]?.taskDefinition.containers[0]?.command).toEqual([
      'sh',
      '-c',
      'echo report written',
    ]);
    // Input's containerOverrides replace the command and add to the environment of that target only.
    const overridden = cleanup?.targets[0]?.taskDefinition.containers[0];
    expect(cleanup?.targets[0]?.taskCount).toBe(2);
    expect(overridden?.command).toEqual(['sh', '-c', 'echo cleaned up $SCOPE']);
    expect(overridden?.environment).toEqual({ SCOPE: 'old reports' });
    expect(model.warnings).toEqual([]);
    expect(model.noLocalEffect.map((t) => t.type)).not.toContain('AWS::Events::Rule');
  });

  it('lists the task definitions no service or rule starts, and --run-task finds them by family or logical id', () => {
    const model = modelOf(FIXTURE);
    expect(unusedTaskDefinitions(model).map((td) => td.family)).toEqual(['migrate']);
    expect(findRunTaskDefinition(model, 'migrate').family).toBe('migrate');
    expect(findRunTaskDefinition(model, 'MigrateTask').family).toBe('migrate');
    expect(findRunTaskDefinition(model, 'report:1').family).toBe('report');
    expect(() => findRunTaskDefinition(model, 'nope')).toThrow(
      "--run-task 'nope' names no task definition of these templates; allowed: a family, family:revision, ARN or logical id of report (ReportTask), migrate (MigrateTask).",
    );
    // A definition a rule runs gets that rule's network; one nothing runs, the private subnets.
    const report = findRunTaskDefinition(model, 'report');
    expect(runTaskPlacement(model, report).source).toBe(
      'the network configuration of rule report-every-minute (target Report)',
    );
    const migrate = runTaskPlacement(model, findRunTaskDefinition(model, 'migrate'));
    expect(migrate.source).toBe("the templates' private subnets, no security group");
    expect(migrate.subnetIds).toEqual(report && runTaskPlacement(model, report).subnetIds);
  });

  it('tells apart two task definitions of one family: rules run the revision they name, the family alone is the latest', () => {
    const model = modelOf(edited((text) => text.replace('Family: migrate', 'Family: report')));
    const report = model.scheduledRules.find((r) => r.name === 'report-every-minute');
    expect(report?.targets[0]?.taskDefinition).toMatchObject({ family: 'report', revision: 1 });
    expect(report?.targets[0]?.taskDefinition.containers.map((c) => c.name)).toEqual(['job']);
    expect(unusedTaskDefinitions(model).map((td) => [td.origin?.logicalId, td.revision])).toEqual([
      ['MigrateTask', 2],
    ]);
    expect(findRunTaskDefinition(model, 'report').origin?.logicalId).toBe('MigrateTask');
    expect(findRunTaskDefinition(model, 'report:1').origin?.logicalId).toBe('ReportTask');
    expect(
      findRunTaskDefinition(model, 'arn:aws:ecs:us-east-1:123456789012:task-definition/report:2').origin
        ?.logicalId,
    ).toBe('MigrateTask');
    expect(() => findRunTaskDefinition(model, 'nope')).toThrow(
      'logical id of report:1 (ReportTask), report:2 (MigrateTask).',
    );
    const io = new RecordingIoHost();
    notifyUnusedTaskDefinitions(model, io);
    expect(io.withCode('WHARF_DEV_TASK_DEFINITION_UNUSED').map((m) => m.message)).toEqual([
      expect.stringMatching(
        /^Task definition report:2 \(.*: MigrateTask\) .* wharf dev --run-task report:2$/,
      ),
    ]);
  });

  it.each([
    [
      'rate(1 minute)',
      'rate(1 minutes)',
      'Properties.ScheduleExpression',
      'the unit must be singular when the value is 1',
    ],
    [
      'rate(1 minute)',
      'cron(0 10 * * * *)',
      'Properties.ScheduleExpression',
      'exactly one of Day-of-month and Day-of-week must be ?',
    ],
    [
      'TaskCount: 1',
      'TaskCount: 0',
      'Properties.Targets.0.EcsParameters.TaskCount',
      'allowed: a whole number from 1',
    ],
    [
      'TaskDefinitionArn: !Ref ReportTask\n            TaskCount: 1',
      'TaskDefinitionArn: arn:aws:ecs:us-east-1:123456789012:task-definition/elsewhere:3\n            TaskCount: 1',
      'Properties.Targets.0.EcsParameters.TaskDefinitionArn',
      'is not a task definition declared in these templates',
    ],
    [
      '"environment": [',
      '"environment": 7, "x": [',
      'Properties.Targets.0.Input',
      'environment is not a list',
    ],
    ['Name: cleanup', 'Name: "clean up\\e[31m"', 'Properties.Name', 'allowed: 1 to 64 letters, digits'],
    ['- Id: Report', '- Id: "Report now"', 'Properties.Targets.0.Id', 'allowed: 1 to 64 letters, digits'],
  ])('refuses %s → %s, naming file, rule and %s', (from, to, property, message) => {
    const file = edited((text) => text.replace(from, to));
    const error = errorOf(file);
    expect(isWharfError(error)).toBe(true);
    expect(error.location.file).toBe(file);
    expect(['ReportEveryMinute', 'CleanupEveryFiveMinutes']).toContain(error.location.logicalId);
    expect(error.location.propertyPath).toBe(property);
    expect(error.message).toContain(message);
  });

  it('warns once per rule or target that does not run locally, and runs the rest', () => {
    const file = edited((text) =>
      text
        // A second, non-ECS target on the rate rule.
        .replace(
          '      Targets:\n        - Id: Report',
          '      Targets:\n        - Id: Notify\n          Arn: arn:aws:sns:us-east-1:123456789012:topic\n        - Id: Report',
        )
        // The cron rule matches events instead of a schedule.
        .replace('ScheduleExpression: cron(0/5 * * * ? *)', 'EventPattern: { source: [aws.s3] }')
        .replace('LaunchType: FARGATE', 'LaunchType: EC2'),
    );
    const model = modelOf(file);
    expect(model.scheduledRules.map((r) => r.name)).toEqual(['report-every-minute']);
    expect(model.warnings).toEqual([
      `${file}: ReportEveryMinute: target Notify is not an ECS task: it is not invoked locally`,
      `${file}: ReportEveryMinute: target Report: the EC2 launch type is not emulated: its tasks run as Fargate tasks would`,
      `${file}: CleanupEveryFiveMinutes: rules that match an event pattern are not emulated (no events are emitted locally): its ECS task never starts here; run it once with wharf dev --run-task`,
    ]);
  });

  it('a target without subnets starts no task, as every invocation fails on AWS, with a warning', () => {
    const file = edited((text) =>
      text.replace(
        /( {12}NetworkConfiguration:\n {14}AwsVpcConfiguration:\n {16}Subnets: \[!Ref PrivateSubnet\]\n {16}SecurityGroups: \[!Ref JobSecurityGroup\]\n)(?![\s\S]*NetworkConfiguration)/,
        '',
      ),
    );
    const model = modelOf(file);
    expect(model.scheduledRules.map((r) => r.name)).toEqual(['report-every-minute']);
    expect(model.warnings).toEqual([
      `${file}: CleanupEveryFiveMinutes: target Cleanup has no EcsParameters.NetworkConfiguration subnets: on AWS every invocation fails (awsvpc tasks need subnets), so locally it starts no task`,
    ]);
  });

  it('a bridge-mode target without subnets on EC2 is warned about as not emulated, not as failing on AWS', () => {
    const file = edited((text) =>
      text
        .replace(
          /( {12}NetworkConfiguration:\n {14}AwsVpcConfiguration:\n {16}Subnets: \[!Ref PrivateSubnet\]\n {16}SecurityGroups: \[!Ref JobSecurityGroup\]\n)(?![\s\S]*NetworkConfiguration)/,
          '',
        )
        .replaceAll('NetworkMode: awsvpc', 'NetworkMode: bridge'),
    );
    const model = modelOf(file);
    expect(model.warnings.filter((w) => w.includes('CleanupEveryFiveMinutes'))).toEqual([
      `${file}: CleanupEveryFiveMinutes: target Cleanup runs bridge network mode tasks on EC2 container instances on AWS (launch type: the cluster's default capacity provider strategy, else EC2), which are not emulated: locally it starts no task (wharf dev --run-task runs its task definition once, with awsvpc networking)`,
    ]);
  });
});
