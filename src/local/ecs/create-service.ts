/**
 * What ECS `CreateService` refuses although the template is valid CloudFormation: a
 * `LoadBalancers` entry whose container is not in the task definition, or whose container port
 * that container does not map. On AWS the stack fails (`CREATE_FAILED` on the service, then a
 * rollback); `wharf dev` fails the same way before anything starts: ECS's message, the file,
 * resource and property, and the exit code `wharf deploy` returns when AWS refuses (4).
 *
 * Fidelity (aws-behavior-2.md §9): the check and the message are ECS's; the first refused entry
 * stops the run, as the first failed resource stops a stack. The decision is
 * `load-balancer-container.ts`, shared with `wharf check`'s `port-mismatch` trap.
 */

import { AWS_EXIT_CODE } from '../../deploy/errors.js';
import { TemplateError } from '../../errors.js';
import {
  createServiceErrorMessage,
  isContainerName,
  loadBalancerContainerVerdict,
} from './load-balancer-container.js';
import type { EcsServiceConfig } from './types.js';

/** Code of {@link CreateServiceRefusedError}. */
export const CREATE_SERVICE_REFUSED = 'WHARF_DEV_AWS_REFUSED';

/** AWS would refuse to create this service; `wharf dev` exits as `wharf deploy` would (4). */
export class CreateServiceRefusedError extends TemplateError {
  /** Exit code the CLI returns: AWS refused. */
  readonly exitCode = AWS_EXIT_CODE;
}

/**
 * Throws a {@link CreateServiceRefusedError} for the first `LoadBalancers` entry ECS would refuse.
 *
 * @param fallbackFile - the file named when a service has no origin (services built in code).
 */
export function refuseWhatCreateServiceRefuses(
  services: readonly EcsServiceConfig[],
  fallbackFile: string,
): void {
  for (const service of services) {
    const containers = service.taskDefinition.containers.map((c) => ({
      name: c.name,
      ports: c.containerPorts,
    }));
    service.loadBalancers.forEach((lb, index) => {
      const verdict = loadBalancerContainerVerdict(containers, lb.containerName, lb.containerPort);
      if (verdict.kind !== 'no-such-container' && verdict.kind !== 'port-not-mapped') return;
      const family = service.taskDefinition.family;
      const task = service.taskDefinition.origin?.logicalId ?? family;
      const name = isContainerName(lb.containerName)
        ? lb.containerName
        : `#${containers.findIndex((c) => c.name === lb.containerName)}`;
      const fix =
        verdict.kind === 'no-such-container'
          ? `ContainerName must name a container of task definition ${task}` +
            listNames(containers.map((c) => c.name))
          : verdict.mappedPorts.length === 0
            ? `container ${name} of ${task} has no PortMappings: add one with ContainerPort ${lb.containerPort}`
            : `add ContainerPort ${lb.containerPort} to the PortMappings of container ${name} in ${task}, ` +
              `or set this ContainerPort to the port it maps (${verdict.mappedPorts.join(', ')})`;
      throw new CreateServiceRefusedError(
        {
          file: service.origin?.file ?? fallbackFile,
          logicalId: service.origin?.logicalId ?? service.name,
          propertyPath: `Properties.LoadBalancers.${index}.${verdict.kind === 'no-such-container' ? 'ContainerName' : 'ContainerPort'}`,
        },
        `AWS would refuse to create this service: CloudFormation reports it CREATE_FAILED with ECS's error ` +
          `"${createServiceErrorMessage(verdict, lb.containerName, lb.containerPort)}". To fix: ${fix}.`,
        { code: CREATE_SERVICE_REFUSED },
      );
    });
  }
}

function listNames(names: readonly string[]): string {
  const quoted = names.filter(isContainerName);
  return quoted.length > 0 ? ` (${quoted.join(', ')})` : '';
}
