/**
 * The "not emulated" warnings for ECS properties: one per property per resource, naming the
 * file, the resource and the property (and, for container properties, the containers that set
 * it), from the `not-emulated` rows of the coverage table (`../emulation-coverage.ts`). They are
 * computed once from the templates, so a run prints each once, not once per task launch.
 *
 * A property counts as used when it is set to something (not null, not an empty string, list or
 * object) and, for a row with `when`, to a value the local cloud does not emulate (`LaunchType:
 * EC2`, not `FARGATE`). A row with `whenAbsent` also counts when its property is not set and AWS's
 * default is not emulated (`NetworkMode` absent: `bridge`). Pure: no I/O.
 */

import type { PlainValue, ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { isSetValue, PROPERTY_COVERAGE, type PropertyCoverage } from '../emulation-coverage.js';
import { isContainerName } from './load-balancer-container.js';

const CONTAINERS = 'ContainerDefinitions[]';

const isSet = isSetValue;

/** Every value at a table path (`A[].B.C`): lists marked `[]` are walked item by item. */
export function valuesAtPath(root: PlainValue | undefined, path: string): PlainValue[] {
  let current: (PlainValue | undefined)[] = [root];
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    const next: (PlainValue | undefined)[] = [];
    for (const value of current) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const child = value[key];
      if (list) {
        if (Array.isArray(child)) next.push(...child);
      } else next.push(child);
    }
    current = next;
  }
  return current.filter(isSet);
}

/** Whether a row's `whenAbsent` default is in force for a resource that does not set the property. */
function absentApplies(entry: PropertyCoverage, resource: ResolvedResource): boolean {
  if (!entry.whenAbsent) return false;
  return entry.whenAbsent.applies?.(resource.properties) ?? true;
}

function used(entry: PropertyCoverage, value: PlainValue): boolean {
  return entry.when ? entry.when.test(value) : true;
}

/** The names of the containers that use a container property (names ECS would refuse shown by index). */
function containersUsing(resource: ResolvedResource, entry: PropertyCoverage): string[] {
  const definitions = resource.properties.ContainerDefinitions;
  if (!Array.isArray(definitions)) return [];
  const rest = entry.property.slice(CONTAINERS.length + 1);
  return definitions.flatMap((definition, index) => {
    if (!valuesAtPath(definition, rest).some((value) => used(entry, value))) return [];
    const name =
      typeof definition === 'object' && definition !== null && !Array.isArray(definition)
        ? definition.Name
        : undefined;
    return [typeof name === 'string' && isContainerName(name) ? name : `#${index}`];
  });
}

function plain(text: string): string {
  return text.replaceAll('`', '');
}

/**
 * The warning for a property that is not set, where AWS's default for it is not emulated, e.g.
 * `task.yml: TaskDefinition: NetworkMode not set (bridge on AWS) is not emulated: …`.
 */
export function absentPropertyWarning(
  resource: Pick<ResolvedResource, 'logicalId'> & {
    readonly stack: { readonly loaded: { readonly file: string } };
  },
  entry: PropertyCoverage,
): string {
  const absent = entry.whenAbsent ? ` (${plain(entry.whenAbsent.text)})` : '';
  return `${resource.stack.loaded.file}: ${resource.logicalId}: ${entry.property} not set${absent} is not emulated: ${plain(entry.note)}`;
}

/** The warning for one use; `containers` for container properties. */
export function notEmulatedWarning(
  resource: Pick<ResolvedResource, 'logicalId'> & {
    readonly stack: { readonly loaded: { readonly file: string } };
  },
  entry: PropertyCoverage,
  containers: readonly string[] = [],
): string {
  const which = entry.when ? ` ${plain(entry.when.text)}` : '';
  const where =
    containers.length > 0 ? ` (container${containers.length > 1 ? 's' : ''} ${containers.join(', ')})` : '';
  return `${resource.stack.loaded.file}: ${resource.logicalId}: ${entry.property}${which}${where} is not emulated: ${plain(entry.note)}`;
}

/**
 * One warning per `not-emulated` property (of the table) that a task definition or service of
 * the app uses, in template order, then table order. Rows with `warnedElsewhere` are left out.
 */
export function notEmulatedPropertyWarnings(
  app: ResolvedApp,
  table: readonly PropertyCoverage[] = PROPERTY_COVERAGE,
): string[] {
  const rows = table.filter((entry) => entry.coverage === 'not-emulated' && !entry.warnedElsewhere);
  const resources = app.stacks.flatMap((stack) =>
    [...stack.resources.values()].filter((r) => rows.some((entry) => entry.resourceType === r.type)),
  );
  const warnings: string[] = [];
  for (const resource of resources) {
    for (const entry of rows) {
      if (entry.resourceType !== resource.type) continue;
      if (entry.property.startsWith(`${CONTAINERS}.`)) {
        const containers = containersUsing(resource, entry);
        if (containers.length > 0) warnings.push(notEmulatedWarning(resource, entry, containers));
      } else {
        const values = valuesAtPath(resource.properties, entry.property);
        if (values.some((value) => used(entry, value))) warnings.push(notEmulatedWarning(resource, entry));
        else if (values.length === 0 && absentApplies(entry, resource))
          warnings.push(absentPropertyWarning(resource, entry));
      }
    }
  }
  return warnings;
}
