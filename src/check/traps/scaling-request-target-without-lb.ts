/**
 * Catches: an `ALBRequestCountPerTarget` target tracking policy on an ECS service that no load
 * balancer target group sends traffic to: the service has no `LoadBalancers`, the policy has no
 * `ResourceLabel`, or the label names a target group (by `Fn::GetAtt <TG>.TargetGroupFullName` in
 * the same stack) that is not among the service's target groups.
 *
 * Why: the metric is the request count of the target group in `ResourceLabel`, which is required
 * for this metric type (docs/reference/aws-behavior-2.md §1.2). A service outside that group gets
 * no data points from it: the policy either fails to create or never scales the service it is
 * attached to.
 *
 * Does not catch: labels it cannot trace to a target group resource (e.g. passed in as a
 * parameter from another stack); it then only checks that the service has a load balancer.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { ecsScalableTargets, isGetAtt, nestedValues, policyMetric } from './scaling.js';
import { type At, listAt, trapFinding } from './support.js';

const LABEL =
  'Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const { service, policies } of ecsScalableTargets(app)) {
    if (!service) continue;
    for (const policy of policies.filter((p) => policyMetric(p) === 'ALBRequestCountPerTarget')) {
      const problem = problemOf(service, policy);
      if (!problem) continue;
      findings.push(
        trapFinding(scalingRequestTargetWithoutLb, policy, {
          propertyPath: problem.path,
          message: `Scaling policy ${policy.logicalId} tracks ALBRequestCountPerTarget for ECS service ${service.logicalId}, but ${problem.why}; it never scales the service on requests.`,
          fix: 'Attach the service to the target group in ResourceLabel (LoadBalancers of the service, ResourceLabel = <LoadBalancerFullName>/<TargetGroupFullName>), or track ECSServiceAverageCPUUtilization instead.',
        }),
      );
    }
  }
  return findings;
}

function problemOf(service: At, policy: At): { path: string; why: string } | undefined {
  const groups = listAt(service, 'Properties.LoadBalancers').map(({ value }) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? resourceOf(
          traceValue(service.stack, value.TargetGroupArn),
          'AWS::ElasticLoadBalancingV2::TargetGroup',
        )
      : undefined,
  );
  if (groups.length === 0) {
    return {
      path: 'Properties.PolicyType',
      why: 'the service has no LoadBalancers: no target group counts its requests',
    };
  }
  const label = getPath(policy.resource, LABEL);
  if (label === undefined)
    return { path: LABEL, why: 'the policy has no ResourceLabel, which this metric requires' };
  const labelled = [...nestedValues(label)]
    .filter((value) => isGetAtt(value, 'TargetGroupFullName'))
    .map((value) => resourceOf(traceValue(policy.stack, value), 'AWS::ElasticLoadBalancingV2::TargetGroup'))
    .find((group) => group !== undefined);
  if (!labelled || groups.some((g) => g === undefined)) return undefined;
  if (groups.some((g) => g?.stack === labelled.stack && g.logicalId === labelled.logicalId)) return undefined;
  return {
    path: LABEL,
    why: `its ResourceLabel names target group ${labelled.logicalId}, which the service is not registered in`,
  };
}

/** A request count target on a service no load balancer forwards to. */
export const scalingRequestTargetWithoutLb: TrapRule = {
  id: 'scaling-request-target-without-lb',
  title: 'Request count scaling on a service without that load balancer target group',
  severity: 'error',
  description:
    'ALBRequestCountPerTarget counts the requests of the target group in ResourceLabel; a service that is not in it gets no data from it.',
  check,
};
