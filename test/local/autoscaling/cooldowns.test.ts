/**
 * Cooldowns, suspension, deployments and the [min, max] range between a proposal and a new
 * desired count (docs/reference/aws-behavior-2.md §1.5–§1.6), on numbers given as a fake clock.
 */

import { describe, expect, it } from 'vitest';
import {
  applyScalingLimits,
  type CooldownState,
  clampCapacity,
  cooldownsAfter,
  type ScalingLimitsInput,
} from '../../../src/local/autoscaling/cooldowns.js';

const MINUTE = 60_000;
const base = (over: Partial<ScalingLimitsInput>): ScalingLimitsInput => ({
  now: 10 * MINUTE,
  proposal: { direction: 'out', capacity: 4, policyName: 'cpu' },
  desiredCount: 2,
  minCapacity: 1,
  maxCapacity: 10,
  cooldowns: {},
  ...over,
});

describe('clampCapacity', () => {
  it('keeps capacities within [min, max]', () => {
    expect([clampCapacity(0, 1, 3), clampCapacity(2, 1, 3), clampCapacity(9, 1, 3)]).toEqual([1, 2, 3]);
  });
});

describe('applyScalingLimits', () => {
  it('scales out to the proposal, clamped to max', () => {
    expect(applyScalingLimits(base({}))).toEqual({ action: 'set', direction: 'out', capacity: 4 });
    expect(applyScalingLimits(base({ maxCapacity: 3 }))).toEqual({
      action: 'set',
      direction: 'out',
      capacity: 3,
    });
    expect(applyScalingLimits(base({ maxCapacity: 2 }))).toEqual({
      action: 'hold',
      why: 'at maximum capacity',
    });
  });

  it('during a scale-out cooldown scales out only to a larger capacity than the last scale-out (§1.6)', () => {
    const cooldowns: CooldownState = {
      lastScaleOut: { at: 9 * MINUTE, capacity: 4, cooldownMs: 5 * MINUTE },
    };
    expect(applyScalingLimits(base({ cooldowns, proposal: { direction: 'out', capacity: 4 } }))).toEqual({
      action: 'hold',
      why: 'scale-out cooldown',
    });
    expect(
      applyScalingLimits(base({ cooldowns, desiredCount: 4, proposal: { direction: 'out', capacity: 6 } })),
    ).toEqual({
      action: 'set',
      direction: 'out',
      capacity: 6,
    });
    // 300 s later the cooldown is over.
    expect(applyScalingLimits(base({ cooldowns, now: 14 * MINUTE, desiredCount: 3 })).action).toBe('set');
  });

  it('blocks scale-in during a scale-in cooldown and lets it through afterwards (§1.6)', () => {
    const cooldowns: CooldownState = { lastScaleIn: { at: 9 * MINUTE, cooldownMs: 5 * MINUTE } };
    const proposal = { direction: 'in' as const, capacity: 2 };
    expect(applyScalingLimits(base({ cooldowns, proposal, desiredCount: 4 }))).toEqual({
      action: 'hold',
      why: 'scale-in cooldown',
    });
    expect(applyScalingLimits(base({ cooldowns, proposal, desiredCount: 4, now: 14 * MINUTE }))).toEqual({
      action: 'set',
      direction: 'in',
      capacity: 2,
    });
  });

  it('scales out at once during a scale-in cooldown, which the scale-out ends (§1.6)', () => {
    const cooldowns: CooldownState = { lastScaleIn: { at: 9 * MINUTE, cooldownMs: 5 * MINUTE } };
    expect(applyScalingLimits(base({ cooldowns })).action).toBe('set');
    const after = cooldownsAfter(cooldowns, { direction: 'out', at: 10 * MINUTE, capacity: 4 }, 5 * MINUTE);
    expect(after.lastScaleIn).toBeUndefined();
  });

  it('scales in no lower than min', () => {
    const proposal = { direction: 'in' as const, capacity: 0 };
    expect(applyScalingLimits(base({ proposal, desiredCount: 3 }))).toEqual({
      action: 'set',
      direction: 'in',
      capacity: 1,
    });
    expect(applyScalingLimits(base({ proposal, desiredCount: 1 }))).toEqual({
      action: 'hold',
      why: 'at minimum capacity',
    });
  });

  it('holds scale-in while an ECS deployment is in progress, and when suspended; scale-out when suspended (§1.5, §1.6)', () => {
    const scaleIn = { direction: 'in' as const, capacity: 1 };
    expect(
      applyScalingLimits(base({ proposal: scaleIn, desiredCount: 3, deploymentInProgress: true })).action,
    ).toBe('hold');
    expect(
      applyScalingLimits(base({ proposal: scaleIn, desiredCount: 3, scaleInSuspended: true })).action,
    ).toBe('hold');
    expect(applyScalingLimits(base({ deploymentInProgress: true })).action).toBe('set');
    expect(applyScalingLimits(base({ scaleOutSuspended: true })).action).toBe('hold');
  });
});
