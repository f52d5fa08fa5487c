/**
 * `wharf destroy`: deletes deployed stacks through the CDK toolkit, with the same progress view as
 * deploy, and reports every resource CloudFormation could not delete, with its reason.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { WharfError } from '../errors.js';
import { assembleTemplate, validateStackName } from './assembly/index.js';
import { openAwsSession } from './aws.js';
import { AwsError, awsCall, describeCause, isCredentialsError, NoCredentialsError } from './errors.js';
import type { StackNamesOptions } from './outputs.js';
import { describeStack } from './preflight/preflight.js';
import type { ProgressListener } from './progress-listener.js';
import { type DeploySource, prepareDeploySource, readStackArtifacts } from './source.js';
import { StackTree } from './stack-tree.js';
import { type AwsTarget, createToolkit } from './toolkit.js';

/** Options of {@link destroy}. */
export interface DestroyOptions extends StackNamesOptions, AwsTarget {
  /** Time between polls of stack events. @default 2000 */
  readonly pollIntervalMs?: number;
  readonly progress?: ProgressListener;
  /**
   * Asked once the stacks that exist are known; nothing is deleted unless it resolves true.
   * @default - no question (the CLI asks unless --yes)
   */
  readonly confirm?: (question: {
    stackNames: readonly string[];
    account: string;
    region: string;
  }) => Promise<boolean>;
}

/** The user declined the deletion. */
export class DestroyDeclinedError extends WharfError {
  constructor() {
    super('WHARF_DESTROY_DECLINED', 'nothing was deleted.');
  }
}

/** A resource CloudFormation could not delete. */
export interface UndeletedResource {
  /** Logical ids from the root stack down to the resource. */
  readonly path: string;
  readonly type: string;
  readonly physicalId?: string;
  readonly reason: string;
}

/** What {@link destroy} did, per stack. */
export interface DestroyedStackResult {
  readonly stackName: string;
  /** False when there was nothing to delete. */
  readonly existed: boolean;
  readonly deleted: boolean;
  /** Resources left behind, with CloudFormation's reasons. */
  readonly undeleted: readonly UndeletedResource[];
}

/** Some resources could not be deleted; the stack is DELETE_FAILED. */
export class DestroyFailedError extends AwsError {
  readonly stacks: readonly DestroyedStackResult[];

  constructor(stacks: readonly DestroyedStackResult[], cause: unknown) {
    const failed = stacks.filter((s) => !s.deleted && s.existed);
    const lines = failed.flatMap((s) =>
      s.undeleted.length > 0
        ? s.undeleted.map((r) => `  - ${s.stackName}/${r.path} (${r.type}): ${r.reason}`)
        : [`  - ${s.stackName}: ${describeCause(cause)}`],
    );
    super(
      'WHARF_AWS_DESTROY_FAILED',
      `could not delete ${failed.map((s) => s.stackName).join(', ')}; CloudFormation left these behind:\n${lines.join('\n')}`,
      [
        'remove what blocks each resource (e.g. empty a bucket, detach an ENI), then run wharf destroy again',
        'or keep them: aws cloudformation delete-stack --stack-name <name> --retain-resources <LogicalId> ...',
      ],
      cause,
    );
    this.stacks = stacks;
  }
}

/** Deletes the stacks of an app, a template or a stack name. */
export async function destroy(options: DestroyOptions): Promise<DestroyedStackResult[]> {
  const { io } = options;
  const source =
    options.stackName !== undefined
      ? placeholderSource(options.stackName)
      : await prepareDeploySource(options);
  try {
    const session = await openAwsSession(options, io);
    try {
      const existing: string[] = [];
      const results = new Map<string, DestroyedStackResult>();
      for (const stackName of source.stackNames) {
        const stack = await awsCall(`reading stack ${stackName} (DescribeStacks)`, () =>
          describeStack(session.clients.cloudFormation, stackName),
        );
        if (stack) existing.push(stackName);
        else results.set(stackName, { stackName, existed: false, deleted: false, undeleted: [] });
      }
      if (existing.length === 0) return [...results.values()];
      if (options.confirm) {
        const yes = await options.confirm({
          stackNames: existing,
          account: session.account,
          region: session.region,
        });
        if (!yes) throw new DestroyDeclinedError();
      }

      const failures = new DeleteFailureCollector();
      const toolkit = createToolkit({
        io,
        profile: options.profile,
        region: session.region,
        activity: {
          stackStarted: (info) => options.progress?.stackStarted({ ...info, operation: 'destroy' }),
          stackEvent: (event) => {
            failures.observe(event);
            options.progress?.stackEvent(event);
          },
        },
      });
      const cx = await toolkit.fromAssemblyDirectory(source.assemblyDir);
      let error: unknown;
      try {
        await toolkit.destroy(cx, {
          stacks: {
            strategy: StackSelectionStrategy.PATTERN_MUST_MATCH,
            patterns: source.stacks
              .filter((st) => existing.includes(st.stackName))
              .map((st) => st.hierarchicalId),
          },
          stackEventPollingInterval: options.pollIntervalMs ?? 2000,
        });
      } catch (caught) {
        error = caught;
      }
      for (const stackName of existing) {
        // Ask CloudFormation rather than trust the toolkit: it only warns when a pattern matches nothing.
        const after = await awsCall(`reading stack ${stackName} after the deletion`, () =>
          describeStack(session.clients.cloudFormation, stackName),
        );
        const deleted = after === undefined || after.StackStatus === 'DELETE_COMPLETE';
        const undeleted = deleted ? [] : failures.forStack(stackName);
        results.set(stackName, { stackName, existed: true, deleted, undeleted });
        options.progress?.finished({
          stackName,
          ok: deleted,
          ...(deleted ? {} : { message: after?.StackStatusReason ?? describeCause(error) }),
        });
      }
      const ordered = source.stackNames.map((name) => results.get(name) as DestroyedStackResult);
      if (!error && ordered.some((r) => r.existed && !r.deleted)) {
        error = new Error('the stacks are still there after the deletion finished');
      }
      if (error) {
        if (error instanceof WharfError) throw error;
        if (isCredentialsError(error)) throw new NoCredentialsError(options, error);
        throw new DestroyFailedError(ordered, error);
      }
      return ordered;
    } finally {
      session.destroy();
    }
  } finally {
    source.dispose();
  }
}

/** Collects DELETE_FAILED events with the path of logical ids from the root stack. */
class DeleteFailureCollector {
  private readonly tree = new StackTree();
  private readonly failures: { root: string; resource: UndeletedResource }[] = [];

  observe(event: StackEvent): void {
    this.tree.observe(event);
    const stackId = event.StackId ?? '';
    const isStackItself = event.LogicalResourceId === event.StackName && event.PhysicalResourceId === stackId;
    if (
      event.ResourceStatus !== 'DELETE_FAILED' ||
      isStackItself ||
      event.ResourceType === 'AWS::CloudFormation::Stack'
    ) {
      return;
    }
    this.failures.push({
      root: this.tree.rootOf(stackId) ?? event.StackName ?? '',
      resource: {
        path: this.tree.pathOf(stackId, event.LogicalResourceId ?? ''),
        type: event.ResourceType ?? '',
        ...(event.PhysicalResourceId ? { physicalId: event.PhysicalResourceId } : {}),
        reason: event.ResourceStatusReason ?? 'no reason given',
      },
    });
  }

  forStack(stackName: string): UndeletedResource[] {
    return this.failures.filter((f) => f.root === stackName).map((f) => f.resource);
  }
}

/** An assembly holding only the stack's name, enough for the toolkit to delete it. */
function placeholderSource(stackName: string): DeploySource {
  validateStackName(stackName);
  const dir = mkdtempSync(join(tmpdir(), 'wharf-destroy-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(
      file,
      JSON.stringify({ Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }),
    );
    const assembly = assembleTemplate({ templateFile: file, stackName });
    return {
      assemblyDir: assembly.dir,
      apps: [],
      stackNames: [stackName],
      stacks: readStackArtifacts(assembly.dir, [stackName]),
      kind: 'template',
      nagReport: false,
      dispose() {
        assembly.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
