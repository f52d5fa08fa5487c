/**
 * `wharf outputs`: the status and outputs of deployed stacks, read with CloudFormation
 * `DescribeStacks` (the toolkit has no read-only outputs action).
 */

import { UsageError } from '../errors.js';
import { synthesizeApp } from '../synth/synth.js';
import { openAwsSession } from './aws.js';
import { AwsError, awsCall } from './errors.js';
import { describeStack } from './preflight/preflight.js';
import { type DeploySourceOptions, templateStackName } from './source.js';
import type { AwsTarget } from './toolkit.js';

/**
 * Which stacks: a CDK app folder, a template, or a stack name (`stackName` wins over the other two
 * here: `outputs` and `destroy` need no template to find a deployed stack).
 */
export type StackNamesOptions = DeploySourceOptions;

/** Options of {@link outputs}. */
export interface OutputsOptions extends StackNamesOptions, AwsTarget {}

/** One deployed stack as `wharf outputs` reports it. */
export interface StackOutputs {
  readonly stackName: string;
  readonly stackArn: string;
  /** e.g. `CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`. */
  readonly status: string;
  readonly statusReason?: string;
  readonly lastUpdated?: string;
  /** Output key → value. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Output key → description, where the template gives one. */
  readonly descriptions: Readonly<Record<string, string>>;
}

/** The names of the stacks an app deploys, without deploying. */
export async function resolveStackNames(options: StackNamesOptions): Promise<string[]> {
  if (options.stackName !== undefined) return [options.stackName];
  if (options.template !== undefined) {
    if (options.dir !== undefined)
      throw new UsageError('give either a CDK app folder or --template <file>, not both.');
    return [templateStackName(options.template)];
  }
  const synthesized = await synthesizeApp({
    dir: options.dir ?? '.',
    app: options.app,
    stack: options.stack,
    io: options.io,
  });
  try {
    return synthesized.apps.map((app) => app.name);
  } finally {
    synthesized.dispose();
  }
}

/**
 * Reads the outputs of deployed stacks.
 * @throws {@link AwsError} `WHARF_AWS_STACK_NOT_FOUND` when a stack does not exist.
 */
export async function outputs(options: OutputsOptions): Promise<StackOutputs[]> {
  const names = await resolveStackNames(options);
  const session = await openAwsSession(options, options.io);
  try {
    const result: StackOutputs[] = [];
    for (const stackName of names) {
      const stack = await awsCall(`reading stack ${stackName} (DescribeStacks)`, () =>
        describeStack(session.clients.cloudFormation, stackName),
      );
      if (!stack) {
        throw new AwsError(
          'WHARF_AWS_STACK_NOT_FOUND',
          `stack '${stackName}' does not exist in account ${session.account}, region ${session.region}.`,
          ['deploy it with wharf deploy, or pick another account/region with --profile/--region'],
        );
      }
      const values: Record<string, string> = {};
      const descriptions: Record<string, string> = {};
      for (const output of stack.Outputs ?? []) {
        if (!output.OutputKey) continue;
        values[output.OutputKey] = output.OutputValue ?? '';
        if (output.Description) descriptions[output.OutputKey] = output.Description;
      }
      const updated = stack.LastUpdatedTime ?? stack.CreationTime;
      result.push({
        stackName,
        stackArn: stack.StackId ?? '',
        status: stack.StackStatus ?? 'UNKNOWN',
        ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
        ...(updated ? { lastUpdated: new Date(updated).toISOString() } : {}),
        outputs: values,
        descriptions,
      });
    }
    return result;
  } finally {
    session.destroy();
  }
}
