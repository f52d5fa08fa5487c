/**
 * Why a deployment failed, in the resource that failed rather than in the nested stack that
 * reports "Embedded stack … was not successfully created". CloudFormation keeps a deleted nested
 * stack's events readable by its ARN, so the causes can be read after the rollback.
 */

import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';

/** One resource that failed, with CloudFormation's reason. */
export interface RootCause {
  /** Logical ids from the root stack down, e.g. `ServiceStack/Service`. */
  readonly path: string;
  readonly type: string;
  readonly status: string;
  readonly reason: string;
}

const CANCELLED = /^Resource (creation|update) cancelled/;
const MAX_DEPTH = 4;
const MAX_EVENTS = 200;

/**
 * The failed resources of the latest operation of `stackName` and of its nested stacks, deepest
 * causes only (a nested stack whose own resources failed is not listed itself).
 */
export async function findRootCauses(
  cloudFormation: CloudFormationClient,
  stackName: string,
  limit = 5,
): Promise<RootCause[]> {
  const causes: RootCause[] = [];
  const visit = async (stackId: string, prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || causes.length >= limit) return;
    const events = await latestOperationEvents(cloudFormation, stackId);
    for (const event of events) {
      if (!event.ResourceStatus?.endsWith('_FAILED') || event.LogicalResourceId === event.StackName) continue;
      const reason = event.ResourceStatusReason ?? '';
      if (CANCELLED.test(reason)) continue;
      const path = `${prefix}${event.LogicalResourceId}`;
      if (
        event.ResourceType === 'AWS::CloudFormation::Stack' &&
        event.PhysicalResourceId?.startsWith('arn:')
      ) {
        const before = causes.length;
        await visit(event.PhysicalResourceId, `${path}/`, depth + 1);
        if (causes.length > before) continue;
      }
      if (causes.some((c) => c.path === path)) continue;
      causes.push({ path, type: event.ResourceType ?? '', status: event.ResourceStatus, reason });
      if (causes.length >= limit) return;
    }
  };
  try {
    await visit(stackName, '', 0);
  } catch {
    // Best effort: the toolkit's own message still says what failed.
  }
  return causes;
}

/** Events of the stack's latest operation, oldest first (up to the stack's last *_IN_PROGRESS start). */
async function latestOperationEvents(
  cloudFormation: CloudFormationClient,
  stackId: string,
): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  let token: string | undefined;
  do {
    const page = await cloudFormation.send(
      new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }),
    );
    for (const event of page.StackEvents ?? []) {
      events.push(event);
      const isStart =
        event.LogicalResourceId === event.StackName &&
        (event.ResourceStatus === 'CREATE_IN_PROGRESS' || event.ResourceStatus === 'UPDATE_IN_PROGRESS') &&
        event.ResourceStatusReason !== undefined &&
        /User Initiated|Transformation succeeded/.test(event.ResourceStatusReason ?? '');
      if (isStart || (event.ResourceStatus as string | undefined) === 'REVIEW_IN_PROGRESS')
        return events.reverse();
    }
    token = page.NextToken;
  } while (token && events.length < MAX_EVENTS);
  return events.reverse();
}
