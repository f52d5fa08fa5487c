/**
 * Checks against the account before anything is created, each failing with the next step:
 * the CDK bootstrap stack exists and is recent enough, no target stack is in a state
 * CloudFormation cannot update from, and every VPC link lands in Availability Zones that support
 * VPC links.
 */

import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { IoHost } from '../../io/io-host.js';
import type { LoadedApp } from '../../template/model.js';
import type { AwsSession } from '../aws.js';
import { AwsError, describeCause, NotBootstrappedError, StackStateError } from '../errors.js';
import { inspectVpcLinkPlacement } from './vpc-link-placement.js';

/** The CDK's default bootstrap qualifier. */
export const DEFAULT_QUALIFIER = 'hnb659fds';

/**
 * The bootstrap version the default synthesizer needs (its `requiresBootstrapStackVersion`).
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
export const MINIMUM_BOOTSTRAP_VERSION = 6;

/**
 * Reads `/cdk-bootstrap/<qualifier>/version` from SSM, which the bootstrap stack writes.
 * @throws {@link NotBootstrappedError} when it is missing or too old.
 */
export async function checkBootstrap(
  session: AwsSession,
  io: IoHost,
  parameter = `/cdk-bootstrap/${DEFAULT_QUALIFIER}/version`,
): Promise<number | undefined> {
  const name = parameter;
  const qualifier = /^\/cdk-bootstrap\/([^/]+)\/version$/.exec(name)?.[1] ?? DEFAULT_QUALIFIER;
  try {
    const result = await session.clients.ssm.send(new GetParameterCommand({ Name: name }));
    const version = Number(result.Parameter?.Value);
    if (Number.isFinite(version) && version < MINIMUM_BOOTSTRAP_VERSION) {
      throw new NotBootstrappedError(
        session.account,
        session.region,
        `its bootstrap version is ${version}, and Wharf's templates need at least ${MINIMUM_BOOTSTRAP_VERSION}`,
        qualifier,
      );
    }
    return version;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') {
      throw new NotBootstrappedError(
        session.account,
        session.region,
        `SSM parameter ${name} does not exist`,
        qualifier,
      );
    }
    if (error instanceof AwsError) throw error;
    // No ssm:GetParameter permission, for instance: the toolkit checks again through the deploy role.
    io.notify({
      level: 'debug',
      code: 'WHARF_PREFLIGHT_BOOTSTRAP',
      message: `could not read ${name}: ${describeCause(error)}`,
    });
    return undefined;
  }
}

/** Stack statuses CloudFormation refuses to update from, and what to do about each. */
const BLOCKING_STATES: Record<string, (stackName: string) => { message: string; next: string[] }> = {
  UPDATE_ROLLBACK_FAILED: (name) => ({
    message:
      'a rollback failed, and CloudFormation accepts no update until the rollback is continued (resources that cannot roll back can be skipped).',
    next: [
      `aws cloudformation continue-update-rollback --stack-name ${name}   (add --resources-to-skip <LogicalId> for the resources listed above)`,
      'then run wharf deploy again',
    ],
  }),
  ROLLBACK_FAILED: (name) => ({
    message: 'the first deployment failed and its rollback failed too; the stack can only be deleted.',
    next: [`wharf destroy --stack-name ${name}   (or: aws cloudformation delete-stack --stack-name ${name})`],
  }),
  DELETE_FAILED: (name) => ({
    message: 'a deletion failed; the stack can only be deleted again.',
    next: [`wharf destroy --stack-name ${name}`],
  }),
};

/**
 * Refuses to deploy over a stack in a state CloudFormation cannot update from, or one with an
 * operation in progress.
 * @throws {@link StackStateError} naming the state, the resources that failed and the command to run.
 */
export async function checkStackStates(
  cloudFormation: CloudFormationClient,
  stackNames: readonly string[],
): Promise<Map<string, Stack>> {
  const existing = new Map<string, Stack>();
  for (const stackName of stackNames) {
    const stack = await describeStack(cloudFormation, stackName);
    if (!stack) continue;
    existing.set(stackName, stack);
    const status = stack.StackStatus ?? '';
    const blocking = BLOCKING_STATES[status];
    if (blocking) {
      const { message, next } = blocking(stackName);
      const failures = await failedResources(cloudFormation, stack.StackId ?? stackName);
      const detail =
        failures.length > 0
          ? ` Resources that failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`
          : ' ';
      throw new StackStateError(stackName, status, `${message}${detail}`, next);
    }
    if (status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') {
      throw new StackStateError(
        stackName,
        status,
        'another operation is still running on it; CloudFormation runs one at a time.',
        [
          `wait for it to finish (wharf outputs --stack-name ${stackName} shows the status), then run wharf deploy again`,
        ],
      );
    }
  }
  return existing;
}

/** The stack, or `undefined` when it does not exist. */
export async function describeStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const result = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return result.Stacks?.[0];
  } catch (error) {
    if (/does not exist/.test(describeCause(error))) return undefined;
    throw error;
  }
}

/** `Service (AWS::ECS::Service) UPDATE_FAILED: reason` for the latest failures of a stack. */
async function failedResources(cloudFormation: CloudFormationClient, stackId: string): Promise<string[]> {
  try {
    const result = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId }));
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const event of result.StackEvents ?? []) {
      if (!event.ResourceStatus?.endsWith('_FAILED') || event.LogicalResourceId === event.StackName) continue;
      if (seen.has(event.LogicalResourceId ?? '')) continue;
      seen.add(event.LogicalResourceId ?? '');
      lines.push(
        `${event.LogicalResourceId} (${event.ResourceType}) ${event.ResourceStatus}: ${event.ResourceStatusReason ?? 'no reason given'}`,
      );
      if (lines.length >= 5) break;
    }
    return lines;
  } catch {
    return [];
  }
}

/**
 * Maps the account's Availability Zone names to zone IDs and checks where each VPC link's
 * subnets land. @throws {@link AwsError} `WHARF_AWS_VPC_LINK_ZONE` naming the subnets and zones.
 */
export async function checkVpcLinkZones(
  session: AwsSession,
  apps: readonly LoadedApp[],
  io: IoHost,
  parameters: Readonly<Record<string, string>> = {},
): Promise<void> {
  const hasVpcLink = apps.some((app) =>
    app.stacks.some((stack) =>
      Object.values(stack.template.Resources ?? {}).some((r) => r.Type === 'AWS::ApiGatewayV2::VpcLink'),
    ),
  );
  if (!hasVpcLink) return;
  let zones: { zoneName: string; zoneId: string }[];
  try {
    const result = await session.clients.ec2.send(new DescribeAvailabilityZonesCommand({}));
    zones = (result.AvailabilityZones ?? [])
      .filter((z) => (z.ZoneType ?? 'availability-zone') === 'availability-zone' && z.ZoneName && z.ZoneId)
      .map((z) => ({ zoneName: z.ZoneName as string, zoneId: z.ZoneId as string }));
  } catch (error) {
    io.notify({
      level: 'warn',
      code: 'WHARF_PREFLIGHT_ZONES',
      message: `could not list Availability Zones to check VPC link placement (${describeCause(error)}); continuing.`,
    });
    return;
  }
  const reports = apps.map((app) =>
    inspectVpcLinkPlacement(app, {
      account: session.account,
      region: session.region,
      zones,
      parameters: { ...parameters },
    }),
  );
  for (const unchecked of reports.flatMap((r) => r.unchecked)) {
    io.notify({ level: 'debug', code: 'WHARF_PREFLIGHT_VPC_LINK_UNCHECKED', message: unchecked.message });
  }
  const problems = reports.flatMap((r) => r.problems);
  if (problems.length > 0) {
    throw new AwsError(
      'WHARF_AWS_VPC_LINK_ZONE',
      `VPC links for HTTP APIs are not supported where this app would put them:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
      [...new Set(problems.flatMap((p) => p.nextSteps))],
    );
  }
}
