/**
 * Standalone tasks: what `RunTask` starts outside any service (an EventBridge rule's target,
 * `wharf dev --run-task`). Each task goes through the same {@link TaskLifecycle} as a service's
 * task (ENI, containers, stop sequence); nothing replaces it when it stops.
 *
 * Fidelity (aws-behavior-2.md §11.2, aws-behavior.md §3.5): a task gets a 32-hex id and a
 * long-format ARN, the `group` `family:<family>` unless one is given, and `startedBy`; several
 * tasks of one call are spread over the subnets as the service scheduler does. When an essential
 * container exits the task stops with `Essential container in task exited`; an UNHEALTHY
 * container health check does not stop it ("If a task is run manually, and not as part of a
 * service, the task will continue its lifecycle regardless of its health status"). Not
 * reproduced: RunTask's limit of 10 tasks per call is not enforced, placement, capacity.
 */

import type { Clock } from '../clock.js';
import type { TaskRuntime } from '../runtime/types.js';
import { newTaskId, Task, type TaskView, taskArn } from './task.js';
import { type TaskLaunchConfig, TaskLifecycle, type TaskLifecycleContext } from './task-lifecycle.js';
import type { TaskNetwork } from './task-network.js';
import type { TaskDefinitionConfig } from './types.js';

/** One `RunTask` call. */
export interface RunTaskRequest {
  readonly taskDefinition: TaskDefinitionConfig;
  readonly clusterName: string;
  /** How many tasks. @default 1 */
  readonly count?: number;
  /** `awsvpcConfiguration.subnets`, the first preferred. */
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** @default `family:<family>` */
  readonly group?: string;
  /** e.g. `events-rule/<rule name>`. */
  readonly startedBy?: string;
}

/** A started standalone task. */
export interface StandaloneTask {
  readonly taskId: string;
  /** A snapshot now. */
  view(): TaskView;
  /** Resolves once the task is STOPPED. */
  readonly stopped: Promise<StandaloneTaskResult>;
}

/** How a standalone task ended. */
export interface StandaloneTaskResult {
  readonly task: TaskView;
  /** The essential container whose exit stopped the task, if one did. */
  readonly exitedContainer?: string;
  /** That container's exit code (`null` when it was killed by a signal). */
  readonly exitCode?: number | null;
}

/** Everything {@link StandaloneTasks} works with. */
export interface StandaloneTasksProps {
  readonly runtime: TaskRuntime;
  readonly clock: Clock;
  /** Labels every container of this `wharf dev` run. */
  readonly runId: string;
  readonly network: TaskNetwork;
  readonly region: string;
  readonly accountId: string;
  /** Each visible change of a task. */
  readonly onTaskChange?: (task: TaskView) => void;
  /** Each container log line. */
  readonly onLog?: (task: TaskView, containerName: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra environment for every container (`--pass-env`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Where the runtime writes log files. */
  readonly logDir?: string;
  /** Stopped tasks kept by {@link StandaloneTasks.views}. @default 50 */
  readonly stoppedKept?: number;
}

interface Live {
  readonly lifecycle: TaskLifecycle;
  exitedContainer?: string;
}

/** The standalone tasks of a local cloud. */
export class StandaloneTasks {
  private readonly live = new Map<string, Live>();
  private readonly stoppedViews: TaskView[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private launches = 0;
  private closed = false;

  constructor(private readonly props: StandaloneTasksProps) {}

  /** Starts `count` tasks, as `RunTask` does. Throws when the local cloud is stopping. */
  run(request: RunTaskRequest): StandaloneTask[] {
    if (this.closed) throw new Error('the local cloud is stopping: no new tasks');
    const count = request.count ?? 1;
    const group = request.group ?? `family:${request.taskDefinition.family}`;
    const launch: TaskLaunchConfig = {
      name: group,
      clusterName: request.clusterName,
      securityGroupIds: request.securityGroupIds,
      loadBalancers: [],
    };
    return Array.from({ length: count }, () => this.launch(request, launch, group));
  }

  /** Live tasks, then stopped ones, newest first. */
  views(): TaskView[] {
    return [...[...this.live.values()].map((entry) => entry.lifecycle.task.view()), ...this.stoppedViews];
  }

  /** Stops every live task (`UserInitiated`) and resolves when all are STOPPED. */
  async stop(reason = 'Task stopped by wharf dev (shutdown)'): Promise<void> {
    this.closed = true;
    for (const { lifecycle } of this.live.values()) lifecycle.requestStop(reason, 'UserInitiated');
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private launch(request: RunTaskRequest, launch: TaskLaunchConfig, group: string): StandaloneTask {
    const { props } = this;
    const taskId = newTaskId();
    const task = new Task(
      {
        taskId,
        taskArn: taskArn(props.region, props.accountId, request.clusterName, taskId),
        clusterName: request.clusterName,
        serviceName: group,
        deploymentId: '',
        taskDefinition: request.taskDefinition,
        group,
        startedBy: request.startedBy,
      },
      props.clock.now(),
    );
    const subnets = request.subnetIds;
    const offset = subnets.length > 0 ? this.launches % subnets.length : 0;
    this.launches += 1;
    let finish: (result: StandaloneTaskResult) => void = () => {};
    const stopped = new Promise<StandaloneTaskResult>((resolve) => {
      finish = resolve;
    });
    const entry: Live = {
      lifecycle: new TaskLifecycle(
        task,
        [...subnets.slice(offset), ...subnets.slice(0, offset)],
        this.context(launch, () => entry, finish),
      ),
    };
    this.live.set(taskId, entry);
    const run = entry.lifecycle.run();
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
    return { taskId, view: () => task.view(), stopped };
  }

  private context(
    launch: TaskLaunchConfig,
    entry: () => Live,
    finish: (result: StandaloneTaskResult) => void,
  ): TaskLifecycleContext {
    const { props } = this;
    const notify = (lifecycle: TaskLifecycle) => {
      try {
        props.onTaskChange?.(lifecycle.task.view());
      } catch {
        // A status view's bug must not break the task.
      }
    };
    return {
      service: launch,
      runtime: props.runtime,
      network: props.network,
      // A standalone task is in no target group and no Cloud Map service.
      attachments: { register: async () => {}, deregister: async () => {} },
      now: () => props.clock.now(),
      runId: props.runId,
      environment: props.environment,
      logDir: props.logDir,
      onChange: notify,
      onContainerChange: (lifecycle) => {
        const exited = lifecycle.task.exitedEssentialContainer;
        if (exited === undefined || lifecycle.task.desiredStatus !== 'RUNNING') return;
        entry().exitedContainer = exited;
        lifecycle.requestStop('Essential container in task exited', 'EssentialContainerExited');
      },
      onRunning: () => {},
      onStartFailed: () => {},
      onStopped: (lifecycle) => {
        const view = lifecycle.task.view();
        this.live.delete(view.taskId);
        this.stoppedViews.unshift(view);
        if (this.stoppedViews.length > (props.stoppedKept ?? 50))
          this.stoppedViews.length = props.stoppedKept ?? 50;
        const exitedContainer = entry().exitedContainer;
        const container = view.containers.find((c) => c.name === exitedContainer);
        finish({ task: view, exitedContainer, exitCode: container?.exitCode });
      },
      onLog: (lifecycle, containerName, line, stream) => {
        try {
          props.onLog?.(lifecycle.task.view(), containerName, line, stream);
        } catch {
          // A log sink's bug must not stop the task.
        }
      },
      event: () => {},
    };
  }
}
