/**
 * Application Auto Scaling configuration as read from the templates
 * (`AWS::ApplicationAutoScaling::ScalableTarget` and `ScalingPolicy`, target tracking on an ECS
 * service's desired count), see docs/reference/aws-behavior-2.md §1.1–§1.2.
 */

import type { Origin } from '../origin.js';

/** The predefined metrics target tracking offers for an ECS service (§1.2). */
export type PredefinedMetricType =
  | 'ECSServiceAverageCPUUtilization'
  | 'ECSServiceAverageMemoryUtilization'
  | 'ALBRequestCountPerTarget';

/** The CloudWatch metric name behind each predefined metric (§1.2). */
export const METRIC_NAMES: Readonly<Record<PredefinedMetricType, string>> = {
  ECSServiceAverageCPUUtilization: 'CPUUtilization',
  ECSServiceAverageMemoryUtilization: 'MemoryUtilization',
  ALBRequestCountPerTarget: 'RequestCountPerTarget',
};

/** One `TargetTrackingScaling` policy with a predefined metric. */
export interface TargetTrackingPolicyConfig {
  /** `PolicyName`. */
  readonly name: string;
  readonly metric: PredefinedMetricType;
  /** `TargetValue`: percent for CPU and memory, requests per target per minute for the ALB metric. */
  readonly targetValue: number;
  /** For `ALBRequestCountPerTarget`: the target group ARN its `ResourceLabel` names. */
  readonly targetGroupArn?: string;
  /** `ScaleOutCooldown` in seconds. @default 300 (§1.6) */
  readonly scaleOutCooldownSeconds: number;
  /** `ScaleInCooldown` in seconds. @default 300 (§1.6) */
  readonly scaleInCooldownSeconds: number;
  /** `DisableScaleIn`: the policy never removes capacity. @default false */
  readonly disableScaleIn: boolean;
  readonly origin?: Origin;
}

/** A scalable target on `ecs:service:DesiredCount`, with its target tracking policies. */
export interface ScalableTargetConfig {
  /** `service/<cluster>/<service>`. */
  readonly resourceId: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** `SuspendedState.DynamicScalingInSuspended`. @default false */
  readonly scaleInSuspended: boolean;
  /** `SuspendedState.DynamicScalingOutSuspended`. @default false */
  readonly scaleOutSuspended: boolean;
  readonly policies: readonly TargetTrackingPolicyConfig[];
  readonly origin?: Origin;
}
