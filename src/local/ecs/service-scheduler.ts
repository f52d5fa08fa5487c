/**
 * The ECS service scheduler for one service: a reconcile loop that keeps `desiredCount` tasks
 * RUNNING and healthy, rolls deployments, replaces failed tasks and runs the circuit breaker.
 *
 * Fidelity (aws-behavior.md §3, §5): a new task counts as healthy once its target groups say
 * `healthy` and, when essential containers define checks, its container health is HEALTHY;
 * without a load balancer, HEALTHY container health, or 40 s after RUNNING without checks
 * (§3.1). Unhealthy ELB or container checks are ignored for `healthCheckGracePeriodSeconds`
 * after the task reached RUNNING (§3.3). Tasks whose essential container exits are stopped
 * with `Essential container in task exited`, failing tasks with `Task failed container health
 * checks` / `Task failed ELB health checks in (target-group …)`, and surplus or old tasks with
 * `Scaling activity initiated by (deployment ecs-svc/…)`; replacement order and limits come from
 * {@link planReconcile}. The circuit breaker (§3.4) fails the deployment at its threshold and, with
 * rollback, starts a deployment of the last COMPLETED task definition; without one, launches stop
 * for good. Tasks that never reach RUNNING are throttled (§3.1); with the `launchPacing` option (a
 * local deviation, see `launch-pacing.ts`) a task that fails right after its launch also delays the
 * next launch by a few seconds. A FAILED deployment without
 * rollback keeps the older deployment's tasks running (AWS leaves the service as it is).
 * Decisions are made in synchronous passes (never two at once), triggered by runtime and health
 * events and by a periodic tick of the injected clock. Not reproduced: DAEMON scheduling, task
 * sets, the six-hourly repeat of the steady-state event.
 */

import { WharfError } from '../../errors.js';
import type { Clock, Timer } from '../clock.js';
import type { TaskRuntime } from '../runtime/types.js';
import type { CircuitBreakerView, Deployment, DeploymentView } from './deployment.js';
import { deploymentLimits, invalidDeploymentConfigurationMessage } from './deployment-math.js';
import { LaunchPacer, type LaunchPacingOptions } from './launch-pacing.js';
import { type PlanTask, planReconcile } from './reconcile-plan.js';
import type { ServiceAttachments, ServiceSchedulerLike } from './service-attachments.js';
import { ServiceDeployments } from './service-deployments.js';
import { type ServiceEvent, ServiceEventLog, serviceMessages } from './service-events.js';
import { ServiceHealthPolicy, type UnhealthyFinding } from './service-health.js';
import { ServiceTasks } from './service-tasks.js';
import { ServiceThrottle, type ServiceThrottleOptions } from './service-throttle.js';
import type { Task, TaskStopCode, TaskView } from './task.js';
import type { TaskLifecycle, TaskLifecycleContext } from './task-lifecycle.js';
import type { TaskNetwork } from './task-network.js';
import type { EcsServiceConfig, TaskDefinitionConfig } from './types.js';

/** Tunables of a {@link ServiceScheduler}; defaults are AWS's. */
export interface ServiceSchedulerOptions {
  /** Without load balancer and container checks, a RUNNING task counts as healthy after this long. @default 40_000 */
  readonly healthyWithoutChecksAfterMs?: number;
  /** Period of the reconcile tick. @default 1_000 */
  readonly reconcileIntervalMs?: number;
  /** Lowest circuit-breaker threshold (3 today, 10 in the 2023 guide). @default 3 */
  readonly circuitBreakerMinimumThreshold?: number;
  /** Back-off for tasks that fail to reach RUNNING. @default base 10 s, max 15 min */
  readonly throttle?: ServiceThrottleOptions;
  /**
   * Pause launches after a task that failed right after its launch (a local deviation, see
   * `launch-pacing.ts`). @default - off, as on AWS (`wharf dev` turns it on)
   */
  readonly launchPacing?: LaunchPacingOptions;
  /** Events kept by {@link ServiceScheduler.describe}. @default 100 */
  readonly maxEvents?: number;
  /** Stopped tasks kept by {@link ServiceScheduler.describe}. @default 50 */
  readonly stoppedTasksKept?: number;
  /** Extra environment for every container. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Where the runtime writes log files (see `TaskSpec.logDir`). */
  readonly logDir?: string;
  /**
   * Longest wait, in ms, for a new task's ports to take connections before it is registered in
   * Cloud Map and its target groups (see `task-lifecycle.ts`). @default 0 (register at once)
   */
  readonly registrationWaitMs?: number;
}

/** Everything a {@link ServiceScheduler} works with. */
export interface ServiceSchedulerProps {
  readonly service: EcsServiceConfig;
  readonly runtime: TaskRuntime;
  readonly clock: Clock;
  /** Labels every container of this `wharf dev` run. */
  readonly runId: string;
  readonly attachments: ServiceAttachments;
  readonly network: TaskNetwork;
  /** Each new service event. */
  readonly onEvent?: (event: ServiceEvent) => void;
  /** Each visible change of a task (state, health, ENI, stop). */
  readonly onTaskChange?: (task: TaskView) => void;
  /** Each container log line. */
  readonly onLog?: (taskId: string, containerName: string, line: string, stream: 'stdout' | 'stderr') => void;
  readonly options?: ServiceSchedulerOptions;
}

/** `UpdateService` as the local cloud supports it. */
export interface ServiceUpdate {
  /** A new task definition: starts a new deployment. */
  readonly taskDefinition?: TaskDefinitionConfig;
  readonly desiredCount?: number;
  /** Starts a new deployment of the current task definition. */
  readonly forceNewDeployment?: boolean;
}

/** What `DescribeServices` would show, plus the service's tasks. */
export interface ServiceDescription {
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly clusterName: string;
  readonly taskDefinition: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  /** Newest first. */
  readonly deployments: readonly DeploymentView[];
  readonly deploymentCircuitBreaker: CircuitBreakerView;
  /** Live tasks, then recently stopped ones (newest first). */
  readonly tasks: readonly TaskView[];
  /** Newest first. */
  readonly events: readonly ServiceEvent[];
}

interface SteadyWaiter {
  resolve(): void;
  reject(error: Error): void;
  timer?: Timer;
}

/** Schedules one ECS service's tasks. Create, {@link start}, and {@link stop} on shutdown. */
export class ServiceScheduler implements ServiceSchedulerLike {
  private readonly props: ServiceSchedulerProps;
  private readonly service: EcsServiceConfig;
  private readonly clock: Clock;
  private readonly log: ServiceEventLog;
  private readonly throttle: ServiceThrottle;
  private readonly pacer: LaunchPacer | undefined;
  private readonly health: ServiceHealthPolicy;
  private readonly deployments: ServiceDeployments;
  private readonly tasks: ServiceTasks;
  private readonly waiters = new Set<SteadyWaiter>();
  private readonly context: TaskLifecycleContext;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private desiredCount: number;
  private terminalFailure?: string;
  private steady = false;
  private reconcileQueued = false;
  private reconciling = false;
  private tick?: Timer;
  private invalidConfigReportedFor?: string;

  constructor(props: ServiceSchedulerProps) {
    const options = props.options ?? {};
    this.props = props;
    this.service = props.service;
    this.clock = props.clock;
    this.desiredCount = props.service.desiredCount;
    this.log = new ServiceEventLog(options.maxEvents ?? 100, props.onEvent);
    this.throttle = new ServiceThrottle(options.throttle);
    this.pacer = options.launchPacing ? new LaunchPacer(options.launchPacing) : undefined;
    this.health = new ServiceHealthPolicy(
      props.service,
      props.attachments,
      options.healthyWithoutChecksAfterMs ?? 40_000,
    );
    this.deployments = new ServiceDeployments(props.service, options.circuitBreakerMinimumThreshold);
    this.tasks = new ServiceTasks(props.service, options.stoppedTasksKept ?? 50, (taskId, error) =>
      this.event(
        serviceMessages.schedulerError(this.service.name, `(task ${taskId}) lifecycle failed`, error),
      ),
    );
    this.context = this.lifecycleContext();
  }

  /** Creates the first deployment and begins scheduling. Throws when already started. */
  start(): void {
    if (this.state !== 'new') throw this.stateError('start');
    this.state = 'running';
    this.newDeployment(this.service.taskDefinition);
    this.armTick();
    this.requestReconcile();
  }

  /**
   * Scales to zero: every task goes through DEACTIVATING (deregistration, awaited), STOPPING,
   * DEPROVISIONING to STOPPED. Resolves when all are STOPPED. Safe to call more than once.
   */
  async stop(): Promise<void> {
    if (this.state === 'new') this.state = 'stopped';
    if (this.state === 'running') {
      this.state = 'stopping';
      this.tick?.cancel();
      const primary = this.deployments.primary;
      this.desiredCount = 0;
      primary.desiredCount = 0;
      const stoppedIds: string[] = [];
      for (const lifecycle of this.tasks.lifecycles()) {
        const reason = `Scaling activity initiated by (deployment ${primary.id})`;
        if (lifecycle.requestStop(reason, 'ServiceSchedulerInitiated'))
          stoppedIds.push(lifecycle.task.taskId);
      }
      if (stoppedIds.length > 0) this.event(serviceMessages.stopped(this.service.name, stoppedIds));
    }
    await this.tasks.settled();
    this.state = 'stopped';
    const name = this.service.name;
    this.failWaiters(
      new WharfError(
        'WHARF_ECS_SERVICE_STOPPED',
        `service ${name} was stopped before it reached a steady state`,
      ),
    );
  }

  /**
   * Changes the desired count and/or starts a new rolling deployment. Throws a
   * {@link WharfError} for a bad desired count or when the scheduler is not running.
   */
  updateService(update: ServiceUpdate): void {
    if (this.state !== 'running') throw this.stateError('update');
    if (update.desiredCount !== undefined) {
      if (!Number.isInteger(update.desiredCount) || update.desiredCount < 0) {
        throw new WharfError(
          'WHARF_ECS_INVALID_DESIRED_COUNT',
          `service ${this.service.name}: desiredCount must be a whole number from 0 up, got ${update.desiredCount}`,
        );
      }
      this.desiredCount = update.desiredCount;
      this.deployments.primary.desiredCount = update.desiredCount;
    }
    if (update.taskDefinition || update.forceNewDeployment) {
      this.newDeployment(update.taskDefinition ?? this.deployments.primary.taskDefinition);
    }
    this.steady = false;
    this.requestReconcile();
  }

  /** Stops one task like `aws ecs stop-task` (the service then replaces it). Returns false if unknown. */
  stopTask(taskId: string, reason = 'Task stopped by user'): boolean {
    const lifecycle = this.tasks.get(taskId);
    if (!lifecycle) return false;
    lifecycle.requestStop(reason, 'UserInitiated');
    return true;
  }

  /** A target of `taskId` changed state: reconcile now rather than on the next tick. */
  onLoadBalancerHealthChange(_taskId: string): void {
    this.requestReconcile();
  }

  /**
   * Resolves once the service is in a steady state (the primary deployment has `desiredCount`
   * healthy RUNNING tasks and nothing else runs). Rejects with `WHARF_ECS_NOT_STEADY` after
   * `timeoutMs` (clock time), `WHARF_ECS_DEPLOYMENT_FAILED` when the deployment failed with
   * nothing to roll back to, or `WHARF_ECS_SERVICE_STOPPED` when {@link stop} is called first.
   */
  waitForSteadyState(timeoutMs: number): Promise<void> {
    if (this.steady) return Promise.resolve();
    if (this.terminalFailure) return Promise.reject(this.failedError(this.terminalFailure));
    return new Promise<void>((resolve, reject) => {
      const waiter: SteadyWaiter = { resolve, reject };
      waiter.timer = this.clock.setTimeout(() => {
        this.waiters.delete(waiter);
        const message = `service ${this.service.name} did not reach a steady state within ${timeoutMs} ms`;
        reject(new WharfError('WHARF_ECS_NOT_STEADY', `${message}: ${this.progress()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A snapshot of the service, its deployments, tasks and events. */
  describe(): ServiceDescription {
    const live = this.liveTasks();
    const deployments = this.deployments.list();
    return {
      serviceName: this.service.name,
      serviceArn: this.service.arn,
      clusterName: this.service.clusterName,
      taskDefinition: (deployments[0]?.taskDefinition ?? this.service.taskDefinition).arn,
      desiredCount: this.desiredCount,
      runningCount: live.filter((task) => task.lastStatus === 'RUNNING').length,
      pendingCount: live.filter((task) => task.isStarting).length,
      deployments: deployments.map((deployment) => {
        const mine = live.filter((task) => task.deploymentId === deployment.id);
        const wanted = mine.filter((task) => task.desiredStatus === 'RUNNING').length;
        return deployment.view({
          desiredCount: deployment.status === 'PRIMARY' ? this.desiredCount : wanted,
          runningCount: mine.filter((task) => task.lastStatus === 'RUNNING').length,
          pendingCount: mine.filter((task) => task.isStarting).length,
        });
      }),
      deploymentCircuitBreaker: this.deployments.circuitBreaker(),
      tasks: this.tasks.views(),
      events: this.log.list(),
    };
  }

  // ---- reconcile ---------------------------------------------------------------------------

  /** Coalesces requests into one pass on the microtask queue; passes never overlap. */
  private requestReconcile(): void {
    if (this.reconcileQueued || this.state !== 'running') return;
    this.reconcileQueued = true;
    queueMicrotask(() => {
      this.reconcileQueued = false;
      this.reconcile();
    });
  }

  private reconcile(): void {
    if (this.state !== 'running') return;
    if (this.reconciling) {
      this.requestReconcile();
      return;
    }
    this.reconciling = true;
    try {
      this.reconcilePass();
    } catch (error) {
      this.event(serviceMessages.schedulerError(this.service.name, 'scheduler pass failed', error));
    } finally {
      this.reconciling = false;
    }
  }

  private reconcilePass(): void {
    const now = this.clock.now();
    const planTasks: PlanTask[] = [];
    const unhealthy = new Map<string, UnhealthyFinding>();
    const stoppedIds: string[] = [];
    let stoppingCount = 0;
    let starting = 0;
    for (const lifecycle of this.tasks.lifecycles()) {
      const { task } = lifecycle;
      if (task.desiredStatus === 'RUNNING' && task.exitedEssentialContainer !== undefined) {
        const failure = task.startedAt === undefined ? 'before-running' : 'after-running';
        const reason = 'Essential container in task exited';
        this.stopWithFailure(lifecycle, reason, 'EssentialContainerExited', failure);
        stoppedIds.push(task.taskId);
      }
      if (task.desiredStatus === 'STOPPED') {
        stoppingCount += 1;
        continue;
      }
      if (task.isStarting) starting += 1;
      if (task.lastStatus === 'RUNNING') {
        if (task.countedHealthyAt === undefined && this.health.countsAsHealthy(task, now)) {
          task.countedHealthyAt = now;
        }
        const finding = this.health.unhealthyFinding(task, now);
        if (finding) unhealthy.set(task.taskId, finding);
      }
      planTasks.push({
        taskId: task.taskId,
        deploymentId: task.deploymentId,
        createdAt: task.createdAt,
        availabilityZone: task.eni?.availabilityZone,
        inService: task.lastStatus === 'RUNNING' && task.countedHealthyAt !== undefined,
        unhealthy: unhealthy.has(task.taskId),
      });
    }

    // Read after the loop: an essential exit above may have tripped the breaker and rolled back.
    const primary = this.deployments.primary;
    const { minimumHealthyPercent, maximumPercent } = this.service;
    const plan = planReconcile({
      desiredCount: this.desiredCount,
      minimumHealthyPercent,
      maximumPercent,
      primaryDeploymentId: primary.id,
      canLaunch: primary.canLaunch && !this.throttle.isThrottled(now) && !this.pacer?.isPaced(now),
      drainOlderDeployments: primary.rolloutState !== 'FAILED',
      tasks: planTasks,
      stoppingCount,
    });
    for (const stop of plan.stops) {
      const lifecycle = this.tasks.get(stop.taskId);
      const finding = unhealthy.get(stop.taskId);
      if (!lifecycle) continue;
      if (stop.cause === 'unhealthy' && finding) {
        this.reportUnhealthy(lifecycle, finding.message);
        this.stopWithFailure(lifecycle, finding.reason, 'ServiceSchedulerInitiated', 'after-running');
      } else {
        const reason = `Scaling activity initiated by (deployment ${primary.id})`;
        lifecycle.requestStop(reason, 'ServiceSchedulerInitiated');
      }
      stoppedIds.push(stop.taskId);
    }
    for (const [taskId, finding] of unhealthy) {
      const lifecycle = this.tasks.get(taskId);
      if (lifecycle) this.reportUnhealthy(lifecycle, finding.message);
    }
    if (stoppedIds.length > 0) this.event(serviceMessages.stopped(this.service.name, stoppedIds));

    if (this.deployments.primary !== primary) {
      // A stop above tripped the breaker: decide launches for the new deployment in a new pass.
      this.requestReconcile();
    } else if (primary.canLaunch && plan.launch > 0) {
      const started = Array.from({ length: plan.launch }, () => this.launch(primary));
      this.event(serviceMessages.started(this.service.name, started));
    }

    const stuck = plan.blocked && !plan.launch && !plan.stops.length && !starting && !stoppingCount;
    const limits = deploymentLimits(this.desiredCount, minimumHealthyPercent, maximumPercent);
    if (stuck && limits.invalid && this.invalidConfigReportedFor !== primary.id) {
      this.invalidConfigReportedFor = primary.id;
      this.event(invalidDeploymentConfigurationMessage(this.service.name));
    }
    this.deployments.retireDrained((id) => this.liveTasks().some((task) => task.deploymentId === id), now);
    this.updateSteadyState(now, unhealthy);
  }

  private reportUnhealthy(lifecycle: TaskLifecycle, message: string): void {
    if (lifecycle.unhealthyReported) return;
    lifecycle.unhealthyReported = true;
    this.event(message);
  }

  private updateSteadyState(now: number, unhealthy: ReadonlyMap<string, unknown>): void {
    const primary = this.deployments.primary;
    const live = this.liveTasks();
    const steady =
      primary.rolloutState !== 'FAILED' &&
      live.length === this.desiredCount &&
      live.every(
        (task) =>
          task.deploymentId === primary.id &&
          task.desiredStatus === 'RUNNING' &&
          task.lastStatus === 'RUNNING' &&
          task.countedHealthyAt !== undefined &&
          !unhealthy.has(task.taskId),
      );
    if (steady && !this.steady) {
      if (this.deployments.completePrimary(now)) {
        this.event(serviceMessages.deploymentCompleted(this.service.name, primary.id));
      }
      this.event(serviceMessages.steadyState(this.service.name));
      for (const waiter of this.waiters) {
        waiter.timer?.cancel();
        waiter.resolve();
      }
      this.waiters.clear();
    }
    this.steady = steady;
  }

  /** One line on how far the service is, for error messages. */
  private progress(): string {
    const running = this.liveTasks().filter(
      (task) => task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING',
    );
    const healthy = running.filter((task) => task.countedHealthyAt !== undefined);
    return (
      `${running.length} of ${this.desiredCount} tasks RUNNING, ${healthy.length} of them counted healthy; ` +
      `last event: ${this.log.list()[0]?.message ?? 'none'}`
    );
  }

  // ---- tasks and deployments ---------------------------------------------------------------

  private liveTasks(): Task[] {
    return this.tasks.tasks();
  }

  private launch(deployment: Deployment): string {
    const lifecycle = this.tasks.launch(deployment, this.context, this.clock.now());
    this.notifyTask(lifecycle);
    return lifecycle.task.taskId;
  }

  /** Stops a task for a failure and counts it for the throttle and the circuit breaker. */
  private stopWithFailure(
    lifecycle: TaskLifecycle,
    reason: string,
    code: TaskStopCode,
    failure: 'before-running' | 'after-running',
  ): void {
    if (!lifecycle.requestStop(reason, code)) return;
    const now = this.clock.now();
    this.pacer?.recordFailure({ launchedAt: lifecycle.task.createdAt, stoppedAt: now });
    if (failure === 'before-running' && this.throttle.recordStartFailure(now)) {
      this.event(serviceMessages.throttled(this.service.name));
    }
    const deployment = this.deployments.find(lifecycle.task.deploymentId);
    if (deployment?.recordFailure(now)) this.onCircuitBreakerTripped(deployment);
  }

  private onCircuitBreakerTripped(failed: Deployment): void {
    const name = this.service.name;
    this.event(serviceMessages.deploymentFailed(name, failed.id));
    if (failed !== this.deployments.primary) return;
    const target = this.deployments.lastCompleted;
    if (!this.service.circuitBreaker.rollback) {
      this.failTerminally(serviceMessages.failedWithoutRollback(name, failed.id));
    } else if (!target || failed.rollbackTo !== undefined) {
      this.failTerminally(serviceMessages.noRollbackTarget(name, failed.id, failed.taskDefinition.arn));
    } else {
      this.event(serviceMessages.rollingBack(name, target.id));
      this.throttle.recordSuccess();
      this.newDeployment(target.taskDefinition, target.id);
    }
  }

  private failTerminally(message: string): void {
    this.event(message);
    this.terminalFailure = message;
    this.failWaiters(this.failedError(message));
  }

  private newDeployment(taskDefinition: TaskDefinitionConfig, rollbackTo?: string): void {
    this.deployments.create(taskDefinition, this.desiredCount, this.clock.now(), rollbackTo);
    this.pacer?.reset();
    this.terminalFailure = undefined;
    this.steady = false;
  }

  private lifecycleContext(): TaskLifecycleContext {
    const { props } = this;
    return {
      service: props.service,
      runtime: props.runtime,
      network: props.network,
      attachments: props.attachments,
      now: () => this.clock.now(),
      runId: props.runId,
      environment: props.options?.environment,
      logDir: props.options?.logDir,
      registrationWaitMs: props.options?.registrationWaitMs,
      onChange: (lifecycle) => this.notifyTask(lifecycle),
      onContainerChange: (lifecycle) => {
        this.pushHealth(lifecycle);
        this.requestReconcile();
      },
      onRunning: (lifecycle) => {
        this.throttle.recordSuccess();
        this.pushHealth(lifecycle);
        this.requestReconcile();
      },
      onStartFailed: (lifecycle, reason) =>
        this.stopWithFailure(lifecycle, reason, 'TaskFailedToStart', 'before-running'),
      onStopped: (lifecycle) => {
        this.tasks.markStopped(lifecycle);
        this.requestReconcile();
      },
      onLog: (lifecycle, containerName, line, stream) => {
        try {
          props.onLog?.(lifecycle.task.taskId, containerName, line, stream);
        } catch {
          // A log sink's bug must not stop the task.
        }
      },
      event: (message) => this.event(message),
    };
  }

  /** Pushes a RUNNING task's health to Cloud Map custom health when it changed. */
  private pushHealth(lifecycle: TaskLifecycle): void {
    const { task } = lifecycle;
    const { attachments } = this.props;
    if (!attachments.reportHealth || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING')
      return;
    const health = this.health.cloudMapHealth(task);
    if (health === undefined || health === lifecycle.reportedHealth) return;
    lifecycle.reportedHealth = health;
    try {
      attachments.reportHealth(task.view(), health);
    } catch (error) {
      const what = `(task ${task.taskId}) health report failed`;
      this.event(serviceMessages.schedulerError(this.service.name, what, error));
    }
  }

  private notifyTask(lifecycle: TaskLifecycle): void {
    if (!this.props.onTaskChange) return;
    try {
      this.props.onTaskChange(lifecycle.task.view());
    } catch {
      // A status view's bug must not break the scheduler.
    }
  }

  private event(message: string): void {
    this.log.add(message, this.clock.now());
  }

  private armTick(): void {
    const interval = this.props.options?.reconcileIntervalMs ?? 1_000;
    this.tick = this.clock.setTimeout(() => {
      if (this.state !== 'running') return;
      this.requestReconcile();
      this.armTick();
    }, interval);
  }

  private failWaiters(error: WharfError): void {
    for (const waiter of this.waiters) {
      waiter.timer?.cancel();
      waiter.reject(error);
    }
    this.waiters.clear();
  }

  private failedError(message: string): WharfError {
    return new WharfError('WHARF_ECS_DEPLOYMENT_FAILED', message);
  }

  private stateError(action: string): WharfError {
    return new WharfError(
      'WHARF_ECS_SCHEDULER_STATE',
      `cannot ${action} the scheduler of service ${this.service.name}: it is ${this.state} ` +
        '(start it once, then update it while it runs)',
      { source: 'internal' },
    );
  }
}
