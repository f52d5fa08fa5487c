/**
 * Reads `AWS::ApplicationAutoScaling::ScalableTarget` and `ScalingPolicy` resources into
 * {@link ScalableTargetConfig}s for the local scaler, and rejects shapes it cannot run.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.1–§1.2, §1.6): a policy names its target by
 * `ScalingTargetId` or by `ResourceId` + `ScalableDimension` + `ServiceNamespace`; the target is
 * `ecs:service:DesiredCount` of `service/<cluster>/<service>`; `ALBRequestCountPerTarget` needs a
 * `ResourceLabel` (`app/<lb>/<id>/targetgroup/<tg>/<id>`); cooldowns default to 300 s. Not
 * emulated (a warning each, the run goes on): step scaling, customized metrics, scheduled actions,
 * scalable targets of other services or dimensions, and targets of services these templates do
 * not run.
 */

import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import type { EcsServiceConfig } from '../ecs/types.js';
import type { TargetGroupConfig } from '../elb/types.js';
import { originOf, PropertyReader } from '../props.js';
import type { PredefinedMetricType, ScalableTargetConfig, TargetTrackingPolicyConfig } from './types.js';

const SCALABLE_TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';
const SCALING_POLICY = 'AWS::ApplicationAutoScaling::ScalingPolicy';
const DIMENSION = 'ecs:service:DesiredCount';
/** §1.6: "Duration.seconds(300) for … ECS services". */
const DEFAULT_COOLDOWN_SECONDS = 300;
const PREDEFINED: readonly PredefinedMetricType[] = [
  'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization',
  'ALBRequestCountPerTarget',
];

/** The scalable targets the local cloud runs, and what it does not emulate. */
export interface ResolvedScaling {
  readonly targets: readonly ScalableTargetConfig[];
  /** One line each, naming the file and resource. */
  readonly warnings: readonly string[];
}

interface PendingTarget {
  readonly resource: ResolvedResource;
  readonly config: Omit<ScalableTargetConfig, 'policies'>;
  readonly policies: TargetTrackingPolicyConfig[];
}

/** Resolves every scalable target on an ECS service of `services` with its target tracking policies. */
export function resolveScalableTargets(
  app: ResolvedApp,
  services: readonly EcsServiceConfig[],
  targetGroups: readonly TargetGroupConfig[],
): ResolvedScaling {
  const warnings: string[] = [];
  const warn = (resource: ResolvedResource, message: string) =>
    warnings.push(`${resource.stack.loaded.file}: ${resource.logicalId}: ${message}`);
  const resources = app.stacks.flatMap((stack) => [...stack.resources.values()]);
  const byRef = new Map<string, PendingTarget>();
  const byResourceId = new Map<string, PendingTarget>();
  for (const resource of resources.filter((r) => r.type === SCALABLE_TARGET)) {
    const pending = readTarget(resource, services, warn);
    if (!pending) continue;
    byRef.set(resource.ref, pending);
    byResourceId.set(pending.config.resourceId, pending);
  }
  for (const resource of resources.filter((r) => r.type === SCALING_POLICY)) {
    const reader = new PropertyReader(resource);
    const targetId = reader.optionalString('ScalingTargetId');
    const resourceId = reader.optionalString('ResourceId');
    if (targetId === undefined && resourceId === undefined) {
      reader.fail(
        'ScalingTargetId',
        'give ScalingTargetId, or ResourceId with ScalableDimension and ServiceNamespace',
      );
    }
    const target = targetId !== undefined ? byRef.get(targetId) : byResourceId.get(resourceId as string);
    if (!target) {
      if (targetId === undefined && reader.optionalString('ScalableDimension') !== DIMENSION) continue;
      warn(resource, 'scales no ECS service these templates run: not emulated');
      continue;
    }
    const policy = readPolicy(resource, reader, targetGroups, warn);
    if (policy) target.policies.push(policy);
  }
  const targets = [...byRef.values()].map(({ config, policies }) => ({ ...config, policies }));
  return { targets, warnings };
}

function readTarget(
  resource: ResolvedResource,
  services: readonly EcsServiceConfig[],
  warn: (resource: ResolvedResource, message: string) => void,
): PendingTarget | undefined {
  const reader = new PropertyReader(resource);
  const namespace = reader.optionalString('ServiceNamespace');
  const dimension = reader.optionalString('ScalableDimension');
  if (namespace !== 'ecs' || dimension !== DIMENSION) {
    warn(resource, `only ecs / ${DIMENSION} scalable targets are emulated; this one has no local effect`);
    return undefined;
  }
  const resourceId = reader.string('ResourceId');
  const match = /^service\/([^/]+)\/([^/]+)$/.exec(resourceId);
  if (!match) {
    reader.fail('ResourceId', 'an ECS scalable target is service/<cluster-name>/<service-name>');
  }
  const [, clusterName, serviceName] = match as unknown as [string, string, string];
  const minCapacity = wholeNumber(reader, 'MinCapacity');
  const maxCapacity = wholeNumber(reader, 'MaxCapacity');
  if (minCapacity > maxCapacity) {
    reader.fail('MinCapacity', `is ${minCapacity}, above MaxCapacity ${maxCapacity}; AWS refuses it`);
  }
  if (!services.some((service) => service.clusterName === clusterName && service.name === serviceName)) {
    warn(
      resource,
      `service ${serviceName} of cluster ${clusterName} is not in these templates: not emulated`,
    );
    return undefined;
  }
  if (reader.list('ScheduledActions').length > 0) {
    warn(resource, 'ScheduledActions are not emulated: the range stays MinCapacity to MaxCapacity');
  }
  return {
    resource,
    config: {
      resourceId,
      clusterName,
      serviceName,
      minCapacity,
      maxCapacity,
      scaleInSuspended: reader.boolean('SuspendedState.DynamicScalingInSuspended', false),
      scaleOutSuspended: reader.boolean('SuspendedState.DynamicScalingOutSuspended', false),
      origin: originOf(resource),
    },
    policies: [],
  };
}

function readPolicy(
  resource: ResolvedResource,
  reader: PropertyReader,
  targetGroups: readonly TargetGroupConfig[],
  warn: (resource: ResolvedResource, message: string) => void,
): TargetTrackingPolicyConfig | undefined {
  const type = reader.string('PolicyType');
  if (type !== 'TargetTrackingScaling') {
    warn(
      resource,
      `PolicyType ${type === 'StepScaling' ? 'StepScaling' : 'other than TargetTrackingScaling'} is not emulated: it never scales locally`,
    );
    return undefined;
  }
  const base = 'TargetTrackingScalingPolicyConfiguration';
  if (reader.raw(`${base}.CustomizedMetricSpecification`) !== undefined) {
    warn(resource, 'a CustomizedMetricSpecification is not emulated: this policy never scales locally');
    return undefined;
  }
  const metric = reader.string(`${base}.PredefinedMetricSpecification.PredefinedMetricType`);
  if (!PREDEFINED.includes(metric as PredefinedMetricType)) {
    warn(resource, `predefined metrics other than ${PREDEFINED.join(', ')} are not emulated for ECS`);
    return undefined;
  }
  const targetValue = reader.number(`${base}.TargetValue`);
  if (!(targetValue > 0)) reader.fail(`${base}.TargetValue`, 'must be a number above 0 locally');
  const label = reader.optionalString(`${base}.PredefinedMetricSpecification.ResourceLabel`);
  let targetGroupArn: string | undefined;
  if (metric === 'ALBRequestCountPerTarget') {
    const path = `${base}.PredefinedMetricSpecification.ResourceLabel`;
    if (label === undefined) reader.fail(path, 'is required for ALBRequestCountPerTarget');
    const tail = /\/(targetgroup\/[^/]+\/[^/]+)$/.exec(label)?.[1];
    if (!/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(label) || !tail) {
      reader.fail(path, 'is app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>');
    }
    targetGroupArn = targetGroups.find((group) => group.arn.endsWith(`:${tail}`))?.arn;
    if (!targetGroupArn) reader.fail(path, 'names a target group that is not declared in these templates');
  }
  return {
    name: reader.optionalString('PolicyName') ?? resource.logicalId,
    metric: metric as PredefinedMetricType,
    targetValue,
    targetGroupArn,
    scaleOutCooldownSeconds: reader.number(`${base}.ScaleOutCooldown`, DEFAULT_COOLDOWN_SECONDS),
    scaleInCooldownSeconds: reader.number(`${base}.ScaleInCooldown`, DEFAULT_COOLDOWN_SECONDS),
    disableScaleIn: reader.boolean(`${base}.DisableScaleIn`, false),
    origin: originOf(resource),
  };
}

function wholeNumber(reader: PropertyReader, path: string): number {
  const value = reader.number(path);
  if (!Number.isInteger(value) || value < 0) reader.fail(path, 'must be a whole number from 0 up');
  return value;
}
