/**
 * `wharf deploy`: check, preflight, then deploy through the CDK toolkit with change sets while
 * the progress view follows stack events and ECS rollouts; fail fast when tasks keep stopping.
 */

import { StackParameters, StackSelectionStrategy, type Toolkit } from '@aws-cdk/toolkit-lib';
import { CancelUpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { type CheckResult, checkLoaded } from '../check/check.js';
import { UsageError, WharfError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import {
  captureDockerOutput,
  checkDocker,
  type ImageAsset,
  ImageAssetTracker,
  imageAssetError,
  readImageAssets,
} from './assets/index.js';
import { type AwsSession, openAwsSession } from './aws.js';
import {
  AwsError,
  awsCall,
  DeploymentFailedError,
  describeCause,
  isCredentialsError,
  NoCredentialsError,
} from './errors.js';
import { checkImageRepository } from './preflight/image-repository.js';
import { checkBootstrap, checkStackStates, checkVpcLinkZones, describeStack } from './preflight/preflight.js';
import type { ProgressListener } from './progress-listener.js';
import { describeStoppedTask, type RolloutFailure, RolloutMonitor } from './rollout/monitor.js';
import { findRootCauses } from './root-causes.js';
import { type DeploySource, type DeploySourceOptions, prepareDeploySource } from './source.js';
import { StackTree } from './stack-tree.js';
import { type AwsTarget, createToolkit } from './toolkit.js';

/** Options of {@link deploy}. */
export interface DeployOptions extends DeploySourceOptions, AwsTarget {
  /** Values of the root stack's parameters (`--parameter Name=value`). @default - template defaults */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Deploy even when `wharf check` reports errors. @default false */
  readonly force?: boolean;
  /** See {@link RolloutMonitorOptions.failFastAfter}. @default 3 */
  readonly failFastAfter?: number;
  /** Time between polls of stack events and ECS. @default 2000 (events), 5000 (ECS) */
  readonly pollIntervalMs?: number;
  /** Receives the stack events and rollouts, for the progress view. */
  readonly progress?: ProgressListener;
}

/** One deployed stack. */
export interface DeployedStackResult {
  readonly stackName: string;
  readonly stackArn: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** What {@link deploy} did. */
export interface DeployResult {
  readonly stacks: readonly DeployedStackResult[];
  readonly check: CheckResult;
  readonly account: string;
  readonly region: string;
}

/** Check errors stopped the deploy (`--force` deploys anyway). */
export class CheckFailedError extends WharfError {
  readonly check: CheckResult;

  constructor(check: CheckResult) {
    super(
      'WHARF_DEPLOY_CHECK_FAILED',
      `wharf check found ${check.summary.errors} error(s); nothing was deployed. Fix them (wharf check shows each with its fix), or deploy anyway with --force.`,
    );
    this.check = check;
  }
}

/** Deploys a CDK app or a hand-written template tree. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { io } = options;
  const source = await prepareDeploySource(options);
  try {
    const check = checkLoaded({
      apps: source.apps,
      ...(source.nagReport ? { assemblyDir: source.assemblyDir } : {}),
      io,
    });
    io.notify({
      level: 'result',
      code: 'WHARF_DEPLOY_CHECK',
      message: `wharf check: ${check.summary.errors} error(s), ${check.summary.warnings} warning(s)`,
      data: check,
    });
    if (!check.passed && !options.force) throw new CheckFailedError(check);
    checkParameters(source, options.parameters ?? {});
    const images = readImageAssets(source.assemblyDir, source.stackNames);
    if (images.length > 0) {
      const version = await checkDocker(images);
      io.notify({
        level: 'info',
        code: 'WHARF_DEPLOY_IMAGES',
        message: `${images.length} container image(s) to build and push to the bootstrap ECR repository (Docker ${version}): ${images.map((image) => image.name).join(', ')}`,
        data: { images: images.map(({ assetId, name, stackName }) => ({ assetId, name, stackName })) },
      });
    }

    const session = await openAwsSession(options, io);
    try {
      checkPinnedEnvironments(source, session);
      await awsCall('reading the account state', async () => {
        for (const parameter of new Set(source.stacks.map((st) => st.bootstrapVersionParameter))) {
          await checkBootstrap(session, io, parameter);
        }
        await checkStackStates(session.clients.cloudFormation, source.stackNames);
        await checkVpcLinkZones(session, source.apps, io, options.parameters);
        await checkImageRepository(session.clients.cloudFormation, images, session, io);
      });
      const stacks = await runDeployment(options, source, session, images);
      return { stacks, check, account: session.account, region: session.region };
    } finally {
      session.destroy();
    }
  } finally {
    source.dispose();
  }
}

async function runDeployment(
  options: DeployOptions,
  source: DeploySource,
  session: AwsSession,
  images: readonly ImageAsset[],
): Promise<DeployedStackResult[]> {
  const { io, progress } = options;
  const tree = new StackTree();
  const tracker = new ImageAssetTracker(images, (image) => progress?.image?.(image));
  tracker.start();
  const monitor = new RolloutMonitor({
    ecs: session.clients.ecs,
    logs: session.clients.logs,
    ...(options.pollIntervalMs !== undefined ? { intervalMs: options.pollIntervalMs } : {}),
    ...(options.failFastAfter !== undefined ? { failFastAfter: options.failFastAfter } : {}),
    onRollout: (rollout) => progress?.rollout(rollout),
    io,
  });
  const toolkit = createToolkit({
    io,
    profile: options.profile,
    region: session.region,
    onMessage: (message) => tracker.observe(message),
    activity: {
      stackStarted: (info) => progress?.stackStarted({ ...info, operation: 'deploy' }),
      stackEvent: (event) => {
        tree.observe(event);
        progress?.stackEvent(event);
        monitor.observe(event);
      },
    },
  });
  // The toolkit builds and pushes the images; Docker's output goes to the view, not the terminal.
  const stopCapture =
    images.length > 0
      ? captureDockerOutput((line) => {
          tracker.output(line);
          io.notify({ level: 'debug', code: 'WHARF_DEPLOY_DOCKER_OUTPUT', message: line });
        })
      : () => {};
  try {
    const cx = await toolkit.fromAssemblyDirectory(source.assemblyDir);
    const deployment = deployWithToolkit(toolkit, cx, options, source);
    // Keep a rejection after a fail-fast exit from becoming an unhandled one.
    deployment.catch(() => {});
    const outcome = await Promise.race([
      deployment.then((result) => ({ kind: 'done' as const, result })),
      monitor.failure.then((failure) => ({ kind: 'failed-fast' as const, failure })),
    ]);
    if (outcome.kind === 'failed-fast') {
      const stackName = tree.rootOf(outcome.failure.rollout.stackId) ?? source.stackNames[0] ?? '';
      progress?.finished({
        stackName,
        ok: false,
        message:
          outcome.failure.kind === 'circuit-breaker'
            ? 'Wharf stopped waiting: the ECS deployment circuit breaker tripped.'
            : 'Wharf stopped waiting: ECS tasks keep stopping.',
      });
      throw await failFast(outcome.failure, stackName, session, io);
    }
    const stacks = outcome.result.stacks.map((stack) => ({
      stackName: stack.stackName,
      stackArn: stack.stackArn,
      outputs: stack.outputs,
    }));
    for (const stack of stacks) progress?.finished({ stackName: stack.stackName, ok: true });
    return stacks;
  } catch (error) {
    if (error instanceof DeploymentFailedError) throw error;
    const firstLine = describeCause(error).split(/(?<=\.) /)[0] ?? '';
    stopCapture();
    tracker.stopped(firstLine.slice(0, 200));
    const [imageFailure] = tracker.failures();
    if (imageFailure) {
      throw imageAssetError(imageFailure, { account: session.account, region: session.region }, error);
    }
    const failed = await unfinishedStacks(source, session);
    for (const stackName of failed)
      progress?.finished({ stackName, ok: false, message: firstLine.slice(0, 200) });
    throw await explainToolkitError(error, options, failed[0] ?? source.stackNames[0] ?? '', session);
  } finally {
    stopCapture();
    monitor.stop();
  }
}

function deployWithToolkit(
  toolkit: Toolkit,
  cx: Awaited<ReturnType<Toolkit['fromAssemblyDirectory']>>,
  options: DeployOptions,
  source: DeploySource,
) {
  const params = options.parameters ?? {};
  return toolkit.deploy(cx, {
    stacks: {
      strategy: StackSelectionStrategy.PATTERN_MUST_MATCH,
      patterns: source.stacks.map((stack) => stack.hierarchicalId),
    },
    deploymentMethod: { method: 'change-set' },
    ...(Object.keys(params).length > 0 ? { parameters: StackParameters.withExisting(params) } : {}),
    stackEventPollingInterval: options.pollIntervalMs ?? 2000,
  });
}

/**
 * Stops waiting for a failing service: an update is cancelled (CloudFormation rolls it back); a
 * first creation cannot be cancelled, so the user is told how to remove it.
 */
async function failFast(
  failure: RolloutFailure,
  stackName: string,
  session: AwsSession,
  io: IoHost,
): Promise<Error> {
  const details = failure.rollout.stoppedTasks
    .map((task) => {
      const lines = task.logLines.map((line) => `      | ${line}`).join('\n');
      return `  - task ${task.taskId}: ${describeStoppedTask(task)}${lines ? `\n${lines}` : ''}`;
    })
    .join('\n');
  const next: string[] = [];
  const stack = await describeStack(session.clients.cloudFormation, stackName).catch(() => undefined);
  const status = stack?.StackStatus ?? '';
  if (failure.kind === 'circuit-breaker') {
    next.push(
      'CloudFormation now rolls the stack back on its own; follow it with: wharf outputs --stack-name ' +
        stackName,
    );
  } else if (status === 'UPDATE_IN_PROGRESS') {
    try {
      await session.clients.cloudFormation.send(new CancelUpdateStackCommand({ StackName: stackName }));
      io.notify({
        level: 'warn',
        code: 'WHARF_DEPLOY_CANCELLED',
        message: `Cancelled the update of ${stackName}; CloudFormation rolls it back to the previous version.`,
      });
      next.push(
        `the update was cancelled and is rolling back; follow it with: wharf outputs --stack-name ${stackName}`,
      );
    } catch (error) {
      next.push(
        `cancel the update: aws cloudformation cancel-update-stack --stack-name ${stackName} (${describeCause(error)})`,
      );
    }
  } else {
    next.push(
      `CloudFormation cannot cancel a first creation; it keeps waiting for the service. Remove the stack with: wharf destroy --stack-name ${stackName} --yes`,
    );
  }
  next.push(
    'fix the container (the stopped reason and log lines above say why), then run wharf deploy again',
  );
  return new DeploymentFailedError(
    stackName,
    `deployment of ${stackName} stopped early: ${failure.summary}${details ? `\n${details}` : ''}`,
    next,
  );
}

/** Turns the toolkit's errors into messages with a next step. */
async function explainToolkitError(
  error: unknown,
  options: DeployOptions,
  stackName: string,
  session: AwsSession,
): Promise<Error> {
  if (error instanceof WharfError) return error;
  if (isCredentialsError(error)) return new NoCredentialsError(options, error);
  const message = describeCause(error);
  const stack = await describeStack(session.clients.cloudFormation, stackName).catch(() => undefined);
  const status = stack?.StackStatus;
  const next: string[] = [];
  if (status === 'ROLLBACK_COMPLETE') {
    next.push(
      'the first deployment failed and was rolled back; fix the cause above and deploy again (Wharf replaces the empty stack)',
    );
  } else if (status === 'UPDATE_ROLLBACK_COMPLETE') {
    next.push('the stack is back on its previous version; fix the cause above and deploy again');
  } else if (status === 'UPDATE_ROLLBACK_FAILED') {
    next.push(`aws cloudformation continue-update-rollback --stack-name ${stackName}`);
  }
  const causes = status ? await findRootCauses(session.clients.cloudFormation, stackName) : [];
  const because =
    causes.length > 0
      ? `\nResources that failed:\n${causes.map((c) => `  - ${stackName}/${c.path} (${c.type}) ${c.status}: ${c.reason}`).join('\n')}`
      : '';
  return new DeploymentFailedError(
    stackName,
    `deployment of ${stackName} failed${status ? ` (stack ${status})` : ''}: ${message}${because}`,
    next,
    error,
  );
}

/** The stacks that did not end in a complete state (the ones a failure concerns). */
async function unfinishedStacks(source: DeploySource, session: AwsSession): Promise<string[]> {
  const unfinished: string[] = [];
  for (const stackName of source.stackNames) {
    const stack = await describeStack(session.clients.cloudFormation, stackName).catch(() => undefined);
    if (!stack || !/^(CREATE|UPDATE|IMPORT)_COMPLETE$/.test(stack.StackStatus ?? ''))
      unfinished.push(stackName);
  }
  return unfinished.length > 0 ? unfinished : [...source.stackNames];
}

/**
 * `--parameter` names must exist in the root template, and parameters without a default need a
 * value; checked before any AWS call.
 * @throws {@link UsageError} naming the parameter and the allowed names.
 */
function checkParameters(source: DeploySource, given: Readonly<Record<string, string>>): void {
  for (const app of source.apps) {
    const declared = app.root.template.Parameters ?? {};
    const names = Object.keys(declared);
    for (const name of Object.keys(given)) {
      if (!(name in declared)) {
        throw new UsageError(
          `--parameter ${name}: ${app.root.file} (stack ${app.name}) has no parameter '${name}'; its parameters: ${names.join(', ') || 'none'}.`,
        );
      }
    }
    const missing = names.filter(
      (name) => declared[name]?.Default === undefined && given[name] === undefined,
    );
    if (missing.length > 0) {
      throw new UsageError(
        `${app.root.file} (stack ${app.name}) needs a value for ${missing.map((m) => `'${m}'`).join(', ')}: pass --parameter ${missing[0]}=<value>.`,
      );
    }
  }
}

/**
 * A CDK stack pinned to an account or region (`env` in the app) deploys there whatever the
 * credentials say; Wharf's checks and ECS polling must look at the same place.
 * @throws {@link AwsError} `WHARF_AWS_ENVIRONMENT_MISMATCH` with the flag that fixes it.
 */
function checkPinnedEnvironments(source: DeploySource, session: AwsSession): void {
  for (const stack of source.stacks) {
    if (stack.region && stack.region !== session.region) {
      throw new AwsError(
        'WHARF_AWS_ENVIRONMENT_MISMATCH',
        `stack ${stack.stackName} is pinned to region ${stack.region} by the app, but this session is in ${session.region}.`,
        [`wharf deploy ... --region ${stack.region}`],
      );
    }
    if (stack.account && stack.account !== session.account) {
      throw new AwsError(
        'WHARF_AWS_ENVIRONMENT_MISMATCH',
        `stack ${stack.stackName} is pinned to account ${stack.account} by the app, but the credentials are for account ${session.account}.`,
        [`use credentials for account ${stack.account} (--profile <name>)`],
      );
    }
  }
}
