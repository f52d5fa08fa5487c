/**
 * Small read helpers over a {@link LoadedApp}: list resources across every stack, read a
 * property by path.
 */

import type { CfnResource, CfnValue, LoadedApp, LoadedStack } from './model.js';

/** One resource and the stack it is declared in. */
export interface ResourceEntry {
  readonly stack: LoadedStack;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/**
 * Yields every resource of the app, stack by stack (root first), in template order.
 *
 * @param type - only resources of this CloudFormation type, e.g. `AWS::ECS::Service`.
 */
export function* listResources(app: LoadedApp, type?: string): Generator<ResourceEntry> {
  for (const stack of app.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (type === undefined || resource.Type === type) yield { stack, logicalId, resource };
    }
  }
}

/**
 * Reads a value inside a resource by a dotted path (`Properties.DnsConfig.DnsRecords`, list
 * indexes as numbers: `Properties.ContainerDefinitions.0.Name`); `undefined` when absent.
 */
export function getPath(resource: CfnResource, path: string): CfnValue | undefined {
  let current: unknown = resource;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current as CfnValue | undefined;
}

/** True when two entries name the same resource in the same stack. */
export function sameResource(
  a: { readonly stack: LoadedStack; readonly logicalId: string },
  b: { readonly stack: LoadedStack; readonly logicalId: string },
): boolean {
  return a.stack === b.stack && a.logicalId === b.logicalId;
}
