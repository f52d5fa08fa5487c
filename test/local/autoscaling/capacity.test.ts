/**
 * How target tracking computes a new desired count (docs/reference/aws-behavior-2.md §1.5):
 * proportionally from the running count, rounding up; from 0 by one task; with several policies,
 * out if any, in only if all that may scale in, the largest capacity winning.
 */

import { describe, expect, it } from 'vitest';
import {
  combineProposals,
  type PolicyProposal,
  targetTrackingCapacity,
} from '../../../src/local/autoscaling/capacity.js';

describe('targetTrackingCapacity', () => {
  it.each([
    ['scales out proportionally to the metric', 2, 93.1, 50, 4],
    ['rounds up when adding (2 × 60 / 50 = 2.4 → 3)', 2, 60, 50, 3],
    ['is exact on whole results (2 × 75 / 50 = 3)', 2, 75, 50, 3],
    ['rounds up when removing, so fewer tasks go (4 × 30 / 50 = 2.4 → 3)', 4, 30, 50, 3],
    ['scales in to what the metric needs (4 × 20 / 50 = 1.6 → 2)', 4, 20, 50, 2],
    ['goes to 0 on a zero metric (min clamps it)', 3, 0, 50, 0],
    ['adds one task from zero running tasks (§1.5)', 0, 900, 100, 1],
  ])('%s', (_what, running, metric, target, expected) => {
    expect(targetTrackingCapacity(running, metric, target)).toBe(expected);
  });
});

describe('combineProposals', () => {
  const p = (
    policyName: string,
    direction: PolicyProposal['direction'],
    capacity: number,
    disableScaleIn = false,
  ) => ({
    policyName,
    direction,
    capacity,
    disableScaleIn,
  });

  it('scales out if any policy says out, to the largest capacity', () => {
    expect(combineProposals([p('cpu', 'out', 3), p('mem', 'out', 5), p('req', 'in', 1)])).toEqual({
      direction: 'out',
      capacity: 5,
      policyName: 'mem',
    });
  });

  it('scales in only when every policy with scale-in enabled says in', () => {
    expect(combineProposals([p('cpu', 'in', 2), p('mem', 'none', 0)]).direction).toBe('none');
    expect(combineProposals([p('cpu', 'in', 2), p('mem', 'in', 3)])).toEqual({
      direction: 'in',
      capacity: 3,
      policyName: 'mem',
    });
  });

  it('lets a policy with DisableScaleIn neither scale in nor hold a scale-in back', () => {
    expect(combineProposals([p('cpu', 'in', 2), p('req', 'none', 0, true)])).toEqual({
      direction: 'in',
      capacity: 2,
      policyName: 'cpu',
    });
    expect(combineProposals([p('req', 'none', 0, true)]).direction).toBe('none');
  });
});
