/**
 * Drives one task through its whole life: ENI, containers, registration, and the stop sequence.
 * The scheduler decides *when* a task starts and stops; this file does the work in the order AWS
 * does it.
 *
 * Fidelity (aws-behavior.md §3.5, §3.6): PROVISIONING attaches the ENI; PENDING starts the
 * containers through the runtime; ACTIVATING exposes the container ports on the task's private
 * IP and registers the task in its target groups and Cloud Map services; then RUNNING. Stopping:
 * DEACTIVATING deregisters and *waits* for draining to finish, STOPPING sends SIGTERM (SIGKILL
 * after `stopTimeout`, done by the runtime), DEPROVISIONING detaches the ENI, then STOPPED. A stop
 * requested while the task is still starting takes effect after the current step. With
 * `registrationWaitMs`, ACTIVATING first waits (at most that long) until the task's ports take
 * connections: on AWS a task is registered in Cloud Map or its target groups seconds after its
 * containers started, by which time a quickly starting server listens; locally the same step
 * takes milliseconds, and without the wait API Gateway would route requests to a container that
 * has not bound its port yet (503s that a deployment on AWS does not show for such a server). A
 * server slower than the wait is registered anyway and gets those 503s, as it would on AWS
 * (aws-behavior.md §1.2, sst #5915). Start failures
 * become `stoppedReason`s shaped like AWS's (`CannotStartContainerError: …`,
 * `ResourceInitializationError: …`). Not reproduced: image pull timing, `pullStartedAt`.
 */

import { waitUntilAccepting } from '../runtime/accepting.js';
import type { RunningTask, TaskEvents, TaskRuntime } from '../runtime/types.js';
import type { ServiceAttachments } from './service-attachments.js';
import { serviceMessages } from './service-events.js';
import type { Task, TaskStopCode } from './task.js';
import type { TaskEni, TaskNetwork } from './task-network.js';
import { type EcsServiceConfig, TASK_STATUSES, type TaskHealth, type TaskStatus } from './types.js';

/**
 * What a task's lifecycle reads of whatever launched it: a service, or a `RunTask` call (a rule's
 * target, `wharf dev --run-task`) with its name, cluster, security groups and no load balancers.
 */
export type TaskLaunchConfig = Pick<
  EcsServiceConfig,
  'name' | 'clusterName' | 'securityGroupIds' | 'loadBalancers'
>;

/** What a {@link TaskLifecycle} needs from its scheduler. */
export interface TaskLifecycleContext {
  readonly service: TaskLaunchConfig;
  readonly runtime: TaskRuntime;
  readonly network: TaskNetwork;
  readonly attachments: ServiceAttachments;
  readonly now: () => number;
  readonly runId: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly logDir?: string;
  /** Longest wait, in ms, for the task's ports to take connections before it registers. @default 0 */
  readonly registrationWaitMs?: number;
  /** Any visible change of the task. */
  onChange(lifecycle: TaskLifecycle): void;
  /** A container's health changed or a container exited. */
  onContainerChange(lifecycle: TaskLifecycle): void;
  /** The task reached RUNNING. */
  onRunning(lifecycle: TaskLifecycle): void;
  /** The task could not start; the scheduler must call {@link TaskLifecycle.requestStop}. */
  onStartFailed(lifecycle: TaskLifecycle, reason: string): void;
  /** The task is STOPPED. */
  onStopped(lifecycle: TaskLifecycle): void;
  onLog(lifecycle: TaskLifecycle, containerName: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** Writes a service event. */
  event(message: string): void;
}

/** A start failure with its AWS-shaped reason. */
class StartFailure extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `CannotStartContainerError: <message>` unless the message already names an AWS error kind. */
export function startFailureReason(error: unknown): string {
  if (error instanceof StartFailure) return error.message;
  const message = messageOf(error);
  return /^[A-Za-z]+Error: /.test(message) ? message : `CannotStartContainerError: ${message}`;
}

/** One task's lifecycle. */
export class TaskLifecycle {
  readonly task: Task;
  /** The last health pushed to Cloud Map. */
  reportedHealth?: TaskHealth;
  /** An unhealthy event was written for the task. */
  unhealthyReported = false;
  private readonly context: TaskLifecycleContext;
  private readonly subnetIds: readonly string[];
  private running?: RunningTask;
  private attached = false;
  private registerAttempted = false;
  private launching = true;
  private signalStop: () => void = () => {};
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.signalStop = resolve;
  });

  /** @param subnetIds the service's subnets, the preferred one first */
  constructor(task: Task, subnetIds: readonly string[], context: TaskLifecycleContext) {
    this.task = task;
    this.subnetIds = subnetIds;
    this.context = context;
  }

  /** Still in PROVISIONING, PENDING or ACTIVATING work. */
  get isLaunching(): boolean {
    return this.launching;
  }

  /**
   * Runs the whole life: start, wait for a stop request, stop. Never rejects; resolves when the
   * task is STOPPED.
   */
  async run(): Promise<void> {
    try {
      await this.launch();
    } catch (error) {
      this.context.onStartFailed(this, startFailureReason(error));
      this.requestStop(startFailureReason(error), 'TaskFailedToStart');
    } finally {
      this.launching = false;
    }
    await this.stopRequested;
    await this.stopSequence();
  }

  /**
   * Sets `desiredStatus` STOPPED. Returns false when a stop was already requested. The stop
   * sequence begins once the current start step (if any) is done.
   */
  requestStop(reason: string, code: TaskStopCode): boolean {
    if (!this.task.requestStop(reason, code, this.context.now())) return false;
    this.context.onChange(this);
    this.signalStop();
    return true;
  }

  private get stopping(): boolean {
    return this.task.desiredStatus === 'STOPPED';
  }

  private advance(status: TaskStatus): void {
    if (TASK_STATUSES.indexOf(status) <= TASK_STATUSES.indexOf(this.task.lastStatus)) return;
    this.task.transition(status, this.context.now());
    this.context.onChange(this);
  }

  private async launch(): Promise<void> {
    const { service, network, runtime, attachments } = this.context;
    const { task } = this;
    let eni: TaskEni;
    try {
      // A bridge or host mode task has no security group of its own (types.ts, `networkMode`).
      const ownGroups = (task.taskDefinition.networkMode ?? 'awsvpc') === 'awsvpc';
      eni = network.attach(task.taskId, this.subnetIds, ownGroups ? service.securityGroupIds : null);
    } catch (error) {
      throw new StartFailure(
        `ResourceInitializationError: unable to attach the task ENI: ${messageOf(error)}`,
      );
    }
    task.eni = eni;
    this.attached = true;
    this.context.onChange(this);
    if (this.stopping) return;

    this.advance('PENDING');
    const running = await runtime.start(
      {
        runId: this.context.runId,
        taskId: task.taskId,
        clusterName: service.clusterName,
        serviceName: service.name,
        family: task.taskDefinition.family,
        revision: task.taskDefinition.revision,
        containers: task.taskDefinition.containers,
        volumes: task.taskDefinition.volumes,
        environment: this.context.environment,
        logDir: this.context.logDir,
      },
      this.events(),
    );
    this.running = running;
    task.endpoints = [...running.endpoints].map(([containerPort, endpoint]) => ({
      containerPort,
      host: endpoint.host,
      port: endpoint.port,
    }));
    task.handles = running.handles;
    if (this.stopping) return;

    this.advance('ACTIVATING');
    try {
      for (const endpoint of task.endpoints) {
        network.expose(eni.privateIp, endpoint.containerPort, { host: endpoint.host, port: endpoint.port });
      }
    } catch (error) {
      throw new StartFailure(
        `ResourceInitializationError: unable to expose the task's ports: ${messageOf(error)}`,
      );
    }
    // Locally a task starts in milliseconds; on AWS its registration comes seconds after its
    // containers start. Registering only once the ports take connections (bounded) keeps the
    // local ingresses from sending requests to a server that is still starting (see the header).
    const waitMs = this.context.registrationWaitMs ?? 0;
    if (waitMs > 0 && task.endpoints.length > 0) {
      await waitUntilAccepting(task.endpoints, { timeoutMs: waitMs, cancelled: () => this.stopping });
      if (this.stopping) return;
    }
    this.registerAttempted = true;
    try {
      await attachments.register(task.view());
    } catch (error) {
      throw new StartFailure(
        `ResourceInitializationError: unable to register the task with its target groups or Cloud Map: ${messageOf(error)}`,
      );
    }
    for (const loadBalancer of service.loadBalancers) {
      this.context.event(serviceMessages.registeredTargets(service.name, 1, loadBalancer.targetGroupArn));
    }
    if (this.stopping) return;

    this.advance('RUNNING');
    this.context.onRunning(this);
  }

  private events(): TaskEvents {
    return {
      onLog: (containerName, line, stream) => this.context.onLog(this, containerName, line, stream),
      onHealth: (containerName, health) => {
        if (this.task.recordHealth(containerName, health)) this.context.onChange(this);
        this.context.onContainerChange(this);
      },
      onExit: (containerName, exitCode, reason) => {
        this.task.recordExit(containerName, exitCode, reason);
        this.context.onChange(this);
        this.context.onContainerChange(this);
      },
    };
  }

  private async stopSequence(): Promise<void> {
    const { service, attachments, network } = this.context;
    try {
      if (this.registerAttempted) {
        this.advance('DEACTIVATING');
        if (service.loadBalancers.length > 0)
          this.context.event(serviceMessages.drainingTasks(service.name, 1));
        try {
          await attachments.deregister(this.task.view());
          for (const loadBalancer of service.loadBalancers) {
            this.context.event(
              serviceMessages.deregisteredTargets(service.name, 1, loadBalancer.targetGroupArn),
            );
          }
        } catch (error) {
          this.context.event(
            serviceMessages.schedulerError(
              service.name,
              `(task ${this.task.taskId}) deregistration failed`,
              error,
            ),
          );
        }
      }
      if (this.running) {
        this.advance('STOPPING');
        try {
          await this.running.stop();
        } catch (error) {
          this.context.event(
            serviceMessages.schedulerError(
              service.name,
              `(task ${this.task.taskId}) stopping the containers failed`,
              error,
            ),
          );
        }
      }
      if (this.attached) {
        this.advance('DEPROVISIONING');
        try {
          network.detach(this.task.taskId);
        } catch (error) {
          this.context.event(
            serviceMessages.schedulerError(
              service.name,
              `(task ${this.task.taskId}) detaching the ENI failed`,
              error,
            ),
          );
        }
      }
    } finally {
      this.advance('STOPPED');
      this.context.onStopped(this);
    }
  }
}
