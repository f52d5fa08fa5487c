/**
 * `RunTask` for `wharf dev --run-task`: which task definition a reference names, where its task
 * goes (cluster, subnets, security groups), and the exit code a run ends with. Pure decisions over
 * the local model; the local cloud runs the task (`LocalCloud.runTask`).
 *
 * Fidelity (aws-behavior-2.md §11.2, §12.1): a reference is a task definition ARN,
 * `family:revision` or a family (its latest revision), as `aws ecs run-task --task-definition`
 * takes it; locally the logical id of the
 * `AWS::ECS::TaskDefinition` works too. `aws ecs run-task` needs a network configuration for
 * Fargate tasks; locally it is taken from what already runs the definition (a scheduled rule's
 * target, then a service), else the templates' private subnets (all subnets if none is private)
 * with no security group.
 */

import { UsageError } from '../errors.js';
import { findTaskDefinition } from './ecs/resolve.js';
import type { StandaloneTaskResult } from './ecs/standalone-tasks.js';
import type { TaskDefinitionConfig } from './ecs/types.js';
import type { LocalModel } from './model.js';

/** Where a task of `wharf dev --run-task` runs, and where that came from. */
export interface RunTaskPlacement {
  readonly clusterName: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** e.g. `the network configuration of rule Nightly (target Job)`. */
  readonly source: string;
}

/** The task definitions a reference may name, for error messages: `family (LogicalId)`. */
function available(model: LocalModel): string {
  const shared = (td: TaskDefinitionConfig) =>
    model.taskDefinitions.some((other) => other !== td && other.family === td.family);
  const names = model.taskDefinitions.map(
    (td) =>
      `${shared(td) ? `${td.family}:${td.revision}` : td.family}${td.origin && td.origin.logicalId !== td.family ? ` (${td.origin.logicalId})` : ''}`,
  );
  return names.length > 0 ? names.join(', ') : 'none: the templates declare no AWS::ECS::TaskDefinition';
}

/**
 * The task definition `reference` names: an ARN, `family:revision`, a family or a logical id.
 * Throws a {@link UsageError} listing the task definitions of the templates.
 *
 * @example findRunTaskDefinition(model, 'migrate') // the definition of family "migrate"
 */
export function findRunTaskDefinition(model: LocalModel, reference: string): TaskDefinitionConfig {
  const found =
    findTaskDefinition(model.taskDefinitions, reference) ??
    model.taskDefinitions.find((td) => td.origin?.logicalId === reference);
  if (!found) {
    throw new UsageError(
      `wharf dev: --run-task '${reference.slice(0, 200)}' names no task definition of these templates; ` +
        `allowed: a family, family:revision, ARN or logical id of ${available(model)}.`,
    );
  }
  return found;
}

/** Where a run-task task of `definition` goes (see the header). */
export function runTaskPlacement(model: LocalModel, definition: TaskDefinitionConfig): RunTaskPlacement {
  for (const rule of model.scheduledRules) {
    const target = rule.targets.find((t) => t.taskDefinition.arn === definition.arn);
    if (target) {
      return {
        clusterName: target.clusterName,
        subnetIds: target.subnetIds,
        securityGroupIds: target.securityGroupIds,
        source: `the network configuration of rule ${rule.name} (target ${target.id})`,
      };
    }
  }
  const service = model.services.find((s) => s.taskDefinition.arn === definition.arn);
  if (service) {
    return {
      clusterName: service.clusterName,
      subnetIds: service.subnetIds,
      securityGroupIds: service.securityGroupIds,
      source: `the network configuration of service ${service.name}`,
    };
  }
  const privateSubnets = model.subnets.filter((s) => !s.public);
  const subnets = privateSubnets.length > 0 ? privateSubnets : model.subnets;
  return {
    clusterName: model.services[0]?.clusterName ?? 'default',
    subnetIds: subnets.map((s) => s.id),
    securityGroupIds: [],
    source:
      subnets.length > 0
        ? `the templates' ${privateSubnets.length > 0 ? 'private ' : ''}subnets, no security group`
        : 'no subnet (the templates declare none)',
  };
}

/**
 * The exit code of `wharf dev --run-task`: the exit code of the essential container whose exit
 * stopped the task, like `docker run`; 1 when the task never ran its containers to an exit
 * (a start failure) or a container was killed by a signal without a code.
 *
 * @example runTaskExitCode({ task, exitedContainer: 'job', exitCode: 3 }) // 3
 */
export function runTaskExitCode(result: StandaloneTaskResult): number {
  const code = result.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1;
}
