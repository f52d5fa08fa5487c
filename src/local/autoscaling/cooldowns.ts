/**
 * What stands between a policy's proposal and a new desired count: the [min, max] range,
 * cooldowns, suspension and ECS deployments. Pure: times are numbers the caller gives.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.1, §1.5, §1.6): capacities are clamped to
 * [MinCapacity, MaxCapacity], and a desired count outside the range is moved into it when the
 * target is registered (the current RegisterScalableTarget doc). During a scale-out cooldown
 * (default 300 s) the service scales out again only to a larger capacity than the one that started
 * the cooldown. A scale-in cooldown (default 300 s) blocks scale-in; a scale-out during it goes
 * ahead and ends it. `DisableScaleIn` is applied when policies combine (`capacity.ts`).
 * `DynamicScalingInSuspended`/`OutSuspended` block their direction, and scale-in waits while an ECS
 * deployment is in progress (§1.5).
 */

import type { CombinedProposal } from './capacity.js';

/** The cooldowns in force, as the scaler records them after each activity. */
export interface CooldownState {
  /** The last scale-out: when, to which capacity, and the winning policy's `ScaleOutCooldown`. */
  readonly lastScaleOut?: { readonly at: number; readonly capacity: number; readonly cooldownMs: number };
  /** The last scale-in: when, and the winning policy's `ScaleInCooldown`. */
  readonly lastScaleIn?: { readonly at: number; readonly cooldownMs: number };
}

/** Everything {@link applyScalingLimits} weighs. */
export interface ScalingLimitsInput {
  readonly now: number;
  readonly proposal: CombinedProposal;
  readonly desiredCount: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scaleInSuspended?: boolean;
  readonly scaleOutSuspended?: boolean;
  /** An ECS deployment of the service is in progress: scale-in is off (§1.5). */
  readonly deploymentInProgress?: boolean;
  readonly cooldowns: CooldownState;
}

/** Set the desired count, or hold it (and why, for the status view). */
export type ScalingDecision =
  | { readonly action: 'set'; readonly direction: 'out' | 'in'; readonly capacity: number }
  | { readonly action: 'hold'; readonly why: string };

/**
 * `value` clamped to [min, max].
 *
 * @example clampCapacity(7, 1, 4) // 4
 */
export function clampCapacity(value: number, minCapacity: number, maxCapacity: number): number {
  return Math.min(maxCapacity, Math.max(minCapacity, value));
}

/**
 * Decides whether a combined proposal changes the desired count.
 *
 * @example applyScalingLimits({ now: 100_000, proposal: { direction: 'out', capacity: 4 }, desiredCount: 2, minCapacity: 1, maxCapacity: 3, cooldowns: {} }) // { action: 'set', direction: 'out', capacity: 3 }
 */
export function applyScalingLimits(input: ScalingLimitsInput): ScalingDecision {
  const { proposal, desiredCount, now, cooldowns } = input;
  if (proposal.direction === 'none') return { action: 'hold', why: 'no alarm in ALARM' };
  const capacity = clampCapacity(proposal.capacity, input.minCapacity, input.maxCapacity);
  if (proposal.direction === 'out') {
    if (input.scaleOutSuspended) return { action: 'hold', why: 'dynamic scale-out is suspended' };
    if (capacity <= desiredCount) {
      return {
        action: 'hold',
        why: capacity === input.maxCapacity ? 'at maximum capacity' : 'desired count already covers it',
      };
    }
    const out = cooldowns.lastScaleOut;
    if (out && now < out.at + out.cooldownMs && capacity <= out.capacity) {
      return { action: 'hold', why: 'scale-out cooldown' };
    }
    return { action: 'set', direction: 'out', capacity };
  }
  if (input.scaleInSuspended) return { action: 'hold', why: 'dynamic scale-in is suspended' };
  if (input.deploymentInProgress) return { action: 'hold', why: 'an ECS deployment is in progress' };
  if (capacity >= desiredCount) {
    return {
      action: 'hold',
      why: capacity === input.minCapacity ? 'at minimum capacity' : 'desired count already covers it',
    };
  }
  const last = cooldowns.lastScaleIn;
  if (last && now < last.at + last.cooldownMs) return { action: 'hold', why: 'scale-in cooldown' };
  return { action: 'set', direction: 'in', capacity };
}

/**
 * The cooldowns after an activity: a scale-out starts its cooldown and ends a scale-in cooldown;
 * a scale-in starts its own.
 */
export function cooldownsAfter(
  state: CooldownState,
  activity: { readonly direction: 'out' | 'in'; readonly at: number; readonly capacity: number },
  cooldownMs: number,
): CooldownState {
  if (activity.direction === 'out') {
    return { lastScaleOut: { at: activity.at, capacity: activity.capacity, cooldownMs } };
  }
  return { ...state, lastScaleIn: { at: activity.at, cooldownMs } };
}
