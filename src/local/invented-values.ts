/**
 * Warnings for values the local cloud hands on but cannot know. A `Fn::GetAtt` of an attribute
 * Wharf does not model is answered with an invented value shaped like AWS's
 * (`src/template/schema-attributes.ts`): harmless in an IAM policy or an output, but a container
 * that receives one (in its environment, command, secrets, …) gets the name of nothing real.
 *
 * Fidelity: a warning for each such value that reaches a task definition's
 * `ContainerDefinitions`, and for each attribute no resource schema could confirm (a type the
 * schemas do not list, or schemas that could not be read), wherever it is read.
 */

import type { InventedAttribute, ResolvedApp } from '../template/resolved.js';

function readerType(app: ResolvedApp, read: InventedAttribute): string | undefined {
  if (!read.readerId || !read.propertyPath.startsWith('Properties')) return undefined;
  for (const stack of app.stacks) {
    if (stack.loaded.file !== read.file) continue;
    const type = stack.resources.get(read.readerId)?.type;
    if (type) return type;
  }
  return undefined;
}

function where(read: InventedAttribute): string {
  return [read.file, read.readerId, read.propertyPath].filter(Boolean).join(': ');
}

/**
 * One line per invented value that matters locally, naming the file, the reader and the
 * attribute read.
 *
 * @example
 * inventedValueWarnings(app);
 * // ["service.yml: Task: Properties.ContainerDefinitions.0.Environment.0.Value: the container gets
 * //   Fn::GetAtt Table.Arn (AWS::DynamoDB::Table) as an invented value, …"]
 */
export function inventedValueWarnings(app: ResolvedApp): string[] {
  const warnings = new Set<string>();
  for (const read of app.inventedAttributes) {
    const getAtt = `Fn::GetAtt ${read.logicalId}.${read.attribute} (${read.type})`;
    if (!read.checked) {
      warnings.add(
        `${where(read)}: ${getAtt} cannot be checked, because ${read.reason ?? 'no resource schema lists it'}; Wharf answers ${JSON.stringify(read.value)}`,
      );
    } else if (
      readerType(app, read) === 'AWS::ECS::TaskDefinition' &&
      read.propertyPath.startsWith('Properties.ContainerDefinitions')
    ) {
      warnings.add(
        `${where(read)}: the container gets ${getAtt} as ${JSON.stringify(read.value)}, a value Wharf invents: ${read.type} is not created locally`,
      );
    }
  }
  return [...warnings];
}
