// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
/**
 * Physical ids, names and ARNs: shaped like AWS's (the "Return values" section of each type in the
 * CloudFormation resource reference), the same on every run, and taken from name properties when
 * a template sets them.
 */
import { describe, expect, it } from 'vitest';
import { resolveApp } from '../../src/template/evaluate.js';
import type { CfnResource, CfnTemplate, LoadedApp, LoadedStack } from '../../src/template/model.js';
import type { ResolvedResource } from '../../src/template/resolved.js';

function inlineApp(resources: Record<string, CfnResource>, name = 'shop'): LoadedApp {
  const template: CfnTemplate = { Resources: resources };
  const root: LoadedStack = {
    name: 'shop.yml',
    path: [],
    file: '/virtual/shop.yml',
    template,
    children: new Map(),
  };
  return { source: 'template-file', name, root, stacks: [root] };
}

/** One resource of every covered type, wired the way real templates wire them. */
const RESOURCES: Record<string, CfnResource> = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
  Subnet: {
    Type: 'AWS::EC2::Subnet',
    Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1b' },
  },
  Group: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'g' } },
  ClassicGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'no VPC' } },
  Ingress: {
    Type: 'AWS::EC2::SecurityGroupIngress',
    Properties: { GroupId: { Ref: 'Group' }, IpProtocol: '-1' },
  },
  Gateway: { Type: 'AWS::EC2::InternetGateway' },
  Attachment: {
    Type: 'AWS::EC2::VPCGatewayAttachment',
    Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Gateway' } },
  },
  Address: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
  Nat: {
    Type: 'AWS::EC2::NatGateway',
    Properties: { SubnetId: { Ref: 'Subnet' }, AllocationId: { 'Fn::GetAtt': ['Address', 'AllocationId'] } },
  },
  Routes: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
  DefaultRoute: {
    Type: 'AWS::EC2::Route',
    Properties: {
      RouteTableId: { Ref: 'Routes' },
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: { Ref: 'Gateway' },
    },
  },
  Association: {
    Type: 'AWS::EC2::SubnetRouteTableAssociation',
    Properties: { SubnetId: { Ref: 'Subnet' }, RouteTableId: { Ref: 'Routes' } },
  },
  Cluster: { Type: 'AWS::ECS::Cluster' },
  NamedCluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'shop' } },
  Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Family: 'web' } },
  UnnamedTask: { Type: 'AWS::ECS::TaskDefinition' },
  Service: {
    Type: 'AWS::ECS::Service',
    Properties: {
      ServiceName: 'api',
      Cluster: { 'Fn::GetAtt': ['NamedCluster', 'Arn'] },
      TaskDefinition: { Ref: 'Task' },
    },
  },
  UnnamedService: { Type: 'AWS::ECS::Service', Properties: { Cluster: { Ref: 'Cluster' } } },
  Namespace: {
    Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
    Properties: { Name: 'internal', Vpc: { Ref: 'Vpc' } },
  },
  HttpNamespace: { Type: 'AWS::ServiceDiscovery::HttpNamespace', Properties: { Name: 'http' } },
  Discovery: {
    Type: 'AWS::ServiceDiscovery::Service',
    Properties: {
      Name: 'api',
      DnsConfig: { NamespaceId: { Ref: 'Namespace' }, DnsRecords: [{ Type: 'SRV', TTL: 0 }] },
    },
  },
  Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP' } },
  Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default' } },
  Link: { Type: 'AWS::ApiGatewayV2::VpcLink', Properties: { Name: 'link', SubnetIds: [{ Ref: 'Subnet' }] } },
  Integration: {
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: {
      ApiId: { Ref: 'Api' },
      IntegrationType: 'HTTP_PROXY',
      ConnectionId: { Ref: 'Link' },
      IntegrationUri: { 'Fn::GetAtt': ['Discovery', 'Arn'] },
    },
  },
  Route: {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: {
      ApiId: { Ref: 'Api' },
      RouteKey: '$default',
      Target: { 'Fn::Sub': 'integrations/${Integration}' },
    },
  },
  Balancer: {
    Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    Properties: { Subnets: [{ Ref: 'Subnet' }] },
  },
  NamedBalancer: {
    Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    Properties: { Name: 'shop-alb', Scheme: 'internal' },
  },
  Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 80, Protocol: 'HTTP' } },
  Listener: {
    Type: 'AWS::ElasticLoadBalancingV2::Listener',
    Properties: {
      LoadBalancerArn: { Ref: 'Balancer' },
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Targets' } }],
    },
  },
  Rule: {
    Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
    Properties: {
      ListenerArn: { Ref: 'Listener' },
      Priority: 1,
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Targets' } }],
    },
  },
  Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
  NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'runner', Path: '/ecs/' } },
  Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', PolicyDocument: {} } },
  Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: {} } },
  Logs: { Type: 'AWS::Logs::LogGroup' },
  Key: { Type: 'AWS::KMS::Key' },
  Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'db' } },
  Param: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/shop/x', Type: 'String', Value: 'v' } },
  Meta: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:xyz' } },
  Hook: {
    Type: 'Custom::Hook',
    Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' },
  },
  Thing: { Type: 'AWS::Example::Thing' },
};

describe('physical ids', () => {
  const stack = resolveApp(inlineApp(RESOURCES)).root;
  const get = (id: string) => stack.resources.get(id) as ResolvedResource;

  const cases: [string, RegExp, Record<string, RegExp | unknown>][] = [
    [
      'Vpc',
      /^vpc-[0-9a-f]{17}$/,
      {
        VpcId: /^vpc-/,
        CidrBlock: '10.0.0.0/16',
        DefaultSecurityGroup: /^sg-[0-9a-f]{17}$/,
        DefaultNetworkAcl: /^acl-[0-9a-f]{17}$/,
      },
    ],
    [
      'Subnet',
      /^subnet-[0-9a-f]{17}$/,
      { AvailabilityZone: 'us-east-1b', AvailabilityZoneId: 'use1-az2', SubnetId: /^subnet-/ },
    ],
    ['Group', /^sg-[0-9a-f]{17}$/, { GroupId: /^sg-[0-9a-f]{17}$/ }],
    ['ClassicGroup', /^shop-ClassicGroup-[A-Z0-9]{12}$/, { GroupId: /^sg-[0-9a-f]{17}$/ }],
    ['Ingress', /^sgr-[0-9a-f]{17}$/, {}],
    ['Gateway', /^igw-[0-9a-f]{17}$/, { InternetGatewayId: /^igw-/ }],
    ['Attachment', /^IGW\|vpc-[0-9a-f]{17}$/, {}],
    ['Address', /^3\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, { AllocationId: /^eipalloc-[0-9a-f]{17}$/ }],
    ['Nat', /^nat-[0-9a-f]{17}$/, { NatGatewayId: /^nat-/ }],
    ['Routes', /^rtb-[0-9a-f]{17}$/, { RouteTableId: /^rtb-/ }],
    ['DefaultRoute', /^rtb-[0-9a-f]{17}\|0\.0\.0\.0\/0$/, {}],
    ['Association', /^rtbassoc-[0-9a-f]{17}$/, {}],
    [
      'Cluster',
      /^shop-Cluster-[A-Z0-9]{12}$/,
      { Arn: /^arn:aws:ecs:us-east-1:123456789012:cluster\/shop-Cluster-[A-Z0-9]{12}$/ },
    ],
    ['NamedCluster', /^shop$/, { Arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/shop' }],
    [
      'Task',
      /^arn:aws:ecs:us-east-1:123456789012:task-definition\/web:1$/,
      { TaskDefinitionArn: /task-definition\/web:1$/ },
    ],
    [
      'UnnamedTask',
      /^arn:aws:ecs:us-east-1:123456789012:task-definition\/shop-UnnamedTask-[A-Z0-9]{12}:1$/,
      {},
    ],
    [
      'Service',
      /^arn:aws:ecs:us-east-1:123456789012:service\/shop\/api$/,
      { Name: 'api', ServiceArn: /service\/shop\/api$/ },
    ],
    [
      'UnnamedService',
      /^arn:aws:ecs:us-east-1:123456789012:service\/shop-Cluster-[A-Z0-9]{12}\/shop-UnnamedService-[A-Z0-9]{12}$/,
      {},
    ],
    [
      'Namespace',
      /^ns-[a-z0-9]{16}$/,
      {
        Id: /^ns-/,
        Arn: /^arn:aws:servicediscovery:us-east-1:123456789012:namespace\/ns-[a-z0-9]{16}$/,
        HostedZoneId: /^Z[A-Z0-9]+$/,
      },
    ],
    ['HttpNamespace', /^ns-[a-z0-9]{16}$/, { Arn: /namespace\/ns-/ }],
    [
      'Discovery',
      /^srv-[a-z0-9]{16}$/,
      {
        Id: /^srv-/,
        Name: 'api',
        Arn: /^arn:aws:servicediscovery:us-east-1:123456789012:service\/srv-[a-z0-9]{16}$/,
      },
    ],
    [
      'Api',
      /^[a-z0-9]{10}$/,
      {
        ApiId: /^[a-z0-9]{10}$/,
        ApiEndpoint: /^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/,
      },
    ],
    ['Stage', /^\$default$/, {}],
    ['Link', /^[a-z0-9]{7}$/, { VpcLinkId: /^[a-z0-9]{7}$/ }],
    ['Integration', /^[a-z0-9]{7}$/, { IntegrationId: /^[a-z0-9]{7}$/ }],
    ['Route', /^[a-z0-9]{7}$/, { RouteId: /^[a-z0-9]{7}$/ }],
    [
      'Balancer',
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
      {
        DNSName: /^[A-Za-z0-9-]{1,32}-\d{10}\.us-east-1\.elb\.amazonaws\.com$/,
        LoadBalancerFullName: /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
        CanonicalHostedZoneID: 'Z35SXDOTRQ7X7K',
        SecurityGroups: [expect.stringMatching(/^sg-/)],
      },
    ],
    [
      'NamedBalancer',
      /loadbalancer\/app\/shop-alb\/[0-9a-f]{16}$/,
      { LoadBalancerName: 'shop-alb', DNSName: /^internal-shop-alb-\d{10}\./ },
    ],
    [
      'Targets',
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
      { TargetGroupFullName: /^targetgroup\// },
    ],
    [
      'Listener',
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/[A-Za-z0-9-]+\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
      {},
    ],
    [
      'Rule',
      /:listener-rule\/app\/[A-Za-z0-9-]+\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
      { IsDefault: false },
    ],
    [
      'Role',
      /^shop-Role-[A-Z0-9]{12}$/,
      { Arn: /^arn:aws:iam::123456789012:role\/shop-Role-/, RoleId: /^AROA[A-Z0-9]{17}$/ },
    ],
    ['NamedRole', /^runner$/, { Arn: 'arn:aws:iam::123456789012:role/ecs/runner' }],
    ['Policy', /^p$/, {}],
    ['Managed', /^arn:aws:iam::123456789012:policy\/shop-Managed-[A-Z0-9]{12}$/, { PolicyId: /^ANPA/ }],
    [
      'Logs',
      /^shop-Logs-[A-Z0-9]{12}$/,
      { Arn: /^arn:aws:logs:us-east-1:123456789012:log-group:shop-Logs-[A-Z0-9]{12}:\*$/ },
    ],
    [
      'Key',
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      { Arn: /^arn:aws:kms:us-east-1:123456789012:key\// },
    ],
    ['Secret', /^arn:aws:secretsmanager:us-east-1:123456789012:secret:db-[A-Za-z0-9]{6}$/, {}],
    ['Param', /^\/shop\/x$/, { Type: 'String', Value: 'v' }],
    ['Meta', /^[0-9a-f-]{36}$/, {}],
    ['Hook', /^shop-Hook-[A-Z0-9]{12}$/, {}],
    ['Thing', /^shop-Thing-[A-Z0-9]{12}$/, {}],
  ];

  it.each(cases)('%s: Ref matches %s, with its attributes', (logicalId, ref, attributes) => {
    const resource = get(logicalId);
    expect(resource.ref).toMatch(ref);
    for (const [name, expected] of Object.entries(attributes)) {
      if (expected instanceof RegExp) expect(resource.attributes[name], name).toMatch(expected);
      else expect(resource.attributes[name], name).toEqual(expected);
    }
  });

  it('gives ids back in attributes that name the same thing', () => {
    expect(get('Vpc').attributes.VpcId).toBe(get('Vpc').ref);
    expect(get('Group').attributes.GroupId).toBe(get('Group').ref);
    expect(get('Subnet').attributes.VpcId).toBe(get('Vpc').ref);
    expect(get('Address').attributes.PublicIp).toBe(get('Address').ref);
    expect(get('Balancer').attributes.LoadBalancerArn).toBe(get('Balancer').ref);
    expect(get('Discovery').attributes.Id).toBe(get('Discovery').ref);
  });

  it('derives listener ARNs from their load balancer and lists target groups’ load balancers', () => {
    const balancerPath = get('Balancer').ref.split(':loadbalancer/')[1];
    expect(get('Listener').ref).toContain(`:listener/${balancerPath}/`);
    expect(get('Rule').ref).toContain(`:listener-rule/${get('Listener').ref.split(':listener/')[1]}/`);
    expect(get('Targets').attributes.LoadBalancerArns).toEqual([get('Balancer').ref]);
  });

  it('keeps generated load balancer and target group names within 32 characters', () => {
    const longApp = inlineApp(
      {
        ThePublicApplicationLoadBalancer: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
        TheServiceTargetGroupForTheWebTier: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
      },
      'a-rather-long-application-stack-name',
    );
    const root = resolveApp(longApp).root;
    for (const resource of root.resources.values()) {
      const name = (resource.attributes.LoadBalancerName ?? resource.attributes.TargetGroupName) as string;
      expect(name.length).toBeLessThanOrEqual(32);
      expect(name).toMatch(/^a-rather-[A-Za-z]+-[A-Z0-9]{12}$/);
    }
  });

  it('passes generated ids into the properties that reference them', () => {
    expect(get('Integration').properties).toMatchObject({
      ApiId: get('Api').ref,
      ConnectionId: get('Link').ref,
      IntegrationUri: get('Discovery').attributes.Arn,
    });
    expect(get('Route').properties.Target).toBe(`integrations/${get('Integration').ref}`);
    expect(get('Nat').properties.AllocationId).toBe(get('Address').attributes.AllocationId);
  });

  it('gives the same ids on every run, and different ids to different resources', () => {
    const again = resolveApp(inlineApp(RESOURCES)).root;
    for (const [id, resource] of stack.resources) {
      expect(again.resources.get(id)?.ref).toBe(resource.ref);
      expect(again.resources.get(id)?.attributes).toEqual(resource.attributes);
    }
    const refs = [...stack.resources.values()].map((r) => r.ref);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('gives other ids to the same logical ids in another app', () => {
    const other = resolveApp(inlineApp(RESOURCES, 'other')).root;
    expect(other.resources.get('Vpc')?.ref).not.toBe(get('Vpc').ref);
  });

  it('answers an attribute of a type the resource schemas do not list with an invented value, recorded as unchecked', () => {
    const app = inlineApp({ Thing: { Type: 'AWS::Example::Thing' } });
    (app.root.template as { Outputs?: unknown }).Outputs = {
      X: { Value: { 'Fn::GetAtt': ['Thing', 'Endpoint'] } },
    };
    const resolved = resolveApp(app);
    expect(resolved.root.outputs.X).toMatch(/^[a-z0-9]{12}\.example\.us-east-1\.amazonaws\.com$/);
    expect(resolved.inventedAttributes).toEqual([
      expect.objectContaining({
        readerId: 'X',
        propertyPath: 'Value',
        logicalId: 'Thing',
        attribute: 'Endpoint',
        checked: false,
        reason: 'the CloudFormation resource schemas do not list AWS::Example::Thing',
      }),
    ]);
  });
});
