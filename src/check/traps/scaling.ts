/**
 * Reading Application Auto Scaling for the trap rules: the scalable targets on an ECS service's
 * desired count, the service each one scales, and the target tracking policies attached to it
 * (by `ScalingTargetId`, or by the same `ResourceId`), all within one stack.
 * Facts: docs/reference/aws-behavior-2.md §1.1–§1.2.
 */

import type { CfnValue, LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import { type At, numberOf, stringOf } from './support.js';

/** One scalable target on `ecs:service:DesiredCount`. */
export interface EcsScalableTarget {
  readonly target: At;
  /** The ECS service it scales, when its `ResourceId` names one of the app. */
  readonly service?: At;
  readonly min?: number;
  readonly max?: number;
  /** Its `TargetTrackingScaling` policies. */
  readonly policies: readonly At[];
}

/** Every ECS scalable target of the app with its service and target tracking policies. */
export function ecsScalableTargets(app: LoadedApp): EcsScalableTarget[] {
  const services = [...listResources(app, 'AWS::ECS::Service')];
  const policies = [...listResources(app, 'AWS::ApplicationAutoScaling::ScalingPolicy')].filter(
    (p) => stringOf(p.stack, getPath(p.resource, 'Properties.PolicyType')) === 'TargetTrackingScaling',
  );
  const targets: EcsScalableTarget[] = [];
  for (const target of listResources(app, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const props = (path: string) => getPath(target.resource, `Properties.${path}`);
    if (stringOf(target.stack, props('ScalableDimension')) !== 'ecs:service:DesiredCount') continue;
    const resourceId = JSON.stringify(props('ResourceId'));
    targets.push({
      target,
      service: serviceOf(target, props('ResourceId'), services),
      min: numberOf(target.stack, props('MinCapacity')),
      max: numberOf(target.stack, props('MaxCapacity')),
      policies: policies.filter((p) => {
        if (p.stack !== target.stack) return false;
        const id = getPath(p.resource, 'Properties.ScalingTargetId');
        if (id !== undefined) return JSON.stringify(id) === JSON.stringify({ Ref: target.logicalId });
        return JSON.stringify(getPath(p.resource, 'Properties.ResourceId')) === resourceId;
      }),
    });
  }
  return targets;
}

/**
 * The ECS service a `ResourceId` names: a `Fn::GetAtt [Service, Name]` inside it (a `Fn::Join`),
 * `${Service.Name}` in a `Fn::Sub`, or a literal `service/<cluster>/<name>` matching a service's
 * `ServiceName`.
 */
function serviceOf(target: At, resourceId: CfnValue | undefined, services: At[]): At | undefined {
  const literal = stringOf(target.stack, resourceId);
  if (literal !== undefined) {
    const name = /^service\/[^/]+\/([^/]+)$/.exec(literal)?.[1];
    return services.find((s) => stringOf(s.stack, getPath(s.resource, 'Properties.ServiceName')) === name);
  }
  for (const value of nestedValues(resourceId)) {
    const getAtt =
      typeof value === 'string'
        ? /\$\{([A-Za-z0-9]+)\.Name\}/.exec(value)?.[1]
        : isGetAtt(value, 'Name')
          ? value
          : undefined;
    if (getAtt === undefined) continue;
    const traced = resourceOf(
      traceValue(target.stack, typeof getAtt === 'string' ? { 'Fn::GetAtt': [getAtt, 'Name'] } : getAtt),
      'AWS::ECS::Service',
    );
    if (traced) return traced;
  }
  return undefined;
}

/** True when `value` is `{ 'Fn::GetAtt': [<id>, attribute] }`. */
export function isGetAtt(
  value: CfnValue | undefined,
  attribute: string,
): value is { 'Fn::GetAtt': [string, string] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const getAtt = (value as Record<string, CfnValue>)['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === attribute && typeof getAtt[0] === 'string';
}

/** `value` and every value nested in it, depth first. */
export function* nestedValues(value: CfnValue | undefined): Generator<CfnValue> {
  if (value === undefined || value === null) return;
  yield value;
  if (Array.isArray(value)) for (const item of value) yield* nestedValues(item);
  else if (typeof value === 'object') for (const item of Object.values(value)) yield* nestedValues(item);
}

/** The traced number at `Properties.TargetTrackingScalingPolicyConfiguration.<path>` of a policy. */
export function policyNumber(policy: At, path: string): number | undefined {
  return numberOf(
    policy.stack,
    getPath(policy.resource, `Properties.TargetTrackingScalingPolicyConfiguration.${path}`),
  );
}

/** The traced predefined metric type of a target tracking policy. */
export function policyMetric(policy: At): string | undefined {
  return stringOf(
    policy.stack,
    getPath(
      policy.resource,
      'Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType',
    ),
  );
}
