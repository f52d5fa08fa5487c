/**
 * Template → Cloud Map model: namespaces (`AWS::ServiceDiscovery::PrivateDnsNamespace`,
 * `PublicDnsNamespace`, `HttpNamespace`) and services (`AWS::ServiceDiscovery::Service`).
 */

import type { ResolvedApp } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { originOf, PropertyReader } from '../props.js';
import type { DiscoveryServiceConfig, DnsRecordConfig, NamespaceConfig } from './types.js';

const NAMESPACE_TYPES: Record<string, NamespaceConfig['type']> = {
  'AWS::ServiceDiscovery::PrivateDnsNamespace': 'DNS_PRIVATE',
  'AWS::ServiceDiscovery::PublicDnsNamespace': 'DNS_PUBLIC',
  'AWS::ServiceDiscovery::HttpNamespace': 'HTTP',
};

/** The namespaces the templates declare. */
export function resolveNamespaces(app: ResolvedApp): NamespaceConfig[] {
  return Object.entries(NAMESPACE_TYPES).flatMap(([type, kind]) =>
    resourcesOfType(app, type).map((resource) => ({
      id: String(resource.attributes.Id ?? resource.ref),
      arn: String(resource.attributes.Arn),
      name: new PropertyReader(resource).string('Name'),
      type: kind,
      origin: originOf(resource),
    })),
  );
}

/** The Cloud Map services the templates declare. */
export function resolveDiscoveryServices(app: ResolvedApp): DiscoveryServiceConfig[] {
  return resourcesOfType(app, 'AWS::ServiceDiscovery::Service').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const dnsRecords = props.list('DnsConfig.DnsRecords').map(
      (path): DnsRecordConfig => ({
        type: props.string(`${path}.Type`) as DnsRecordConfig['type'],
        ttl: props.number(`${path}.TTL`, 60),
      }),
    );
    const namespaceId = props.optionalString('NamespaceId') ?? props.optionalString('DnsConfig.NamespaceId');
    if (namespaceId === undefined)
      props.fail('NamespaceId', 'a namespace is required (NamespaceId or DnsConfig.NamespaceId)');
    const healthCheck =
      props.raw('HealthCheckCustomConfig') !== undefined
        ? 'custom'
        : props.raw('HealthCheckConfig') !== undefined
          ? 'route53'
          : 'none';
    return {
      id: String(resource.attributes.Id ?? resource.ref),
      arn: String(resource.attributes.Arn),
      name: props.optionalString('Name') ?? resource.logicalId,
      namespaceId,
      dnsRecords,
      routingPolicy: (props.optionalString('DnsConfig.RoutingPolicy') ?? 'MULTIVALUE') as
        | 'MULTIVALUE'
        | 'WEIGHTED',
      healthCheck,
      origin: originOf(resource),
    };
  });
}
