/**
 * `Ref` of an `AWS::ECS::TaskDefinition`: `arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision>`.
 * Every registration in a family adds a revision (`family:1`, `family:2`, …), so two task
 * definitions that set the same `Family` are two revisions of it, never one.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
 *
 * Fidelity: on AWS the revision a definition gets is the order in which CloudFormation registers
 * them (in parallel, unless dependencies order them) after any revisions the family already has in
 * the account. Locally the order is fixed: the app's stacks in load order (the root, then each
 * nested stack depth first in template order) and, within a stack, the order the template declares
 * its resources; only created definitions (conditions hold) count. A family with no earlier
 * registration starts at 1. A definition without `Family` gets a generated family of its own, so
 * its revision is 1. Sources: `docs/reference/aws-behavior-2.md` §12.1.
 */

import { arn, nameOf, own, type ResourceContext, type ResourceKind, text } from './resource-kind.js';

const TASK_DEFINITION = 'AWS::ECS::TaskDefinition';

/**
 * The revision a task definition gets in its family: one more than the created task definitions
 * of the same `Family` declared before it in the app (see the header for the order).
 *
 * @example taskDefinitionRevision(secondWebDefinition) // 2, when an earlier one also sets Family: web
 */
export function taskDefinitionRevision(ctx: ResourceContext): number {
  const family = text(ctx, 'Family');
  if (family === undefined) return 1;
  const definitions = ctx.appResources?.(TASK_DEFINITION) ?? ctx.siblings(TASK_DEFINITION);
  let revision = 1;
  for (const other of definitions) {
    if (other.logicalId === ctx.logicalId && other.stackName === ctx.stackName) return revision;
    if (text(other, 'Family') === family) revision += 1;
  }
  return revision;
}

/** `Ref` and attributes of `AWS::ECS::TaskDefinition`. */
export const TASK_DEFINITION_KIND: ResourceKind = {
  ref: (ctx) => arn(ctx, 'ecs', `task-definition/${nameOf(ctx, 'Family')}:${taskDefinitionRevision(ctx)}`),
  attributes: { TaskDefinitionArn: own },
};
