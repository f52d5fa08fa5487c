/**
 * Catches: a CPU or memory target tracking policy (`ECSServiceAverageCPUUtilization`,
 * `ECSServiceAverageMemoryUtilization`) whose `TargetValue` is at most 5 (percent).
 *
 * Why: the service's utilization is the average over its tasks
 * (docs/reference/aws-behavior-2.md §1.3), and each task's idle share (the runtime's resident
 * memory, its timers, health checks, log shipping) does not shrink when tasks are added. Target
 * tracking scales out while the average stays above the target for 3 one-minute periods (§1.4),
 * so a target below the idle share keeps adding tasks until `MaxCapacity` and holds them there
 * with no traffic at all. The bound is deliberately low: 5 % of the smallest Fargate task
 * (0.25 vCPU, 512 MiB) is 12.8 CPU units and 25.6 MiB.
 *
 * Does not catch: targets between 5 % and an app's real idle share (measure it with
 * `wharf dev`'s status view), targets it cannot trace, custom metrics.
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { ecsScalableTargets, policyMetric, policyNumber } from './scaling.js';
import { trapFinding } from './support.js';

/** Targets at or below this percentage trip the rule. */
export const IDLE_TARGET_PERCENT = 5;

const UTILIZATION: Record<string, string> = {
  ECSServiceAverageCPUUtilization: 'CPU',
  ECSServiceAverageMemoryUtilization: 'memory',
};

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const { max, policies } of ecsScalableTargets(app)) {
    for (const policy of policies) {
      const kind = UTILIZATION[policyMetric(policy) ?? ''];
      const target = policyNumber(policy, 'TargetValue');
      if (kind === undefined || target === undefined || target > IDLE_TARGET_PERCENT) continue;
      findings.push(
        trapFinding(scalingTargetAtIdle, policy, {
          propertyPath: 'Properties.TargetTrackingScalingPolicyConfiguration.TargetValue',
          message: `Scaling policy ${policy.logicalId} targets ${target} % ${kind} utilization; an idle task's own ${kind} use is about that or more and does not fall as tasks are added, so the service scales out to its maximum${max === undefined ? '' : ` (${max})`} with no traffic.`,
          fix: `Target a utilization well above the idle share, e.g. 50-70 % for ${kind}; watch the service's ${kind} at idle in \`wharf dev\` first.`,
        }),
      );
    }
  }
  return findings;
}

/** A CPU/memory target so low that the service sits at its maximum when idle. */
export const scalingTargetAtIdle: TrapRule = {
  id: 'scaling-target-at-idle',
  title: 'CPU/memory scaling target at or below idle utilization (≤ 5 %)',
  severity: 'warning',
  description:
    "A utilization target below a task's idle share scales the service out to MaxCapacity and keeps it there without traffic.",
  check,
};
