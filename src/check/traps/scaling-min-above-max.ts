/**
 * Catches: an ECS scalable target whose `MinCapacity` (traced through parameters) is above its
 * `MaxCapacity`.
 *
 * Why: Application Auto Scaling refuses the registration, so the stack fails to create or update
 * at the scalable target (docs/reference/aws-behavior-2.md §1.1; `wharf dev` refuses it too).
 *
 * Does not catch: capacities it cannot trace to numbers (a parameter without default).
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { ecsScalableTargets } from './scaling.js';
import { trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  return ecsScalableTargets(app).flatMap(({ target, min, max }) =>
    min !== undefined && max !== undefined && min > max
      ? [
          trapFinding(scalingMinAboveMax, target, {
            propertyPath: 'Properties.MinCapacity',
            message: `Scalable target ${target.logicalId} has MinCapacity ${min} above MaxCapacity ${max}; Application Auto Scaling refuses the registration and the stack fails at this resource.`,
            fix: `Set MinCapacity ≤ MaxCapacity, e.g. MinCapacity: ${max} or MaxCapacity: ${min} (Wharf's constructs: scaling.min ≤ scaling.max).`,
          }),
        ]
      : [],
  );
}

/** A scalable target's minimum is above its maximum. */
export const scalingMinAboveMax: TrapRule = {
  id: 'scaling-min-above-max',
  title: 'Scalable target MinCapacity above MaxCapacity',
  severity: 'error',
  description:
    'Application Auto Scaling refuses a scalable target whose minimum capacity is above its maximum.',
  check,
};
