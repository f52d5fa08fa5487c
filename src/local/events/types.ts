/**
 * EventBridge configuration as read from the templates: `AWS::Events::Rule` resources with a
 * `ScheduleExpression` and ECS task targets.
 */

import type { TaskDefinitionConfig } from '../ecs/types.js';
import type { Origin } from '../origin.js';
import type { ScheduleExpression } from './schedule-expression.js';

/** A target of a rule that runs ECS tasks (`Targets[].EcsParameters`), as `RunTask` gets it. */
export interface EcsTaskTargetConfig {
  /** The target's `Id`. */
  readonly id: string;
  /** The cluster, from the target's `Arn`. */
  readonly clusterName: string;
  readonly taskDefinition: TaskDefinitionConfig;
  /** `TaskCount`, default 1. */
  readonly taskCount: number;
  /** `NetworkConfiguration.AwsVpcConfiguration`. */
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: boolean;
  /** `Group`. @default `family:<family>` */
  readonly group?: string;
}

/** `AWS::Events::Rule` with a schedule and at least one ECS task target. */
export interface ScheduledRuleConfig {
  /** The rule's name (what `Ref` returns). */
  readonly name: string;
  readonly arn: string;
  readonly schedule: ScheduleExpression;
  /** A DISABLED rule is registered but never fires. */
  readonly state: 'ENABLED' | 'DISABLED';
  readonly targets: readonly EcsTaskTargetConfig[];
  readonly origin?: Origin;
}
