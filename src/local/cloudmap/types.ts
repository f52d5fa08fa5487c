/**
 * Cloud Map configuration as read from the templates (`AWS::ServiceDiscovery::*`).
 */

import type { Origin } from '../origin.js';

/** A namespace (`AWS::ServiceDiscovery::PrivateDnsNamespace`, `PublicDnsNamespace`, `HttpNamespace`). */
export interface NamespaceConfig {
  /** `ns-…` */
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly type: 'DNS_PRIVATE' | 'DNS_PUBLIC' | 'HTTP';
  readonly origin?: Origin;
}

/** A DNS record type the service creates for each instance. */
export interface DnsRecordConfig {
  readonly type: 'SRV' | 'A' | 'AAAA' | 'CNAME';
  readonly ttl: number;
}

/** A Cloud Map service (`AWS::ServiceDiscovery::Service`). */
export interface DiscoveryServiceConfig {
  /** `srv-…` */
  readonly id: string;
  /** `arn:aws:servicediscovery:<region>:<account>:service/srv-…` */
  readonly arn: string;
  readonly name: string;
  readonly namespaceId: string;
  readonly dnsRecords: readonly DnsRecordConfig[];
  readonly routingPolicy: 'MULTIVALUE' | 'WEIGHTED';
  /**
   * `custom` with `HealthCheckCustomConfig`, `route53` with `HealthCheckConfig`, `none` without
   * either (then DiscoverInstances ignores the health filter and returns every instance).
   */
  readonly healthCheck: 'custom' | 'route53' | 'none';
  readonly origin?: Origin;
}

/** Health of one instance as Cloud Map reports it. */
export type InstanceHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** One registered instance. */
export interface InstanceRecord {
  readonly serviceId: string;
  readonly instanceId: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly health: InstanceHealth;
}
