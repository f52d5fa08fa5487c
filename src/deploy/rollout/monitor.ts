/**
 * Watches the ECS services a deployment creates or updates, so the progress view can show the
 * rollout (tasks running / desired, stopped-task reasons, the last container log lines, the
 * circuit breaker) and so Wharf can fail fast when tasks keep stopping, instead of waiting out
 * CloudFormation, which waits for a service to stabilize for up to 3 hours.
 *
 * AWS facts used:
 * - A service's `Ref` (its CloudFormation physical id) is the service ARN
 *   `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`. An update that replaces the service
 *   reports a second `UPDATE_IN_PROGRESS` event carrying the new service's ARN.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html
 * - The circuit breaker's failed-task threshold is ⌈0.5 × desired⌉ clamped to [3, 200]; a tripped
 *   breaker sets the deployment's `rolloutState` to FAILED. With `rollback`, ECS then starts a new
 *   PRIMARY deployment (the rollback), so the FAILED deployment is no longer the primary one.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * - An update that changes only the desired count starts no new deployment: the PRIMARY one may be
 *   hours old and carry earlier stopped tasks.
 * - Service tasks carry `startedBy: ecs-svc/<deployment id>`; stopped tasks stay listed for at
 *   least an hour. Tasks that ECS stops to scale in (desired count lowered, or the old tasks of a
 *   deployment) have a `stoppedReason` beginning with `Scaling activity initiated by`.
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
 * - awslogs streams are named `<prefix>/<container>/<task id>`; a container that never started
 *   has no stream (`ResourceNotFoundException`).
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type Deployment,
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
  /**
   * `circuit-breaker`: ECS marked a deployment of this rollout FAILED (the primary one, or the one
   * a rollback replaced); `tasks-keep-stopping`: Wharf's own rule (see
   * {@link RolloutMonitorOptions.failFastAfter}).
   */
  readonly kind: 'circuit-breaker' | 'tasks-keep-stopping';
  /** One sentence: what happened, with the latest stopped reason. */
  readonly summary: string;
  /**
   * The last snapshot of the service. After a trip its `rolloutState` is `FAILED` with the failed
   * deployment's reason, even when ECS already runs a rollback deployment.
   */
  readonly rollout: ServiceRollout;
}

/** Options of {@link RolloutMonitor}. */
export interface RolloutMonitorOptions {
  /** Client for DescribeServices, ListTasks, DescribeTasks and DescribeTaskDefinition. */
  readonly ecs: ECSClient;
  /** Client for GetLogEvents (the last lines of stopped tasks' awslogs streams). */
  readonly logs: CloudWatchLogsClient;
  /** Time between polls of one service. @default 5000 */
  readonly intervalMs?: number;
  /**
   * Fail fast when this many tasks stopped during this rollout while the service is below its
   * desired count and has no circuit breaker; `0` never fails fast on stopped tasks. Counted are
   * tasks of the primary deployment or of a deployment started during the rollout, stopped since
   * the service's first in-progress event (less a few seconds for clock skew), except tasks
   * stopped to scale in.
   * @default 3
   */
  readonly failFastAfter?: number;
  /** Each snapshot of a watched service. */
  readonly onRollout?: (rollout: ServiceRollout) => void;
  /** Receives debug messages about polls that failed. */
  readonly io?: IoHost;
}

interface Watched {
  readonly stackId: string;
  readonly logicalId: string;
  /** Changes when the service is replaced. */
  cluster: string;
  serviceArn: string;
  /** When this rollout began (ms since the epoch): the service's first in-progress event. */
  since: number;
  active: boolean;
  /** The pending poll, if any. */
  timer?: NodeJS.Timeout;
  polling: boolean;
}

/** awslogs group and stream prefix by container name. */
type LogConfiguration = ReadonlyMap<string, { group: string; prefix: string }>;

interface Snapshot {
  readonly rollout: ServiceRollout;
  readonly stoppedCount: number;
  /** True when a deployment of this rollout is FAILED. */
  readonly tripped: boolean;
}

const IN_PROGRESS = /_IN_PROGRESS$/;
const SERVICE_ARN = /^arn:aws[a-z-]*:ecs:[^:]+:\d+:service\/([^/]+)\/([^/]+)$/;
const SCALE_IN = 'Scaling activity initiated by';
/** How far ECS's clock may be behind CloudFormation's. */
const CLOCK_SKEW_MS = 5000;
const MAX_STOPPED = 3;
const MAX_LOG_LINES = 5;
/** Reads of an empty log stream before its (empty) lines are taken as final: ingestion lags. */
const MAX_EMPTY_LOG_READS = 3;

/**
 * Follows stack events; while an `AWS::ECS::Service` resource is in progress, polls ECS for its
 * rollout. `failure` resolves at the first fail-fast condition.
 *
 * Per service a poll costs DescribeServices and ListTasks, plus DescribeTasks for stopped tasks not
 * seen before; the details of a stopped task (reason, containers, log lines) are read once.
 */
export class RolloutMonitor {
  /** Resolves when a watched service fails (see {@link RolloutFailure}); never rejects. */
  readonly failure: Promise<RolloutFailure>;
  private resolveFailure!: (failure: RolloutFailure) => void;
  private readonly watched = new Map<string, Watched>();
  /** First in-progress time of services whose event did not carry an ARN yet (a creation). */
  private readonly pendingSince = new Map<string, number>();
  private readonly taskDefinitionLogs = new Map<string, Promise<LogConfiguration | undefined>>();
  /** Stopped tasks as DescribeTasks returned them (final once `lastStatus` is STOPPED), by ARN. */
  private readonly stoppedTaskRecords = new Map<string, Task>();
  /** Stopped tasks whose log lines were read (or cannot be), by task ARN. */
  private readonly stoppedTaskDetails = new Map<string, StoppedTask>();
  private readonly emptyLogReads = new Map<string, number>();
  private stopped = false;
  private failed = false;

  constructor(private readonly options: RolloutMonitorOptions) {
    this.failure = new Promise((resolve) => {
      this.resolveFailure = resolve;
    });
  }

  /**
   * Feeds one stack event (of the root or a nested stack). An `AWS::ECS::Service` in progress
   * (not deleting, not rolling back) is polled until a later event of it says otherwise; an event
   * with a new service ARN (a replacement) moves the watch to the new service.
   */
  observe(event: StackEvent): void {
    if (this.stopped || event.ResourceType !== 'AWS::ECS::Service') return;
    const key = `${event.StackId}/${event.LogicalResourceId}`;
    const existing = this.watched.get(key);
    const status = event.ResourceStatus ?? '';
    const at = event.Timestamp ? new Date(event.Timestamp).getTime() : Date.now();
    if (!IN_PROGRESS.test(status) || status.startsWith('DELETE') || status.includes('ROLLBACK')) {
      this.pendingSince.delete(key);
      if (existing) existing.active = false;
      return;
    }
    const match = SERVICE_ARN.exec(event.PhysicalResourceId ?? '');
    const resuming = !existing?.active;
    const since = Math.min(this.pendingSince.get(key) ?? at, at);
    if (!match) {
      // CloudFormation reports a creation before ECS has named the service: remember when it began.
      if (resuming) this.pendingSince.set(key, since);
      return;
    }
    this.pendingSince.delete(key);
    const serviceArn = event.PhysicalResourceId as string;
    const cluster = match[1] as string;
    if (!existing) {
      const watched: Watched = {
        stackId: event.StackId ?? '',
        logicalId: event.LogicalResourceId ?? '',
        cluster,
        serviceArn,
        since,
        active: true,
        polling: false,
      };
      this.watched.set(key, watched);
      this.schedule(watched, 0);
      return;
    }
    // A new operation on a service watched before starts a new rollout.
    if (resuming) existing.since = since;
    existing.active = true;
    const replaced = existing.serviceArn !== serviceArn;
    existing.serviceArn = serviceArn;
    existing.cluster = cluster;
    // A running poll reschedules itself; otherwise poll now if nothing is pending, or if the
    // service was replaced (the pending poll is for a service no longer deployed).
    if (!existing.polling && (replaced || !existing.timer)) {
      clearTimeout(existing.timer);
      this.schedule(existing, 0);
    }
  }

  /** Stops every poll. */
  stop(): void {
    this.stopped = true;
    for (const watched of this.watched.values()) {
      clearTimeout(watched.timer);
      watched.timer = undefined;
    }
  }

  private schedule(watched: Watched, delay: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      watched.timer = undefined;
      void this.poll(watched);
    }, delay);
    timer.unref?.();
    watched.timer = timer;
  }

  private async poll(watched: Watched): Promise<void> {
    if (this.stopped || watched.polling) return;
    watched.polling = true;
    const serviceArn = watched.serviceArn;
    try {
      const read = await this.snapshot(watched);
      // A snapshot of a service replaced meanwhile is stale: drop it.
      if (read && !this.stopped && watched.serviceArn === serviceArn) {
        this.options.onRollout?.(read.rollout);
        const failure = this.judge(read);
        if (failure && !this.failed) {
          this.failed = true;
          this.resolveFailure(failure);
        }
      }
    } catch (error) {
      this.options.io?.notify({
        level: 'debug',
        code: 'WHARF_ROLLOUT_POLL',
        message: `could not read the rollout of ${serviceArn}: ${(error as Error).message}`,
      });
    } finally {
      watched.polling = false;
    }
    if (!watched.active || watched.timer) return;
    // Replaced while polling: read the new service at once.
    this.schedule(watched, watched.serviceArn === serviceArn ? (this.options.intervalMs ?? 5000) : 0);
  }

  /** Reads one service's state from ECS. */
  private async snapshot(watched: Watched): Promise<Snapshot | undefined> {
    const { ecs } = this.options;
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: watched.cluster, services: [watched.serviceArn] }),
    );
    const service = described.services?.[0];
    if (!service) return undefined;
    const since = watched.since - CLOCK_SKEW_MS;
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === 'PRIMARY') ?? deployments[0];
    const startedSince = (d: Deployment) => time(d.createdAt) >= since;
    // The deployments whose tasks belong to this rollout: the primary one (an update may start
    // none) and those started since, such as a failed one that a rollback replaced.
    const current = deployments.filter((d) => d === primary || startedSince(d));
    const tripped = deployments
      .filter((d) => d.rolloutState === 'FAILED' && startedSince(d))
      .sort((a, b) => time(b.createdAt) - time(a.createdAt))[0];
    const desired = primary?.desiredCount ?? service.desiredCount ?? 0;
    const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
    const stopped = await this.stoppedTasks(
      watched,
      service.serviceName ?? '',
      new Set(current.map((d) => d.id ?? '')),
      since,
    );
    // A FAILED primary deployment older than this rollout is history, not this rollout's state.
    const state = tripped ? 'FAILED' : primary?.rolloutState === 'FAILED' ? undefined : primary?.rolloutState;
    const reason = tripped ? tripped.rolloutStateReason : state ? primary?.rolloutStateReason : undefined;
    const breakerDeployment = tripped ?? primary;
    const rollout: ServiceRollout = {
      stackId: watched.stackId,
      logicalId: watched.logicalId,
      serviceName: service.serviceName ?? watched.serviceArn,
      running: primary?.runningCount ?? service.runningCount ?? 0,
      desired,
      pending: primary?.pendingCount ?? service.pendingCount ?? 0,
      ...(state === 'IN_PROGRESS' || state === 'COMPLETED' || state === 'FAILED'
        ? { rolloutState: state }
        : {}),
      ...(reason ? { rolloutStateReason: reason } : {}),
      ...(breaker
        ? {
            circuitBreaker: {
              enabled: breaker.enable === true,
              rollback: breaker.rollback === true,
              failedTasks: breakerDeployment?.failedTasks ?? 0,
              threshold: circuitBreakerThreshold(breakerDeployment?.desiredCount ?? desired),
            },
          }
        : {}),
      stoppedTasks: stopped.newest,
    };
    return { rollout, stoppedCount: stopped.count, tripped: tripped !== undefined };
  }

  /**
   * The tasks that stopped during this rollout (see {@link RolloutMonitorOptions.failFastAfter}),
   * and the newest of them with reasons and last log lines.
   */
  private async stoppedTasks(
    watched: Watched,
    serviceName: string,
    deploymentIds: ReadonlySet<string>,
    since: number,
  ): Promise<{ count: number; newest: StoppedTask[] }> {
    const { ecs } = this.options;
    const listed = await ecs.send(
      new ListTasksCommand({ cluster: watched.cluster, serviceName, desiredStatus: 'STOPPED' }),
    );
    const arns = (listed.taskArns ?? []).slice(0, 100);
    if (arns.length === 0) return { count: 0, newest: [] };
    const unknown = arns.filter((arn) => !this.stoppedTaskRecords.has(arn));
    const stopping = new Map<string, Task>();
    if (unknown.length > 0) {
      const described = await ecs.send(
        new DescribeTasksCommand({ cluster: watched.cluster, tasks: unknown }),
      );
      for (const task of described.tasks ?? []) {
        if (!task.taskArn) continue;
        if (task.lastStatus === 'STOPPED') this.stoppedTaskRecords.set(task.taskArn, task);
        else stopping.set(task.taskArn, task);
      }
    }
    const now = Date.now();
    const tasks = arns
      .map((arn) => this.stoppedTaskRecords.get(arn) ?? stopping.get(arn))
      .filter((task): task is Task => task !== undefined)
      .filter((task) => !(task.stoppedReason ?? '').startsWith(SCALE_IN))
      .filter((task) => stopTime(task, now) >= since)
      .filter(
        (task) =>
          deploymentIds.size === 0 || task.startedBy === undefined || deploymentIds.has(task.startedBy),
      )
      .sort((a, b) => stopTime(b, now) - stopTime(a, now));
    const newest = await Promise.all(tasks.slice(0, MAX_STOPPED).map((task) => this.describeStopped(task)));
    return { count: tasks.length, newest };
  }

  /** A stopped task with its last log lines; kept once the lines are read or known to be missing. */
  private async describeStopped(task: Task): Promise<StoppedTask> {
    const taskArn = task.taskArn ?? '';
    const cached = this.stoppedTaskDetails.get(taskArn);
    if (cached) return cached;
    const taskId = taskArn.split('/').pop() ?? '';
    const containers = (task.containers ?? []).map((c) => ({
      name: c.name ?? '',
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    }));
    const read = await this.lastLogLines(task, containers, taskId);
    const details: StoppedTask = {
      taskId,
      stoppedReason: task.stoppedReason ?? task.stopCode ?? 'stopped',
      ...(task.stoppedAt ? { stoppedAt: task.stoppedAt } : {}),
      containers,
      logLines: read.lines,
    };
    if (read.final && task.lastStatus === 'STOPPED') this.stoppedTaskDetails.set(taskArn, details);
    return details;
  }

  /**
   * The last lines of the first container (exited ones first) whose stream has any; `final` when
   * reading again cannot tell more (lines read, no stream, no permission, no awslogs container).
   */
  private async lastLogLines(
    task: Task,
    containers: readonly { name: string; exitCode?: number }[],
    taskId: string,
  ): Promise<{ lines: string[]; final: boolean }> {
    const logs = await this.logConfiguration(task.taskDefinitionArn);
    if (!logs) return { lines: [], final: false };
    // The essential container that exited is the likeliest to have said why: read it first.
    const ordered = [...containers].sort(
      (a, b) => Number(b.exitCode !== undefined) - Number(a.exitCode !== undefined),
    );
    let final = true;
    let empty = false;
    for (const container of ordered) {
      const config = logs.get(container.name);
      if (!config) continue;
      try {
        const events = await this.options.logs.send(
          new GetLogEventsCommand({
            logGroupName: config.group,
            logStreamName: `${config.prefix}/${container.name}/${taskId}`,
            limit: MAX_LOG_LINES,
            startFromHead: false,
          }),
        );
        const lines = (events.events ?? []).map((event) => (event.message ?? '').replace(/\s+$/, ''));
        if (lines.length > 0) return { lines, final: true };
        empty = true;
      } catch (error) {
        // No stream (the container never started) or no permission: show the reason alone.
        const name = (error as Error).name;
        if (name !== 'ResourceNotFoundException' && name !== 'AccessDeniedException') final = false;
      }
    }
    if (empty && final) {
      const reads = (this.emptyLogReads.get(task.taskArn ?? '') ?? 0) + 1;
      this.emptyLogReads.set(task.taskArn ?? '', reads);
      final = reads >= MAX_EMPTY_LOG_READS;
    }
    return { lines: [], final };
  }

  /**
   * awslogs group and prefix per container of a task definition; undefined if unreadable. Read once
   * per task definition (concurrent callers share the read; a failed read is tried again later).
   */
  private logConfiguration(taskDefinitionArn?: string): Promise<LogConfiguration | undefined> {
    if (!taskDefinitionArn) return Promise.resolve(new Map());
    const cached = this.taskDefinitionLogs.get(taskDefinitionArn);
    if (cached) return cached;
    const reading = this.readLogConfiguration(taskDefinitionArn);
    this.taskDefinitionLogs.set(taskDefinitionArn, reading);
    void reading.then((result) => {
      if (!result) this.taskDefinitionLogs.delete(taskDefinitionArn);
    });
    return reading;
  }

  private async readLogConfiguration(taskDefinitionArn: string): Promise<LogConfiguration | undefined> {
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
      return undefined;
    }
    return result;
  }

  /** The fail-fast rule. */
  private judge({ rollout, stoppedCount, tripped }: Snapshot): RolloutFailure | undefined {
    const latest = rollout.stoppedTasks[0];
    const why = latest ? ` Latest stopped task: ${describeStoppedTask(latest)}.` : '';
    if (tripped) {
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

/** When a task stopped; one still stopping counts as stopping now. */
function stopTime(task: Task, now: number): number {
  const at = task.stoppedAt ?? task.executionStoppedAt ?? task.stoppingAt;
  return at ? new Date(at).getTime() : now;
}
