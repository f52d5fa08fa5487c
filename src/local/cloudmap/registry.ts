/**
 * The Cloud Map registry: namespaces and services from the templates, the instances ECS registers
 * at run time, their health, and the answers `DiscoverInstances` and DNS give from them.
 *
 * Fidelity (aws-behavior.md §4, §3.6, §1.2):
 * - RegisterInstance / DeregisterInstance take effect at once (AWS runs them as asynchronous
 *   operations that finish within seconds). Registering an existing instance id replaces its
 *   attributes and restarts its health from the initial value [UNCONFIRMED].
 * - Initial health, attribute rules: see `instance-attributes.ts`. Filters: `discovery-filter.ts`.
 *   SRV answers: `srv-records.ts`.
 * - UpdateInstanceCustomHealthStatus works only for services with `HealthCheckCustomConfig`
 *   (`CustomHealthNotFound` otherwise). AWS applies it about 30 s after the request (§4.3); here
 *   after `healthPropagationMs`, 0 by default so the local cloud reacts at once. Repeating the
 *   pending value neither restarts nor speeds up the wait (as on AWS). A request for the opposite
 *   value replaces the pending one, and one for the current value cancels it [UNCONFIRMED: AWS
 *   does not document overlapping requests].
 * - `InstancesRevision` changes on register and deregister, never on health changes (§4.4). It is
 *   a per-service counter, not AWS's opaque number.
 * - Not reproduced: Route 53 health checks (`HealthCheckConfig`; instances of such services stay
 *   HEALTHY), throttling (`RequestLimitExceeded`), cross-account sharing (`OwnerAccount`),
 *   namespace/service creation and deletion (they come from the templates only).
 */

import { EventEmitter } from 'node:events';
import { WharfError } from '../../errors.js';
import { type Clock, SYSTEM_CLOCK, type Timer } from '../clock.js';
import {
  HEALTH_STATUS_FILTERS,
  type HealthStatusFilter,
  matchesAttributes,
  selectInstances,
} from './discovery-filter.js';
import { CloudMapError, instanceNotFound, invalidInput, serviceNotFound } from './errors.js';
import { initialHealth, validateRegistration } from './instance-attributes.js';
import { type SrvAnswer, srvAnswer } from './srv-records.js';
import type { DiscoveryServiceConfig, InstanceHealth, InstanceRecord, NamespaceConfig } from './types.js';

/** AWS's limit of instances per service (ECS: "1,000 tasks per service", §4.2). */
export const MAX_INSTANCES_PER_SERVICE = 1000;

/** How a {@link CloudMapRegistry} is built. */
export interface CloudMapRegistryOptions {
  readonly namespaces: readonly NamespaceConfig[];
  readonly services: readonly DiscoveryServiceConfig[];
  /** Time source for health propagation. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /**
   * Delay before an UpdateInstanceCustomHealthStatus takes effect. AWS waits about 30,000 ms
   * (§4.3); set that to reproduce the window with no healthy instance during deployments.
   * @default 0 (immediate)
   */
  readonly healthPropagationMs?: number;
  /**
   * The filter DiscoverInstances applies when the request has no `HealthStatus`. AWS does not
   * document it [UNCONFIRMED]; `ALL` returns every instance, as a missing filter suggests.
   * @default 'ALL'
   */
  readonly defaultHealthStatus?: HealthStatusFilter;
  /** `[0, 1)` source for the random order of DiscoverInstances and DNS answers. @default Math.random */
  readonly random?: () => number;
}

/** A DiscoverInstances request (the API's members, camel-cased). */
export interface DiscoverInstancesInput {
  /** The namespace's `HttpName`, which is its name. */
  readonly namespaceName: string;
  readonly serviceName: string;
  /** @default the registry's `defaultHealthStatus` */
  readonly healthStatus?: HealthStatusFilter;
  readonly queryParameters?: Readonly<Record<string, string>>;
  readonly optionalParameters?: Readonly<Record<string, string>>;
  /** 1 to 1,000. @default 100 */
  readonly maxResults?: number;
}

/** What DiscoverInstances answers. */
export interface DiscoverInstancesResult {
  readonly namespace: NamespaceConfig;
  readonly service: DiscoveryServiceConfig;
  /** In random order. */
  readonly instances: readonly InstanceRecord[];
  readonly instancesRevision: number;
}

/** A health change waiting out {@link CloudMapRegistryOptions.healthPropagationMs}. */
export interface PendingHealth {
  readonly status: 'HEALTHY' | 'UNHEALTHY';
  /** Epoch milliseconds at which it takes effect. */
  readonly effectiveAt: number;
}

/** What changed in the registry; emitted as the `change` event. */
export type CloudMapChange =
  | { readonly type: 'registered'; readonly instance: InstanceRecord; readonly revision: number }
  | { readonly type: 'deregistered'; readonly instance: InstanceRecord; readonly revision: number }
  | { readonly type: 'health'; readonly instance: InstanceRecord; readonly previous: InstanceHealth }
  | { readonly type: 'health-pending'; readonly instance: InstanceRecord; readonly pending: PendingHealth };

/** Events of {@link CloudMapRegistry}. */
export interface CloudMapRegistryEvents {
  change: [CloudMapChange];
}

interface PendingState extends PendingHealth {
  readonly timer: Timer;
}

interface ServiceState {
  readonly config: DiscoveryServiceConfig;
  readonly namespace: NamespaceConfig;
  readonly instances: Map<string, InstanceRecord>;
  readonly pending: Map<string, PendingState>;
  revision: number;
  /** Cache of {@link CloudMapRegistry.instancesForService} without query parameters. */
  routable: readonly InstanceRecord[] | undefined;
}

/**
 * The local Cloud Map: ECS registers tasks here, API Gateway reads {@link instancesForService},
 * and the endpoint (`server.ts`) serves it to AWS SDK clients. Listen to `change` to follow it.
 *
 * @example
 * ```ts
 * const registry = new CloudMapRegistry({ namespaces, services, healthPropagationMs: 30_000 });
 * registry.registerInstance('srv-abc', taskId, { AWS_INSTANCE_IPV4: '10.0.1.5', AWS_INSTANCE_PORT: '8080' });
 * registry.on('change', (change) => console.log(change.type, change.instance.instanceId));
 * ```
 */
export class CloudMapRegistry extends EventEmitter<CloudMapRegistryEvents> {
  /** Epoch milliseconds at which the namespaces and services were "created" (the registry's start). */
  readonly createdAt: number;
  /** The clock health propagation runs on. */
  readonly clock: Clock;
  private readonly healthPropagationMs: number;
  private readonly defaultHealthStatus: HealthStatusFilter;
  private readonly random: () => number;
  private readonly namespacesById = new Map<string, NamespaceConfig>();
  private readonly servicesById = new Map<string, ServiceState>();
  private readonly servicesByArn = new Map<string, ServiceState>();

  constructor(options: CloudMapRegistryOptions) {
    super();
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.healthPropagationMs = Math.max(0, options.healthPropagationMs ?? 0);
    this.defaultHealthStatus = options.defaultHealthStatus ?? 'ALL';
    this.random = options.random ?? Math.random;
    this.createdAt = this.clock.now();
    for (const namespace of options.namespaces) {
      if (this.namespacesById.has(namespace.id))
        throw configError(`namespace id ${namespace.id} appears twice`);
      this.namespacesById.set(namespace.id, namespace);
    }
    for (const service of options.services) {
      const namespace = this.namespacesById.get(service.namespaceId);
      if (!namespace) {
        throw configError(
          `service ${service.name} (${service.id}) names namespace ${service.namespaceId}, which is not declared; known: ${[...this.namespacesById.keys()].join(', ') || 'none'}`,
        );
      }
      if (this.servicesById.has(service.id)) throw configError(`service id ${service.id} appears twice`);
      const state: ServiceState = {
        config: service,
        namespace,
        instances: new Map(),
        pending: new Map(),
        revision: 0,
        routable: undefined,
      };
      this.servicesById.set(service.id, state);
      this.servicesByArn.set(service.arn, state);
    }
  }

  /** Every namespace, in template order. */
  namespaces(): readonly NamespaceConfig[] {
    return [...this.namespacesById.values()];
  }

  /** Every service, in template order. */
  services(): readonly DiscoveryServiceConfig[] {
    return [...this.servicesById.values()].map((state) => state.config);
  }

  /** The namespace with this `ns-…` id. */
  namespaceById(id: string): NamespaceConfig | undefined {
    return this.namespacesById.get(id);
  }

  /** The service with this `srv-…` id. */
  serviceById(id: string): DiscoveryServiceConfig | undefined {
    return this.servicesById.get(id)?.config;
  }

  /** The service with this ARN; a `?k=v` suffix (as in an integration URI) is ignored. */
  serviceByArn(arn: string): DiscoveryServiceConfig | undefined {
    const query = arn.indexOf('?');
    return this.servicesByArn.get(query < 0 ? arn : arn.slice(0, query))?.config;
  }

  /** The namespace of a service. Throws `ServiceNotFound`. */
  namespaceOf(serviceId: string): NamespaceConfig {
    return this.state(serviceId).namespace;
  }

  /**
   * Registers (or re-registers) an instance, as ECS does for each task (§3.6, §4.2). Returns the
   * stored record. Throws `ServiceNotFound`, `InvalidInput`, `ResourceLimitExceeded`.
   */
  registerInstance(
    serviceId: string,
    instanceId: string,
    attributes: Readonly<Record<string, string>>,
  ): InstanceRecord {
    const state = this.state(serviceId);
    validateRegistration(state.namespace, state.config, instanceId, attributes);
    if (!state.instances.has(instanceId) && state.instances.size >= MAX_INSTANCES_PER_SERVICE) {
      throw new CloudMapError(
        'ResourceLimitExceeded',
        `Service ${serviceId} already has ${MAX_INSTANCES_PER_SERVICE} instances, the most Cloud Map allows.`,
      );
    }
    this.cancelPending(state, instanceId);
    const instance: InstanceRecord = Object.freeze({
      serviceId,
      instanceId,
      attributes: Object.freeze({ ...attributes }),
      health: initialHealth(state.config, attributes),
    });
    state.instances.set(instanceId, instance);
    state.revision++;
    state.routable = undefined;
    this.emit('change', { type: 'registered', instance, revision: state.revision });
    return instance;
  }

  /** Removes an instance and any pending health change. Throws `ServiceNotFound`, `InstanceNotFound`. */
  deregisterInstance(serviceId: string, instanceId: string): InstanceRecord {
    const state = this.state(serviceId);
    const instance = state.instances.get(instanceId);
    if (!instance) throw instanceNotFound(serviceId, instanceId);
    this.cancelPending(state, instanceId);
    state.instances.delete(instanceId);
    state.revision++;
    state.routable = undefined;
    this.emit('change', { type: 'deregistered', instance, revision: state.revision });
    return instance;
  }

  /**
   * Sets the custom health of an instance, after `healthPropagationMs` (see the Fidelity note).
   * Throws `ServiceNotFound`, `InstanceNotFound`, `CustomHealthNotFound` (service without
   * `HealthCheckCustomConfig`), `InvalidInput` (a status other than HEALTHY/UNHEALTHY).
   */
  updateInstanceCustomHealthStatus(
    serviceId: string,
    instanceId: string,
    status: 'HEALTHY' | 'UNHEALTHY',
  ): void {
    const state = this.state(serviceId);
    if (status !== 'HEALTHY' && status !== 'UNHEALTHY') {
      throw invalidInput(`Status '${String(status)}' is not valid: use HEALTHY or UNHEALTHY.`);
    }
    if (state.config.healthCheck !== 'custom') {
      throw new CloudMapError(
        'CustomHealthNotFound',
        `Service ${state.config.name} (${serviceId}) has no custom health check (HealthCheckCustomConfig); its instances' health cannot be set.`,
      );
    }
    const instance = state.instances.get(instanceId);
    if (!instance) throw instanceNotFound(serviceId, instanceId);
    const pending = state.pending.get(instanceId);
    if (pending?.status === status) return;
    this.cancelPending(state, instanceId);
    if (instance.health === status) return;
    if (this.healthPropagationMs === 0) {
      this.applyHealth(state, instanceId, status);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      state.pending.delete(instanceId);
      this.applyHealth(state, instanceId, status);
    }, this.healthPropagationMs);
    const next: PendingState = { status, effectiveAt: this.clock.now() + this.healthPropagationMs, timer };
    state.pending.set(instanceId, next);
    this.emit('change', {
      type: 'health-pending',
      instance,
      pending: { status: next.status, effectiveAt: next.effectiveAt },
    });
  }

  /** The health change waiting to take effect for an instance, if any. */
  pendingHealth(serviceId: string, instanceId: string): PendingHealth | undefined {
    const pending = this.state(serviceId).pending.get(instanceId);
    return pending && { status: pending.status, effectiveAt: pending.effectiveAt };
  }

  /**
   * DiscoverInstances with the semantics of §4.4. Throws `NamespaceNotFound`, `ServiceNotFound`,
   * `InvalidInput` (bad `HealthStatus` or `MaxResults`).
   */
  discoverInstances(input: DiscoverInstancesInput): DiscoverInstancesResult {
    const healthStatus = input.healthStatus ?? this.defaultHealthStatus;
    if (!HEALTH_STATUS_FILTERS.includes(healthStatus)) {
      throw invalidInput(
        `HealthStatus '${String(healthStatus)}' is not valid: use ${HEALTH_STATUS_FILTERS.join(', ')}.`,
      );
    }
    const maxResults = input.maxResults ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw invalidInput(`MaxResults ${String(maxResults)} is not valid: use an integer from 1 to 1000.`);
    }
    const state = this.stateByName(input.namespaceName, input.serviceName);
    const instances = selectInstances(
      [...state.instances.values()],
      {
        healthStatus,
        queryParameters: input.queryParameters,
        optionalParameters: input.optionalParameters,
        maxResults,
      },
      state.config.healthCheck !== 'none',
      this.random,
    );
    return {
      namespace: state.namespace,
      service: state.config,
      instances,
      instancesRevision: state.revision,
    };
  }

  /** DiscoverInstancesRevision: the service's current `InstancesRevision`. */
  discoverInstancesRevision(namespaceName: string, serviceName: string): number {
    return this.stateByName(namespaceName, serviceName).revision;
  }

  /** The `InstancesRevision` of a service. Throws `ServiceNotFound`. */
  revision(serviceId: string): number {
    return this.state(serviceId).revision;
  }

  /**
   * What API Gateway gets for a private integration (§1.2): the HEALTHY instances, or every
   * instance of a service without a health check, that match all `queryParameters` (the
   * integration URI's `?k=v`). Registration order; the caller picks one. Without query parameters
   * the array is cached until the next change, so calling this per request is cheap.
   * Throws `ServiceNotFound`.
   */
  instancesForService(
    serviceId: string,
    queryParameters?: Readonly<Record<string, string>>,
  ): readonly InstanceRecord[] {
    const state = this.state(serviceId);
    let routable = state.routable;
    if (routable === undefined) {
      const all = [...state.instances.values()];
      routable =
        state.config.healthCheck === 'none' ? all : all.filter((instance) => instance.health === 'HEALTHY');
      state.routable = routable;
    }
    if (queryParameters === undefined) return routable;
    let empty = true;
    for (const _ in queryParameters) {
      empty = false;
      break;
    }
    return empty ? routable : routable.filter((instance) => matchesAttributes(instance, queryParameters));
  }

  /** Every instance of a service, in registration order (ListInstances). Throws `ServiceNotFound`. */
  listInstances(serviceId: string): readonly InstanceRecord[] {
    return [...this.state(serviceId).instances.values()];
  }

  /** One instance (GetInstance). Throws `ServiceNotFound`, `InstanceNotFound`. */
  getInstance(serviceId: string, instanceId: string): InstanceRecord {
    const instance = this.state(serviceId).instances.get(instanceId);
    if (!instance) throw instanceNotFound(serviceId, instanceId);
    return instance;
  }

  /**
   * GetInstancesHealthStatus: instance id → HEALTHY/UNHEALTHY/UNKNOWN, for `instanceIds` or every
   * instance. Throws `ServiceNotFound`, `InstanceNotFound` (an id not registered).
   */
  getInstancesHealthStatus(
    serviceId: string,
    instanceIds?: readonly string[],
  ): Record<string, InstanceHealth> {
    const state = this.state(serviceId);
    const status: Record<string, InstanceHealth> = {};
    if (instanceIds === undefined) {
      for (const instance of state.instances.values()) status[instance.instanceId] = instance.health;
      return status;
    }
    for (const id of instanceIds) {
      const instance = state.instances.get(id);
      if (!instance) throw instanceNotFound(serviceId, id);
      status[id] = instance.health;
    }
    return status;
  }

  /** The SRV answer DNS would give for the service (§4.1); empty without SRV records. */
  srvRecords(serviceId: string): SrvAnswer[] {
    const state = this.state(serviceId);
    return srvAnswer(state.namespace, state.config, [...state.instances.values()], this.random);
  }

  /** Cancels every pending health change (timers), e.g. when `wharf dev` stops. */
  close(): void {
    for (const state of this.servicesById.values()) {
      for (const pending of state.pending.values()) pending.timer.cancel();
      state.pending.clear();
    }
  }

  private state(serviceId: string): ServiceState {
    const state = this.servicesById.get(serviceId);
    if (!state) throw serviceNotFound(serviceId);
    return state;
  }

  private stateByName(namespaceName: string, serviceName: string): ServiceState {
    const namespaces = [...this.namespacesById.values()].filter(
      (namespace) => namespace.name === namespaceName,
    );
    if (namespaces.length === 0) {
      throw new CloudMapError(
        'NamespaceNotFound',
        `Namespace not found: no namespace is named '${namespaceName}'.`,
      );
    }
    for (const state of this.servicesById.values()) {
      if (state.config.name === serviceName && namespaces.includes(state.namespace)) return state;
    }
    throw serviceNotFound(`no service named '${serviceName}' in namespace '${namespaceName}'`);
  }

  private cancelPending(state: ServiceState, instanceId: string): void {
    const pending = state.pending.get(instanceId);
    if (!pending) return;
    pending.timer.cancel();
    state.pending.delete(instanceId);
  }

  private applyHealth(state: ServiceState, instanceId: string, status: InstanceHealth): void {
    const current = state.instances.get(instanceId);
    if (!current || current.health === status) return;
    const instance: InstanceRecord = Object.freeze({ ...current, health: status });
    state.instances.set(instanceId, instance);
    state.routable = undefined;
    this.emit('change', { type: 'health', instance, previous: current.health });
  }
}

/** A registry built from inconsistent configuration: the resolver should have caught it. */
function configError(message: string): WharfError {
  return new WharfError('WHARF_CLOUDMAP_CONFIG', `Cloud Map configuration is inconsistent: ${message}.`, {
    source: 'internal',
  });
}
