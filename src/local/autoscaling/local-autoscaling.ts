/**
 * Wires the local Application Auto Scaling into `wharf dev`: one {@link ServiceScaler} per
 * scalable target, reading task usage from the runtime that runs the tasks and request counts from
 * the ALB emulator's target groups, on a clock `--scaling-speed` times faster than real time.
 *
 * Fidelity: see `service-scaler.ts`. With the process runtime, CPU and memory come from `/proc`,
 * so on a system without it (macOS) those policies have no datapoints and never scale (a warning
 * says so); the request-count metric works everywhere.
 */

import type { IoHost } from '../../io/io-host.js';
import { acceleratedClock, type Clock } from '../clock.js';
import type { EcsServiceConfig } from '../ecs/types.js';
import type { TargetGroup } from '../elb/target-group.js';
import type { TaskRuntime } from '../runtime/types.js';
import { MetricSampler, type RequestCountSource } from './metric-sampler.js';
import { type ScalableService, type ScalableTargetStatus, ServiceScaler } from './service-scaler.js';
import { ALARM_PERIOD_MS, LOW_ALARM_DATAPOINTS } from './target-tracking-alarms.js';
import { DockerUsageReader, ProcessUsageReader, type TaskUsageReader } from './task-usage.js';
import type { ScalableTargetConfig } from './types.js';
import { taskCpuUnits, taskMemoryMiB } from './utilization.js';

/** What {@link startAutoscaling} wires together. */
export interface AutoscalingDeps {
  readonly targets: readonly ScalableTargetConfig[];
  /** The running service schedulers, by service name. */
  readonly services: ReadonlyMap<string, ScalableService>;
  readonly serviceConfigs: readonly EcsServiceConfig[];
  readonly targetGroups: ReadonlyMap<string, TargetGroup>;
  readonly runtime: TaskRuntime;
  readonly clock: Clock;
  /** How many times faster alarm periods and cooldowns run (`--scaling-speed`). @default 1 */
  readonly speed?: number;
  readonly io: IoHost;
}

/** The running scalers. */
export interface LocalAutoscaling {
  describe(): ScalableTargetStatus[];
  stop(): void;
}

/** Starts a scaler for each scalable target whose service runs. */
export function startAutoscaling(deps: AutoscalingDeps): LocalAutoscaling {
  const speed = deps.speed ?? 1;
  const scalingClock = acceleratedClock(deps.clock, speed);
  const usage = usageReader(deps.runtime);
  if (!usage && deps.targets.some((t) => t.policies.some((p) => p.metric !== 'ALBRequestCountPerTarget'))) {
    deps.io.notify({
      level: 'warn',
      code: 'WHARF_DEV_SCALING_NO_USAGE',
      message: `CPU and memory scaling policies have no datapoints here: the ${deps.runtime.name} runtime gives no usage readings on ${process.platform}`,
    });
  }
  const requestSources = new Map<string, RequestCountSource>();
  for (const [arn, group] of deps.targetGroups) {
    requestSources.set(arn, {
      get requestCount() {
        return group.requestCount;
      },
      healthyTargets: () => group.targets.filter((target) => target.state === 'healthy').length,
    });
  }
  const scalers: ServiceScaler[] = [];
  for (const config of deps.targets) {
    const service = deps.services.get(config.serviceName);
    const serviceConfig = deps.serviceConfigs.find(
      (s) => s.name === config.serviceName && s.clusterName === config.clusterName,
    );
    if (!service || !serviceConfig) continue;
    const scaler = new ServiceScaler({
      config,
      service,
      clock: scalingClock,
      wallClock: deps.clock,
      sampler: new MetricSampler({
        usage,
        targetGroups: requestSources,
        cpuUnits: taskCpuUnits(serviceConfig.taskDefinition),
        memoryMiB: taskMemoryMiB(serviceConfig.taskDefinition),
        now: () => deps.clock.now(),
      }),
      onActivity: (activity) =>
        deps.io.notify({
          level: 'info',
          code: 'WHARF_DEV_SCALING_ACTIVITY',
          message: `${activity.serviceName}: ${activity.statusMessage}${activity.metric ? ` (${activity.metric})` : ''}`,
          data: activity,
        }),
      onError: (error) =>
        deps.io.notify({
          level: 'warn',
          code: 'WHARF_DEV_SCALING_ERROR',
          message: `${config.resourceId}: a scaling evaluation failed: ${(error as Error).message}`,
        }),
    });
    scalers.push(scaler);
  }
  for (const warning of compressionWarnings(deps, speed))
    deps.io.notify({ level: 'warn', code: 'WHARF_DEV_SCALING_SPEED', message: warning });
  for (const scaler of scalers) scaler.start();
  if (scalers.length > 0) {
    deps.io.notify({
      level: 'info',
      code: 'WHARF_DEV_SCALING',
      message:
        `Target tracking for ${scalers.map((s) => s.describe().resourceId).join(', ')}: ` +
        `alarm periods of ${60 / speed} s, cooldowns ${speed === 1 ? 'in real time' : `${speed}× faster`} (--scaling-speed)`,
    });
  }
  return {
    describe: () => scalers.map((scaler) => scaler.describe()),
    stop: () => {
      for (const scaler of scalers) scaler.stop();
    },
  };
}

/**
 * `--scaling-speed` shortens the 15-datapoint scale-in window but not a new task's launch and health
 * checks: when the window is shorter than twice `interval × healthy threshold` of the service's
 * target groups (launch and registration take time too), a
 * service that just scaled out can scale back in before its new tasks take traffic (their idle CPU
 * pulls the average down), which on AWS the 15-minute window prevents. One warning per service.
 */
export function compressionWarnings(
  deps: Pick<AutoscalingDeps, 'targets' | 'serviceConfigs' | 'targetGroups'>,
  speed: number,
): string[] {
  const windowSeconds = (LOW_ALARM_DATAPOINTS * ALARM_PERIOD_MS) / 1000 / speed;
  const warnings: string[] = [];
  for (const target of deps.targets) {
    const service = deps.serviceConfigs.find(
      (s) => s.name === target.serviceName && s.clusterName === target.clusterName,
    );
    const healthySeconds = Math.max(
      0,
      ...(service?.loadBalancers ?? []).map((lb) => {
        const check = deps.targetGroups.get(lb.targetGroupArn)?.config.healthCheck;
        return check ? check.intervalSeconds * check.healthyThresholdCount : 0;
      }),
    );
    if (windowSeconds < 2 * healthySeconds) {
      warnings.push(
        `${target.resourceId}: at --scaling-speed ${speed} the scale-in window (15 datapoints) lasts ${windowSeconds} s, ` +
          `less than twice a new task's health checks (${healthySeconds} s): the service may scale in before new tasks take traffic. ` +
          `A speed up to ${Math.floor((LOW_ALARM_DATAPOINTS * ALARM_PERIOD_MS) / 1000 / healthySeconds / 2)} keeps the window twice as long.`,
      );
    }
  }
  return warnings;
}

function usageReader(runtime: TaskRuntime): TaskUsageReader | undefined {
  const docker = (runtime as { docker?: ConstructorParameters<typeof DockerUsageReader>[0] }).docker;
  if (runtime.name === 'docker' && docker) return new DockerUsageReader(docker);
  if (runtime.name === 'process' && process.platform === 'linux') return new ProcessUsageReader();
  return undefined;
}
