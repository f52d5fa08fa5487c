/**
 * The local Cloud Map endpoint, driven by the official `@aws-sdk/client-servicediscovery` client
 * and by raw HTTP. The endpoint is the emulator itself listening on 127.0.0.1, not a mock
 * (aws-behavior.md §4.4, §4.2, §4.3).
 */

import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import {
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  DiscoverInstancesRevisionCommand,
  GetInstanceCommand,
  GetInstancesHealthStatusCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  RegisterInstanceCommand,
  ServiceDiscoveryClient,
  UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudMapRegistry } from '../../../src/local/cloudmap/registry.js';
import { MAX_JSON_DEPTH } from '../../../src/local/cloudmap/request-body.js';
import { type CloudMapEndpoint, startCloudMapEndpoint } from '../../../src/local/cloudmap/server.js';
import { ACCOUNT, CUSTOM, ecsAttributes, makeRegistry, NAMESPACE, taskId, UNCHECKED } from './fixtures.js';

// SDK v3 warns on every run that it will drop Node 20 in 2027; that is noise for these tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let registry: CloudMapRegistry;
let endpoint: CloudMapEndpoint;
let client: ServiceDiscoveryClient;

beforeEach(async () => {
  registry = makeRegistry();
  endpoint = await startCloudMapEndpoint(registry);
  client = new ServiceDiscoveryClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await endpoint.close();
  registry.close();
});

/** The error the SDK throws for `promise`. */
async function sdkError(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** POSTs a raw JSON 1.1 request. */
async function post(target: string | undefined, body: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (target) headers['x-amz-target'] = target;
  const response = await fetch(`${endpoint.url}/`, { method: 'POST', headers, body });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('DiscoverInstances through the AWS SDK', () => {
  it('returns the attributes ECS registers, with namespace, service and health', async () => {
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.1.23', 8080));
    const output = await client.send(
      new DiscoverInstancesCommand({
        NamespaceName: NAMESPACE.name,
        ServiceName: CUSTOM.name,
        HealthStatus: 'HEALTHY',
      }),
    );
    expect(output.Instances).toEqual([
      {
        InstanceId: taskId(1),
        NamespaceName: 'wharf.local',
        ServiceName: 'api',
        HealthStatus: 'HEALTHY',
        Attributes: {
          AWS_INSTANCE_IPV4: '10.0.1.23',
          AWS_INSTANCE_PORT: '8080',
          AVAILABILITY_ZONE: 'us-east-1a',
          REGION: 'us-east-1',
          ECS_SERVICE_NAME: 'ApiService',
          ECS_CLUSTER_NAME: 'wharf-cluster',
          ECS_TASK_DEFINITION_FAMILY: 'api-task',
        },
      },
    ]);
    expect(output.InstancesRevision).toBe(registry.revision(CUSTOM.id));
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('applies HealthStatus, QueryParameters and MaxResults', async () => {
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1', 80, { color: 'blue' }));
    registry.registerInstance(CUSTOM.id, 'b', ecsAttributes('10.0.0.2', 80, { color: 'green' }));
    registry.registerInstance(
      CUSTOM.id,
      'c',
      ecsAttributes('10.0.0.3', 80, { color: 'blue', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    );
    const discover = async (input: Partial<ConstructorParameters<typeof DiscoverInstancesCommand>[0]>) =>
      (
        await client.send(
          new DiscoverInstancesCommand({ NamespaceName: NAMESPACE.name, ServiceName: 'api', ...input }),
        )
      ).Instances?.map((i) => i.InstanceId).sort();
    expect(await discover({ HealthStatus: 'UNHEALTHY' })).toEqual(['c']);
    expect(await discover({ HealthStatus: 'ALL', QueryParameters: { color: 'blue' } })).toEqual(['a', 'c']);
    expect(await discover({ HealthStatus: 'ALL', MaxResults: 1 })).toHaveLength(1);
  });

  it('throws ServiceNotFound and NamespaceNotFound with those names and HTTP 400', async () => {
    const service = await sdkError(
      client.send(new DiscoverInstancesCommand({ NamespaceName: NAMESPACE.name, ServiceName: 'nope' })),
    );
    expect(service.name).toBe('ServiceNotFound');
    expect(service.message).toContain("no service named 'nope'");
    expect(service.$metadata?.httpStatusCode).toBe(400);
    const namespace = await sdkError(
      client.send(new DiscoverInstancesCommand({ NamespaceName: 'x.local', ServiceName: 'api' })),
    );
    expect(namespace.name).toBe('NamespaceNotFound');
  });

  it('sees instances registered and deregistered through the SDK, and a new InstancesRevision each time', async () => {
    const discover = () =>
      client.send(new DiscoverInstancesCommand({ NamespaceName: NAMESPACE.name, ServiceName: 'api' }));
    const before = await discover();
    expect(before.Instances).toEqual([]);

    const registered = await client.send(
      new RegisterInstanceCommand({
        ServiceId: CUSTOM.id,
        InstanceId: taskId(7),
        Attributes: ecsAttributes('10.0.0.7'),
      }),
    );
    expect(registered.OperationId).toMatch(/^[0-9a-f-]{36}$/);
    const afterRegister = await discover();
    expect(afterRegister.Instances?.map((i) => i.InstanceId)).toEqual([taskId(7)]);
    expect(afterRegister.InstancesRevision).not.toBe(before.InstancesRevision);
    const revision = await client.send(
      new DiscoverInstancesRevisionCommand({ NamespaceName: NAMESPACE.name, ServiceName: 'api' }),
    );
    expect(revision.InstancesRevision).toBe(afterRegister.InstancesRevision);

    const operation = await client.send(new GetOperationCommand({ OperationId: registered.OperationId }));
    expect(operation.Operation).toMatchObject({ Type: 'REGISTER_INSTANCE', Status: 'SUCCESS' });
    expect(operation.Operation?.CreateDate).toBeInstanceOf(Date);

    await client.send(new DeregisterInstanceCommand({ ServiceId: CUSTOM.id, InstanceId: taskId(7) }));
    const afterDeregister = await discover();
    expect(afterDeregister.Instances).toEqual([]);
    expect(afterDeregister.InstancesRevision).not.toBe(afterRegister.InstancesRevision);
  });
});

describe('instance and health operations through the AWS SDK', () => {
  it('ListInstances returns each instance id with its attributes, paginated', async () => {
    for (let n = 1; n <= 3; n++)
      registry.registerInstance(CUSTOM.id, taskId(n), ecsAttributes(`10.0.0.${n}`));
    const first = await client.send(new ListInstancesCommand({ ServiceId: CUSTOM.id, MaxResults: 2 }));
    expect(first.ResourceOwner).toBe(ACCOUNT);
    expect(first.Instances).toEqual([
      { Id: taskId(1), Attributes: ecsAttributes('10.0.0.1') },
      { Id: taskId(2), Attributes: ecsAttributes('10.0.0.2') },
    ]);
    expect(first.NextToken).toBeTypeOf('string');
    const second = await client.send(
      new ListInstancesCommand({ ServiceId: CUSTOM.id, NextToken: first.NextToken }),
    );
    expect(second.Instances?.map((i) => i.Id)).toEqual([taskId(3)]);
    expect(second.NextToken).toBeUndefined();
  });

  it('GetInstance returns one instance, InstanceNotFound for an unknown one', async () => {
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    const output = await client.send(new GetInstanceCommand({ ServiceId: CUSTOM.id, InstanceId: 'a' }));
    expect(output.Instance).toEqual({ Id: 'a', Attributes: ecsAttributes('10.0.0.1') });
    expect(
      (await sdkError(client.send(new GetInstanceCommand({ ServiceId: CUSTOM.id, InstanceId: 'b' })))).name,
    ).toBe('InstanceNotFound');
  });

  it('GetInstancesHealthStatus follows UpdateInstanceCustomHealthStatus', async () => {
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    registry.registerInstance(CUSTOM.id, 'b', ecsAttributes('10.0.0.2'));
    await client.send(
      new UpdateInstanceCustomHealthStatusCommand({
        ServiceId: CUSTOM.id,
        InstanceId: 'b',
        Status: 'UNHEALTHY',
      }),
    );
    const output = await client.send(new GetInstancesHealthStatusCommand({ ServiceId: CUSTOM.id }));
    expect(output.Status).toEqual({ a: 'HEALTHY', b: 'UNHEALTHY' });
    const one = await client.send(
      new GetInstancesHealthStatusCommand({ ServiceId: CUSTOM.id, Instances: ['b'] }),
    );
    expect(one.Status).toEqual({ b: 'UNHEALTHY' });
  });

  it('UpdateInstanceCustomHealthStatus throws CustomHealthNotFound for a service without custom health check', async () => {
    registry.registerInstance(UNCHECKED.id, 'a', ecsAttributes('10.0.0.1'));
    const error = await sdkError(
      client.send(
        new UpdateInstanceCustomHealthStatusCommand({
          ServiceId: UNCHECKED.id,
          InstanceId: 'a',
          Status: 'HEALTHY',
        }),
      ),
    );
    expect(error.name).toBe('CustomHealthNotFound');
  });

  it('RegisterInstance throws InvalidInput for an SRV service instance without AWS_INSTANCE_PORT', async () => {
    const error = await sdkError(
      client.send(
        new RegisterInstanceCommand({
          ServiceId: CUSTOM.id,
          InstanceId: 'a',
          Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' },
        }),
      ),
    );
    expect(error.name).toBe('InvalidInput');
    expect(error.message).toContain('AWS_INSTANCE_PORT');
  });
});

describe('namespace and service operations through the AWS SDK', () => {
  it('ListNamespaces and GetNamespace describe the template namespaces', async () => {
    const list = await client.send(
      new ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['DNS_PRIVATE'], Condition: 'EQ' }] }),
    );
    expect(list.Namespaces?.map((n) => n.Name)).toEqual(['wharf.local']);
    const one = await client.send(new GetNamespaceCommand({ Id: NAMESPACE.id }));
    expect(one.Namespace).toMatchObject({
      Id: NAMESPACE.id,
      Arn: NAMESPACE.arn,
      Type: 'DNS_PRIVATE',
      Properties: { HttpProperties: { HttpName: 'wharf.local' } },
    });
    expect(one.Namespace?.CreateDate).toBeInstanceOf(Date);
    expect((await sdkError(client.send(new GetNamespaceCommand({ Id: 'ns-nope' })))).name).toBe(
      'NamespaceNotFound',
    );
  });

  it('ListServices and GetService describe DNS config, health check and instance count', async () => {
    registry.registerInstance(CUSTOM.id, 'a', ecsAttributes('10.0.0.1'));
    const list = await client.send(
      new ListServicesCommand({
        Filters: [{ Name: 'NAMESPACE_ID', Values: [NAMESPACE.id], Condition: 'EQ' }],
      }),
    );
    expect(list.Services?.map((s) => s.Name)).toContain('api');
    expect(list.Services?.map((s) => s.Name)).not.toContain('httponly');
    const one = await client.send(new GetServiceCommand({ Id: CUSTOM.id }));
    expect(one.Service).toMatchObject({
      Id: CUSTOM.id,
      Name: 'api',
      NamespaceId: NAMESPACE.id,
      InstanceCount: 1,
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'SRV', TTL: 60 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    expect((await sdkError(client.send(new GetServiceCommand({ Id: 'srv-nope' })))).name).toBe(
      'ServiceNotFound',
    );
  });
});

describe('the AWS JSON 1.1 protocol over raw HTTP', () => {
  it('answers 400 UnknownOperationException for an unknown X-Amz-Target', async () => {
    const response = await post('Route53AutoNaming_v20170314.CreateService', '{}');
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('UnknownOperationException');
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('answers 400 UnknownOperationException without X-Amz-Target', async () => {
    expect((await post(undefined, '{}')).json.__type).toBe('UnknownOperationException');
  });

  it('answers 400 SerializationException for a body that is not JSON', async () => {
    const response = await post('Route53AutoNaming_v20170314.ListInstances', '{"ServiceId":');
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('SerializationException');
  });

  it('answers 400 InvalidInput naming a missing required member', async () => {
    const response = await post('Route53AutoNaming_v20170314.ListInstances', '{}');
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ __type: 'InvalidInput', Message: 'ServiceId is required.' });
  });

  it('answers 400 InvalidInput for a member of the wrong type', async () => {
    const response = await post(
      'Route53AutoNaming_v20170314.DiscoverInstances',
      JSON.stringify({ NamespaceName: NAMESPACE.name, ServiceName: 'api', MaxResults: '5' }),
    );
    expect(response.json.__type).toBe('InvalidInput');
  });

  it('answers 400 SerializationException for JSON that is not an object, without quoting the body', async () => {
    const response = await post('Route53AutoNaming_v20170314.ListInstances', '["secret-value"]');
    expect(response.json).toEqual({
      __type: 'SerializationException',
      Message: 'Request body must be a JSON object.',
    });
    const malformed = await post('Route53AutoNaming_v20170314.ListInstances', '{"ServiceId": secret-value}');
    expect(malformed.json).toEqual({
      __type: 'SerializationException',
      Message: 'Request body is not valid JSON.',
    });
  });

  it('names the kind of a wrong-typed member, never its value', async () => {
    const response = await post(
      'Route53AutoNaming_v20170314.GetInstance',
      JSON.stringify({ ServiceId: { secret: 'value' }, InstanceId: 'i' }),
    );
    expect(response.json).toEqual({
      __type: 'InvalidInput',
      Message: 'ServiceId must be a string, got an object.',
    });
  });

  // Found by a hostile run: RegisterInstance with a 100,000-deep ServiceId answered 500 InternalFailure.
  it.each([
    ['RegisterInstance', (deep: string) => `{"ServiceId":${deep},"InstanceId":"i","Attributes":{}}`],
    [
      'DiscoverInstances',
      (deep: string) => `{"NamespaceName":"n","ServiceName":"s","QueryParameters":${deep}}`,
    ],
    ['ListNamespaces', (deep: string) => `{"Filters":${deep}}`],
  ])(
    'answers 400 InvalidInput, not 500, for a %s body nested 100,000 deep (§4.4)',
    async (operation, body) => {
      const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      const response = await post(`Route53AutoNaming_v20170314.${operation}`, body(deep));
      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        __type: 'InvalidInput',
        Message: `Request body nests JSON more than ${MAX_JSON_DEPTH} levels deep; Cloud Map requests nest at most 4.`,
      });
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidInput');
    },
  );

  it('answers 200 application/x-amz-json-1.1 with a request id on success', async () => {
    const response = await post(
      'Route53AutoNaming_v20170314.DiscoverInstances',
      JSON.stringify({ NamespaceName: NAMESPACE.name, ServiceName: 'api' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json).toEqual({ Instances: [], InstancesRevision: 0 });
  });
});

describe('Host allowlist against DNS rebinding (local deviation, see server.ts)', () => {
  /** A raw POST with a chosen Host header (fetch does not let a caller set Host). */
  async function postWithHost(host: string | undefined, target: string, body: string) {
    const url = new URL(endpoint.url);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/',
      setHost: host !== undefined,
      headers: {
        ...(host === undefined ? {} : { host }),
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Route53AutoNaming_v20170314.${target}`,
      },
    });
    req.end(body);
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return {
      status: res.statusCode,
      errorType: res.headers['x-amzn-errortype'],
      json: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
    };
  }

  const register = JSON.stringify({
    ServiceId: CUSTOM.id,
    InstanceId: 'rebound',
    Attributes: { AWS_INSTANCE_IPV4: '10.0.0.66', AWS_INSTANCE_PORT: '80' },
  });

  it.each(['evil.example', 'evil.example:4566', '127.0.0.1.evil.example', 'data-127.0.0.1', '10.0.0.1'])(
    'answers 403 AccessDeniedException and registers nothing for Host %s',
    async (host) => {
      const response = await postWithHost(host, 'RegisterInstance', register);
      expect(response.status).toBe(403);
      expect(response.errorType).toBe('AccessDeniedException');
      expect(response.json).toEqual({
        __type: 'AccessDeniedException',
        Message:
          'The local Cloud Map endpoint serves only requests addressed to 127.0.0.1, localhost or [::1]; the Host header named another host.',
      });
      expect(registry.listInstances(CUSTOM.id)).toEqual([]);
    },
  );

  it.each(['127.0.0.1', `127.0.0.1:4566`, 'localhost', 'LOCALHOST:1', '[::1]:4566'])(
    'serves Host %s',
    async (host) => {
      const response = await postWithHost(host, 'RegisterInstance', register);
      expect(response.status).toBe(200);
      expect(registry.listInstances(CUSTOM.id).map((instance) => instance.instanceId)).toEqual(['rebound']);
    },
  );
});
