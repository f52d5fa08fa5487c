/**
 * Watches the ECS services a deployment creates or updates, so the progress view can show the
 * rollout (tasks running / desired, stopped-task reasons, the last container log lines, the
 * circuit breaker) and so Wharf can fail fast when tasks keep stopping, instead of waiting out
 * CloudFormation, which waits for a service to stabilize for up to 3 hours.
 *
 * AWS facts used:
 * - A service's `Ref` (its CloudFormation physical id) is the service ARN
 *   `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html
 * - The circuit breaker's failed-task threshold is ⌈0.5 × desired⌉ clamped to [3, 200]; a tripped
 *   breaker sets the deployment's `rolloutState` to FAILED.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * - Service tasks carry `startedBy: ecs-svc/<deployment id>`; stopped tasks stay listed for at
 *   least an hour. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
 * - awslogs streams are named `<prefix>/<container>/<task id>`.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import type { IoHost } from '../../io/io-host.js';
import type { ServiceRollout, StoppedTask } from '../progress/types.js';

/** Why Wharf stopped waiting for a service. */
export interface RolloutFailure {
  /** `circuit-breaker`: ECS marked the deployment FAILED; `tasks-keep-stopping`: Wharf's own rule. */
  readonly kind: 'circuit-breaker' | 'tasks-keep-stopping';
  /** One sentence: what happened, with the latest stopped reason. */
  readonly summary: string;
  /** The last snapshot of the service. */
  readonly rollout: ServiceRollout;
}

/** Options of {@link RolloutMonitor}. */
export interface RolloutMonitorOptions {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  /** Time between polls of one service. @default 5000 */
  readonly intervalMs?: number;
  /**
   * Fail fast when this many tasks of the current deployment stopped while the service is below its
   * desired count and has no circuit breaker; `0` never fails fast on stopped tasks.
   * @default 3
   */
  readonly failFastAfter?: number;
  /** Each snapshot of a watched service. */
  readonly onRollout?: (rollout: ServiceRollout) => void;
  readonly io?: IoHost;
}

interface Watched {
  readonly stackId: string;
  readonly logicalId: string;
  readonly cluster: string;
  readonly serviceArn: string;
  active: boolean;
  timer?: NodeJS.Timeout;
  polling: boolean;
}

const IN_PROGRESS = /_IN_PROGRESS$/;
const SERVICE_ARN = /^arn:aws[a-z-]*:ecs:[^:]+:\d+:service\/([^/]+)\/([^/]+)$/;
const MAX_STOPPED = 3;
const MAX_LOG_LINES = 5;

/**
 * Follows stack events; while an `AWS::ECS::Service` resource is in progress, polls ECS for its
 * rollout. `failure` resolves at the first fail-fast condition.
 */
export class RolloutMonitor {
  /** Resolves when a watched service fails (see {@link RolloutFailure}); never rejects. */
  readonly failure: Promise<RolloutFailure>;
  private resolveFailure!: (failure: RolloutFailure) => void;
  private readonly watched = new Map<string, Watched>();
  private readonly taskDefinitionLogs = new Map<string, Map<string, { group: string; prefix: string }>>();
  private stopped = false;
  private failed = false;

  constructor(private readonly options: RolloutMonitorOptions) {
    this.failure = new Promise((resolve) => {
      this.resolveFailure = resolve;
    });
  }

  /** Feeds one stack event (of the root or a nested stack). */
  observe(event: StackEvent): void {
    if (this.stopped || event.ResourceType !== 'AWS::ECS::Service') return;
    const match = SERVICE_ARN.exec(event.PhysicalResourceId ?? '');
    const key = `${event.StackId}/${event.LogicalResourceId}`;
    const existing = this.watched.get(key);
    const status = event.ResourceStatus ?? '';
    if (!IN_PROGRESS.test(status) || status.startsWith('DELETE') || status.includes('ROLLBACK')) {
      if (existing) existing.active = false;
      return;
    }
    if (!match) return;
    if (existing) {
      existing.active = true;
      return;
    }
    const watched: Watched = {
      stackId: event.StackId ?? '',
      logicalId: event.LogicalResourceId ?? '',
      cluster: match[1] as string,
      serviceArn: event.PhysicalResourceId as string,
      active: true,
      polling: false,
    };
    this.watched.set(key, watched);
    this.schedule(watched, 0);
  }

  /** Stops every poll. */
  stop(): void {
    this.stopped = true;
    for (const watched of this.watched.values()) clearTimeout(watched.timer);
  }

  private schedule(watched: Watched, delay: number): void {
    if (this.stopped) return;
    watched.timer = setTimeout(() => void this.poll(watched), delay);
    watched.timer.unref?.();
  }

  private async poll(watched: Watched): Promise<void> {
    if (this.stopped || watched.polling) return;
    watched.polling = true;
    try {
      const read = await this.snapshot(watched);
      if (read && !this.stopped) {
        this.options.onRollout?.(read.rollout);
        const failure = this.judge(read.rollout, read.stoppedCount);
        if (failure && !this.failed) {
          this.failed = true;
          this.resolveFailure(failure);
        }
      }
    } catch (error) {
      this.options.io?.notify({
        level: 'debug',
        code: 'WHARF_ROLLOUT_POLL',
        message: `could not read the rollout of ${watched.serviceArn}: ${(error as Error).message}`,
      });
    } finally {
      watched.polling = false;
    }
    if (watched.active) this.schedule(watched, this.options.intervalMs ?? 5000);
  }

  /** Reads one service's state from ECS. */
  private async snapshot(
    watched: Watched,
  ): Promise<{ rollout: ServiceRollout; stoppedCount: number } | undefined> {
    const { ecs } = this.options;
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: watched.cluster, services: [watched.serviceArn] }),
    );
    const service = described.services?.[0];
    if (!service) return undefined;
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY') ?? service.deployments?.[0];
    const desired = primary?.desiredCount ?? service.desiredCount ?? 0;
    const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
    const stopped = await this.stoppedTasks(watched, service.serviceName ?? '', primary?.id);
    const rollout: ServiceRollout = {
      stackId: watched.stackId,
      logicalId: watched.logicalId,
      serviceName: service.serviceName ?? watched.serviceArn,
      running: primary?.runningCount ?? service.runningCount ?? 0,
      desired,
      pending: primary?.pendingCount ?? service.pendingCount ?? 0,
      ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
      ...(primary?.rolloutStateReason ? { rolloutStateReason: primary.rolloutStateReason } : {}),
      ...(breaker
        ? {
            circuitBreaker: {
              enabled: breaker.enable === true,
              rollback: breaker.rollback === true,
              failedTasks: primary?.failedTasks ?? 0,
              threshold: circuitBreakerThreshold(desired),
            },
          }
        : {}),
      stoppedTasks: stopped.newest,
    };
    return { rollout, stoppedCount: stopped.count };
  }

  /** The newest stopped tasks of the current deployment, with reasons and last log lines. */
  private async stoppedTasks(
    watched: Watched,
    serviceName: string,
    deploymentId?: string,
  ): Promise<{ count: number; newest: StoppedTask[] }> {
    const { ecs } = this.options;
    const listed = await ecs.send(
      new ListTasksCommand({ cluster: watched.cluster, serviceName, desiredStatus: 'STOPPED' }),
    );
    const arns = listed.taskArns ?? [];
    if (arns.length === 0) return { count: 0, newest: [] };
    const described = await ecs.send(
      new DescribeTasksCommand({ cluster: watched.cluster, tasks: arns.slice(0, 100) }),
    );
    const tasks = (described.tasks ?? [])
      .filter(
        (task) =>
          deploymentId === undefined || task.startedBy === undefined || task.startedBy === deploymentId,
      )
      .sort((a, b) => time(b.stoppedAt) - time(a.stoppedAt));
    const newest = await Promise.all(tasks.slice(0, MAX_STOPPED).map((task) => this.describeStopped(task)));
    return { count: tasks.length, newest };
  }

  private async describeStopped(task: Task): Promise<StoppedTask> {
    const taskId = (task.taskArn ?? '').split('/').pop() ?? '';
    const containers = (task.containers ?? []).map((c) => ({
      name: c.name ?? '',
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    }));
    const logLines: string[] = [];
    const logs = await this.logConfiguration(task.taskDefinitionArn);
    // The essential container that exited is the likeliest to have said why: read it first.
    const ordered = [...containers].sort(
      (a, b) => Number(b.exitCode !== undefined) - Number(a.exitCode !== undefined),
    );
    for (const container of ordered) {
      const config = logs.get(container.name);
      if (!config || logLines.length > 0) continue;
      try {
        const events = await this.options.logs.send(
          new GetLogEventsCommand({
            logGroupName: config.group,
            logStreamName: `${config.prefix}/${container.name}/${taskId}`,
            limit: MAX_LOG_LINES,
            startFromHead: false,
          }),
        );
        for (const event of events.events ?? []) logLines.push((event.message ?? '').replace(/\s+$/, ''));
      } catch {
        // No stream yet (the container never started) or no permission: show the reason alone.
      }
    }
    return {
      taskId,
      stoppedReason: task.stoppedReason ?? task.stopCode ?? 'stopped',
      ...(task.stoppedAt ? { stoppedAt: task.stoppedAt } : {}),
      containers,
      logLines,
    };
  }

  /** awslogs group and prefix per container of a task definition (cached). */
  private async logConfiguration(taskDefinitionArn?: string) {
    const empty = new Map<string, { group: string; prefix: string }>();
    if (!taskDefinitionArn) return empty;
    const cached = this.taskDefinitionLogs.get(taskDefinitionArn);
    if (cached) return cached;
    const result = new Map<string, { group: string; prefix: string }>();
    try {
      const described = await this.options.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }),
      );
      for (const container of described.taskDefinition?.containerDefinitions ?? []) {
        const log = container.logConfiguration;
        const group = log?.options?.['awslogs-group'];
        const prefix = log?.options?.['awslogs-stream-prefix'];
        if (log?.logDriver === 'awslogs' && group && prefix && container.name) {
          result.set(container.name, { group, prefix });
        }
      }
    } catch {
      return empty;
    }
    this.taskDefinitionLogs.set(taskDefinitionArn, result);
    return result;
  }

  /** The fail-fast rule. */
  private judge(rollout: ServiceRollout, stoppedCount: number): RolloutFailure | undefined {
    const latest = rollout.stoppedTasks[0];
    const why = latest ? ` Latest stopped task: ${describeStoppedTask(latest)}.` : '';
    if (rollout.rolloutState === 'FAILED') {
      return {
        kind: 'circuit-breaker',
        summary: `ECS service ${rollout.serviceName}: the deployment circuit breaker tripped (${rollout.rolloutStateReason ?? 'tasks failed to start'}).${why}`,
        rollout,
      };
    }
    const limit = this.options.failFastAfter ?? 3;
    // With a circuit breaker, ECS itself fails the deployment; Wharf reports it when it trips.
    if (limit <= 0 || rollout.circuitBreaker?.enabled) return undefined;
    if (stoppedCount < limit || rollout.running >= rollout.desired) return undefined;
    return {
      kind: 'tasks-keep-stopping',
      summary: `ECS service ${rollout.serviceName}: ${stoppedCount} tasks stopped and ${rollout.running}/${rollout.desired} are running; the service has no circuit breaker, so CloudFormation would wait up to 3 hours for it.${why}`,
      rollout,
    };
  }
}

/** ⌈0.5 × desired⌉ clamped to [3, 200] (see the module note). */
export function circuitBreakerThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));
}

/** `Essential container in task exited (web exit 1: …)`. */
export function describeStoppedTask(task: StoppedTask): string {
  const exits = task.containers
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map(
      (c) =>
        `${c.name}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`,
    );
  return `${task.stoppedReason}${exits.length > 0 ? ` (${exits.join('; ')})` : ''}`;
}

function time(date?: Date): number {
  return date ? new Date(date).getTime() : 0;
}
