/**
 * The Cloud Map API operations the endpoint serves: each takes the decoded JSON request, calls the
 * registry and returns the JSON response body, with the member names and shapes of the
 * `servicediscovery` 2017-03-14 model.
 *
 * Fidelity (aws-behavior.md §4.4, §4.2):
 * - Served: DiscoverInstances, DiscoverInstancesRevision, ListInstances, GetInstance,
 *   GetInstancesHealthStatus, ListNamespaces, GetNamespace, ListServices, GetService,
 *   RegisterInstance, DeregisterInstance, UpdateInstanceCustomHealthStatus, GetOperation.
 * - Register/Deregister complete before they answer; their OperationId can be read back with
 *   GetOperation, which reports SUCCESS (the last 1,000 operations are kept).
 * - Timestamps are epoch seconds (the JSON 1.1 encoding); namespaces and services report the
 *   registry's start as `CreateDate`. `NextToken`s are opaque offsets.
 * - A service with a Route 53 health check reports `HealthCheckConfig: {Type: HTTP}` (the template's
 *   type is not kept). `HostedZoneId` and `SOA` are not reported.
 * - Not served (UnknownOperationException): create/update/delete of namespaces and services, tags,
 *   service attributes, ListOperations.
 * - A member of the wrong type is `InvalidInput` naming the member and the kind of value received
 *   (`got an object`), never the value itself [UNCONFIRMED: AWS JSON services may answer
 *   `SerializationException` for a type mismatch].
 */

import { randomUUID } from 'node:crypto';
import { HEALTH_STATUS_FILTERS, type HealthStatusFilter } from './discovery-filter.js';
import { CloudMapError, invalidInput } from './errors.js';
import type { CloudMapRegistry } from './registry.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from './types.js';

/** A decoded JSON request body. */
export type JsonObject = Record<string, unknown>;

/** Operation state shared by all requests of one endpoint. */
export interface OperationContext {
  readonly registry: CloudMapRegistry;
  /** RegisterInstance/DeregisterInstance operations, by OperationId (insertion order, capped). */
  readonly operations: Map<string, JsonObject>;
}

/** One API operation: request body in, response body out; throws {@link CloudMapError}. */
export type Operation = (input: JsonObject, context: OperationContext) => JsonObject;

const KEPT_OPERATIONS = 1000;

/** The operations by name (the part of `X-Amz-Target` after `Route53AutoNaming_v20170314.`). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  DiscoverInstances(input, { registry }) {
    const healthStatus = optionalString(input, 'HealthStatus');
    if (healthStatus !== undefined && !(HEALTH_STATUS_FILTERS as readonly string[]).includes(healthStatus)) {
      throw invalidInput(
        `HealthStatus '${healthStatus}' is not valid: use ${HEALTH_STATUS_FILTERS.join(', ')}.`,
      );
    }
    const result = registry.discoverInstances({
      namespaceName: requiredString(input, 'NamespaceName'),
      serviceName: requiredString(input, 'ServiceName'),
      healthStatus: healthStatus as HealthStatusFilter | undefined,
      queryParameters: optionalStringMap(input, 'QueryParameters'),
      optionalParameters: optionalStringMap(input, 'OptionalParameters'),
      maxResults: optionalInteger(input, 'MaxResults'),
    });
    return {
      Instances: result.instances.map((instance) => ({
        InstanceId: instance.instanceId,
        NamespaceName: result.namespace.name,
        ServiceName: result.service.name,
        HealthStatus: instance.health,
        Attributes: instance.attributes,
      })),
      InstancesRevision: result.instancesRevision,
    };
  },

  DiscoverInstancesRevision(input, { registry }) {
    return {
      InstancesRevision: registry.discoverInstancesRevision(
        requiredString(input, 'NamespaceName'),
        requiredString(input, 'ServiceName'),
      ),
    };
  },

  ListInstances(input, { registry }) {
    const serviceId = requiredString(input, 'ServiceId');
    const page = paginate(registry.listInstances(serviceId), input, 100);
    return {
      ResourceOwner: accountOf(serviceArn(registry, serviceId)),
      Instances: page.items.map((instance) => ({ Id: instance.instanceId, Attributes: instance.attributes })),
      ...page.next,
    };
  },

  GetInstance(input, { registry }) {
    const serviceId = requiredString(input, 'ServiceId');
    const instance = registry.getInstance(serviceId, requiredString(input, 'InstanceId'));
    return {
      ResourceOwner: accountOf(serviceArn(registry, serviceId)),
      Instance: { Id: instance.instanceId, Attributes: instance.attributes },
    };
  },

  GetInstancesHealthStatus(input, { registry }) {
    const status = registry.getInstancesHealthStatus(
      requiredString(input, 'ServiceId'),
      optionalStringList(input, 'Instances'),
    );
    const page = paginate(Object.entries(status), input, 100);
    return { Status: Object.fromEntries(page.items), ...page.next };
  },

  ListNamespaces(input, { registry }) {
    const filters = optionalFilters(input);
    const matching = registry.namespaces().filter((namespace) =>
      filters.every((filter) => {
        switch (filter.name) {
          case 'TYPE':
            return matchesFilter(filter, namespace.type);
          case 'NAME':
          case 'HTTP_NAME':
            return matchesFilter(filter, namespace.name);
          case 'RESOURCE_OWNER':
            return matchesFilter(filter, accountOf(namespace.arn) ?? '');
          default:
            throw invalidInput(
              `Filter name '${filter.name}' is not valid: use TYPE, NAME, HTTP_NAME or RESOURCE_OWNER.`,
            );
        }
      }),
    );
    const page = paginate(matching, input, 100);
    return { Namespaces: page.items.map((namespace) => namespaceShape(registry, namespace)), ...page.next };
  },

  GetNamespace(input, { registry }) {
    const id = requiredString(input, 'Id');
    const namespace = registry.namespaceById(id);
    if (!namespace) throw new CloudMapError('NamespaceNotFound', `Namespace not found: ${id}.`);
    return { Namespace: namespaceShape(registry, namespace) };
  },

  ListServices(input, { registry }) {
    const filters = optionalFilters(input);
    const matching = registry.services().filter((service) =>
      filters.every((filter) => {
        switch (filter.name) {
          case 'NAMESPACE_ID':
            return matchesFilter(filter, service.namespaceId);
          case 'RESOURCE_OWNER':
            return matchesFilter(filter, accountOf(service.arn) ?? '');
          default:
            throw invalidInput(
              `Filter name '${filter.name}' is not valid: use NAMESPACE_ID or RESOURCE_OWNER.`,
            );
        }
      }),
    );
    const page = paginate(matching, input, 100);
    return { Services: page.items.map((service) => serviceShape(registry, service)), ...page.next };
  },

  GetService(input, { registry }) {
    const id = requiredString(input, 'Id');
    const service = registry.serviceById(id) ?? registry.serviceByArn(id);
    if (!service) throw new CloudMapError('ServiceNotFound', `Service not found: ${id}.`);
    return { Service: serviceShape(registry, service) };
  },

  RegisterInstance(input, context) {
    const serviceId = requiredString(input, 'ServiceId');
    const instanceId = requiredString(input, 'InstanceId');
    const attributes = optionalStringMap(input, 'Attributes');
    if (attributes === undefined) throw invalidInput('Attributes is required.');
    context.registry.registerInstance(serviceId, instanceId, attributes);
    return { OperationId: recordOperation(context, 'REGISTER_INSTANCE', serviceId, instanceId) };
  },

  DeregisterInstance(input, context) {
    const serviceId = requiredString(input, 'ServiceId');
    const instanceId = requiredString(input, 'InstanceId');
    context.registry.deregisterInstance(serviceId, instanceId);
    return { OperationId: recordOperation(context, 'DEREGISTER_INSTANCE', serviceId, instanceId) };
  },

  UpdateInstanceCustomHealthStatus(input, { registry }) {
    const status = requiredString(input, 'Status');
    if (status !== 'HEALTHY' && status !== 'UNHEALTHY') {
      throw invalidInput(`Status '${status}' is not valid: use HEALTHY or UNHEALTHY.`);
    }
    registry.updateInstanceCustomHealthStatus(
      requiredString(input, 'ServiceId'),
      requiredString(input, 'InstanceId'),
      status,
    );
    return {};
  },

  GetOperation(input, { operations }) {
    const id = requiredString(input, 'OperationId');
    const operation = operations.get(id);
    if (!operation) throw new CloudMapError('OperationNotFound', `Operation not found: ${id}.`);
    return { Operation: operation };
  },
};

function recordOperation(
  context: OperationContext,
  type: string,
  serviceId: string,
  instanceId: string,
): string {
  const id = randomUUID();
  const now = context.registry.clock.now() / 1000;
  context.operations.set(id, {
    Id: id,
    Type: type,
    Status: 'SUCCESS',
    CreateDate: now,
    UpdateDate: now,
    Targets: { SERVICE: serviceId, INSTANCE: instanceId },
  });
  if (context.operations.size > KEPT_OPERATIONS) {
    const oldest = context.operations.keys().next().value;
    if (oldest !== undefined) context.operations.delete(oldest);
  }
  return id;
}

function namespaceShape(registry: CloudMapRegistry, namespace: NamespaceConfig): JsonObject {
  return {
    Id: namespace.id,
    Arn: namespace.arn,
    ResourceOwner: accountOf(namespace.arn),
    Name: namespace.name,
    Type: namespace.type,
    ServiceCount: registry.services().filter((service) => service.namespaceId === namespace.id).length,
    Properties: {
      ...(namespace.type === 'HTTP' ? {} : { DnsProperties: {} }),
      HttpProperties: { HttpName: namespace.name },
    },
    CreateDate: registry.createdAt / 1000,
  };
}

function serviceShape(registry: CloudMapRegistry, service: DiscoveryServiceConfig): JsonObject {
  const namespace = registry.namespaceOf(service.id);
  const dns = namespace.type !== 'HTTP' && service.dnsRecords.length > 0;
  return {
    Id: service.id,
    Arn: service.arn,
    ResourceOwner: accountOf(service.arn),
    Name: service.name,
    NamespaceId: service.namespaceId,
    Type: dns ? 'DNS_HTTP' : 'HTTP',
    InstanceCount: registry.listInstances(service.id).length,
    ...(dns
      ? {
          DnsConfig: {
            NamespaceId: service.namespaceId,
            RoutingPolicy: service.routingPolicy,
            DnsRecords: service.dnsRecords.map((record) => ({ Type: record.type, TTL: record.ttl })),
          },
        }
      : {}),
    ...(service.healthCheck === 'custom' ? { HealthCheckCustomConfig: { FailureThreshold: 1 } } : {}),
    ...(service.healthCheck === 'route53' ? { HealthCheckConfig: { Type: 'HTTP' } } : {}),
    CreateDate: registry.createdAt / 1000,
  };
}

function serviceArn(registry: CloudMapRegistry, serviceId: string): string {
  return registry.serviceById(serviceId)?.arn ?? '';
}

/** The account id of an ARN (`arn:aws:servicediscovery:<region>:<account>:…`). */
function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account ? account : undefined;
}

interface Filter {
  readonly name: string;
  readonly values: readonly string[];
  readonly condition: string;
}

function optionalFilters(input: JsonObject): Filter[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput('Filters must be a list.');
  return raw.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw invalidInput(`Filters[${index}] must be an object.`);
    const filter = entry as JsonObject;
    const name = requiredString(filter, 'Name');
    const values = optionalStringList(filter, 'Values');
    if (values === undefined) throw invalidInput(`Filters[${index}].Values is required.`);
    const condition = optionalString(filter, 'Condition') ?? 'EQ';
    if (!['EQ', 'IN', 'BEGINS_WITH'].includes(condition)) {
      throw invalidInput(
        `Filters[${index}].Condition '${condition}' is not supported: use EQ, IN or BEGINS_WITH.`,
      );
    }
    return { name, values, condition };
  });
}

function matchesFilter(filter: Filter, value: string): boolean {
  if (filter.condition === 'BEGINS_WITH') return filter.values.some((prefix) => value.startsWith(prefix));
  if (filter.condition === 'EQ') return filter.values[0] === value;
  return filter.values.includes(value);
}

/** Cuts `items` to a page from `NextToken`, `MaxResults` (1 to `max`, default `max`). */
function paginate<T>(
  items: readonly T[],
  input: JsonObject,
  max: number,
): { items: T[]; next: { NextToken?: string } } {
  const maxResults = optionalInteger(input, 'MaxResults') ?? max;
  if (maxResults < 1 || maxResults > max) {
    throw invalidInput(`MaxResults ${maxResults} is not valid: use an integer from 1 to ${max}.`);
  }
  const token = optionalString(input, 'NextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number(
      Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0) throw invalidInput(`NextToken '${token}' is not valid.`);
  }
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    next: end < items.length ? { NextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {},
  };
}

function requiredString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') throw invalidInput(`${member} is required.`);
  return value;
}

function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidInput(`${member} must be a string, got ${jsonType(value)}.`);
  return value;
}

function optionalInteger(input: JsonObject, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidInput(`${member} must be an integer, got ${jsonType(value)}.`);
  }
  return value;
}

function optionalStringMap(input: JsonObject, member: string): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidInput(`${member} must be a string-to-string map.`);
  for (const entry of Object.values(value)) {
    if (typeof entry !== 'string')
      throw invalidInput(`${member} values must be strings, got ${jsonType(entry)}.`);
  }
  return value as Record<string, string>;
}

/** What kind of JSON value `value` is, for messages (the value itself is not quoted back). */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function optionalStringList(input: JsonObject, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw invalidInput(`${member} must be a list of strings.`);
  }
  return value as string[];
}
