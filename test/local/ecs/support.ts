/**
 * In-memory test doubles for the ECS scheduler: a task runtime, service attachments and a task
 * network that record what happens, in order, into one shared {@link Recorder}, and that tests
 * drive (exit a container, change health, fail starts). All timing goes through a ManualClock.
 */

import { ManualClock } from '../../../src/local/clock.js';
import {
  type LoadBalancerTargetState,
  ServiceScheduler,
  type ServiceSchedulerOptions,
  type TaskView,
} from '../../../src/local/ecs/index.js';
import type { ServiceAttachments } from '../../../src/local/ecs/service-attachments.js';
import type { TaskEni, TaskNetwork } from '../../../src/local/ecs/task-network.js';
import type {
  ContainerConfig,
  ContainerHealthCheckConfig,
  EcsServiceConfig,
  TaskDefinitionConfig,
  TaskHealth,
} from '../../../src/local/ecs/types.js';
import type {
  ContainerHealth,
  RunningTask,
  TaskEvents,
  TaskRuntime,
  TaskSpec,
} from '../../../src/local/runtime/types.js';

/** One ordered log of everything the doubles saw: `start <taskId>`, `sigterm <taskId>`, … */
export class Recorder {
  readonly entries: string[] = [];

  add(entry: string): void {
    this.entries.push(entry);
  }

  /** Entries about one task, without the task id: `['attach', 'start', …]`. */
  forTask(taskId: string): string[] {
    return this.entries
      .filter((entry) => entry.endsWith(` ${taskId}`))
      .map((entry) => entry.split(' ')[0] as string);
  }

  /** Index of an entry (throws when absent, so ordering assertions cannot pass vacuously). */
  indexOf(entry: string): number {
    const index = this.entries.indexOf(entry);
    if (index < 0) throw new Error(`no recorded entry "${entry}" in ${JSON.stringify(this.entries)}`);
    return index;
  }
}

/** A task the fake runtime started. */
export class FakeTask {
  stopCalls = 0;
  readonly exited = new Set<string>();

  constructor(
    readonly spec: TaskSpec,
    readonly events: TaskEvents,
  ) {}

  get taskId(): string {
    return this.spec.taskId;
  }

  /** Makes a container exit on its own (default: the first essential one, code 1). */
  exit(containerName = this.spec.containers.find((c) => c.essential)?.name ?? '', exitCode = 1): void {
    this.exited.add(containerName);
    this.events.onExit(containerName, exitCode, `exited with code ${exitCode}`);
  }

  /** Reports a container health change (default: the first container). */
  health(health: ContainerHealth, containerName = this.spec.containers[0]?.name ?? ''): void {
    this.events.onHealth(containerName, health);
  }
}

/** What the fake runtime does with a start. */
export type StartBehaviour = 'run' | 'fail' | 'exit-during-start';

/** An in-memory {@link TaskRuntime}. */
export class FakeRuntime implements TaskRuntime {
  readonly name = 'process' as const;
  readonly tasks: FakeTask[] = [];
  startAttempts = 0;
  /** Decides each start; by default every start succeeds. */
  behaviour: (spec: TaskSpec) => StartBehaviour = () => 'run';
  /** Containers ignore SIGTERM, so `stop()` waits for the stop timeout, then SIGKILLs. */
  ignoreSigterm = false;
  /** How long `start()` takes (clock time). */
  startDelayMs = 0;
  private nextPort = 40_000;

  constructor(
    private readonly clock: ManualClock,
    private readonly recorder: Recorder,
  ) {}

  async start(spec: TaskSpec, events: TaskEvents): Promise<RunningTask> {
    this.startAttempts += 1;
    this.recorder.add(`start ${spec.taskId}`);
    if (this.startDelayMs > 0) await this.clock.sleep(this.startDelayMs);
    const behaviour = this.behaviour(spec);
    if (behaviour === 'fail') {
      throw new Error(`CannotPullContainerError: pull access denied for ${spec.containers[0]?.image}`);
    }
    const task = new FakeTask(spec, events);
    this.tasks.push(task);
    if (behaviour === 'exit-during-start') task.exit();
    const endpoints = new Map<number, { host: string; port: number }>();
    for (const container of spec.containers) {
      for (const port of container.containerPorts)
        endpoints.set(port, { host: '127.0.0.1', port: this.nextPort++ });
    }
    return {
      taskId: spec.taskId,
      endpoints,
      handles: [`fake-${spec.taskId.slice(0, 8)}`],
      stop: () => this.stopTask(task),
    };
  }

  /** The fake task of a task id (throws when the runtime never started it). */
  task(taskId: string): FakeTask {
    const task = this.tasks.find((candidate) => candidate.taskId === taskId);
    if (!task) throw new Error(`the runtime never started task ${taskId}`);
    return task;
  }

  async removeLeftovers(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}

  private async stopTask(task: FakeTask): Promise<void> {
    task.stopCalls += 1;
    this.recorder.add(`sigterm ${task.taskId}`);
    let exitCode = 143;
    if (this.ignoreSigterm) {
      const timeout = Math.max(...task.spec.containers.map((container) => container.stopTimeoutSeconds));
      await this.clock.sleep(timeout * 1000);
      this.recorder.add(`sigkill ${task.taskId}`);
      exitCode = 137;
    }
    for (const container of task.spec.containers) {
      if (task.exited.has(container.name)) continue;
      task.exited.add(container.name);
      task.events.onExit(container.name, exitCode, exitCode === 137 ? 'killed' : 'terminated');
    }
    this.recorder.add(`stopped ${task.taskId}`);
  }
}

/** In-memory target groups and Cloud Map registrations. */
export class FakeAttachments implements ServiceAttachments {
  readonly registered = new Set<string>();
  readonly reportedHealth: { taskId: string; health: TaskHealth }[] = [];
  /** How long `deregister` takes (the target group's deregistration delay). */
  drainMs = 0;
  scheduler?: ServiceScheduler;
  private readonly targetHealth = new Map<string, LoadBalancerTargetState>();
  loadBalancerHealth?: (task: TaskView, targetGroupArn: string) => LoadBalancerTargetState;

  constructor(
    private readonly clock: ManualClock,
    private readonly recorder: Recorder,
    withLoadBalancer: boolean,
  ) {
    if (withLoadBalancer) {
      this.loadBalancerHealth = (task) => this.targetHealth.get(task.taskId) ?? 'initial';
    }
  }

  async register(task: TaskView): Promise<void> {
    this.recorder.add(`register ${task.taskId}`);
    this.registered.add(task.taskId);
  }

  async deregister(task: TaskView): Promise<void> {
    this.recorder.add(`deregister ${task.taskId}`);
    this.registered.delete(task.taskId);
    if (this.drainMs > 0) await this.clock.sleep(this.drainMs);
    this.recorder.add(`deregistered ${task.taskId}`);
  }

  reportHealth(task: TaskView, health: TaskHealth): void {
    this.reportedHealth.push({ taskId: task.taskId, health });
  }

  /** Sets a target's state and tells the scheduler, as the ELB emulator would. */
  setTargetHealth(taskId: string, state: LoadBalancerTargetState): void {
    this.targetHealth.set(taskId, state);
    this.scheduler?.onLoadBalancerHealthChange(taskId);
  }
}

const ZONES: Record<string, string> = {
  'subnet-a': 'us-east-1a',
  'subnet-b': 'us-east-1b',
};

/** An in-memory VPC: addresses 10.0.<subnet>.<n>, the first listed subnet is used. */
export class FakeNetwork implements TaskNetwork {
  readonly exposed = new Map<string, { host: string; port: number }>();
  private next = 10;

  constructor(private readonly recorder: Recorder) {}

  attach(taskId: string, subnetIds: readonly string[]): TaskEni {
    this.recorder.add(`attach ${taskId}`);
    const subnetId = subnetIds[0] ?? 'subnet-a';
    const third = subnetId === 'subnet-b' ? 1 : 0;
    return {
      privateIp: `10.0.${third}.${this.next++}`,
      subnetId,
      availabilityZone: ZONES[subnetId] ?? 'us-east-1a',
    };
  }

  expose(privateIp: string, containerPort: number, endpoint: { host: string; port: number }): void {
    this.exposed.set(`${privateIp}:${containerPort}`, endpoint);
  }

  detach(taskId: string): void {
    this.recorder.add(`detach ${taskId}`);
  }
}

/** A container with defaults; `healthCheck: true` adds a default check. */
export function container(overrides: Partial<ContainerConfig> & { check?: boolean } = {}): ContainerConfig {
  const { check, ...rest } = overrides;
  const healthCheck: ContainerHealthCheckConfig | undefined = check
    ? {
        command: ['CMD-SHELL', 'true'],
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 0,
      }
    : undefined;
  return {
    name: 'app',
    image: 'example/app:1',
    essential: true,
    environment: {},
    secretNames: [],
    containerPorts: [8080],
    stopTimeoutSeconds: 30,
    initProcessEnabled: false,
    ...(healthCheck ? { healthCheck } : {}),
    ...rest,
  };
}

/** Task definition `app:<revision>` with the given containers (default: one essential, no check). */
export function taskDefinition(
  revision: number,
  containers: ContainerConfig[] = [container()],
): TaskDefinitionConfig {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/app:${revision}`,
    family: 'app',
    revision,
    containers,
  };
}

export const TARGET_GROUP_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/0123456789abcdef';

/** A service `web` in cluster `local`, one task by default, AWS default deployment settings. */
export function serviceConfig(overrides: Partial<EcsServiceConfig> = {}): EcsServiceConfig {
  return {
    arn: 'arn:aws:ecs:us-east-1:123456789012:service/local/web',
    name: 'web',
    clusterName: 'local',
    desiredCount: 1,
    taskDefinition: taskDefinition(1),
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: 0,
    subnetIds: ['subnet-a', 'subnet-b'],
    securityGroupIds: ['sg-app'],
    assignPublicIp: false,
    loadBalancers: [],
    serviceRegistries: [],
    ...overrides,
  };
}

/** A scheduler wired to the doubles. */
export interface Harness {
  readonly clock: ManualClock;
  readonly recorder: Recorder;
  readonly runtime: FakeRuntime;
  readonly attachments: FakeAttachments;
  readonly network: FakeNetwork;
  readonly scheduler: ServiceScheduler;
  /** Event messages, oldest first. */
  messages(): string[];
  /** Tasks not yet STOPPED. */
  live(): TaskView[];
  /** Every task the scheduler knows (live and stopped). */
  all(): TaskView[];
  /** Each task's `lastStatus` values in the order they were seen. */
  readonly statuses: Map<string, string[]>;
  /** The most tasks not yet STOPPED at any moment. */
  maxLive(): number;
  /** The fewest RUNNING tasks with desiredStatus RUNNING seen since {@link resetMinRunning}. */
  minRunning(): number;
  resetMinRunning(): void;
}

const harnesses: Harness[] = [];

/** Builds a {@link Harness}; `withLoadBalancer` adds one target group and LB health. */
export function createHarness(
  overrides: Partial<EcsServiceConfig> = {},
  settings: { withLoadBalancer?: boolean; options?: ServiceSchedulerOptions } = {},
): Harness {
  const clock = new ManualClock();
  const recorder = new Recorder();
  const runtime = new FakeRuntime(clock, recorder);
  const withLoadBalancer = settings.withLoadBalancer ?? false;
  const attachments = new FakeAttachments(clock, recorder, withLoadBalancer);
  const network = new FakeNetwork(recorder);
  const service = serviceConfig({
    ...(withLoadBalancer
      ? { loadBalancers: [{ targetGroupArn: TARGET_GROUP_ARN, containerName: 'app', containerPort: 8080 }] }
      : {}),
    ...overrides,
  });
  const statuses = new Map<string, string[]>();
  const current = new Map<string, TaskView>();
  let maxLive = 0;
  let minRunning = Number.POSITIVE_INFINITY;
  const scheduler: ServiceScheduler = new ServiceScheduler({
    service,
    runtime,
    clock,
    runId: 'run-test',
    attachments,
    network,
    options: settings.options,
    onTaskChange: (task) => {
      const seen = statuses.get(task.taskId) ?? [];
      if (seen.at(-1) !== task.lastStatus) seen.push(task.lastStatus);
      statuses.set(task.taskId, seen);
      current.set(task.taskId, task);
      const views = [...current.values()];
      maxLive = Math.max(maxLive, views.filter((view) => view.lastStatus !== 'STOPPED').length);
      const running = views.filter(
        (view) => view.lastStatus === 'RUNNING' && view.desiredStatus === 'RUNNING',
      );
      minRunning = Math.min(minRunning, running.length);
    },
  });
  attachments.scheduler = scheduler;
  const harness: Harness = {
    clock,
    recorder,
    runtime,
    attachments,
    network,
    scheduler,
    messages: () =>
      scheduler
        .describe()
        .events.map((event) => event.message)
        .reverse(),
    live: () => scheduler.describe().tasks.filter((task) => task.lastStatus !== 'STOPPED'),
    all: () => [...scheduler.describe().tasks],
    statuses,
    maxLive: () => maxLive,
    minRunning: () => minRunning,
    resetMinRunning: () => {
      minRunning = Number.POSITIVE_INFINITY;
    },
  };
  harnesses.push(harness);
  return harness;
}

/** Stops every scheduler created by {@link createHarness} (call from afterEach). */
export async function stopHarnesses(): Promise<void> {
  for (const harness of harnesses.splice(0)) {
    let done = false;
    const stopping = harness.scheduler.stop().then(() => {
      done = true;
    });
    // Draining and stop timeouts run on the manual clock.
    for (let i = 0; i < 1_000 && !done; i++) await harness.clock.advance(1_000);
    await stopping;
  }
}
