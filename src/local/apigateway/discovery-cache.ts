/**
 * How the gateway finds a backend for a Cloud Map integration: `DiscoverInstances`, a cache of its
 * answer, and a pick among the instances.
 *
 * Fidelity (aws-behavior.md §1.2): requests are spread over the instances Cloud Map returns
 * ([DOC] "healthy resources"); the pick is uniform random [UNCONFIRMED: AWS does not say random
 * or round-robin]. AWS caches the answer for an unpublished time [OBS], so requests can still go
 * to a task that was just deregistered; `stalenessMs` reproduces that (0, the default, looks up
 * every request: ideal behaviour).
 */

import type { Clock } from '../clock.js';
import type { InstanceRecord } from '../cloudmap/types.js';
import type { CloudMapTarget } from './integration-target.js';
import type { InstanceLookup } from './ports.js';

interface Entry {
  instances: readonly InstanceRecord[];
  fetchedAt: number;
}

/** Per-integration cache of Cloud Map instances with a staleness window. */
export class DiscoveryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lookup: InstanceLookup,
    private readonly clock: Clock,
    /** How long an answer is reused, ms; 0 = ask Cloud Map on every request. */
    readonly stalenessMs = 0,
    private readonly random: () => number = Math.random,
  ) {}

  /** The instances for `target`, from the cache while it is fresh. */
  instances(target: CloudMapTarget): readonly InstanceRecord[] {
    if (this.stalenessMs <= 0) {
      return this.lookup.instancesForService(target.serviceId, target.queryParameters);
    }
    const now = this.clock.now();
    const key = target.config.id;
    const entry = this.entries.get(key);
    if (entry && now - entry.fetchedAt < this.stalenessMs) return entry.instances;
    const instances = this.lookup.instancesForService(target.serviceId, target.queryParameters);
    this.entries.set(key, { instances, fetchedAt: now });
    return instances;
  }

  /** One instance chosen uniformly at random, or `undefined` when there is none. */
  pick(target: CloudMapTarget): InstanceRecord | undefined {
    const instances = this.instances(target);
    if (instances.length <= 1) return instances[0];
    return instances[Math.floor(this.random() * instances.length)];
  }

  /** Forgets cached answers (all, or one integration's). */
  invalidate(integrationId?: string): void {
    if (integrationId === undefined) this.entries.clear();
    else this.entries.delete(integrationId);
  }
}
