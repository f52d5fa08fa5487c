/**
 * Turns live readings into one datapoint per metric per alarm period: service CPU and memory
 * utilisation from the tasks' usage ({@link TaskUsageReader}), and request count per target from
 * the target group's forwarded-request counter.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.2–§1.3): ECS aggregates many readings into one
 * datapoint a minute; here a datapoint is the usage between two readings one period apart, which
 * is the same average. `RequestCountPerTarget` is the target group's requests in the period
 * divided by its healthy targets (no datapoint without one), expressed per minute of real time:
 * with `--scaling-speed N` a period lasts 60/N s, and the count is scaled up to a minute so the
 * policy's target keeps meaning requests per target per minute of the traffic actually sent.
 */

import type { TaskView } from '../ecs/task.js';
import type { TaskUsage, TaskUsageReader } from './task-usage.js';
import type { PredefinedMetricType } from './types.js';
import { serviceUtilization, type TaskPeriodUsage } from './utilization.js';

/** What a target group tells the sampler. */
export interface RequestCountSource {
  /** Requests forwarded since the group was created. */
  readonly requestCount: number;
  /** Targets in state `healthy` now. */
  healthyTargets(): number;
}

/** Everything a sampler reads. */
export interface MetricSamplerProps {
  /** `undefined`: CPU and memory have no datapoints (a runtime without usage readings). */
  readonly usage?: TaskUsageReader;
  readonly targetGroups: ReadonlyMap<string, RequestCountSource>;
  /** The task size ECS divides by (§1.3). */
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  /** Wall-clock milliseconds (real time, whatever the scaling speed). */
  readonly now: () => number;
}

/** One period's datapoints: metric type (and target group, for the ALB metric) → value or missing. */
export type PeriodDatapoints = ReadonlyMap<string, number | undefined>;

/** The datapoint key of a metric. */
export function datapointKey(metric: PredefinedMetricType, targetGroupArn?: string): string {
  return metric === 'ALBRequestCountPerTarget' ? `${metric} ${targetGroupArn}` : metric;
}

/** Samples one service, period by period. */
export class MetricSampler {
  private readonly lastUsage = new Map<string, TaskUsage>();
  /** Each task's usage over its last measured period, reused while no newer reading exists. */
  private readonly lastPeriod = new Map<string, TaskPeriodUsage>();
  private readonly lastCounts = new Map<string, { count: number; at: number }>();

  constructor(private readonly props: MetricSamplerProps) {}

  /**
   * Reads the tasks (RUNNING, not being stopped) and target groups now and returns the datapoints
   * of the period since the previous call. The first call only sets the baseline (no datapoints).
   */
  async sample(
    tasks: readonly TaskView[],
    metrics: readonly { metric: PredefinedMetricType; targetGroupArn?: string }[],
  ): Promise<PeriodDatapoints> {
    const result = new Map<string, number | undefined>();
    const wantsUsage = metrics.some((m) => m.metric !== 'ALBRequestCountPerTarget');
    if (wantsUsage) {
      const { cpu, memory } = await this.sampleUsage(tasks);
      result.set('ECSServiceAverageCPUUtilization', cpu);
      result.set('ECSServiceAverageMemoryUtilization', memory);
    }
    const now = this.props.now();
    for (const { metric, targetGroupArn } of metrics) {
      if (metric !== 'ALBRequestCountPerTarget' || targetGroupArn === undefined) continue;
      result.set(datapointKey(metric, targetGroupArn), this.sampleRequests(targetGroupArn, now));
    }
    return result;
  }

  private async sampleUsage(tasks: readonly TaskView[]): Promise<{ cpu?: number; memory?: number }> {
    const reader = this.props.usage;
    if (!reader) return {};
    const readings = await Promise.all(
      tasks.map(async (task) => [task.taskId, await reader.read(task)] as const),
    );
    const periods: TaskPeriodUsage[] = [];
    const seen = new Set<string>();
    for (const [taskId, usage] of readings) {
      if (!usage) continue;
      seen.add(taskId);
      const previous = this.lastUsage.get(taskId);
      if (previous && usage.at <= previous.at) {
        // No newer reading (Docker's refresh is slower than this period): the last rate holds.
        const last = this.lastPeriod.get(taskId);
        if (last) periods.push(last);
        continue;
      }
      this.lastUsage.set(taskId, usage);
      if (!previous) continue;
      const period: TaskPeriodUsage = {
        cpuNanos: Math.max(0, usage.cpuNanos - previous.cpuNanos),
        wallNanos: (usage.at - previous.at) * 1e6,
        memoryBytes: usage.memoryBytes,
        cpuUnits: this.props.cpuUnits,
        memoryMiB: this.props.memoryMiB,
      };
      this.lastPeriod.set(taskId, period);
      periods.push(period);
    }
    for (const taskId of this.lastUsage.keys()) {
      if (seen.has(taskId)) continue;
      this.lastUsage.delete(taskId);
      this.lastPeriod.delete(taskId);
    }
    return serviceUtilization(periods);
  }

  private sampleRequests(targetGroupArn: string, now: number): number | undefined {
    const group = this.props.targetGroups.get(targetGroupArn);
    if (!group) return undefined;
    const previous = this.lastCounts.get(targetGroupArn);
    const count = group.requestCount;
    this.lastCounts.set(targetGroupArn, { count, at: now });
    const healthy = group.healthyTargets();
    if (!previous || now <= previous.at || healthy === 0) return undefined;
    return ((count - previous.count) / healthy) * (60_000 / (now - previous.at));
  }
}
