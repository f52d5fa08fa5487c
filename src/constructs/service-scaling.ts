import { Fn, Token } from 'aws-cdk-lib';
import { CfnScalableTarget, CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import type { CfnService } from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import { type PropsOwner, requireIntegerInRange } from './validate.js';

/**
 * Target tracking autoscaling of an ECS service's task count (Application Auto Scaling on
 * `ecs:service:DesiredCount`). At least one target is required; with several, the service scales
 * out when any target is exceeded and in only when every target allows it (the largest capacity
 * wins; docs/reference/aws-behavior-2.md §1.5).
 *
 * With `scaling`, the service's `DesiredCount` is left out of the template unless `desiredCount`
 * is given: CloudFormation then creates the service with 1 task, registering the scalable target
 * moves it into `[min, max]`, and later stack updates leave the count the autoscaler chose alone
 * ("For existing services, if a desired count is not specified, it is omitted from the
 * operation"; §1.1). A `desiredCount` given next to `scaling` is written, and every update of the
 * service then resets the running count to it until the policies move it again.
 *
 * @example { min: 2, max: 10, cpuPercent: 60 }
 * @example { min: 1, max: 20, requestsPerTarget: 500, scaleInCooldownSeconds: 600 }
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
 */
export interface ServiceScaling {
  /**
   * The fewest tasks (`MinCapacity`). At least 1, as AWS strongly recommends, so CPU and memory
   * data points keep flowing; 0 is allowed only with `requestsPerTarget`, whose metric reports
   * real zeros and can scale out from 0 tasks.
   * @example 2
   */
  readonly min: number;
  /**
   * The most tasks (`MaxCapacity`), from `min` to 10000 (the bound `desiredCount` has).
   * @example 10
   */
  readonly max: number;
  /**
   * Target average CPU utilization of the service's tasks, in percent (1-100;
   * `ECSServiceAverageCPUUtilization`). On Fargate utilization cannot exceed 100 (§1.3).
   * @default - no CPU policy
   * @example 60
   */
  readonly cpuPercent?: number;
  /**
   * Target average memory utilization, in percent (1-100; `ECSServiceAverageMemoryUtilization`).
   * @default - no memory policy
   * @example 70
   */
  readonly memoryPercent?: number;
  /**
   * Target requests per task per minute at the load balancer (`ALBRequestCountPerTarget`,
   * 1-1000000). Only for a service a load balancer forwards to: the load balancer pattern's
   * public services.
   * @default - no request count policy
   * @example 500
   */
  readonly requestsPerTarget?: number;
  /**
   * Seconds after a scale-in before the next one (0-86400).
   * @default 300 (AWS's default for ECS; left out of the template)
   * @example 600
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before the next one, unless a larger one is needed (0-86400).
   * @default 300 (AWS's default for ECS; left out of the template)
   * @example 60
   */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * Never remove tasks (the policies only scale out).
   * @default false
   */
  readonly disableScaleIn?: boolean;
}

/** {@link ServiceScaling}, checked. */
export type NormalizedServiceScaling = ServiceScaling;

/** The largest `max`: the same bound as a service's `desiredCount`. */
export const SCALING_MAX_CAPACITY = 10000;
/** The largest cooldown Wharf accepts (one day; AWS documents no upper bound). */
export const SCALING_MAX_COOLDOWN_SECONDS = 86400;

/**
 * Checks `scaling` (prop path `scaling`) and a `desiredCount` given next to it. Pure.
 *
 * @example normalizeServiceScaling('Stack/Api/Service', { min: 2, max: 10, cpuPercent: 60 }, undefined)
 */
export function normalizeServiceScaling(
  owner: PropsOwner,
  scaling: ServiceScaling,
  desiredCount: number | undefined,
): NormalizedServiceScaling {
  const fail = (prop: string, reason: string): never => {
    throw new PropsValidationError(pathOf(owner), `scaling.${prop}`, reason);
  };
  if (typeof scaling !== 'object' || scaling === null) {
    throw new PropsValidationError(pathOf(owner), 'scaling', 'allowed: { min, max, cpuPercent?, … }.');
  }
  const { min, max, cpuPercent, memoryPercent, requestsPerTarget } = scaling;
  requireIntegerInRange(
    owner,
    'scaling.min',
    min,
    requestsPerTarget === undefined ? 1 : 0,
    SCALING_MAX_CAPACITY,
  );
  requireIntegerInRange(owner, 'scaling.max', max, 1, SCALING_MAX_CAPACITY);
  const known = !Token.isUnresolved(min) && !Token.isUnresolved(max);
  if (known && min > max) fail('min', `is ${min}, above scaling.max ${max}; allowed: min ≤ max.`);
  if (cpuPercent === undefined && memoryPercent === undefined && requestsPerTarget === undefined) {
    throw new PropsValidationError(
      pathOf(owner),
      'scaling',
      'has no target; allowed: at least one of cpuPercent, memoryPercent, requestsPerTarget.',
    );
  }
  for (const prop of ['cpuPercent', 'memoryPercent'] as const) {
    const value = scaling[prop];
    if (
      value !== undefined &&
      !Token.isUnresolved(value) &&
      !(typeof value === 'number' && value >= 1 && value <= 100)
    ) {
      fail(prop, `got ${JSON.stringify(value)}; allowed: a percentage from 1 to 100.`);
    }
  }
  if (requestsPerTarget !== undefined) {
    requireIntegerInRange(owner, 'scaling.requestsPerTarget', requestsPerTarget, 1, 1_000_000);
  }
  for (const prop of ['scaleInCooldownSeconds', 'scaleOutCooldownSeconds'] as const) {
    const value = scaling[prop];
    if (value !== undefined)
      requireIntegerInRange(owner, `scaling.${prop}`, value, 0, SCALING_MAX_COOLDOWN_SECONDS);
  }
  if (
    known &&
    desiredCount !== undefined &&
    !Token.isUnresolved(desiredCount) &&
    (desiredCount < min || desiredCount > max)
  ) {
    throw new PropsValidationError(
      pathOf(owner),
      'desiredCount',
      `is ${desiredCount}, outside scaling's range ${min} to ${max}; allowed: a count in the range, or leave desiredCount out so stack updates keep the count the autoscaler chose.`,
    );
  }
  return { ...scaling };
}

/**
 * Throws when `scaling.requestsPerTarget` is set on a service no load balancer forwards to.
 *
 * @param prop the service's prop path, e.g. `service` or `services.orders`
 * @param why why it has no load balancer, e.g. "the API Gateway pattern has no load balancer"
 */
export function rejectRequestScaling(
  owner: PropsOwner,
  prop: string,
  scaling: ServiceScaling | undefined,
  why: string,
): void {
  if (scaling?.requestsPerTarget === undefined) return;
  throw new PropsValidationError(
    pathOf(owner),
    `${prop}.scaling.requestsPerTarget`,
    `${why}; allowed: cpuPercent or memoryPercent here, requestsPerTarget on a load balancer pattern's public service.`,
  );
}

/** What {@link ServiceAutoScaling} scales. */
export interface ServiceAutoScalingProps {
  readonly scaling: NormalizedServiceScaling;
  readonly service: CfnService;
  /** The ECS cluster name (an ARN is reduced to its name). */
  readonly cluster: string;
  /** Used in the policy names (`<service>-cpu`, …). */
  readonly serviceName: string;
}

/**
 * The scalable target (`ScalableTarget`, `service/<cluster>/<service>`,
 * `ecs:service:DesiredCount`, the service-linked role) and one target tracking policy per target
 * (`CpuScaling`, `MemoryScaling`, and `RequestCountScaling` once a load balancer is attached),
 * in the shape `wharf dev`'s autoscaler runs.
 */
export class ServiceAutoScaling {
  readonly scalableTarget: CfnScalableTarget;
  readonly policies: CfnScalingPolicy[] = [];

  /** Creates the resources in `scope` (the service's construct). */
  constructor(
    private readonly scope: Construct,
    private readonly props: ServiceAutoScalingProps,
  ) {
    const { scaling, service } = props;
    const clusterName =
      !Token.isUnresolved(props.cluster) && props.cluster.startsWith('arn:')
        ? (props.cluster.split('/').pop() as string)
        : props.cluster;
    this.scalableTarget = new CfnScalableTarget(scope, 'ScalableTarget', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: Fn.join('', ['service/', clusterName, '/', service.attrName]),
      minCapacity: scaling.min,
      maxCapacity: scaling.max,
      // No RoleARN: Application Auto Scaling uses (and creates) its service-linked role (§1.1).
    });
    // The GetAtt of the service's Name already orders it after the service (§1.1's DependsOn advice;
    // an explicit DependsOn as well draws cfn-lint's W3005).
    if (scaling.cpuPercent !== undefined) {
      this.addPolicy('CpuScaling', 'cpu', 'ECSServiceAverageCPUUtilization', scaling.cpuPercent);
    }
    if (scaling.memoryPercent !== undefined) {
      this.addPolicy('MemoryScaling', 'memory', 'ECSServiceAverageMemoryUtilization', scaling.memoryPercent);
    }
  }

  /**
   * Adds the `ALBRequestCountPerTarget` policy, when `requestsPerTarget` is set, for the target
   * group named by `resourceLabel` (`app/<lb>/<id>/targetgroup/<tg>/<id>`).
   */
  scaleOnRequestCount(resourceLabel: string): void {
    const target = this.props.scaling.requestsPerTarget;
    if (target === undefined) return;
    this.addPolicy('RequestCountScaling', 'requests', 'ALBRequestCountPerTarget', target, resourceLabel);
  }

  private addPolicy(
    id: string,
    suffix: string,
    metric: string,
    targetValue: number,
    resourceLabel?: string,
  ): void {
    const { scaling } = this.props;
    const policy = new CfnScalingPolicy(this.scope, id, {
      policyName: `${this.props.serviceName}-${suffix}`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue,
        predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
        scaleInCooldown: scaling.scaleInCooldownSeconds,
        scaleOutCooldown: scaling.scaleOutCooldownSeconds,
        disableScaleIn: scaling.disableScaleIn ? true : undefined,
      },
    });
    this.policies.push(policy);
  }
}

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}
