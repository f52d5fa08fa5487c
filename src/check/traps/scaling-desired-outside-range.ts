/**
 * Catches: a scaled ECS service whose `DesiredCount` (traced through parameters) lies outside
 * its scalable target's `[MinCapacity, MaxCapacity]`.
 *
 * Why: registering the target moves the count into the range, but every later stack update of
 * the service sends the template's `DesiredCount` again and resets the running count outside the
 * range; an older ECS guide says a scale-in then does not bring it back down
 * (docs/reference/aws-behavior-2.md §1.1). A scaled service is best left without `DesiredCount`:
 * "For existing services, if a desired count is not specified, it is omitted from the operation."
 *
 * Does not catch: a service without `DesiredCount` (created with 1 task, then moved into the
 * range at registration: fine), or values it cannot trace.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath } from '../../template/query.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { ecsScalableTargets } from './scaling.js';
import { numberOf, trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const { target, service, min, max } of ecsScalableTargets(app)) {
    if (!service || min === undefined || max === undefined || min > max) continue;
    const desired = numberOf(service.stack, getPath(service.resource, 'Properties.DesiredCount'));
    if (desired === undefined || (desired >= min && desired <= max)) continue;
    findings.push(
      trapFinding(scalingDesiredOutsideRange, service, {
        propertyPath: 'Properties.DesiredCount',
        message: `ECS service ${service.logicalId} has DesiredCount ${desired}, outside the range ${min} to ${max} of its scalable target ${target.logicalId}; each stack update of the service resets the running count to ${desired}.`,
        fix: `Remove DesiredCount from the scaled service (updates then keep the count the autoscaler set), or set it within ${min} to ${max}.`,
      }),
    );
  }
  return findings;
}

/** A scaled service's DesiredCount is outside its scalable target's range. */
export const scalingDesiredOutsideRange: TrapRule = {
  id: 'scaling-desired-outside-range',
  title: "Scaled service's DesiredCount outside [MinCapacity, MaxCapacity]",
  severity: 'warning',
  description:
    "A stack update resets a scaled service's count to its DesiredCount; outside the scaling range it fights the autoscaler.",
  check,
};
