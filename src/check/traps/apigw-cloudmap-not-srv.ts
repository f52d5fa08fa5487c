/**
 * Catches: an API Gateway HTTP API private integration (VPC link) that targets a Cloud Map
 * service without SRV records, or an ECS service that registers in that Cloud Map service without
 * a port.
 *
 * Why: API Gateway reads `AWS_INSTANCE_IPV4` and `AWS_INSTANCE_PORT` from the Cloud Map instance;
 * ECS only registers the port when the Cloud Map service has an SRV record and the service's
 * `ServiceRegistries` entry names the port. With A records only, API Gateway answers 503.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html
 *
 * Does not catch: Cloud Map services outside the app (an ARN passed in), HTTP-only namespaces
 * (no `DnsConfig`), or instances registered by something other than ECS.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources, sameResource } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { ecsServices } from './ecs.js';
import type { TrapRule } from './rule.js';
import { type At, keyOf, listAt, literalAt, stringOf, trapFinding } from './support.js';

/** Cloud Map services targeted by VPC-link integrations, with the integration that targets each. */
export function cloudMapTargets(app: LoadedApp): { integration: At; registry: At }[] {
  const targets: { integration: At; registry: At }[] = [];
  for (const integration of listResources(app, 'AWS::ApiGatewayV2::Integration')) {
    if (literalAt(integration, 'Properties.ConnectionType') !== 'VPC_LINK') continue;
    const uri = traceValue(integration.stack, getPath(integration.resource, 'Properties.IntegrationUri'));
    const registry = resourceOf(uri, 'AWS::ServiceDiscovery::Service');
    if (registry?.attribute === 'Arn') targets.push({ integration, registry });
  }
  return targets;
}

function recordTypes(registry: At): string[] | undefined {
  const records = getPath(registry.resource, 'Properties.DnsConfig.DnsRecords');
  if (!Array.isArray(records)) return undefined;
  return records.map((record) =>
    typeof record === 'object' && record !== null && !Array.isArray(record)
      ? (stringOf(registry.stack, record.Type) ?? '?')
      : '?',
  );
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const { integration, registry } of cloudMapTargets(app)) {
    if (seen.has(keyOf(registry))) continue;
    seen.add(keyOf(registry));
    const types = recordTypes(registry);
    if (types && !types.includes('SRV') && !types.includes('?')) {
      findings.push(
        trapFinding(apigwCloudmapNotSrv, registry, {
          propertyPath: 'Properties.DnsConfig.DnsRecords',
          message: `Cloud Map service ${registry.logicalId} has DNS records [${types.join(', ') || 'none'}] but no SRV record, and API Gateway integration ${integration.logicalId} (${integration.stack.name}) targets it. ECS registers no AWS_INSTANCE_PORT without SRV, so API Gateway cannot reach the tasks (503).`,
          fix: `Set DnsConfig.DnsRecords to [{ Type: SRV, TTL: 60 }] on ${registry.logicalId}, and give the ECS service's ServiceRegistries entry a Port (awsvpc) equal to the container port.`,
        }),
      );
    }
    for (const service of ecsServices(app)) {
      for (const { value, index } of listAt(service, 'Properties.ServiceRegistries')) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        const target = resourceOf(traceValue(service.stack, value.RegistryArn));
        if (!target || !sameResource(target, registry)) continue;
        if (value.Port === undefined && value.ContainerPort === undefined) {
          findings.push(
            trapFinding(apigwCloudmapNotSrv, service, {
              propertyPath: `Properties.ServiceRegistries.${index}`,
              message: `ECS service ${service.logicalId} registers in Cloud Map service ${registry.logicalId} without Port or ContainerPort, so no AWS_INSTANCE_PORT is registered and API Gateway integration ${integration.logicalId} cannot reach the tasks.`,
              fix: `Add Port: <container port> to ServiceRegistries.${index} of ${service.logicalId} (or ContainerName + ContainerPort), and keep an SRV record on ${registry.logicalId}.`,
            }),
          );
        }
      }
    }
  }
  return findings;
}

/** API Gateway → Cloud Map needs SRV records and a registered port. */
export const apigwCloudmapNotSrv: TrapRule = {
  id: 'apigw-cloudmap-not-srv',
  title: 'API Gateway targets a Cloud Map service without SRV records or port',
  severity: 'error',
  description:
    'An HTTP API VPC-link integration needs the Cloud Map instances to carry AWS_INSTANCE_PORT, which ECS registers only with SRV records and a ServiceRegistries port.',
  check,
};
