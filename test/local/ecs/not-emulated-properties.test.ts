/**
 * "Not emulated" warnings for ECS properties: a template that uses properties `wharf dev` does not
 * emulate still runs, and the local model carries exactly one warning per property per resource,
 * naming the file, the resource and the property; values it does emulate raise none.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notEmulatedPropertyWarnings, valuesAtPath } from '../../../src/local/ecs/not-emulated-properties.js';
import type { PropertyCoverage } from '../../../src/local/emulation-coverage.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import type { PlainValue, ResolvedApp } from '../../../src/template/resolved.js';
import { ROOT } from '../../support/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/dev-coverage/not-emulated.yml');

/** An app of one stack in `file` holding the given resources (only what the warnings read). */
function appOf(
  resources: Record<string, { type: string; properties: Record<string, PlainValue> }>,
): ResolvedApp {
  const stack = { loaded: { file: 'service.yml' } };
  return {
    stacks: [
      {
        ...stack,
        resources: new Map(
          Object.entries(resources).map(([logicalId, r]) => [logicalId, { logicalId, stack, ...r }]),
        ),
      },
    ],
  } as unknown as ResolvedApp;
}

/** A service; `LaunchType: FARGATE` unless it sets a launch type or a capacity provider strategy. */
const service = (properties: Record<string, PlainValue>) =>
  appOf({
    Service: {
      type: 'AWS::ECS::Service',
      properties:
        'LaunchType' in properties || 'CapacityProviderStrategy' in properties
          ? properties
          : { LaunchType: 'FARGATE', ...properties },
    },
  });
/** A task definition; `NetworkMode: awsvpc` unless it sets one. */
const task = (properties: Record<string, PlainValue>) =>
  appOf({
    TaskDef: { type: 'AWS::ECS::TaskDefinition', properties: { NetworkMode: 'awsvpc', ...properties } },
  });

describe('not-emulated ECS properties', () => {
  it('the fixture resolves to a runnable model with exactly one warning per unsupported property, naming file, resource and property', () => {
    const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));
    expect(model.services.map((s) => s.name)).toEqual(['web']);
    const properties = model.warnings.filter((w) => w.includes(' is not emulated: '));
    expect(properties).toEqual(
      [
        'TaskDefinition: TaskRoleArn is not emulated: tasks get no AWS credentials locally; an app that calls AWS needs them passed with --pass-env',
        'TaskDefinition: PidMode is not emulated: the containers of a task do not share a process namespace locally',
        'TaskDefinition: ContainerDefinitions[].DependsOn (container web) is not emulated: containers start together locally; START/COMPLETE/SUCCESS/HEALTHY are not waited for',
        'TaskDefinition: ContainerDefinitions[].LogConfiguration.LogDriver other than awslogs (container web) is not emulated: logs go to .wharf/logs and the terminal, as with awslogs',
        'TaskDefinition: ContainerDefinitions[].FirelensConfiguration (container log-router) is not emulated: no FireLens log router: other containers log to .wharf/logs',
        "TaskDefinition: ContainerDefinitions[].LinuxParameters.Capabilities (container web) is not emulated: containers get Docker's default capabilities",
        "TaskDefinition: ContainerDefinitions[].Ulimits (containers log-router, web) is not emulated: containers get Docker's default limits (e.g. open files)",
        'TaskDefinition: ContainerDefinitions[].ReadonlyRootFilesystem when true (container web) is not emulated: the root file system is writable locally',
        'Service: LaunchType other than FARGATE is not emulated: tasks run as Fargate tasks would',
        'Service: PlacementStrategies is not emulated: tasks are not spread or binpacked locally; every task runs as on Fargate',
        'Service: EnableExecuteCommand when true is not emulated: ECS Exec has no local endpoint; use docker exec on the task container',
      ].map((line) => `${FIXTURE}: ${line}`),
    );
  });

  it('warns about the EC2 launch type and about a capacity provider strategy with a provider other than FARGATE, not about FARGATE', () => {
    expect(notEmulatedPropertyWarnings(service({ LaunchType: 'FARGATE' }))).toEqual([]);
    expect(notEmulatedPropertyWarnings(service({ LaunchType: 'EXTERNAL' }))).toEqual([
      'service.yml: Service: LaunchType other than FARGATE is not emulated: tasks run as Fargate tasks would',
    ]);
    const fargateOnly = [{ CapacityProvider: 'FARGATE', Weight: 1 }];
    expect(notEmulatedPropertyWarnings(service({ CapacityProviderStrategy: fargateOnly }))).toEqual([]);
    const spot = [...fargateOnly, { CapacityProvider: 'FARGATE_SPOT', Weight: 3 }];
    expect(notEmulatedPropertyWarnings(service({ CapacityProviderStrategy: spot }))).toEqual([
      'service.yml: Service: CapacityProviderStrategy with a provider other than FARGATE is not emulated: ' +
        'tasks run as Fargate tasks would (no Spot interruption, no EC2 capacity)',
    ]);
  });

  it('warns about a service with neither LaunchType nor CapacityProviderStrategy: the cluster default, else EC2, on AWS', () => {
    const bare = appOf({ Service: { type: 'AWS::ECS::Service', properties: { DesiredCount: 1 } } });
    expect(notEmulatedPropertyWarnings(bare)).toEqual([
      "service.yml: Service: LaunchType not set (with no CapacityProviderStrategy, the cluster's default capacity provider strategy on AWS, else EC2) is not emulated: tasks run as Fargate tasks would",
    ]);
    const fargateOnly = [{ CapacityProvider: 'FARGATE', Weight: 1 }];
    expect(notEmulatedPropertyWarnings(service({ CapacityProviderStrategy: fargateOnly }))).toEqual([]);
  });

  it('warns about a task definition without NetworkMode (bridge on AWS) and with bridge or host, not with awsvpc', () => {
    const bare = appOf({
      TaskDef: { type: 'AWS::ECS::TaskDefinition', properties: { ContainerDefinitions: [{ Name: 'app' }] } },
    });
    const note =
      "tasks get awsvpc networking locally (their own address, one localhost) but no security group of their own, as on AWS: the container instance's groups, not modelled, decide there, so locally every connection to them is let in";
    expect(notEmulatedPropertyWarnings(bare)).toEqual([
      `service.yml: TaskDef: NetworkMode not set (bridge on AWS) is not emulated: ${note}`,
    ]);
    expect(notEmulatedPropertyWarnings(task({ NetworkMode: 'host' }))).toEqual([
      `service.yml: TaskDef: NetworkMode other than awsvpc is not emulated: ${note}`,
    ]);
    expect(notEmulatedPropertyWarnings(task({ NetworkMode: 'awsvpc' }))).toEqual([]);
  });

  it('warns for an absent property only from a row that says what AWS does without it', () => {
    const app = appOf({ TaskDef: { type: 'AWS::ECS::TaskDefinition', properties: {} } });
    const row: PropertyCoverage = {
      resourceType: 'AWS::ECS::TaskDefinition',
      property: 'PidMode',
      coverage: 'not-emulated',
      note: 'not shared locally',
    };
    expect(notEmulatedPropertyWarnings(app, [row])).toEqual([]);
    const absent = { ...row, whenAbsent: { text: 'task on AWS', applies: () => true } };
    expect(notEmulatedPropertyWarnings(app, [absent])).toEqual([
      'service.yml: TaskDef: PidMode not set (task on AWS) is not emulated: not shared locally',
    ]);
    expect(
      notEmulatedPropertyWarnings(app, [{ ...absent, whenAbsent: { text: 'x', applies: () => false } }]),
    ).toEqual([]);
  });

  it.each<[string, Record<string, PlainValue>]>([
    ['DeploymentController ECS', { DeploymentController: { Type: 'ECS' } }],
    ['ServiceConnectConfiguration disabled', { ServiceConnectConfiguration: { Enabled: false } }],
    ['EnableExecuteCommand false', { EnableExecuteCommand: false }],
    ['empty PlacementStrategies', { PlacementStrategies: [] }],
    ['deployment alarms off', { DeploymentConfiguration: { Alarms: { Enable: false, AlarmNames: ['a'] } } }],
    [
      'ROLLING strategy and the emulated deployment settings',
      { DeploymentConfiguration: { Strategy: 'ROLLING', MaximumPercent: 200 } },
    ],
    [
      'only ignored properties',
      { Tags: [{ Key: 'a', Value: 'b' }], PropagateTags: 'SERVICE', PlatformVersion: 'LATEST' },
    ],
  ])('raises no warning for a service with %s', (_, properties) => {
    expect(notEmulatedPropertyWarnings(service(properties))).toEqual([]);
  });

  it('names the service properties whose values are not emulated', () => {
    expect(
      notEmulatedPropertyWarnings(
        service({
          DeploymentController: { Type: 'CODE_DEPLOY' },
          ServiceConnectConfiguration: { Enabled: true, Namespace: 'local' },
          PlacementConstraints: [{ Type: 'distinctInstance' }],
          DeploymentConfiguration: { Alarms: { Enable: true, AlarmNames: ['high-5xx'], Rollback: true } },
        }),
      ).map((warning) => warning.split(' is not emulated')[0]),
    ).toEqual([
      'service.yml: Service: DeploymentConfiguration.Alarms when Enable is true',
      'service.yml: Service: DeploymentController with a Type other than ECS',
      'service.yml: Service: PlacementConstraints',
      'service.yml: Service: ServiceConnectConfiguration when Enabled is true',
    ]);
  });

  it('warns once per task definition for a container property set by several containers, and not for emulated values', () => {
    const warnings = notEmulatedPropertyWarnings(
      task({
        NetworkMode: 'awsvpc',
        ContainerDefinitions: [
          { Name: 'app', Ulimits: [{ Name: 'nofile' }], LogConfiguration: { LogDriver: 'awslogs' } },
          {
            Name: 'worker',
            Ulimits: [{ Name: 'nofile' }],
            PortMappings: [{ ContainerPort: 53, Protocol: 'udp' }],
          },
          { Name: 'bad name!', Ulimits: [{ Name: 'nproc' }], Privileged: false },
        ],
      }),
    );
    expect(warnings).toEqual([
      'service.yml: TaskDef: ContainerDefinitions[].PortMappings[].Protocol other than tcp (container worker) is not emulated: only TCP is served locally',
      "service.yml: TaskDef: ContainerDefinitions[].Ulimits (containers app, worker, #2) is not emulated: containers get Docker's default limits (e.g. open files)",
    ]);
  });

  it('warns about a runtime platform other than Linux on x86-64 only', () => {
    const platform = (value: PlainValue) => notEmulatedPropertyWarnings(task({ RuntimePlatform: value }));
    expect(platform({ OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64' })).toEqual([]);
    expect(platform({ OperatingSystemFamily: 'LINUX' })).toEqual([]);
    expect(platform({ CpuArchitecture: 'ARM64' })).toEqual([
      "service.yml: TaskDef: RuntimePlatform other than LINUX on X86_64 is not emulated: containers run on this machine's CPU architecture and operating system",
    ]);
    expect(platform({ OperatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' })).toHaveLength(1);
  });

  it('leaves Secrets to their own warning (the one that names --pass-env)', () => {
    expect(
      notEmulatedPropertyWarnings(
        task({ ContainerDefinitions: [{ Name: 'app', Secrets: [{ Name: 'A' }] }] }),
      ),
    ).toEqual([]);
  });

  it('warns from the table it is given: a row dropped from the table warns no more', () => {
    const app = task({ ContainerDefinitions: [{ Name: 'app', MountPoints: [{ SourceVolume: 'data' }] }] });
    const row: PropertyCoverage = {
      resourceType: 'AWS::ECS::TaskDefinition',
      property: 'ContainerDefinitions[].MountPoints',
      coverage: 'not-emulated',
      note: 'volumes are not mounted locally',
    };
    expect(notEmulatedPropertyWarnings(app, [row])).toHaveLength(1);
    expect(notEmulatedPropertyWarnings(app, [{ ...row, coverage: 'emulated' }])).toEqual([]);
  });
});

describe('valuesAtPath', () => {
  const value: PlainValue = { A: [{ B: { C: 1 } }, { B: { C: null } }, { B: {} }, { X: 2 }], D: '' };
  it.each<[string, PlainValue[]]>([
    ['A[].B.C', [1]],
    ['A[].B', [{ C: 1 }, { C: null }]],
    ['A', [value.A as PlainValue]],
    ['D', []],
    ['A.B', []],
    ['Missing[].B', []],
  ])('%s → the values set there', (path, expected) => {
    expect(valuesAtPath(value, path)).toEqual(expected);
  });
});
