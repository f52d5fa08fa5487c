/**
 * Reading ECS services and task definitions for the trap rules: which task definition a service
 * runs, its containers and their ports, all traced through parameters.
 */

import type { CfnValue, LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import { type At, numberOf, stringOf } from './support.js';

/** One container definition of a task definition. */
export interface ContainerInfo {
  /** Its index in `ContainerDefinitions`. */
  readonly index: number;
  /** Its traced name, when known. */
  readonly name?: string;
  readonly definition: Record<string, CfnValue>;
}

/** Every `AWS::ECS::Service` in the app. */
export function ecsServices(app: LoadedApp): At[] {
  return [...listResources(app, 'AWS::ECS::Service')];
}

/** The task definition a service runs, when it traces to one in the app. */
export function taskDefinitionOf(service: At): At | undefined {
  const traced = traceValue(service.stack, getPath(service.resource, 'Properties.TaskDefinition'));
  return resourceOf(traced, 'AWS::ECS::TaskDefinition');
}

/** The container definitions of a task definition (an inline list only). */
export function containersOf(taskDefinition: At): ContainerInfo[] {
  const list = getPath(taskDefinition.resource, 'Properties.ContainerDefinitions');
  if (!Array.isArray(list)) return [];
  return list.flatMap((definition, index) =>
    typeof definition === 'object' && definition !== null && !Array.isArray(definition)
      ? [{ index, name: stringOf(taskDefinition.stack, definition.Name), definition }]
      : [],
  );
}

/** The container named `name`; with no name, the only container (or `undefined` when several). */
export function containerNamed(taskDefinition: At, name: string | undefined): ContainerInfo | undefined {
  const containers = containersOf(taskDefinition);
  if (name === undefined) return containers.length === 1 ? containers[0] : undefined;
  return containers.find((container) => container.name === name);
}

/**
 * The traced `ContainerPort`s of a container's `PortMappings`; `undefined` when any cannot be
 * traced to a number (so callers do not report on guesses).
 */
export function containerPorts(taskDefinition: At, container: ContainerInfo): number[] | undefined {
  const mappings = container.definition.PortMappings;
  if (!Array.isArray(mappings)) return [];
  const ports: number[] = [];
  for (const mapping of mappings) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) return undefined;
    const port = numberOf(taskDefinition.stack, mapping.ContainerPort);
    if (port === undefined) return undefined;
    ports.push(port);
  }
  return ports;
}

/** The ports the service's containers map; `undefined` when any cannot be traced. */
export function servicePorts(service: At): number[] | undefined {
  const task = taskDefinitionOf(service);
  if (!task) return undefined;
  const ports: number[] = [];
  for (const container of containersOf(task)) {
    const mapped = containerPorts(task, container);
    if (!mapped) return undefined;
    ports.push(...mapped);
  }
  return ports;
}
