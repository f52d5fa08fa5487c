/**
 * resolveApp on whole applications: the seeds-like hand-written templates (SAM nested
 * applications) and the CDK examples synthesized offline (nested-stack assets, `Fn::Join`,
 * `Fn::GetAtt <Nested>.Outputs.<Name>`, `Fn::Select` + `Fn::GetAZs`, `AWS::Partition` and the
 * SSM-typed BootstrapVersion parameter).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import { resolveApp } from '../../src/template/evaluate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import type { LoadedApp } from '../../src/template/model.js';
import type {
  PlainValue,
  ResolvedApp,
  ResolvedResource,
  ResolvedStack,
} from '../../src/template/resolved.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function stackOf(app: ResolvedApp, name: string): ResolvedStack {
  const stack = app.stacks.find((s) => s.loaded.name === name);
  if (!stack) throw new Error(`no stack ${name} in ${app.stacks.map((s) => s.loaded.name).join(', ')}`);
  return stack;
}

function resourceOf(stack: ResolvedStack, logicalId: string): ResolvedResource {
  const resource = stack.resources.get(logicalId);
  if (!resource) throw new Error(`no resource ${logicalId} in ${stack.loaded.name}`);
  return resource;
}

function subnetsOf(service: ResolvedResource): PlainValue {
  const network = service.properties.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: PlainValue } };
  return network.AwsvpcConfiguration.Subnets;
}

/** True when no `Ref` or `Fn::*` object is left anywhere in the value. */
function isPlain(value: PlainValue): boolean {
  if (Array.isArray(value)) return value.every(isPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(
      ([key, item]) => key !== 'Ref' && !key.startsWith('Fn::') && isPlain(item),
    );
  }
  return true;
}

function expectFullyResolved(app: ResolvedApp): void {
  expect(app.stacks).toHaveLength(app.loaded.stacks.length);
  for (const stack of app.stacks) {
    for (const resource of stack.resources.values()) {
      expect(isPlain(resource.properties), `${stack.loaded.name}/${resource.logicalId}`).toBe(true);
    }
    expect(isPlain(stack.outputs)).toBe(true);
  }
}

describe('seeds-like API Gateway app', () => {
  const app = resolveApp(loadTemplateFile(fixture('seeds-like/api-gateway/parent.yml')));

  it('resolves every stack with no intrinsic left, every attribute from the modelled table (no schema read)', () => {
    expectFullyResolved(app);
    expect(app.inventedAttributes).toEqual([]);
    expect(app.root.outputs.ApiGatewayUri).toMatch(
      /^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/,
    );
  });

  it("runs the ECS service in the VPC stack's subnets", () => {
    const vpc = stackOf(app, 'VpcStack');
    const service = resourceOf(stackOf(app, 'ServiceStack'), 'Service');
    expect(subnetsOf(service)).toEqual([
      resourceOf(vpc, 'PublicSubnetOne').ref,
      resourceOf(vpc, 'PublicSubnetTwo').ref,
    ]);
    expect(resourceOf(vpc, 'PublicSubnetTwo').attributes.AvailabilityZone).toBe('us-east-1b');
  });

  it('points the API integration at the Cloud Map service ARN, through the VPC link', () => {
    const api = stackOf(app, 'ApiGatewayStack');
    const discovery = resourceOf(stackOf(app, 'ServiceStack'), 'ServiceDiscoveryService');
    const integration = resourceOf(api, 'CloudMapIntegration');
    expect(integration.properties.IntegrationUri).toBe(discovery.attributes.Arn);
    expect(integration.properties.ConnectionId).toBe(resourceOf(api, 'VpcLink').ref);
    expect(resourceOf(api, 'DefaultRoute').properties.Target).toBe(`integrations/${integration.ref}`);
  });

  it('registers the service in the namespace of the cluster stack, in the cluster it names', () => {
    const cluster = stackOf(app, 'ClusterStack');
    const service = stackOf(app, 'ServiceStack');
    const dns = resourceOf(service, 'ServiceDiscoveryService').properties.DnsConfig as {
      NamespaceId: string;
    };
    expect(dns.NamespaceId).toBe(resourceOf(cluster, 'ServiceDiscoveryNamespace').ref);
    expect(resourceOf(service, 'Service').properties.Cluster).toBe(resourceOf(cluster, 'ECSCluster').ref);
    expect(resourceOf(service, 'TaskDefinition').properties.Cpu).toBe('256');
  });
});

describe('seeds-like ALB app', () => {
  const app = resolveApp(loadTemplateFile(fixture('seeds-like/alb/parent.yml')));

  it('resolves every stack with no intrinsic left, every attribute from the modelled table (no schema read)', () => {
    expectFullyResolved(app);
    expect(app.inventedAttributes).toEqual([]);
  });

  it('runs the service in the private subnets and puts the load balancer in the public ones', () => {
    const vpc = stackOf(app, 'VpcStack');
    const service = stackOf(app, 'ServiceStack');
    expect(subnetsOf(resourceOf(service, 'Service'))).toEqual([
      resourceOf(vpc, 'PrivateSubnetOne').ref,
      resourceOf(vpc, 'PrivateSubnetTwo').ref,
    ]);
    expect(resourceOf(service, 'PublicLoadBalancer').properties.Subnets).toEqual([
      resourceOf(vpc, 'PublicSubnetOne').ref,
      resourceOf(vpc, 'PublicSubnetTwo').ref,
    ]);
  });

  it('wires listener → target group ← service by ARN', () => {
    const service = stackOf(app, 'ServiceStack');
    const targetGroup = resourceOf(service, 'ServiceTargetGroup');
    const listener = resourceOf(service, 'PublicLoadBalancerListener');
    expect(listener.properties.DefaultActions).toEqual([
      { Type: 'forward', TargetGroupArn: targetGroup.ref },
    ]);
    expect(resourceOf(service, 'Service').properties.LoadBalancers).toEqual([
      { ContainerName: 'web', ContainerPort: '80', TargetGroupArn: targetGroup.ref },
    ]);
    expect(targetGroup.attributes.LoadBalancerArns).toEqual([resourceOf(service, 'PublicLoadBalancer').ref]);
  });

  it('gives the NAT gateways their Elastic IP allocations', () => {
    const vpc = stackOf(app, 'VpcStack');
    expect(resourceOf(vpc, 'NatGatewayOne').properties.AllocationId).toBe(
      resourceOf(vpc, 'NatAddressOne').attributes.AllocationId,
    );
  });
});

/** Every resource of the app, across stacks. */
function allResources(app: ResolvedApp): ResolvedResource[] {
  return app.stacks.flatMap((stack) => [...stack.resources.values()]);
}

function firstOfType(app: ResolvedApp, type: string): ResolvedResource {
  const resource = allResources(app).find((r) => r.type === type);
  if (!resource) throw new Error(`no ${type} in the app`);
  return resource;
}

const CDK_EXAMPLES: { example: string; ingress: string; wiring: (app: ResolvedApp) => void }[] = [
  {
    example: 'api-gateway-fargate',
    ingress: 'the API integration targets the Cloud Map service ARN',
    wiring: (app) => {
      const integration = firstOfType(app, 'AWS::ApiGatewayV2::Integration');
      expect(integration.properties.IntegrationUri).toBe(
        firstOfType(app, 'AWS::ServiceDiscovery::Service').attributes.Arn,
      );
      expect(integration.properties.ConnectionId).toBe(firstOfType(app, 'AWS::ApiGatewayV2::VpcLink').ref);
    },
  },
  {
    example: 'public-alb-fargate',
    ingress: 'the listener forwards to the target group the service registers in',
    wiring: (app) => {
      const targetGroup = firstOfType(app, 'AWS::ElasticLoadBalancingV2::TargetGroup');
      const listener = firstOfType(app, 'AWS::ElasticLoadBalancingV2::Listener');
      expect(JSON.stringify(listener.properties.DefaultActions)).toContain(targetGroup.ref);
      expect(listener.properties.LoadBalancerArn).toBe(
        firstOfType(app, 'AWS::ElasticLoadBalancingV2::LoadBalancer').ref,
      );
      const service = firstOfType(app, 'AWS::ECS::Service');
      expect(JSON.stringify(service.properties.LoadBalancers)).toContain(targetGroup.ref);
    },
  },
];

describe.each(CDK_EXAMPLES)('CDK example $example', ({ example, ingress, wiring }) => {
  let synthesized: SynthesizedApp | undefined;
  let loaded: LoadedApp;
  beforeAll(async () => {
    synthesized = await synthesizeApp({ dir: `examples/${example}` });
    loaded = synthesized.apps[0];
  });
  afterAll(() => synthesized?.dispose());

  it('resolves every nested stack with no intrinsic left, BootstrapVersion as the SSM placeholder', () => {
    const app = resolveApp(loaded);
    expectFullyResolved(app);
    expect(app.stacks.length).toBeGreaterThanOrEqual(4);
    expect(app.root.parameters.BootstrapVersion).toBe('local');
    expect(app.root.stackName).toBe(loaded.name);
  });

  it("runs the ECS service in subnets of the VPC stack, in the environment's AZs", () => {
    const app = resolveApp(loaded);
    const subnets = [...stackOf(app, 'VpcStack').resources.values()].filter(
      (r) => r.type === 'AWS::EC2::Subnet',
    );
    const used = subnetsOf(firstOfType(app, 'AWS::ECS::Service')) as string[];
    expect(used.length).toBeGreaterThan(0);
    for (const id of used) expect(subnets.map((s) => s.ref)).toContain(id);
    expect(subnets.map((s) => s.properties.AvailabilityZone)).toEqual(
      expect.arrayContaining(['us-east-1a', 'us-east-1b']),
    );
  });

  it(`wires the ingress: ${ingress}`, () => {
    wiring(resolveApp(loaded));
  });

  it('gives the same result twice', () => {
    const first = resolveApp(loaded);
    const second = resolveApp(loaded);
    expect(second.stacks.map((s) => s.outputs)).toEqual(first.stacks.map((s) => s.outputs));
    expect(allResources(second).map((r) => r.ref)).toEqual(allResources(first).map((r) => r.ref));
  });
});
