/**
 * Task runtimes: what actually runs a task's containers on this machine. `docker` runs the
 * task definition's images through the Docker daemon; `process` runs a command per container
 * for machines without Docker. The ECS scheduler only talks to this interface.
 */

import type { ContainerConfig, TaskVolumeConfig } from '../ecs/types.js';

/** Everything a runtime needs to start one task. */
export interface TaskSpec {
  /** Labels every container of the run (`wharf.run=<runId>`), so leftovers can be found. */
  readonly runId: string;
  /** 32 lower-case hex characters, like an ECS task id. */
  readonly taskId: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly family: string;
  readonly revision: number;
  readonly containers: readonly ContainerConfig[];
  /**
   * The task definition's `Volumes`, which the containers' `mountPoints` name. The Docker runtime
   * mounts them; the process runtime cannot (the local cloud warns). @default - none
   */
  readonly volumes?: readonly TaskVolumeConfig[];
  /**
   * Extra environment for every container (`wharf dev --pass-env`), below the container
   * definition's own `Environment`.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Folder under which logs are written, one sub-folder per log group
   * (`<logDir>/<log group name>/<stream>.log`); `undefined` = do not write log files.
   */
  readonly logDir?: string;
}

/** A container health status as Docker/ECS report it. */
export type ContainerHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** What a runtime tells the scheduler about a running task. */
export interface TaskEvents {
  /** A container wrote a line (stdout or stderr), without its trailing newline. */
  onLog(containerName: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** A container's health changed (only containers with a health check report). */
  onHealth(containerName: string, health: ContainerHealth): void;
  /** A container exited (on its own, or because the task was stopped). */
  onExit(containerName: string, exitCode: number | null, reason: string): void;
}

/** A started task. */
export interface RunningTask {
  readonly taskId: string;
  /** For each container port: where it is reachable on this machine (always 127.0.0.1). */
  readonly endpoints: ReadonlyMap<number, { readonly host: string; readonly port: number }>;
  /** Docker container ids or process ids, for status views and leak checks. */
  readonly handles: readonly string[];
  /**
   * Stops every container: SIGTERM, then SIGKILL after the container's `stopTimeoutSeconds`;
   * resolves when all have exited and are removed.
   */
  stop(): Promise<void>;
}

/** A way to run tasks. */
export interface TaskRuntime {
  readonly name: 'docker' | 'process';
  /**
   * Starts the task's containers. Rejects (and leaves nothing behind) when a container cannot be
   * created or started, e.g. an image that is absent and cannot be pulled.
   */
  start(spec: TaskSpec, events: TaskEvents): Promise<RunningTask>;
  /** Removes everything left by earlier runs that are no longer alive; returns how many were removed. */
  removeLeftovers(): Promise<number>;
  /** Stops every task this runtime started that is still running. */
  close(): Promise<void>;
}
