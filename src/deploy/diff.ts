/**
 * `wharf diff`: what a deploy would change, per stack and nested stack, from the CDK toolkit's
 * diff (a CloudFormation change set where the stack exists, so replacements are AWS's own
 * verdict; the template alone otherwise).
 */

import { DiffMethod, StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import { WharfError } from '../errors.js';
import { openAwsSession } from './aws.js';
import { AwsError, describeCause, isCredentialsError, NoCredentialsError } from './errors.js';
import { type DeploySourceOptions, prepareDeploySource } from './source.js';
import { type AwsTarget, createToolkit, stripAnsi } from './toolkit.js';

/** Options of {@link diff}. */
export interface DiffOptions extends DeploySourceOptions, AwsTarget {
  /** Values of the root stack's parameters. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** How one resource would change. */
export interface ResourceChange {
  /** The stack (or nested stack) as the toolkit names it. */
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** `add`, `remove`, `update`, or `replace` (an update that replaces the resource). */
  readonly change: 'add' | 'remove' | 'update' | 'replace' | 'may-replace';
}

/** What {@link diff} found. */
export interface DiffResult {
  /** Every resource that would change. */
  readonly changes: readonly ResourceChange[];
  /** Per stack: the toolkit's formatted diff (the same text `cdk diff` prints). */
  readonly formatted: readonly {
    readonly stack: string;
    readonly diff: string;
    readonly security?: string;
  }[];
  /** Stacks with any change (resources, parameters, outputs…). */
  readonly stacksWithChanges: number;
}

/** Compares the app with what is deployed. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const { io } = options;
  const source = await prepareDeploySource(options);
  try {
    const session = await openAwsSession(options, io);
    session.destroy();
    const formatted: { stack: string; diff: string; security?: string }[] = [];
    let stacksWithChanges = 0;
    const toolkit = createToolkit({
      io,
      profile: options.profile,
      region: session.region,
      onMessage: (message) => {
        const data = message.data as
          | {
              stack?: { displayName?: string; stackName?: string };
              formattedDiff?: { diff: string; security?: string };
              numStacksWithChanges?: number;
            }
          | undefined;
        if (message.code === 'CDK_TOOLKIT_I4002' && data?.formattedDiff) {
          formatted.push({
            stack: data.stack?.stackName ?? data.stack?.displayName ?? '',
            diff: stripAnsi(data.formattedDiff.diff).trimEnd(),
            ...(data.formattedDiff.security
              ? { security: stripAnsi(data.formattedDiff.security).trimEnd() }
              : {}),
          });
        }
        if (message.code === 'CDK_TOOLKIT_I4001' && typeof data?.numStacksWithChanges === 'number') {
          stacksWithChanges = data.numStacksWithChanges;
        }
      },
    });
    const cx = await toolkit.fromAssemblyDirectory(source.assemblyDir);
    let diffs: Awaited<ReturnType<typeof toolkit.diff>>;
    try {
      diffs = await toolkit.diff(cx, {
        stacks: {
          strategy: StackSelectionStrategy.PATTERN_MUST_MATCH,
          patterns: source.stacks.map((stack) => stack.hierarchicalId),
        },
        method: DiffMethod.ChangeSet({
          fallbackToTemplate: true,
          ...(options.parameters ? { parameters: { ...options.parameters } } : {}),
        }),
      });
    } catch (error) {
      if (error instanceof WharfError) throw error;
      if (isCredentialsError(error)) throw new NoCredentialsError(options, error);
      throw new AwsError(
        'WHARF_AWS_DIFF_FAILED',
        `could not compute the diff: ${describeCause(error)}`,
        [],
        error,
      );
    }
    const changes: ResourceChange[] = [];
    for (const [stack, templateDiff] of Object.entries(diffs)) {
      templateDiff.resources.forEachDifference((logicalId, change) => {
        if (!change.isDifferent && !change.isAddition && !change.isRemoval) return;
        const impact = change.changeImpact;
        changes.push({
          stack,
          logicalId,
          type: change.resourceType ?? change.newResourceType ?? change.oldResourceType ?? '',
          change: change.isAddition
            ? 'add'
            : change.isRemoval
              ? 'remove'
              : impact === 'WILL_REPLACE'
                ? 'replace'
                : impact === 'MAY_REPLACE'
                  ? 'may-replace'
                  : 'update',
        });
      });
    }
    return { changes, formatted, stacksWithChanges };
  } finally {
    source.dispose();
  }
}
