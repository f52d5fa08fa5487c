/**
 * The Docker task runtime: one Docker container per container definition, through dockerode.
 *
 * Fidelity: what a container observes of a Fargate task (definition → `create` options, shared
 * network namespace, health check run by the engine as the ECS agent delegates it, aws-behavior.md
 * §3.2) and the stop sequence of §3.5 (SIGTERM, SIGKILL after `stopTimeout`). Differences are listed
 * in `docker-container-config.ts` (ports on 127.0.0.1, `--init`); also, images present locally are
 * used without pulling, and logs go to {@link TaskEvents.onLog} and files instead of CloudWatch.
 * Health status is read by polling `inspect` every 500 ms, so a change is reported up to 500 ms late.
 */

import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { isWharfError, WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import type { ContainerConfig } from '../ecs/types.js';
import { ContainerLogs, containerLogFile } from './container-logs.js';
import {
  dockerCreateOptions,
  type InitMode,
  LABEL,
  publishedEndpoints,
  type TaskNetwork,
  taskPorts,
} from './docker-container-config.js';
import { ensureImage, errorText, statusCode } from './docker-image.js';
import { type DockerTaskNetworking, removeLeftoverNetworks } from './docker-networks.js';
import { DockerVolumes } from './docker-volume-store.js';
import { raceTimeout } from './race-timeout.js';
import type { ContainerHealth, RunningTask, TaskEvents, TaskRuntime, TaskSpec } from './types.js';

/** Options of {@link DockerRuntime}. */
export interface DockerRuntimeOptions {
  /** The run id: containers of this run are labelled `wharf.run=<runId>`. */
  readonly runId: string;
  /** The Docker client. @default `new Docker()` (honours `DOCKER_HOST`) */
  readonly docker?: Docker;
  /** Where image pulls and leftover removal are reported. @default silent */
  readonly io?: IoHost;
  /** Called with one line per image-pull progress change. */
  readonly pullProgress?: (message: string) => void;
  /**
   * When Docker's `--init` is used: `always` (default: signals reach the app even when it does not
   * run as PID 1 properly) or `task-definition` (only with `InitProcessEnabled`, as on Fargate).
   */
  readonly init?: InitMode;
  /** How often container health is read, in ms. @default 500 */
  readonly healthPollMs?: number;
  /**
   * Keep the EFS volumes after the run (`wharf dev --keep-volumes`), under names without the run
   * id, so the next run with the flag mounts the same files. @default false (removed with the run)
   */
  readonly keepVolumes?: boolean;
}

/** Runs tasks as Docker containers. See the file's Fidelity note. */
export class DockerRuntime implements TaskRuntime {
  readonly name = 'docker' as const;
  /** The Docker client in use. */
  readonly docker: Docker;
  private readonly io: IoHost;
  private readonly tasks = new Set<DockerTask>();
  private readonly pulls = new Map<string, Promise<void>>();
  private readonly volumes: DockerVolumes;
  private closed = false;
  private networking: DockerTaskNetworking | undefined;

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker();
    this.io = options.io ?? SILENT_IO;
    this.volumes = new DockerVolumes(this.docker, {
      runId: options.runId,
      keep: options.keepVolumes,
      io: this.io,
    });
  }

  /**
   * Puts the tasks started from now on into the emulated VPC's Docker networks (`docker-networks.ts`);
   * {@link close} removes those networks once the containers are gone.
   */
  useNetworking(networking: DockerTaskNetworking): void {
    this.networking = networking;
  }

  /** Pulls missing images, then creates and starts the task's containers (first one owns the ports). */
  async start(spec: TaskSpec, events: TaskEvents): Promise<RunningTask> {
    if (this.closed)
      throw new WharfError('WHARF_RUNTIME_CLOSED', 'The Docker runtime is closed.', { source: 'internal' });
    if (spec.containers.length === 0) {
      throw new WharfError(
        'WHARF_TASK_NO_CONTAINERS',
        `Task ${spec.taskId} of '${spec.family}' has no containers.`,
        {
          source: 'internal',
        },
      );
    }
    await Promise.all(spec.containers.map((container) => this.pull(container)));
    await this.volumes.prepare(spec);

    const ports = taskPorts(spec);
    const networking = this.networking;
    const created: Docker.Container[] = [];
    const watches: ContainerWatch[] = [];
    let current: ContainerConfig | undefined;
    try {
      let ownerId: string | undefined;
      const attachment = networking ? await networking.attachmentFor(spec) : undefined;
      for (const container of spec.containers) {
        current = container;
        const network: TaskNetwork =
          ownerId === undefined
            ? {
                owner: true,
                ports,
                network: attachment?.networks[0]?.name,
                ipv4Address: attachment?.networks[0]?.ipv4Address,
                dns: attachment?.dns,
              }
            : { owner: false, ownerContainerId: ownerId };
        const handle = await this.docker.createContainer(
          dockerCreateOptions(spec, container, network, {
            init: this.options.init,
            keepVolumes: this.options.keepVolumes,
          }),
        );
        created.push(handle);
        if (ownerId === undefined && attachment) {
          for (const endpoint of attachment.networks.slice(1)) {
            await this.docker.getNetwork(endpoint.name).connect({
              Container: handle.id,
              EndpointConfig: { IPAMConfig: { IPv4Address: endpoint.ipv4Address } },
            });
          }
        }
        const watch = new ContainerWatch(this.docker, handle, container, spec, events, {
          healthPollMs: this.options.healthPollMs ?? 500,
          io: this.io,
        });
        watches.push(watch);
        // Attached before start, so no output is missed.
        await watch.attach();
        await handle.start();
        ownerId ??= handle.id;
      }
      current = undefined;
      const owner = created[0] as Docker.Container;
      const inspect = await owner.inspect();
      const endpoints = publishedEndpoints(inspect, ports);
      networking?.started(spec, inspect);
      const task = new DockerTask(spec.taskId, endpoints, watches, async () => {
        this.tasks.delete(task);
        networking?.stopped(spec.taskId);
        await this.volumes.removeTaskVolumes(spec);
      });
      this.tasks.add(task);
      for (const watch of watches) watch.begin();
      return task;
    } catch (error) {
      for (const watch of watches) watch.detach();
      await Promise.all(created.map((handle) => handle.remove({ force: true, v: true }).catch(() => {})));
      await this.volumes.removeTaskVolumes(spec).catch(() => {});
      networking?.stopped(spec.taskId);
      if (isWharfError(error)) throw error;
      const what = current ? `container '${current.name}' (image '${current.image}')` : 'the task';
      throw new WharfError(
        'WHARF_CONTAINER_START_FAILED',
        `Could not start ${what} of task ${spec.taskId} (service '${spec.serviceName}'): ${errorText(error)}.`,
        { cause: error },
      );
    }
  }

  /**
   * Removes containers labelled `wharf.run` whose creating process (`wharf.pid`) is gone, and any
   * of this run that this runtime is not running; then such volumes (not those kept with
   * `--keep-volumes`). Returns how many containers and volumes were removed.
   */
  async removeLeftovers(): Promise<number> {
    const live = new Set([...this.tasks].flatMap((task) => task.handles));
    const list = await this.docker.listContainers({ all: true, filters: { label: [LABEL.run] } });
    let removed = 0;
    await Promise.all(
      list.map(async (info) => {
        if (live.has(info.Id)) return;
        const labels = info.Labels ?? {};
        const pid = Number(labels[LABEL.pid]);
        const orphan =
          labels[LABEL.run] === this.options.runId ||
          (Number.isInteger(pid) && pid > 0 && !processAlive(pid));
        if (!orphan) return;
        try {
          await this.docker.getContainer(info.Id).remove({ force: true, v: true });
          removed++;
        } catch (error) {
          // 404: gone already; 409: another Wharf process is removing it right now.
          const code = statusCode(error);
          if (code !== 404 && code !== 409) throw error;
        }
      }),
    );
    if (removed > 0) {
      this.io.notify({
        level: 'info',
        code: 'WHARF_LEFTOVERS_REMOVED',
        message: `Removed ${removed} container(s) left by earlier runs`,
        data: { removed },
      });
    }
    return (
      removed +
      (await this.volumes.removeLeftovers(processAlive)) +
      (await removeLeftoverNetworks(this.docker, processAlive))
    );
  }

  /**
   * Stops every task started here, in parallel; later `start` calls are refused. Then removes the
   * run's EFS volumes, unless `keepVolumes`.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tasks].map((task) => task.stop()));
    await this.volumes.close();
    await this.networking?.close();
  }

  private pull(container: ContainerConfig): Promise<void> {
    let pending = this.pulls.get(container.image);
    if (!pending) {
      pending = ensureImage(this.docker, container.image, container.name, {
        io: this.io,
        pullProgress: this.options.pullProgress,
      }).finally(() => this.pulls.delete(container.image));
      this.pulls.set(container.image, pending);
    }
    return pending;
  }
}

/** True when a process with this id exists (even if owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A started task: its containers' watches, and the stop sequence. */
class DockerTask implements RunningTask {
  readonly handles: readonly string[];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly taskId: string,
    readonly endpoints: ReadonlyMap<number, { readonly host: string; readonly port: number }>,
    private readonly watches: readonly ContainerWatch[],
    private readonly onStopped: () => Promise<void>,
  ) {
    this.handles = watches.map((watch) => watch.id);
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    await Promise.all(this.watches.map((watch) => watch.stop()));
    await Promise.all(this.watches.map((watch) => watch.remove()));
    await this.onStopped();
  }
}

/** Follows one container: logs, health, exit; and stops it. */
class ContainerWatch {
  readonly id: string;
  private readonly logs: ContainerLogs;
  private health: ContainerHealth = 'UNKNOWN';
  private healthTimer: NodeJS.Timeout | undefined;
  private output: NodeJS.ReadableStream | undefined;
  private outputDone: Promise<void> = Promise.resolve();
  private exitSeen = false;
  private stopRequested = false;
  private killed = false;
  private resolveExitSeen: () => void = () => {};
  private readonly exitSeenPromise = new Promise<void>((resolve) => {
    this.resolveExitSeen = resolve;
  });
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    private readonly handle: Docker.Container,
    private readonly config: ContainerConfig,
    spec: TaskSpec,
    private readonly events: TaskEvents,
    private readonly options: { healthPollMs: number; io: IoHost },
  ) {
    this.id = handle.id;
    const file = containerLogFile(spec.logDir, config, spec.taskId);
    this.logs = new ContainerLogs(config.name, events, file, (error) =>
      options.io.notify({
        level: 'warn',
        code: 'WHARF_LOG_FILE_FAILED',
        message: `Cannot write the log file of container '${config.name}' (${file}): ${error.message}`,
      }),
    );
  }

  /**
   * Attaches to the container's stdout and stderr; call before starting it. (Following `logs`
   * instead can lose the last lines: the daemon may end the follow before reading them back.)
   */
  async attach(): Promise<void> {
    const stream = await this.handle.attach({ stream: true, stdout: true, stderr: true });
    this.output = stream;
    const sink = (write: (chunk: Buffer) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          write(chunk);
          callback();
        },
      });
    this.docker.modem.demuxStream(
      stream,
      sink((chunk) => this.logs.stdout(chunk)),
      sink((chunk) => this.logs.stderr(chunk)),
    );
    this.outputDone = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  }

  /** Drops the output stream (the task failed to start). */
  detach(): void {
    (this.output as { destroy?: () => void } | undefined)?.destroy?.();
    void this.logs.end();
  }

  /** Starts following health and exit (the container has started). */
  begin(): void {
    if (this.config.healthCheck) this.pollHealth();
    this.exited = this.watchExit(this.outputDone);
  }

  /** SIGTERM, then SIGKILL after the stop timeout; resolves once the exit was reported. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (!this.exitSeen) {
      await this.kill('SIGTERM');
      const inTime = await raceTimeout(this.exitSeenPromise, this.config.stopTimeoutSeconds * 1000);
      if (!inTime) {
        this.killed = true;
        await this.kill('SIGKILL');
      }
    }
    await this.exited;
  }

  /** Removes the container (and its anonymous volumes). */
  async remove(): Promise<void> {
    try {
      await this.handle.remove({ force: true, v: true });
    } catch (error) {
      // 404: gone already; 409: a removal is already in progress.
      const code = statusCode(error);
      if (code !== 404 && code !== 409) throw error;
    }
  }

  private async kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    try {
      await this.handle.kill({ signal });
    } catch {
      // 409: not running any more; 404: gone. Anything else: the forced removal still ends it.
    }
  }

  private pollHealth(): void {
    const tick = async () => {
      this.healthTimer = undefined;
      if (this.exitSeen) return;
      try {
        const info = await this.handle.inspect();
        // Docker marks a container's health `unhealthy` when it exits; that is an exit, not a
        // failed health check, and the exit watch reports it.
        if (info.State.Running) this.setHealth(info.State.Health?.Status);
      } catch {
        // The container is going away; the exit watch reports that.
      }
      if (!this.exitSeen) {
        this.healthTimer = setTimeout(() => void tick(), this.options.healthPollMs);
        this.healthTimer.unref();
      }
    };
    void tick();
  }

  private setHealth(status: string | undefined): void {
    const health: ContainerHealth =
      status === 'healthy' ? 'HEALTHY' : status === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN';
    if (health === this.health || this.exitSeen) return;
    this.health = health;
    this.events.onHealth(this.config.name, health);
  }

  private async watchExit(logsDone: Promise<void>): Promise<void> {
    let exitCode: number | null = null;
    try {
      const result = (await this.handle.wait()) as { StatusCode?: number };
      exitCode = typeof result.StatusCode === 'number' ? result.StatusCode : null;
    } catch {
      // Removed before we could wait: the exit code is unknown.
    }
    this.exitSeen = true;
    this.resolveExitSeen();
    if (this.healthTimer) clearTimeout(this.healthTimer);
    await raceTimeout(logsDone, 2000);
    await this.logs.end();
    const reason = await this.exitReason(exitCode);
    try {
      this.events.onExit(this.config.name, exitCode, reason);
    } catch {
      // A failing listener must not break the stop sequence.
    }
  }

  private async exitReason(exitCode: number | null): Promise<string> {
    if (this.stopRequested) {
      return this.killed
        ? `Stopped: did not exit within ${this.config.stopTimeoutSeconds} s of SIGTERM, killed with SIGKILL`
        : 'Stopped: exited after SIGTERM';
    }
    try {
      const state = (await this.handle.inspect()).State;
      if (state.OOMKilled) return 'OutOfMemoryError: Container killed due to memory usage';
      if (state.Error) return state.Error;
    } catch {
      // Gone already; fall through.
    }
    return exitCode === null ? 'Exited (exit code unknown)' : `Exited with code ${exitCode}`;
  }
}
