/**
 * Target selection of an Application Load Balancer: which target group of a `forward` action, and
 * which target in it, gets the next request. Pure functions over the current target states.
 *
 * Fidelity (aws-behavior.md §2.1, §2.2, §2.3):
 * - only `healthy` targets get requests while at least one is healthy;
 * - fail-open: when none is healthy, every registered target that is not `draining` gets requests,
 *   whether `unhealthy` or still `initial` ("If a target group contains only unhealthy registered
 *   targets, the load balancer routes requests to all those targets"; the [OBS] note extends this to
 *   initialising targets);
 * - `draining` targets never get new requests ("stops routing requests to a target as soon as you
 *   deregister it");
 * - `round_robin` cycles through the routable targets in registration order; `least_outstanding_requests`
 *   picks the target with the fewest in-flight requests, ties broken round robin (AWS does not
 *   document its tie-break);
 * - weighted target groups: each request picks a group at random in proportion to its weight
 *   (0–999); weight 0 groups get nothing.
 *
 * - target group stickiness of a weighted forward (`TargetGroupStickinessConfig`, aws-behavior-2.md
 *   §4.2): a client whose `AWSALBTG` cookie names a group of the action (weight above 0) stays on
 *   it; otherwise the weights decide; every response through a sticky action sets `AWSALBTG` and
 *   `AWSALBTGCORS` (`SameSite=None; Secure`) for the duration. The cookie value is opaque
 *   (encrypted) on AWS and the target group ARN in base64url here.
 *
 * Not emulated: `weighted_random` / automatic target weights, slow start, target stickiness within
 * a group (`stickiness.enabled`), Availability Zones and cross-zone balancing (all targets are in
 * one pool).
 */

import type { TargetState, WeightedTargetGroup } from './types.js';

/** What selection needs to know about a target. */
export interface SelectableTarget {
  readonly state: TargetState;
  /** Requests sent to the target and not yet answered. */
  readonly inFlight: number;
}

/** A target group's algorithm (`load_balancing.algorithm.type`). */
export type BalancingAlgorithm = 'round_robin' | 'least_outstanding_requests';

function isRegistered(target: SelectableTarget): boolean {
  return target.state !== 'draining' && target.state !== 'unused';
}

/**
 * Which targets may get a request: the healthy ones, or (fail-open) every registered non-draining
 * target when none is healthy. Allocates; the request path uses {@link selectTarget}.
 */
export function routableTargets<T extends SelectableTarget>(targets: readonly T[]): T[] {
  const healthy = targets.filter((target) => target.state === 'healthy');
  return healthy.length > 0 ? healthy : targets.filter(isRegistered);
}

/**
 * Picks the target for the next request, or `undefined` when no target is routable (the caller
 * answers 503). `sequence` is a counter the caller increments per request (round-robin position).
 * Builds no arrays (it runs once per request).
 */
export function selectTarget<T extends SelectableTarget>(
  targets: readonly T[],
  algorithm: BalancingAlgorithm,
  sequence: number,
): T | undefined {
  let healthy = 0;
  let registered = 0;
  for (const target of targets) {
    if (target.state === 'healthy') healthy++;
    if (isRegistered(target)) registered++;
  }
  const failOpen = healthy === 0;
  const count = failOpen ? registered : healthy;
  if (count === 0) return undefined;
  const eligible = (target: T): boolean => (failOpen ? isRegistered(target) : target.state === 'healthy');
  const start = sequence % count;
  if (algorithm === 'round_robin') return nthEligible(targets, eligible, start);
  // Least outstanding requests: scan the eligible targets starting at the round-robin position so
  // that ties rotate.
  let best: T | undefined;
  let seen = 0;
  for (let pass = 0; pass < 2 && seen < count; pass++) {
    let index = 0;
    for (const target of targets) {
      if (!eligible(target)) continue;
      const inWindow = pass === 0 ? index >= start : index < start;
      index++;
      if (!inWindow) continue;
      seen++;
      if (!best || target.inFlight < best.inFlight) best = target;
    }
  }
  return best;
}

function nthEligible<T>(targets: readonly T[], eligible: (target: T) => boolean, n: number): T | undefined {
  let index = 0;
  for (const target of targets) {
    if (!eligible(target)) continue;
    if (index === n) return target;
    index++;
  }
  return undefined;
}

/**
 * Picks the target group of a weighted `forward` action: at random, in proportion to the weights.
 * Returns `undefined` when every weight is 0. `random` returns a number in [0, 1).
 */
export function selectTargetGroup(
  groups: readonly WeightedTargetGroup[],
  random: () => number = Math.random,
): WeightedTargetGroup | undefined {
  if (groups.length === 1) return groups[0].weight > 0 ? groups[0] : undefined;
  let total = 0;
  for (const group of groups) total += Math.max(0, group.weight);
  if (total === 0) return undefined;
  let pick = random() * total;
  for (const group of groups) {
    const weight = Math.max(0, group.weight);
    if (weight === 0) continue;
    if (pick < weight) return group;
    pick -= weight;
  }
  // Floating-point leftovers: the last group with a weight.
  for (let i = groups.length - 1; i >= 0; i--) if (groups[i].weight > 0) return groups[i];
  return undefined;
}

/** The cookie that keeps a client on a target group of a weighted forward (aws-behavior-2.md §4.2). */
export const GROUP_STICKINESS_COOKIE = 'AWSALBTG';
/** Its copy for cross-origin requests, with `SameSite=None; Secure`. */
export const GROUP_STICKINESS_CORS_COOKIE = 'AWSALBTGCORS';

/** The value the load balancer writes in {@link GROUP_STICKINESS_COOKIE} for a group (opaque on AWS). */
export function groupStickinessValue(targetGroupArn: string): string {
  return Buffer.from(targetGroupArn, 'utf8').toString('base64url');
}

/**
 * The group a client's `Cookie` header sticks it to: the group of `groups` (with a weight above 0)
 * whose value an `AWSALBTG` cookie carries, or `undefined` (then the weights decide). A cookie
 * naming no group of the action is ignored.
 */
export function stickyTargetGroup(
  groups: readonly WeightedTargetGroup[],
  cookieHeader: string | undefined,
): WeightedTargetGroup | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== GROUP_STICKINESS_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    const group = groups.find((g) => g.weight > 0 && groupStickinessValue(g.targetGroupArn) === value);
    if (group) return group;
  }
  return undefined;
}

/** The two `Set-Cookie` values that keep the client on `targetGroupArn` for `durationSeconds`. */
export function groupStickinessCookies(
  targetGroupArn: string,
  durationSeconds: number,
  nowMs: number,
): string[] {
  const value = groupStickinessValue(targetGroupArn);
  const expires = new Date(nowMs + durationSeconds * 1000).toUTCString();
  return [
    `${GROUP_STICKINESS_COOKIE}=${value}; Expires=${expires}; Path=/`,
    `${GROUP_STICKINESS_CORS_COOKIE}=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`,
  ];
}
