/**
 * Task definition revisions as `wharf dev` registers them when it rolls a service. Fidelity: on
 * AWS every change of a task definition (CloudFormation replacing the resource, or
 * `RegisterTaskDefinition`) registers the next revision of the family, one above every revision
 * it has (aws-behavior-2.md §12.1), and the service deploys that ARN; an unchanged definition keeps
 * its revision and deploys nothing. A template may hold several definitions of one family
 * (`family:1`, `family:2`): a rebuilt one takes the number after the family's highest. The
 * CDK asset hash of an image is not part of the content here: locally an image is identified by
 * the content hash of what was built (`ContainerBuildSpec.contextHash`), which changes with every
 * source edit, while the CDK hash only changes on re-synthesis. Pure.
 */

import type { ContainerConfig, TaskDefinitionConfig } from './types.js';

/** A container without what does not change what runs (the CDK asset hash). */
function runnable(container: ContainerConfig): unknown {
  if (!container.build) return container;
  const { assetHash: _ignored, ...build } = container.build;
  return { ...container, build };
}

/** True when the two definitions run the same thing (revision, ARN and CDK asset hashes aside). */
export function sameTaskDefinition(a: TaskDefinitionConfig, b: TaskDefinitionConfig): boolean {
  const content = (td: TaskDefinitionConfig) =>
    JSON.stringify({ ...td, arn: undefined, revision: undefined, containers: td.containers.map(runnable) });
  return content(a) === content(b);
}

/** The highest revision of each family among `definitions`. */
export function latestRevisions(definitions: Iterable<TaskDefinitionConfig>): Map<string, number> {
  const latest = new Map<string, number>();
  for (const td of definitions) latest.set(td.family, Math.max(latest.get(td.family) ?? 0, td.revision));
  return latest;
}

/**
 * The definition to deploy when the templates now say `next` and the service runs `current`:
 * `current` itself when nothing changed, else `next` registered as the family's next revision:
 * one above `current`, `next` and `latestInFamily` (the highest revision the family has so far,
 * including the template's other definitions of that family), so it never reuses a number.
 * @example registerRevision(webRevision1, webWithNewImage).arn // '…:task-definition/web:2'
 * @example registerRevision(webRevision1, webWithNewImage, 2).arn // '…:task-definition/web:3' (web:2 is another definition)
 */
export function registerRevision(
  current: TaskDefinitionConfig,
  next: TaskDefinitionConfig,
  latestInFamily = 0,
): TaskDefinitionConfig {
  if (sameTaskDefinition(current, next)) return current;
  const revision = Math.max(current.revision, next.revision, latestInFamily) + 1;
  const arn = /:\d+$/.test(next.arn) ? next.arn.replace(/:\d+$/, `:${revision}`) : `${next.arn}:${revision}`;
  return { ...next, revision, arn };
}
