/**
 * ECS `CreateService` refuses a `LoadBalancers` entry whose container is not in the task
 * definition, or whose container port that container does not map (aws-behavior-2.md §9).
 * `wharf dev` refuses such a service the same way before anything starts, and `wharf check`
 * reports it as `port-mismatch`, from the same decision.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portMismatch } from '../../../src/check/traps/port-mismatch.js';
import { isWharfError } from '../../../src/errors.js';
import {
  CREATE_SERVICE_REFUSED,
  CreateServiceRefusedError,
  refuseWhatCreateServiceRefuses,
} from '../../../src/local/ecs/create-service.js';
import {
  type ContainerPortsView,
  createServiceErrorMessage,
  loadBalancerContainerVerdict,
} from '../../../src/local/ecs/load-balancer-container.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { ROOT, tempDir } from '../../support/cli.js';
import { container, serviceConfig, TARGET_GROUP_ARN, taskDefinition } from './support.js';

const FIXTURE = join(ROOT, 'test/fixtures/dev-coverage/port-mismatch.yml');
const PORT_80_MESSAGE =
  'The container web did not have a container port 80 defined. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)';

describe('loadBalancerContainerVerdict', () => {
  const web: ContainerPortsView = { name: 'web', ports: [8080, 9090] };
  const sidecar: ContainerPortsView = { name: 'sidecar', ports: [] };
  it.each<
    [
      string,
      ContainerPortsView[],
      string | undefined,
      number | undefined,
      ReturnType<typeof loadBalancerContainerVerdict>,
    ]
  >([
    ['a mapped port', [sidecar, web], 'web', 9090, { kind: 'ok' }],
    [
      'a port the container does not map',
      [sidecar, web],
      'web',
      80,
      { kind: 'port-not-mapped', mappedPorts: [8080, 9090] },
    ],
    [
      'a container without PortMappings',
      [sidecar, web],
      'sidecar',
      80,
      { kind: 'port-not-mapped', mappedPorts: [] },
    ],
    [
      'a port another container maps',
      [sidecar, web],
      'sidecar',
      8080,
      { kind: 'port-not-mapped', mappedPorts: [] },
    ],
    ['a container the task does not have', [sidecar, web], 'api', 8080, { kind: 'no-such-container' }],
    ['an unknown container name (traced templates)', [web], undefined, 8080, { kind: 'unknown' }],
    ['an unknown port', [web], 'web', undefined, { kind: 'unknown' }],
    [
      'a container whose ports are unknown',
      [{ name: 'web', ports: undefined }],
      'web',
      80,
      { kind: 'unknown' },
    ],
    [
      'a missing name when another name is unknown',
      [{ name: undefined, ports: [80] }],
      'web',
      80,
      { kind: 'unknown' },
    ],
  ])('%s', (_, containers, name, port, expected) => {
    expect(loadBalancerContainerVerdict(containers, name, port)).toEqual(expected);
  });
});

describe('createServiceErrorMessage', () => {
  it("is ECS's text as CloudFormation shows it, for both refusals", () => {
    expect(createServiceErrorMessage({ kind: 'port-not-mapped', mappedPorts: [8080] }, 'web', 80)).toBe(
      PORT_80_MESSAGE,
    );
    expect(createServiceErrorMessage({ kind: 'no-such-container' }, 'api', 80)).toBe(
      'The container api does not exist in the task definition. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)',
    );
  });

  it('does not quote back a name ECS would not accept', () => {
    expect(createServiceErrorMessage({ kind: 'no-such-container' }, 'x\n$(rm -rf)', 80)).toContain(
      'The container (invalid name) does not exist',
    );
  });
});

describe('wharf dev refuses what CreateService refuses', () => {
  it('fails building the local model of the fixture with exit code 4, the file, resource and property, and ECS’s message', () => {
    let error: unknown;
    try {
      buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CreateServiceRefusedError);
    const refused = error as CreateServiceRefusedError;
    expect(isWharfError(refused) && refused.source).toBe('user');
    expect(refused.code).toBe(CREATE_SERVICE_REFUSED);
    expect(refused.exitCode).toBe(4);
    expect(refused.location).toEqual({
      file: FIXTURE,
      logicalId: 'Service',
      propertyPath: 'Properties.LoadBalancers.0.ContainerPort',
    });
    expect(refused.message).toBe(
      `${FIXTURE}: Service.Properties.LoadBalancers.0.ContainerPort: AWS would refuse to create this service: ` +
        `CloudFormation reports it CREATE_FAILED with ECS's error "${PORT_80_MESSAGE}". To fix: add ContainerPort 80 ` +
        'to the PortMappings of container web in TaskDefinition, or set this ContainerPort to the port it maps (8080).',
    );
  });

  it('names ContainerName when the container is not in the task definition, listing those that are', () => {
    const service = serviceConfig({
      taskDefinition: taskDefinition(1, [
        container({ name: 'web' }),
        container({ name: 'sidecar', containerPorts: [] }),
      ]),
      loadBalancers: [
        { targetGroupArn: TARGET_GROUP_ARN, containerName: 'web', containerPort: 8080 },
        { targetGroupArn: TARGET_GROUP_ARN, containerName: 'api', containerPort: 8080 },
      ],
    });
    expect(() => refuseWhatCreateServiceRefuses([service], 'parent.yml')).toThrow(
      'parent.yml: web.Properties.LoadBalancers.1.ContainerName: AWS would refuse to create this service: ' +
        'CloudFormation reports it CREATE_FAILED with ECS\'s error "The container api does not exist in the task definition. ' +
        '(Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)". To fix: ContainerName must name a ' +
        'container of task definition app (web, sidecar).',
    );
  });

  it('says to add a port mapping when the container has none', () => {
    const service = serviceConfig({
      taskDefinition: taskDefinition(1, [container({ name: 'web', containerPorts: [] })]),
      loadBalancers: [{ targetGroupArn: TARGET_GROUP_ARN, containerName: 'web', containerPort: 80 }],
    });
    expect(() => refuseWhatCreateServiceRefuses([service], 'parent.yml')).toThrow(
      'To fix: container web of app has no PortMappings: add one with ContainerPort 80.',
    );
  });

  it('lets a service whose load balancer names a mapped port through', () => {
    const service = serviceConfig({
      loadBalancers: [{ targetGroupArn: TARGET_GROUP_ARN, containerName: 'app', containerPort: 8080 }],
    });
    expect(() => refuseWhatCreateServiceRefuses([service], 'parent.yml')).not.toThrow();
  });
});

describe('wharf check reports what dev refuses, from the same decision', () => {
  it('port-mismatch quotes the message dev fails with', () => {
    const findings = portMismatch.check(loadTemplateFile(FIXTURE));
    const service = findings.find((f) => f.propertyPath === 'Properties.LoadBalancers.0.ContainerPort');
    expect(service?.logicalId).toBe('Service');
    expect(service?.message).toContain(`CreateService refuses it: "${PORT_80_MESSAGE}"`);
  });

  it('port-mismatch names ContainerName when the container is not in the task definition, as dev does', () => {
    const file = join(tempDir('wharf-lb-container-'), 'template.yml');
    writeFileSync(
      file,
      readFileSync(FIXTURE, 'utf8').replace('- ContainerName: web', '- ContainerName: api'),
    );
    const message =
      'The container api does not exist in the task definition. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)';
    const findings = portMismatch.check(loadTemplateFile(file));
    expect(findings.map((f) => [f.logicalId, f.propertyPath])).toEqual([
      ['Service', 'Properties.LoadBalancers.0.ContainerName'],
    ]);
    expect(findings[0]?.message).toContain(`CreateService refuses it: "${message}"`);
    expect(() => buildLocalModel(resolveApp(loadTemplateFile(file)))).toThrow(
      `Service.Properties.LoadBalancers.0.ContainerName: AWS would refuse to create this service: CloudFormation reports it CREATE_FAILED with ECS's error "${message}"`,
    );
  });
});
