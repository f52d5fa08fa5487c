/**
 * What the VPC resolver (Route 53 Resolver over the namespace's private hosted zone) answers for a
 * name, computed from the live Cloud Map registry. Pure: the DNS server (`dns-server.ts`) puts
 * these answers on the wire.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §6):
 * - `<service>.<namespace>` type A (AAAA): one record per instance with `AWS_INSTANCE_IPV4`
 *   (`AWS_INSTANCE_IPV6`), when the service's `DnsConfig` has an A (AAAA) record; its TTL (§6.1).
 * - `<service>.<namespace>` type SRV: `1 1 <AWS_INSTANCE_PORT> <instanceId>.<service>.<namespace>`
 *   per instance, with the SRV record's TTL (§6.1; the same values as `srv-records.ts`). The
 *   targets' A records are added in the additional section [UNCONFIRMED for Route 53 Resolver, §6.1].
 * - `<instanceId>.<service>.<namespace>` type A: that instance's IPv4 address, whatever its health
 *   (§6.1: "A query on `<task-id>.svc.ns` returns the task IP"), with the A record's TTL, or the SRV
 *   record's for a service with only SRV [UNCONFIRMED: the docs give no TTL for that name].
 * - MULTIVALUE: healthy instances only, up to eight (a random sample when there are more); when none
 *   is healthy, up to eight unhealthy ones; WEIGHTED: one. Without a health check every instance
 *   counts as healthy (§6.2).
 * - Names in the namespace are never forwarded: NXDOMAIN for a name with no record (§6.1 [DOC]: the
 *   private hosted zone is authoritative for its whole domain), including a service with no
 *   instance registered (Cloud Map creates a service's records with its first instance
 *   [UNCONFIRMED]). NOERROR with no answer for a name that exists with other types (an A query on a
 *   service with only SRV records) and for the namespace's own name, as RFC 2308 has it (the
 *   Route 53 quote in §6.1 says NXDOMAIN there too [UNCONFIRMED]).
 * - A name outside every private DNS namespace is forwarded (HTTP namespaces have no DNS; public
 *   DNS namespaces are on the internet, so forwarded too).
 * - Not reproduced: SOA/NS records of the hosted zone, CNAME records, case-preserving answers (the
 *   answer's name is the question's), Route 53 health checks (`HealthCheckConfig`).
 */

import { shuffled } from './discovery-filter.js';
import { MULTIVALUE_ANSWER_LIMIT, parsePort } from './srv-records.js';
import type { DiscoveryServiceConfig, InstanceRecord, NamespaceConfig } from './types.js';

/** One resource record of an answer. */
export type DnsRecord =
  | { readonly type: 'A'; readonly name: string; readonly ttl: number; readonly data: string }
  | { readonly type: 'AAAA'; readonly name: string; readonly ttl: number; readonly data: string }
  | {
      readonly type: 'SRV';
      readonly name: string;
      readonly ttl: number;
      readonly data: {
        readonly priority: 1;
        readonly weight: 1;
        readonly port: number;
        readonly target: string;
      };
    };

/** What the resolver does with one question. */
export type DnsDecision =
  | {
      readonly kind: 'answer';
      readonly rcode: 'NOERROR' | 'NXDOMAIN';
      readonly answers: readonly DnsRecord[];
      readonly additionals: readonly DnsRecord[];
      /** The Cloud Map service the name belongs to, when it does. */
      readonly service?: DiscoveryServiceConfig;
      /** The instances whose records are in the answer. */
      readonly instances: readonly InstanceRecord[];
    }
  /** Not in a private namespace: ask the host's resolver. */
  | { readonly kind: 'forward' };

/** The registry as the resolver reads it. */
export interface DnsZoneView {
  namespaces(): readonly NamespaceConfig[];
  services(): readonly DiscoveryServiceConfig[];
  listInstances(serviceId: string): readonly InstanceRecord[];
}

/** How answers are computed. */
export interface DnsAnswerOptions {
  /** `[0, 1)` source for sampling and order. @default Math.random */
  readonly random?: () => number;
  /**
   * The IPv4 address to give for an instance. @default its `AWS_INSTANCE_IPV4`. The local cloud
   * translates it to the address the asking container can reach (see `docker-networks.ts`).
   */
  readonly ipv4Of?: (instance: InstanceRecord) => string | undefined;
}

/**
 * Answers one question (`name` without or with its trailing dot, any case; `type` as in the wire
 * format).
 *
 * @example
 * ```ts
 * answerQuestion(registry, 'inventory.internal', 'A');
 * // { kind: 'answer', rcode: 'NOERROR', answers: [{ type: 'A', name: 'inventory.internal', ttl: 10, data: '10.0.2.4' }], … }
 * answerQuestion(registry, 'example.com', 'A'); // { kind: 'forward' }
 * ```
 */
export function answerQuestion(
  zone: DnsZoneView,
  name: string,
  type: string,
  options: DnsAnswerOptions = {},
): DnsDecision {
  const random = options.random ?? Math.random;
  const ipv4Of = options.ipv4Of ?? ((instance: InstanceRecord) => instance.attributes.AWS_INSTANCE_IPV4);
  const wanted = name.replace(/\.$/, '').toLowerCase();
  const namespace = owningNamespace(zone.namespaces(), wanted);
  if (!namespace) return { kind: 'forward' };
  const none = (rcode: 'NOERROR' | 'NXDOMAIN', service?: DiscoveryServiceConfig): DnsDecision => ({
    kind: 'answer',
    rcode,
    answers: [],
    additionals: [],
    instances: [],
    ...(service ? { service } : {}),
  });
  const namespaceName = namespace.name.toLowerCase();
  if (wanted === namespaceName) return none('NOERROR');
  const relative = wanted.slice(0, -(namespaceName.length + 1));
  const services = zone.services().filter((service) => service.namespaceId === namespace.id);

  const byService = services.find((service) => service.name.toLowerCase() === relative);
  if (byService) return serviceAnswer(zone, byService, name, type, random, ipv4Of);

  // `<instanceId>.<service>`: the instance's own A record.
  for (const service of services) {
    const suffix = `.${service.name.toLowerCase()}`;
    if (!relative.endsWith(suffix)) continue;
    const instanceId = relative.slice(0, -suffix.length);
    const instance = zone
      .listInstances(service.id)
      .find((candidate) => candidate.instanceId.toLowerCase() === instanceId);
    if (!instance) continue;
    const ipv4 = ipv4Of(instance);
    if (ipv4 === undefined) return none('NXDOMAIN', service);
    if (type !== 'A') return none('NOERROR', service);
    const ttl = recordTtl(service, 'A') ?? recordTtl(service, 'SRV') ?? 60;
    return {
      kind: 'answer',
      rcode: 'NOERROR',
      answers: [{ type: 'A', name, ttl, data: ipv4 }],
      additionals: [],
      service,
      instances: [instance],
    };
  }
  return none('NXDOMAIN');
}

/** The private DNS namespace whose domain holds `name` (the longest one), if any. */
export function owningNamespace(
  namespaces: readonly NamespaceConfig[],
  name: string,
): NamespaceConfig | undefined {
  let best: NamespaceConfig | undefined;
  for (const namespace of namespaces) {
    if (namespace.type !== 'DNS_PRIVATE') continue;
    const domain = namespace.name.toLowerCase().replace(/\.$/, '');
    if (name !== domain && !name.endsWith(`.${domain}`)) continue;
    if (!best || domain.length > best.name.length) best = namespace;
  }
  return best;
}

/**
 * The instances a MULTIVALUE (up to eight) or WEIGHTED (one) answer holds: healthy ones, or when
 * none is healthy the unhealthy ones; every instance when the service has no health check.
 */
export function answeringInstances(
  service: DiscoveryServiceConfig,
  instances: readonly InstanceRecord[],
  random: () => number = Math.random,
): InstanceRecord[] {
  const healthy =
    service.healthCheck === 'none'
      ? instances
      : instances.filter((instance) => instance.health === 'HEALTHY');
  const pool = healthy.length > 0 ? healthy : instances;
  const limit = service.routingPolicy === 'WEIGHTED' ? 1 : MULTIVALUE_ANSWER_LIMIT;
  return shuffled(pool, random).slice(0, limit);
}

function serviceAnswer(
  zone: DnsZoneView,
  service: DiscoveryServiceConfig,
  name: string,
  type: string,
  random: () => number,
  ipv4Of: (instance: InstanceRecord) => string | undefined,
): DnsDecision {
  const all = zone.listInstances(service.id);
  if (all.length === 0) {
    return { kind: 'answer', rcode: 'NXDOMAIN', answers: [], additionals: [], service, instances: [] };
  }
  const empty: DnsDecision = {
    kind: 'answer',
    rcode: 'NOERROR',
    answers: [],
    additionals: [],
    service,
    instances: [],
  };
  const ttl = recordTtl(service, type);
  if (ttl === undefined) return empty;
  if (type === 'A' || type === 'AAAA') {
    const addressOf =
      type === 'A' ? ipv4Of : (instance: InstanceRecord) => instance.attributes.AWS_INSTANCE_IPV6;
    const chosen = answeringInstances(
      service,
      all.filter((instance) => addressOf(instance) !== undefined),
      random,
    );
    return {
      ...empty,
      answers: chosen.map((instance) => ({ type, name, ttl, data: addressOf(instance) as string })),
      instances: chosen,
    };
  }
  // SRV
  const chosen = answeringInstances(
    service,
    all.filter((instance) => parsePort(instance.attributes.AWS_INSTANCE_PORT) !== undefined),
    random,
  );
  const bare = name.replace(/\.$/, '');
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  for (const instance of chosen) {
    const target = `${instance.instanceId}.${bare}`;
    answers.push({
      type: 'SRV',
      name,
      ttl,
      data: {
        priority: 1,
        weight: 1,
        port: parsePort(instance.attributes.AWS_INSTANCE_PORT) as number,
        target,
      },
    });
    const ipv4 = ipv4Of(instance);
    if (ipv4 !== undefined)
      additionals.push({ type: 'A', name: target, ttl: recordTtl(service, 'A') ?? ttl, data: ipv4 });
  }
  return { ...empty, answers, additionals, instances: chosen };
}

/** The TTL of the service's record of `type` (A, AAAA, SRV), or `undefined` when it has none. */
function recordTtl(service: DiscoveryServiceConfig, type: string): number | undefined {
  if (type !== 'A' && type !== 'AAAA' && type !== 'SRV') return undefined;
  return service.dnsRecords.find((record) => record.type === type)?.ttl;
}
