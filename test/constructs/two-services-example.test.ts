/**
 * examples/two-services synthesized as `wharf synth` runs it (the CDK app in its folder): the
 * template shape of an app with several services that `wharf dev`, `check`, `cost` and `diagram`
 * read. A public `orders` (SRV, routes on the one HTTP API) calls a private `inventory` (A records,
 * a security group admitting only `orders`) by its Cloud Map name; both from one image folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import type { CfnTemplate } from '../../src/template/model.js';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };

describe('examples/two-services', () => {
  let synthesized: SynthesizedApp | undefined;
  const templates = new Map<string, CfnTemplate>();
  beforeAll(async () => {
    synthesized = await synthesizeApp({ dir: 'examples/two-services' });
    for (const stack of synthesized.apps[0]?.stacks ?? [])
      templates.set(stack.path.join('/'), stack.template);
  });
  afterAll(() => synthesized?.dispose());

  const resources = (stack: string): Record<string, Resource> => {
    const template = templates.get(stack);
    if (!template) throw new Error(`no template ${stack}; have: ${[...templates.keys()].join(', ')}`);
    return (template.Resources ?? {}) as Record<string, Resource>;
  };
  const ofType = (stack: string, type: string) =>
    Object.entries(resources(stack)).filter(([, r]) => r.Type === type);

  it('has a nested stack per service beside the network, cluster and API stacks', () => {
    expect([...templates.keys()].sort()).toEqual([
      '',
      'ApiGatewayStack',
      'ClusterStack',
      'InventoryServiceStack',
      'OrdersServiceStack',
      'VpcStack',
    ]);
  });

  it('routes /, /orders and /orders/* through the one VPC link to the public service only', () => {
    expect(ofType('ApiGatewayStack', 'AWS::ApiGatewayV2::VpcLink')).toHaveLength(1);
    const integrations = ofType('ApiGatewayStack', 'AWS::ApiGatewayV2::Integration');
    expect(integrations.map(([, r]) => r.Properties?.IntegrationUri)).toEqual([
      { Ref: 'OrdersServiceDiscoveryServiceArn' },
    ]);
    const routes = ofType('ApiGatewayStack', 'AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties?.RouteKey,
    );
    expect(routes.sort()).toEqual(['ANY /orders/{proxy+}', 'GET /', 'GET /orders']);
  });

  it('registers orders with SRV records and inventory with A records (TTL 10, multivalue, no port)', () => {
    const [[, orders] = []] = ofType('OrdersServiceStack', 'AWS::ServiceDiscovery::Service');
    expect(orders?.Properties?.DnsConfig).toMatchObject({ DnsRecords: [{ Type: 'SRV', TTL: 0 }] });
    const [[, inventory] = []] = ofType('InventoryServiceStack', 'AWS::ServiceDiscovery::Service');
    expect(inventory?.Properties).toMatchObject({
      Name: 'inventory',
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    const [[, service] = []] = ofType('InventoryServiceStack', 'AWS::ECS::Service');
    expect(service?.Properties?.ServiceRegistries).toEqual([
      { RegistryArn: { 'Fn::GetAtt': ['ServiceDiscoveryService', 'Arn'] } },
    ]);
  });

  it("admits only orders' security group to inventory, on port 8080", () => {
    const rules = ofType('InventoryServiceStack', 'AWS::EC2::SecurityGroupIngress');
    expect(rules.map(([id, r]) => [id, r.Properties])).toEqual([
      [
        'IngressFromOrders',
        {
          Description: 'orders calls inventory on port 8080',
          GroupId: { Ref: 'ServiceSecurityGroup' },
          IpProtocol: 'tcp',
          FromPort: 8080,
          ToPort: 8080,
          SourceSecurityGroupId: { Ref: 'OrdersServiceSecurityGroup' },
        },
      ],
    ]);
    const [[, group] = []] = ofType('InventoryServiceStack', 'AWS::EC2::SecurityGroup');
    expect(group?.Properties).not.toHaveProperty('SecurityGroupIngress');
  });

  it('runs one image for both, with ROLE picking the part and INVENTORY_URL naming the private one', () => {
    const container = (stack: string) => {
      const [[, task] = []] = ofType(stack, 'AWS::ECS::TaskDefinition');
      return ((task?.Properties?.ContainerDefinitions ?? []) as Record<string, unknown>[])[0] ?? {};
    };
    expect(container('OrdersServiceStack').Environment).toEqual([
      { Name: 'INVENTORY_URL', Value: 'http://inventory.internal:8080' },
      { Name: 'ROLE', Value: 'orders' },
    ]);
    expect(container('InventoryServiceStack').Environment).toEqual([{ Name: 'ROLE', Value: 'inventory' }]);
    expect(container('OrdersServiceStack').Image).toEqual(container('InventoryServiceStack').Image);
  });
});
