/**
 * Catches: an ECS service whose container port (the task definition's `PortMappings`
 * `ContainerPort` of the container it routes to) differs from its `LoadBalancers[].ContainerPort`,
 * its target group's `Port`, or its `ServiceRegistries[].Port`/`ContainerPort`, all traced through
 * parameters to their defaults.
 *
 * Why: ECS registers the task IP with the port the service names, and the target group health
 * checks and routes to that port; a mismatch fails the deployment (container port not found) or
 * leaves every target unhealthy. For `ip` targets ECS passes the container port, so the target
 * group's `Port` is only its default, but a different value is almost always a mistake.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-serviceregistry.html
 *
 * The load balancer decision (container port mapped or not) is ECS's `CreateService` check, shared
 * with `wharf dev`, which refuses such a service as AWS does (`local/ecs/load-balancer-container.ts`):
 * a container without `PortMappings` maps no port.
 *
 * Does not catch: ports it cannot trace, task definitions outside the app, or host-port mappings.
 */

import {
  createServiceErrorMessage,
  type LoadBalancerContainerVerdict,
  loadBalancerContainerVerdict,
} from '../../local/ecs/load-balancer-container.js';
import type { LoadedApp } from '../../template/model.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import {
  type ContainerInfo,
  containerNamed,
  containerPorts,
  containersOf,
  ecsServices,
  taskDefinitionOf,
} from './ecs.js';
import type { TrapRule } from './rule.js';
import { type At, keyOf, listAt, literalAt, numberOf, stringOf, trapFinding } from './support.js';

function portsOf(task: At, container: ContainerInfo | undefined): number[] | undefined {
  if (container) return containerPorts(task, container);
  const all = containersOf(task).map((c) => containerPorts(task, c));
  return all.some((ports) => ports === undefined) ? undefined : (all.flat() as number[]);
}

function describeContainer(container: ContainerInfo | undefined): string {
  return container ? `container ${container.name ?? `#${container.index}`}` : 'the task definition';
}

/** A `LoadBalancers` entry ECS `CreateService` refuses: the service would fail to create. */
function refusedFinding(
  service: At,
  task: At,
  propertyPath: string,
  verdict: Extract<LoadBalancerContainerVerdict, { kind: 'no-such-container' | 'port-not-mapped' }>,
  containerName: string,
  port: number,
): Finding {
  const refusal = `CreateService refuses it: "${createServiceErrorMessage(verdict, containerName, port)}"`;
  if (verdict.kind === 'no-such-container') {
    return trapFinding(portMismatch, service, {
      propertyPath,
      message: `ECS service ${service.logicalId} sends load balancer traffic to a container that ${task.logicalId} does not define; ${refusal}`,
      fix: `Name a container of ${task.logicalId} in ${propertyPath}.`,
    });
  }
  const listens =
    verdict.mappedPorts.length > 0 ? `listens on ${verdict.mappedPorts.join(', ')}` : 'maps no port';
  return trapFinding(portMismatch, service, {
    propertyPath,
    message: `ECS service ${service.logicalId} sends load balancer traffic to port ${port}, but container ${containerName} of ${task.logicalId} ${listens}; ${refusal}`,
    fix:
      verdict.mappedPorts.length > 0
        ? `Use the container port (${verdict.mappedPorts[0]}) in ${propertyPath}, or change the PortMappings of ${task.logicalId}; one parameter for both keeps them in step.`
        : `Add a PortMappings entry with ContainerPort ${port} to container ${containerName} of ${task.logicalId}.`,
  });
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const seenTargetGroups = new Set<string>();
  for (const service of ecsServices(app)) {
    const task = taskDefinitionOf(service);
    if (!task) continue;
    const mismatch = (
      propertyPath: string,
      what: string,
      value: number,
      container: ContainerInfo | undefined,
    ) => {
      const ports = portsOf(task, container);
      if (!ports || ports.length === 0 || ports.includes(value)) return;
      findings.push(
        trapFinding(portMismatch, service, {
          propertyPath,
          message: `ECS service ${service.logicalId} ${what} port ${value}, but ${describeContainer(container)} of ${task.logicalId} listens on ${ports.join(', ')}.`,
          fix: `Use the container port (${ports[0]}) in ${propertyPath}, or change the PortMappings of ${task.logicalId}; one parameter for both keeps them in step.`,
        }),
      );
    };
    const views = containersOf(task).map((c) => ({ name: c.name, ports: containerPorts(task, c) }));
    for (const { value, index } of listAt(service, 'Properties.LoadBalancers')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const name = stringOf(service.stack, value.ContainerName);
      const port = numberOf(service.stack, value.ContainerPort);
      const container = containerNamed(task, name);
      // The decision ECS makes at CreateService, shared with `wharf dev` (which refuses the same).
      const verdict = loadBalancerContainerVerdict(views, container?.name ?? name, port);
      if (verdict.kind === 'no-such-container' && name !== undefined && port !== undefined) {
        findings.push(
          refusedFinding(
            service,
            task,
            `Properties.LoadBalancers.${index}.ContainerName`,
            verdict,
            name,
            port,
          ),
        );
      }
      if (!container) continue;
      if (verdict.kind === 'port-not-mapped' && port !== undefined && container.name !== undefined) {
        findings.push(
          refusedFinding(
            service,
            task,
            `Properties.LoadBalancers.${index}.ContainerPort`,
            verdict,
            container.name,
            port,
          ),
        );
      }
      const group = resourceOf(
        traceValue(service.stack, value.TargetGroupArn),
        'AWS::ElasticLoadBalancingV2::TargetGroup',
      );
      if (
        !group ||
        seenTargetGroups.has(keyOf(group)) ||
        literalAt(group, 'Properties.TargetType') === 'lambda'
      )
        continue;
      seenTargetGroups.add(keyOf(group));
      const groupPort = numberOf(group.stack, group.resource.Properties?.Port);
      const ports = containerPorts(task, container);
      if (groupPort === undefined || !ports || ports.length === 0 || ports.includes(groupPort)) continue;
      findings.push(
        trapFinding(portMismatch, group, {
          propertyPath: 'Properties.Port',
          message: `Target group ${group.logicalId} has Port ${groupPort}, but ECS service ${service.logicalId} routes it to ${describeContainer(container)}, which listens on ${ports.join(', ')}.`,
          fix: `Set Port on ${group.logicalId} to the container port (${ports[0]}), e.g. from the same parameter as the PortMappings.`,
        }),
      );
    }
    for (const { value, index } of listAt(service, 'Properties.ServiceRegistries')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const name = stringOf(service.stack, value.ContainerName);
      const container = name === undefined ? containerNamed(task, undefined) : containerNamed(task, name);
      if (name !== undefined && !container) continue;
      for (const field of ['Port', 'ContainerPort'] as const) {
        const port = numberOf(service.stack, value[field]);
        if (port !== undefined)
          mismatch(
            `Properties.ServiceRegistries.${index}.${field}`,
            'registers in Cloud Map with',
            port,
            container,
          );
      }
    }
  }
  return findings;
}

/** The container port must match the service, target group and Cloud Map registration. */
export const portMismatch: TrapRule = {
  id: 'port-mismatch',
  title: 'Container port differs from the service, target group or Cloud Map port',
  severity: 'error',
  description:
    'The port ECS registers with the load balancer or Cloud Map must be the port the container listens on.',
  check,
};
