/**
 * `wharf dev --once` on templates we wrote that go beyond what it emulates, as a user runs it (the
 * built CLI in a child process, because the exit code is the subject): a template using properties
 * Wharf does not emulate starts, answers, and exits 0 after one warning per property; a template
 * whose service ECS would refuse (a load balancer container port the container does not map) fails
 * as AWS does, with ECS's message and exit 4, before anything starts.
 *
 * Both run on the process runtime (the fixtures' own `wharf:local:command`, a Node server in the
 * fixture folder), so they need no image.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runWharfAsync, tempDir } from '../support/cli.js';

const FIXTURES = join(ROOT, 'test/fixtures/dev-coverage');
const logDir = tempDir('wharf-dev-coverage-logs-');
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('wharf dev --once on templates beyond what it emulates', () => {
  it('starts a template using unsupported properties, prints exactly one warning per property, and exits 0', async () => {
    const template = join(FIXTURES, 'not-emulated.yml');
    const result = await runWharfAsync(
      ['dev', '--template', template, '--runtime', 'process', '--once', '--log-dir', logDir],
      { timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('→ 200 ok from the not-emulated fixture');
    const warnings = result.stderr.split('\n').filter((line) => line.includes(' is not emulated: '));
    const named = warnings.map(
      (line) => line.replace(`warning: ${template}: `, '').split(' is not emulated')[0],
    );
    expect(named).toEqual([
      'TaskDefinition: TaskRoleArn',
      'TaskDefinition: PidMode',
      'TaskDefinition: ContainerDefinitions[].DependsOn (container web)',
      'TaskDefinition: ContainerDefinitions[].LogConfiguration.LogDriver other than awslogs (container web)',
      'TaskDefinition: ContainerDefinitions[].FirelensConfiguration (container log-router)',
      'TaskDefinition: ContainerDefinitions[].LinuxParameters.Capabilities (container web)',
      'TaskDefinition: ContainerDefinitions[].Ulimits (containers log-router, web)',
      'TaskDefinition: ContainerDefinitions[].ReadonlyRootFilesystem when true (container web)',
      'Service: LaunchType other than FARGATE',
      'Service: PlacementStrategies',
      'Service: EnableExecuteCommand when true',
    ]);
    // Printed before the run starts, once: not again per task launch or stop.
    expect(result.stderr.indexOf(warnings.at(-1) ?? '?')).toBeLessThan(
      result.stderr.indexOf('Runtime: process'),
    );
  });

  it('refuses a service whose load balancer container port the container does not map, as CloudFormation does: exit 4 and ECS’s message', async () => {
    const template = join(FIXTURES, 'port-mismatch.yml');
    const result = await runWharfAsync(['dev', '--template', template, '--runtime', 'process', '--once'], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: ${template}: Service.Properties.LoadBalancers.0.ContainerPort: AWS would refuse to create this service: ` +
        `CloudFormation reports it CREATE_FAILED with ECS's error "The container web did not have a container port 80 ` +
        'defined. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)". To fix: add ' +
        'ContainerPort 80 to the PortMappings of container web in TaskDefinition, or set this ContainerPort to the port ' +
        'it maps (8080).\n',
    );
  });
});
