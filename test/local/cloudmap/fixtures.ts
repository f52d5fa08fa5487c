/**
 * Cloud Map configuration shared by the Cloud Map tests: the shape the seed templates produce
 * (a private DNS namespace, an SRV service with a custom health check), plus variants.
 */

import type { ManualClock } from '../../../src/local/clock.js';
import { CloudMapRegistry, type CloudMapRegistryOptions } from '../../../src/local/cloudmap/registry.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from '../../../src/local/cloudmap/types.js';

export const ACCOUNT = '123456789012';

export const NAMESPACE: NamespaceConfig = {
  id: 'ns-local0000000001',
  arn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:namespace/ns-local0000000001`,
  name: 'wharf.local',
  type: 'DNS_PRIVATE',
};

export const HTTP_NAMESPACE: NamespaceConfig = {
  id: 'ns-http00000000001',
  arn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:namespace/ns-http00000000001`,
  name: 'wharf-http',
  type: 'HTTP',
};

function service(
  id: string,
  name: string,
  healthCheck: DiscoveryServiceConfig['healthCheck'],
  extra: Partial<DiscoveryServiceConfig> = {},
): DiscoveryServiceConfig {
  return {
    id,
    arn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:service/${id}`,
    name,
    namespaceId: NAMESPACE.id,
    dnsRecords: [{ type: 'SRV', ttl: 60 }],
    routingPolicy: 'MULTIVALUE',
    healthCheck,
    ...extra,
  };
}

/** SRV, MULTIVALUE, `HealthCheckCustomConfig`: what ECS service discovery creates. */
export const CUSTOM = service('srv-custom000000001', 'api', 'custom');
/** SRV, no health check. */
export const UNCHECKED = service('srv-none0000000001', 'worker', 'none');
/** SRV with a Route 53 `HealthCheckConfig`. */
export const ROUTE53 = service('srv-route5300000001', 'public', 'route53');
/** SRV, WEIGHTED, custom health. */
export const WEIGHTED = service('srv-weighted0000001', 'weighted', 'custom', { routingPolicy: 'WEIGHTED' });
/** A records only. */
export const A_ONLY = service('srv-arecord00000001', 'arecords', 'custom', {
  dnsRecords: [{ type: 'A', ttl: 10 }],
});
/** A service of an HTTP namespace (no DNS). */
export const HTTP_ONLY: DiscoveryServiceConfig = {
  ...service('srv-httponly0000001', 'httponly', 'custom', { dnsRecords: [] }),
  namespaceId: HTTP_NAMESPACE.id,
};

export const ALL_SERVICES = [CUSTOM, UNCHECKED, ROUTE53, WEIGHTED, A_ONLY, HTTP_ONLY];

/** A registry over every fixture service, with a seeded random source. */
export function makeRegistry(
  options: Partial<CloudMapRegistryOptions> & { clock?: ManualClock } = {},
): CloudMapRegistry {
  return new CloudMapRegistry({
    namespaces: [NAMESPACE, HTTP_NAMESPACE],
    services: ALL_SERVICES,
    random: seededRandom(42),
    ...options,
  });
}

/** The attributes ECS registers for a Fargate task (aws-behavior.md §4.2). */
export function ecsAttributes(
  ip: string,
  port = 8080,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_INSTANCE_IPV4: ip,
    AWS_INSTANCE_PORT: String(port),
    AVAILABILITY_ZONE: 'us-east-1a',
    REGION: 'us-east-1',
    ECS_SERVICE_NAME: 'ApiService',
    ECS_CLUSTER_NAME: 'wharf-cluster',
    ECS_TASK_DEFINITION_FAMILY: 'api-task',
    ...extra,
  };
}

/** A task id as ECS uses it for the instance id: 32 hex digits. */
export function taskId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** mulberry32: a small deterministic `[0, 1)` source. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
