/**
 * Which root stack, and which path of logical ids, a CloudFormation event belongs to. Events of
 * nested stacks carry only their own stack's ARN; the parent's event for the
 * `AWS::CloudFormation::Stack` resource links that ARN to a logical id in the parent.
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';

/** Builds the stack tree from events, old to new. */
export class StackTree {
  private readonly roots = new Map<string, string>();
  private readonly prefixes = new Map<string, string>();

  /** Feeds one event (of the root stack or any nested stack). */
  observe(event: StackEvent): void {
    const stackId = event.StackId ?? '';
    const isStackItself = event.LogicalResourceId === event.StackName && event.PhysicalResourceId === stackId;
    if (isStackItself && !this.roots.has(stackId)) {
      this.roots.set(stackId, event.StackName ?? '');
      this.prefixes.set(stackId, '');
    }
    if (event.ResourceType === 'AWS::CloudFormation::Stack' && !isStackItself && event.PhysicalResourceId) {
      const root = this.roots.get(stackId) ?? event.StackName ?? '';
      this.roots.set(event.PhysicalResourceId, root);
      this.prefixes.set(
        event.PhysicalResourceId,
        `${this.prefixes.get(stackId) ?? ''}${event.LogicalResourceId}/`,
      );
    }
  }

  /** The root stack's name for a stack ARN, once an event linked it. */
  rootOf(stackId: string): string | undefined {
    return this.roots.get(stackId);
  }

  /** `ServiceStack/Service` for a resource of a nested stack; the logical id at the root. */
  pathOf(stackId: string, logicalId: string): string {
    return `${this.prefixes.get(stackId) ?? ''}${logicalId}`;
  }
}
