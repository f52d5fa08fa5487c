/**
 * Private services in `wharf diagram`: ECS services registered in Cloud Map DNS with no load
 * balancer and no API Gateway integration in front, found by the other services through their
 * DNS name (`inventory.internal`). For each, a request edge from each caller (a service whose
 * environment names that DNS name as a host, as `wharf check` decides: `src/aws/dns-names.ts`)
 * to each box of the private tasks, labelled with the DNS lookup (`DNS A inventory.internal`),
 * the port, and the security-group rule that admits the caller (or a red warning when none does).
 * The Cloud Map node itself shows the name and that the private service registers there.
 */

import { mentionsHost } from '../aws/dns-names.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from '../local/cloudmap/types.js';
import type { EcsServiceConfig } from '../local/ecs/types.js';
import type { SecurityGroupConfig } from '../local/network/types.js';
import { type DiagramEdge, type DiagramNode, securityGroupVerdict } from './model.js';

/** What {@link privateServiceEdges} reads: the parts of the model built so far. */
export interface PrivateServiceInput {
  readonly services: readonly EcsServiceConfig[];
  readonly discovery: readonly DiscoveryServiceConfig[];
  readonly namespaces: readonly NamespaceConfig[];
  readonly securityGroups: readonly SecurityGroupConfig[];
  /** Cloud Map service ids some HTTP API integration targets (those services are public). */
  readonly integrated: ReadonlySet<string>;
  /** Task nodes by ECS service name. */
  readonly taskNodes: ReadonlyMap<string, readonly DiagramNode[]>;
  /** Cloud Map nodes by Cloud Map service id. */
  readonly cloudMapNodes: ReadonlyMap<string, DiagramNode>;
}

/** The edges to private services, and a note for each private service no caller names. */
export function privateServiceEdges(input: PrivateServiceInput): { edges: DiagramEdge[]; notes: string[] } {
  const edges: DiagramEdge[] = [];
  const notes: string[] = [];
  for (const service of input.services) {
    if (service.loadBalancers.length > 0) continue;
    for (const registry of service.serviceRegistries) {
      if (input.integrated.has(registry.discoveryServiceId)) continue;
      const record = input.discovery.find((d) => d.id === registry.discoveryServiceId);
      const node = input.cloudMapNodes.get(registry.discoveryServiceId);
      const zone = input.namespaces.find((ns) => ns.id === record?.namespaceId);
      if (!record || !node || !zone || record.dnsRecords.length === 0) continue;
      const dnsName = `${record.name}.${zone.name}`;
      const port = registry.containerPort ?? service.taskDefinition.containers[0]?.containerPorts[0];
      const callers = input.services.filter(
        (caller) =>
          caller !== service &&
          caller.taskDefinition.containers.some((container) =>
            Object.values(container.environment).some((value) => mentionsHost(value, dnsName)),
          ),
      );
      if (callers.length === 0) {
        notes.push(
          `ECS service ${service.name} is private (${dnsName}) and no other service's environment names it.`,
        );
        continue;
      }
      const types = record.dnsRecords.map((r) => r.type).join(' + ');
      for (const caller of callers) {
        const from = input.taskNodes.get(caller.name)?.[0];
        if (!from) continue;
        const verdict = securityGroupVerdict(
          input.securityGroups,
          service.securityGroupIds,
          { groupIds: caller.securityGroupIds, name: `${caller.name} SG` },
          port,
        );
        for (const task of input.taskNodes.get(service.name) ?? []) {
          edges.push({
            from: from.id,
            to: task.id,
            kind: 'request',
            labels: [`DNS ${types} ${dnsName}`, `HTTP :${port ?? '?'}`, verdict.text],
            ...(verdict.warning ? { warning: verdict.warning } : {}),
          });
        }
      }
    }
  }
  return { edges, notes };
}
