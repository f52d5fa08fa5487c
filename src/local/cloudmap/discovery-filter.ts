/**
 * The filtering `DiscoverInstances` applies: health status, `QueryParameters`,
 * `OptionalParameters`, random order and `MaxResults`. Pure functions over instance lists.
 *
 * Fidelity (aws-behavior.md §4.4):
 * - `HEALTHY`, `UNHEALTHY`, `ALL` and `HEALTHY_OR_ELSE_ALL` ("failing open") as documented; the
 *   filter is ignored for a service without a health check and every instance is returned.
 * - `QueryParameters`: every pair must equal an attribute. `OptionalParameters`: applied only when
 *   at least one instance matches them, else ignored.
 * - The result is shuffled (AWS: "returns a randomized list"), then cut to `MaxResults`.
 * - [UNCONFIRMED] the order in which AWS applies the filters. Here: query parameters, then the
 *   health filter (so `HEALTHY_OR_ELSE_ALL` fails open among the instances the query selects), then
 *   optional parameters.
 * - [UNCONFIRMED] the filter AWS applies when `HealthStatus` is omitted; the registry decides
 *   (see `CloudMapRegistryOptions.defaultHealthStatus`).
 */

import type { InstanceRecord } from './types.js';

/** The `HealthStatus` values `DiscoverInstances` accepts. */
export const HEALTH_STATUS_FILTERS = ['HEALTHY', 'UNHEALTHY', 'ALL', 'HEALTHY_OR_ELSE_ALL'] as const;

/** A `DiscoverInstances` `HealthStatus` filter. */
export type HealthStatusFilter = (typeof HEALTH_STATUS_FILTERS)[number];

/** True when every `key=value` of `parameters` is an attribute of `instance`. Empty matches all. */
export function matchesAttributes(
  instance: InstanceRecord,
  parameters: Readonly<Record<string, string>> | undefined,
): boolean {
  if (parameters === undefined) return true;
  for (const key in parameters) {
    if (instance.attributes[key] !== parameters[key]) return false;
  }
  return true;
}

/**
 * Applies the `HealthStatus` filter. `healthChecked` is false for a service with no health check
 * configured: then the filter is ignored and `instances` is returned as is.
 */
export function filterByHealth(
  instances: readonly InstanceRecord[],
  filter: HealthStatusFilter,
  healthChecked: boolean,
): readonly InstanceRecord[] {
  if (!healthChecked || filter === 'ALL') return instances;
  if (filter === 'UNHEALTHY') return instances.filter((instance) => instance.health === 'UNHEALTHY');
  const healthy = instances.filter((instance) => instance.health === 'HEALTHY');
  if (filter === 'HEALTHY_OR_ELSE_ALL' && healthy.length === 0) return instances;
  return healthy;
}

/** What {@link selectInstances} is asked for. */
export interface InstanceSelection {
  readonly healthStatus: HealthStatusFilter;
  readonly queryParameters?: Readonly<Record<string, string>>;
  readonly optionalParameters?: Readonly<Record<string, string>>;
  /** Cut after shuffling; 1 to 1,000. */
  readonly maxResults: number;
}

/**
 * The instances `DiscoverInstances` returns for one service, in random order.
 *
 * @param random - a `[0, 1)` source, `Math.random` by default; tests pass a seeded one.
 */
export function selectInstances(
  instances: readonly InstanceRecord[],
  selection: InstanceSelection,
  healthChecked: boolean,
  random: () => number = Math.random,
): InstanceRecord[] {
  const queried = selection.queryParameters
    ? instances.filter((instance) => matchesAttributes(instance, selection.queryParameters))
    : instances;
  const byHealth = filterByHealth(queried, selection.healthStatus, healthChecked);
  let chosen = byHealth;
  if (selection.optionalParameters && Object.keys(selection.optionalParameters).length > 0) {
    const optional = byHealth.filter((instance) => matchesAttributes(instance, selection.optionalParameters));
    if (optional.length > 0) chosen = optional;
  }
  return shuffled(chosen, random).slice(0, selection.maxResults);
}

/** A shuffled copy of `items` (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = swap;
  }
  return copy;
}
