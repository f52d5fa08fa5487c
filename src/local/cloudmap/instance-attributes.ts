/**
 * `RegisterInstance` input rules: the instance id, the attribute map, the reserved `AWS_*`
 * attributes each DNS record type needs, and the health an instance starts with.
 *
 * Fidelity (aws-behavior.md §4.2, §4.3, §3.6; RegisterInstance in the API model):
 * - Instance ids: 1 to 64 characters of `0-9a-zA-Z_/:.@-`. Attribute keys up to 255 and values up
 *   to 1,024 printable ASCII characters; at most 30 custom (non-`AWS_`) attributes.
 * - A DNS service needs `AWS_INSTANCE_IPV4` for A records, `AWS_INSTANCE_IPV6` for AAAA,
 *   `AWS_INSTANCE_CNAME` for CNAME, and `AWS_INSTANCE_PORT` plus an address for SRV. HTTP
 *   namespaces require none of them.
 * - Initial health: a custom-health service starts HEALTHY, or as `AWS_INIT_HEALTH_STATUS` says
 *   (HEALTHY/UNHEALTHY). A service without a health check reports UNKNOWN (what DiscoverInstances
 *   shows on AWS for such services, sst#5915, app-mesh-controller#132). A service with a Route 53
 *   health check (`HealthCheckConfig`) is not probed locally: its instances report HEALTHY.
 * - The attribute map is kept as given, `AWS_INIT_HEALTH_STATUS` included.
 */

import { invalidInput } from './errors.js';
import { parsePort } from './srv-records.js';
import type { DiscoveryServiceConfig, InstanceHealth, NamespaceConfig } from './types.js';

/** The attributes ECS registers for a Fargate task (§4.2); `ECS_TASK_SET_EXTERNAL_ID` is not used. */
export const ECS_INSTANCE_ATTRIBUTES = [
  'AWS_INSTANCE_IPV4',
  'AWS_INSTANCE_PORT',
  'AVAILABILITY_ZONE',
  'REGION',
  'ECS_SERVICE_NAME',
  'ECS_CLUSTER_NAME',
  'ECS_TASK_DEFINITION_FAMILY',
] as const;

/** Custom (non-`AWS_`) attributes allowed per instance. */
export const MAX_CUSTOM_ATTRIBUTES = 30;

const INSTANCE_ID = /^[0-9a-zA-Z_/:.@-]{1,64}$/;
const ATTRIBUTE_KEY = /^[!-~]{1,255}$/;
const ATTRIBUTE_VALUE = /^[ \t!-~]{0,1024}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Throws `InvalidInput` when `instanceId` or `attributes` break the RegisterInstance rules for
 * `service` in `namespace`.
 */
export function validateRegistration(
  namespace: NamespaceConfig,
  service: DiscoveryServiceConfig,
  instanceId: string,
  attributes: Readonly<Record<string, string>>,
): void {
  if (typeof instanceId !== 'string' || !INSTANCE_ID.test(instanceId)) {
    throw invalidInput(
      `InstanceId '${String(instanceId)}' is not valid: use 1 to 64 characters of letters, digits and _/:.@-.`,
    );
  }
  let custom = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_KEY.test(key)) {
      throw invalidInput(`Attribute key '${key}' is not valid: use 1 to 255 printable ASCII characters.`);
    }
    if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
      throw invalidInput(
        `Attribute ${key}=${JSON.stringify(value)} is not valid: values are strings of up to 1,024 printable ASCII characters.`,
      );
    }
    if (!key.startsWith('AWS_')) custom++;
  }
  if (custom > MAX_CUSTOM_ATTRIBUTES) {
    throw invalidInput(
      `Instance '${instanceId}' has ${custom} custom attributes; at most ${MAX_CUSTOM_ATTRIBUTES} are allowed.`,
    );
  }
  const ipv4 = attributes.AWS_INSTANCE_IPV4;
  if (ipv4 !== undefined && !IPV4.test(ipv4)) {
    throw invalidInput(`AWS_INSTANCE_IPV4 '${ipv4}' is not an IPv4 address (expected e.g. 10.0.1.23).`);
  }
  const port = attributes.AWS_INSTANCE_PORT;
  if (port !== undefined && parsePort(port) === undefined) {
    throw invalidInput(`AWS_INSTANCE_PORT '${port}' is not a port: use an integer from 1 to 65535.`);
  }
  const init = attributes.AWS_INIT_HEALTH_STATUS;
  if (service.healthCheck === 'custom' && init !== undefined && init !== 'HEALTHY' && init !== 'UNHEALTHY') {
    throw invalidInput(`AWS_INIT_HEALTH_STATUS '${init}' is not valid: use HEALTHY or UNHEALTHY.`);
  }
  if (namespace.type !== 'HTTP') requireDnsAttributes(service, instanceId, attributes);
}

function requireDnsAttributes(
  service: DiscoveryServiceConfig,
  instanceId: string,
  attributes: Readonly<Record<string, string>>,
): void {
  const missing = (name: string, record: string): never => {
    throw invalidInput(
      `Instance '${instanceId}' of service ${service.name} (${service.id}) needs the ${name} attribute: the service creates ${record} records.`,
    );
  };
  for (const record of service.dnsRecords) {
    if (record.type === 'A' && attributes.AWS_INSTANCE_IPV4 === undefined) missing('AWS_INSTANCE_IPV4', 'A');
    if (record.type === 'AAAA' && attributes.AWS_INSTANCE_IPV6 === undefined)
      missing('AWS_INSTANCE_IPV6', 'AAAA');
    if (record.type === 'CNAME' && attributes.AWS_INSTANCE_CNAME === undefined)
      missing('AWS_INSTANCE_CNAME', 'CNAME');
    if (record.type === 'SRV') {
      if (attributes.AWS_INSTANCE_PORT === undefined) missing('AWS_INSTANCE_PORT', 'SRV');
      if (attributes.AWS_INSTANCE_IPV4 === undefined && attributes.AWS_INSTANCE_IPV6 === undefined)
        missing('AWS_INSTANCE_IPV4 (or AWS_INSTANCE_IPV6)', 'SRV');
    }
  }
}

/** The health a newly registered instance of `service` reports (see the Fidelity note). */
export function initialHealth(
  service: DiscoveryServiceConfig,
  attributes: Readonly<Record<string, string>>,
): InstanceHealth {
  switch (service.healthCheck) {
    case 'custom':
      return attributes.AWS_INIT_HEALTH_STATUS === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY';
    case 'route53':
      return 'HEALTHY';
    case 'none':
      return 'UNKNOWN';
  }
}
