/**
 * The SRV answer Route 53 gives for a Cloud Map service: what an in-VPC DNS client would see when it
 * resolves `<service>.<namespace>`. Computed, not served: Wharf runs no DNS server.
 *
 * Fidelity (aws-behavior.md §4.1, §3.6):
 * - Each value is `1 1 <AWS_INSTANCE_PORT> <instanceId>.<service>.<namespace>` (priority and weight
 *   are always 1); the instance's `AWS_INSTANCE_IPV4` is given as the target's A record.
 * - `MULTIVALUE`: up to eight healthy instances; when none is healthy, up to eight unhealthy ones.
 *   `WEIGHTED`: one random healthy instance; when none is healthy, one random instance of all (the
 *   `RoutingPolicy` doc in the API model). Without a health check every instance counts as healthy.
 * - Which eight Route 53 picks among more is not documented; here a uniform random sample.
 * - HTTP namespaces have no DNS, and a service without an SRV record in `DnsConfig` has no SRV
 *   answer: both give an empty list.
 */

import { shuffled } from './discovery-filter.js';
import type { DiscoveryServiceConfig, InstanceRecord, NamespaceConfig } from './types.js';

/** Route 53 returns at most this many values for a MULTIVALUE record set. */
export const MULTIVALUE_ANSWER_LIMIT = 8;

/** One SRV resource record, as `dig SRV <service>.<namespace>` prints it. */
export interface SrvAnswer {
  /** The owner name: `<service>.<namespace>`. */
  readonly name: string;
  /** The `TTL` of the service's SRV `DnsRecord`. */
  readonly ttl: number;
  readonly priority: 1;
  readonly weight: 1;
  /** From `AWS_INSTANCE_PORT`. */
  readonly port: number;
  /** `<instanceId>.<service>.<namespace>`. */
  readonly target: string;
  /** The A record of `target` (`AWS_INSTANCE_IPV4`), when the instance has one. */
  readonly ipv4?: string;
  readonly instanceId: string;
}

/**
 * The SRV answer for `service` given its registered `instances` (registration order).
 *
 * @param random - a `[0, 1)` source used to sample and order the values.
 */
export function srvAnswer(
  namespace: NamespaceConfig,
  service: DiscoveryServiceConfig,
  instances: readonly InstanceRecord[],
  random: () => number = Math.random,
): SrvAnswer[] {
  if (namespace.type === 'HTTP') return [];
  const srv = service.dnsRecords.find((record) => record.type === 'SRV');
  if (!srv) return [];
  const name = `${service.name}.${namespace.name}`;
  const withPort = instances.filter(
    (instance) => parsePort(instance.attributes.AWS_INSTANCE_PORT) !== undefined,
  );
  const healthy =
    service.healthCheck === 'none' ? withPort : withPort.filter((instance) => instance.health === 'HEALTHY');
  const pool = healthy.length > 0 ? healthy : withPort;
  const limit = service.routingPolicy === 'WEIGHTED' ? 1 : MULTIVALUE_ANSWER_LIMIT;
  return shuffled(pool, random)
    .slice(0, limit)
    .map((instance) => {
      const ipv4 = instance.attributes.AWS_INSTANCE_IPV4;
      return {
        name,
        ttl: srv.ttl,
        priority: 1,
        weight: 1,
        port: parsePort(instance.attributes.AWS_INSTANCE_PORT) as number,
        target: `${instance.instanceId}.${name}`,
        instanceId: instance.instanceId,
        ...(ipv4 === undefined ? {} : { ipv4 }),
      };
    });
}

/** `AWS_INSTANCE_PORT` as a number, or `undefined` when absent or not a port. */
export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Renders an answer as a zone-file line: `name. ttl IN SRV 1 1 port target.`. */
export function formatSrvAnswer(answer: SrvAnswer): string {
  return `${answer.name}. ${answer.ttl} IN SRV ${answer.priority} ${answer.weight} ${answer.port} ${answer.target}.`;
}
