/**
 * Autoscaling in `wharf cost`: the range of a service's ECS scalable target and its target
 * tracking policies (read from the resolved templates), and the task count those policies would
 * hold at a traffic profile (pure).
 *
 * Target tracking keeps the metric at its target (docs/reference/aws-behavior-2.md §1.2–§1.5), so
 * at a steady load the count it holds is the load divided by what one task carries at the target,
 * rounded up, within `[min, max]`; with several policies the service runs the largest count any of
 * them asks for (scale-out wins, scale-in needs every policy to agree; §1.5). What one task
 * carries at the target:
 * - `ALBRequestCountPerTarget`: `TargetValue` requests a minute. The whole traffic profile is
 *   assumed to reach the service (as for its logs): `ceil(requests per minute ÷ target)`.
 * - `ECSServiceAverageCPUUtilization`: `TargetValue` % of its vCPUs. CPU use is not in the
 *   templates, so each request is assumed to cost {@link PricingAssumptions.cpuMsPerRequest}
 *   milliseconds of vCPU time (`--cpu-per-request`), with nothing used at idle:
 *   `ceil(requests per second × cpu seconds per request ÷ (vCPU × target))`.
 * - `ECSServiceAverageMemoryUtilization`: memory is assumed not to grow with the request rate,
 *   so the policy holds the minimum.
 * - customized metrics and other predefined ones: not modelled; they hold the minimum too.
 * Traffic is spread evenly over the month (the profile's assumption), so peaks are not priced.
 */

import { clampCapacity } from '../local/autoscaling/cooldowns.js';
import { plainNumber, plainRecord, plainText } from '../template/plain-values.js';
import type { ResolvedApp, ResolvedResource } from '../template/resolved.js';
import type { PricingAssumptions } from './prices.js';
import { requestsPerSecond, type TrafficProfile } from './traffic.js';

/** One target tracking policy on a scalable target. */
export interface TrackingPolicy {
  /** The `AWS::ApplicationAutoScaling::ScalingPolicy`'s logical id. */
  readonly logicalId: string;
  /** The predefined metric type, or `custom` for a customized metric specification. */
  readonly metric: string;
  readonly target: number;
}

/** The scalable target of a service: its range and target tracking policies. */
export interface ServiceScaling {
  readonly min: number;
  readonly max: number;
  readonly policies: readonly TrackingPolicy[];
}

/** How many tasks a scaled service runs at a traffic profile, and why. */
export interface TasksAtTraffic {
  readonly tasks: number;
  /** The arithmetic in words, e.g. `ALBRequestCountPerTarget 1000: ceil(2283 req/min ÷ 1000) = 3`. */
  readonly basis: string;
}

function resourcesOf(app: ResolvedApp, type: string): ResolvedResource[] {
  return app.stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => r.type === type));
}

/**
 * The ECS scalable target (`ecs:service:DesiredCount`, `service/<cluster>/<service>`) of the
 * service named `name` in `cluster` (a name or an ARN), with its target tracking policies (by
 * `ScalingTargetId`, or by the same `ResourceId` and dimension).
 */
export function serviceScalingOf(
  app: ResolvedApp,
  name: string | undefined,
  cluster: string | undefined,
): ServiceScaling | undefined {
  if (name === undefined) return undefined;
  const clusterName = cluster?.split('/').pop();
  for (const target of resourcesOf(app, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const p = target.properties;
    if (
      plainText(p.ServiceNamespace) !== 'ecs' ||
      plainText(p.ScalableDimension) !== 'ecs:service:DesiredCount'
    )
      continue;
    const resourceId = plainText(p.ResourceId) ?? '';
    const [, targetCluster, targetService] = /^service\/([^/]+)\/([^/]+)$/.exec(resourceId) ?? [];
    if (targetService !== name || (clusterName !== undefined && targetCluster !== clusterName)) continue;
    const min = plainNumber(p.MinCapacity);
    const max = plainNumber(p.MaxCapacity);
    if (min === undefined || max === undefined) continue;
    const policies = resourcesOf(app, 'AWS::ApplicationAutoScaling::ScalingPolicy')
      .filter((policy) => {
        const q = policy.properties;
        if (plainText(q.PolicyType) !== 'TargetTrackingScaling') return false;
        const byId = plainText(q.ScalingTargetId);
        if (byId !== undefined) return byId === target.ref;
        return (
          plainText(q.ResourceId) === resourceId &&
          plainText(q.ScalableDimension) === 'ecs:service:DesiredCount'
        );
      })
      .flatMap((policy): TrackingPolicy[] => {
        const config = plainRecord(policy.properties.TargetTrackingScalingPolicyConfiguration);
        const value = plainNumber(config.TargetValue);
        if (value === undefined || value <= 0) return [];
        const metric =
          plainText(plainRecord(config.PredefinedMetricSpecification).PredefinedMetricType) ?? 'custom';
        return [{ logicalId: policy.logicalId, metric, target: value }];
      });
    return { min, max, policies };
  }
  return undefined;
}

/**
 * The task count the policies hold at `traffic` (see the module comment), within `[min, max]`.
 *
 * @example
 * // 10M requests/month = 228.3 req/min; ALBRequestCountPerTarget 50 → ceil(4.57) = 5 tasks
 * tasksAtTraffic({ min: 2, max: 10, policies: [{ logicalId: 'P', metric: 'ALBRequestCountPerTarget', target: 50 }] },
 *   0.25, parseTraffic({ requests: '10M/month' }), pricingAssumptions()).tasks // 5
 */
export function tasksAtTraffic(
  scaling: ServiceScaling,
  vcpu: number,
  traffic: TrafficProfile,
  assumptions: PricingAssumptions,
): TasksAtTraffic {
  const { min, max } = scaling;
  const rps = requestsPerSecond(traffic, assumptions.hoursPerMonth);
  const wanted: { tasks: number; basis: string }[] = scaling.policies.map((policy) => {
    switch (policy.metric) {
      case 'ALBRequestCountPerTarget': {
        const perMinute = rps * 60;
        const tasks = Math.ceil(perMinute / policy.target);
        return {
          tasks,
          basis: `${policy.target} requests/min per target: ceil(${round(perMinute)} req/min ÷ ${policy.target}) = ${tasks}`,
        };
      }
      case 'ECSServiceAverageCPUUtilization': {
        const cpuSeconds = (rps * assumptions.cpuMsPerRequest) / 1000;
        const tasks = Math.ceil(cpuSeconds / (vcpu * (policy.target / 100)) - 1e-9);
        return {
          tasks,
          basis: `CPU ${policy.target} %: ceil(${round(rps)} req/s × ${assumptions.cpuMsPerRequest} ms of vCPU ÷ (${vcpu} vCPU × ${policy.target} %)) = ${tasks}`,
        };
      }
      case 'ECSServiceAverageMemoryUtilization':
        return { tasks: min, basis: `memory ${policy.target} %: assumed flat with traffic, holds ${min}` };
      default:
        return { tasks: min, basis: `${policy.metric} ${policy.target}: not modelled, holds ${min}` };
    }
  });
  if (wanted.length === 0)
    return { tasks: min, basis: `no target tracking policy: priced at the minimum ${min}` };
  const highest = Math.max(...wanted.map((w) => w.tasks));
  const tasks = clampCapacity(highest, min, max);
  const clamp =
    tasks > highest
      ? `, raised to the minimum ${min}`
      : tasks < highest
        ? `, capped at the maximum ${max}`
        : '';
  return { tasks, basis: `${wanted.map((w) => w.basis).join('; ')}${clamp}` };
}

function round(value: number): string {
  return value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}
