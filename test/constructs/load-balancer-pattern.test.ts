/**
 * LoadBalancedFargateService with defaults reproduces the seed
 * "public-facing-api-ecs-fargate-cloudformation" (parent.yml, cluster.yml, service.yml) on the
 * seed "large-vpc-for-amazon-ecs-cluster" (vpc.yml): same nested stacks, parameter wiring, logical
 * ids, types and property values; then the deliberate tightenings and the options that change
 * the shape (HTTPS, NAT gateway count).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  describeSeedResources,
  expectResource,
  getAtt,
  loadBalancerPattern,
  nestedTemplate,
  ref,
  resourceIds,
  resourceOf,
  SEED_CLUSTER_CORE,
  SEED_LOG_CONFIGURATION,
  SEED_LOW_COST_VPC,
  type SeedResource,
  seedSubnet,
  templatesOf,
} from './support.js';

process.env.CDK_VALIDATION = 'false';

const templates = templatesOf(loadBalancerPattern().pattern);
const parent = templates.parent;
const STACKS = {
  VpcStack: nestedTemplate(templates, 'VpcStack'),
  ClusterStack: nestedTemplate(templates, 'ClusterStack'),
  ServiceStack: nestedTemplate(templates, 'ServiceStack'),
};
type StackId = keyof typeof STACKS;
const { VpcStack: vpc, ServiceStack: service } = STACKS;

/** One seed resource: [logical id, type, properties the seed sets]. */

const SEED_LARGE_VPC: readonly SeedResource[] = [
  ...SEED_LOW_COST_VPC,
  ['PrivateSubnetOne', 'AWS::EC2::Subnet', seedSubnet(0, '10.0.128.0/18', false)],
  ['PrivateSubnetTwo', 'AWS::EC2::Subnet', seedSubnet(1, '10.0.192.0/18', false)],
  ['NatGatewayOneAttachment', 'AWS::EC2::EIP', { Domain: 'vpc' }],
  ['NatGatewayTwoAttachment', 'AWS::EC2::EIP', { Domain: 'vpc' }],
  [
    'NatGatewayOne',
    'AWS::EC2::NatGateway',
    { AllocationId: getAtt('NatGatewayOneAttachment', 'AllocationId'), SubnetId: ref('PublicSubnetOne') },
  ],
  [
    'NatGatewayTwo',
    'AWS::EC2::NatGateway',
    { AllocationId: getAtt('NatGatewayTwoAttachment', 'AllocationId'), SubnetId: ref('PublicSubnetTwo') },
  ],
  ['PrivateRouteTableOne', 'AWS::EC2::RouteTable', { VpcId: ref('VPC') }],
  [
    'PrivateRouteOne',
    'AWS::EC2::Route',
    {
      RouteTableId: ref('PrivateRouteTableOne'),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: ref('NatGatewayOne'),
    },
  ],
  [
    'PrivateRouteTableOneAssociation',
    'AWS::EC2::SubnetRouteTableAssociation',
    { RouteTableId: ref('PrivateRouteTableOne'), SubnetId: ref('PrivateSubnetOne') },
  ],
  ['PrivateRouteTableTwo', 'AWS::EC2::RouteTable', { VpcId: ref('VPC') }],
  [
    'PrivateRouteTwo',
    'AWS::EC2::Route',
    {
      RouteTableId: ref('PrivateRouteTableTwo'),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: ref('NatGatewayTwo'),
    },
  ],
  [
    'PrivateRouteTableTwoAssociation',
    'AWS::EC2::SubnetRouteTableAssociation',
    { RouteTableId: ref('PrivateRouteTableTwo'), SubnetId: ref('PrivateSubnetTwo') },
  ],
];

const SEED_SERVICE: readonly SeedResource[] = [
  [
    'TaskDefinition',
    'AWS::ECS::TaskDefinition',
    {
      Family: 'web',
      Cpu: '256',
      Memory: '512',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      ExecutionRoleArn: ref('ECSTaskExecutionRole'),
      ContainerDefinitions: [
        {
          Name: 'web',
          Cpu: 256,
          Memory: 512,
          Image: 'public.ecr.aws/docker/library/nginx:latest',
          PortMappings: [{ ContainerPort: 80, HostPort: 80 }],
          // The seed's ALB variant has no container health check: the target group checks health.
          HealthCheck: Match.absent(),
          LogConfiguration: SEED_LOG_CONFIGURATION,
        },
      ],
    },
  ],
  [
    'Service',
    'AWS::ECS::Service',
    {
      ServiceName: 'web',
      Cluster: ref('ClusterName'),
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [ref('ServiceSecurityGroup')],
          Subnets: ref('PrivateSubnetIds'),
        },
      },
      DeploymentConfiguration: { MaximumPercent: 200, MinimumHealthyPercent: 75 },
      DesiredCount: 2,
      TaskDefinition: ref('TaskDefinition'),
      LoadBalancers: [{ ContainerName: 'web', ContainerPort: 80, TargetGroupArn: ref('ServiceTargetGroup') }],
      ServiceRegistries: Match.absent(),
    },
  ],
  ['ServiceSecurityGroup', 'AWS::EC2::SecurityGroup', { VpcId: ref('VpcId') }],
  [
    'ServiceTargetGroup',
    'AWS::ElasticLoadBalancingV2::TargetGroup',
    {
      HealthCheckIntervalSeconds: 6,
      HealthCheckPath: '/',
      HealthCheckProtocol: 'HTTP',
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      TargetType: 'ip',
      Port: 80,
      Protocol: 'HTTP',
      UnhealthyThresholdCount: 10,
      VpcId: ref('VpcId'),
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }],
    },
  ],
  ['PublicLoadBalancerSG', 'AWS::EC2::SecurityGroup', { VpcId: ref('VpcId') }],
  [
    'PublicLoadBalancer',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '30' }]),
      Subnets: ref('PublicSubnetIds'),
      SecurityGroups: [ref('PublicLoadBalancerSG')],
    },
  ],
  [
    'PublicLoadBalancerListener',
    'AWS::ElasticLoadBalancingV2::Listener',
    {
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('ServiceTargetGroup'), Weight: 100 }] },
        },
      ],
      LoadBalancerArn: ref('PublicLoadBalancer'),
      Port: 80,
      Protocol: 'HTTP',
    },
  ],
  [
    'ServiceIngressfromLoadBalancer',
    'AWS::EC2::SecurityGroupIngress',
    { GroupId: ref('ServiceSecurityGroup'), SourceSecurityGroupId: ref('PublicLoadBalancerSG') },
  ],
  ['LogGroup', 'AWS::Logs::LogGroup', {}],
];

const NESTED: readonly { name: string; stack: StackId; seed: readonly SeedResource[] }[] = [
  { name: 'VpcStack (seed large VPC vpc.yml)', stack: 'VpcStack', seed: SEED_LARGE_VPC },
  { name: 'ClusterStack (seed cluster.yml)', stack: 'ClusterStack', seed: SEED_CLUSTER_CORE },
  { name: 'ServiceStack (seed service.yml)', stack: 'ServiceStack', seed: SEED_SERVICE },
];

const outputOf = (stack: string, name: string) => getAtt(stack, `Outputs.${name}`);

describe('LoadBalancedFargateService with defaults reproduces the public ALB seed on the large VPC', () => {
  describe('parent stack (seed parent.yml)', () => {
    it('has exactly the nested stacks VpcStack, ClusterStack and ServiceStack', () => {
      parent.resourceCountIs('AWS::CloudFormation::Stack', 3);
      expect(resourceIds(parent)).toEqual(['ClusterStack', 'ServiceStack', 'VpcStack']);
    });

    it.each([
      ['VpcStack', undefined],
      ['ClusterStack', undefined],
      [
        'ServiceStack',
        {
          VpcId: outputOf('VpcStack', 'VpcId'),
          PublicSubnetIds: outputOf('VpcStack', 'PublicSubnetIds'),
          PrivateSubnetIds: outputOf('VpcStack', 'PrivateSubnetIds'),
          ClusterName: outputOf('ClusterStack', 'ClusterName'),
          ECSTaskExecutionRole: outputOf('ClusterStack', 'ECSTaskExecutionRole'),
        },
      ],
    ])('passes %s exactly the parameters the seed passes', (id, parameters) => {
      expectResource(parent, id, 'AWS::CloudFormation::Stack', {
        Parameters: parameters === undefined ? Match.absent() : Match.objectEquals(parameters),
      });
    });

    it('outputs LoadBalancerUri from ServiceStack (the seed has no output)', () => {
      parent.hasOutput('LoadBalancerUri', { Value: outputOf('ServiceStack', 'LoadBalancerUri') });
    });
  });

  describeSeedResources(NESTED, STACKS);

  it.each([
    ['PublicRoute', ['GatewayAttachement']],
    ['NatGatewayOneAttachment', ['GatewayAttachement']],
    ['NatGatewayTwoAttachment', ['GatewayAttachement']],
  ])('%s waits for the gateway attachment, as in the seed', (id, dependsOn) => {
    expect(resourceOf(vpc, id).DependsOn).toEqual(dependsOn);
  });

  it('the service waits for the listener (a target group must be attached before a service uses it)', () => {
    expect(resourceOf(service, 'Service').DependsOn).toEqual(['PublicLoadBalancerListener']);
  });

  describe('nested stack interfaces', () => {
    it.each([
      ['VpcStack', []],
      ['ClusterStack', []],
      [
        'ServiceStack',
        ['ClusterName', 'ECSTaskExecutionRole', 'PrivateSubnetIds', 'PublicSubnetIds', 'VpcId'],
      ],
    ] as const)('%s declares exactly the seed parameters', (stack: StackId, names) => {
      expect(Object.keys(STACKS[stack].toJSON().Parameters ?? {}).sort()).toEqual(names);
    });

    it.each([
      ['VpcId', 'String'],
      ['PublicSubnetIds', 'List<AWS::EC2::Subnet::Id>'],
      ['PrivateSubnetIds', 'List<AWS::EC2::Subnet::Id>'],
      ['ClusterName', 'String'],
      ['ECSTaskExecutionRole', 'String'],
    ])('ServiceStack parameter %s is a %s', (name, type) => {
      service.hasParameter(name, { Type: type });
    });

    it.each([
      ['VpcStack', 'VpcId', ref('VPC')],
      [
        'VpcStack',
        'PublicSubnetIds',
        { 'Fn::Join': [',', [ref('PublicSubnetOne'), ref('PublicSubnetTwo')]] },
      ],
      [
        'VpcStack',
        'PrivateSubnetIds',
        { 'Fn::Join': [',', [ref('PrivateSubnetOne'), ref('PrivateSubnetTwo')]] },
      ],
      ['ClusterStack', 'ClusterName', ref('ECSCluster')],
      ['ClusterStack', 'ECSTaskExecutionRole', getAtt('ECSTaskExecutionRole', 'Arn')],
      [
        'ServiceStack',
        'LoadBalancerUri',
        { 'Fn::Join': ['', ['http://', getAtt('PublicLoadBalancer', 'DNSName')]] },
      ],
    ] as const)('%s outputs %s', (stack: StackId, name, value) => {
      STACKS[stack].hasOutput(name, { Value: value });
    });
  });
});

describe('deliberate tightenings over the public ALB seed', () => {
  it('opens the load balancer to the internet on tcp/80 only (seed: IpProtocol -1, every port)', () => {
    expectResource(service, 'PublicLoadBalancerSG', 'AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
      ],
    });
  });

  it('opens the service to the load balancer on tcp/80 only (seed: IpProtocol -1)', () => {
    expectResource(service, 'ServiceIngressfromLoadBalancer', 'AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      SourceSecurityGroupId: ref('PublicLoadBalancerSG'),
    });
  });

  it('drops requests with invalid header fields at the load balancer', () => {
    expectResource(service, 'PublicLoadBalancer', 'AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
  });

  it('keeps container logs 30 days (seed: forever)', () => {
    expectResource(service, 'LogGroup', 'AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('rolls a failing deployment back with the circuit breaker', () => {
    expectResource(service, 'Service', 'AWS::ECS::Service', {
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });
});

describe('options that change the shape', () => {
  describe('with a certificate', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    const https = templatesOf(loadBalancerPattern({ loadBalancer: { certificateArn } }).pattern);
    const httpsService = nestedTemplate(https, 'ServiceStack');

    it('adds an HTTPS listener on 443 that forwards to the target group', () => {
      expectResource(
        httpsService,
        'PublicLoadBalancerHttpsListener',
        'AWS::ElasticLoadBalancingV2::Listener',
        {
          Port: 443,
          Protocol: 'HTTPS',
          // AWS's current recommendation (docs/reference/aws-behavior-2.md §3.2)
          SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
          Certificates: [{ CertificateArn: certificateArn }],
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('ServiceTargetGroup'), Weight: 100 }] },
            },
          ],
        },
      );
    });

    it('turns the port 80 listener into a permanent redirect to HTTPS, keeping host, path and query', () => {
      expect(resourceOf(httpsService, 'PublicLoadBalancerListener').Properties).toEqual({
        LoadBalancerArn: ref('PublicLoadBalancer'),
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          {
            Type: 'redirect',
            RedirectConfig: {
              Protocol: 'HTTPS',
              Port: '443',
              Host: '#{host}',
              Path: '/#{path}',
              Query: '#{query}',
              StatusCode: 'HTTP_301',
            },
          },
        ],
      });
    });

    it('creates no certificate and no DNS record: the DNS of that name is managed elsewhere', () => {
      httpsService.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      httpsService.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    it('opens tcp/80 and tcp/443 to the internet, nothing else', () => {
      expectResource(httpsService, 'PublicLoadBalancerSG', 'AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [
          Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
          Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        ],
      });
    });

    it('the service waits for both listeners, and the URL is https', () => {
      expect(resourceOf(httpsService, 'Service').DependsOn).toEqual([
        'PublicLoadBalancerHttpsListener',
        'PublicLoadBalancerListener',
      ]);
      httpsService.hasOutput('LoadBalancerUri', {
        Value: { 'Fn::Join': ['', ['https://', getAtt('PublicLoadBalancer', 'DNSName')]] },
      });
    });
  });

  describe('natGateways: 1', () => {
    const single = nestedTemplate(
      templatesOf(loadBalancerPattern({ network: { profile: 'large', natGateways: 1 } }).pattern),
      'VpcStack',
    );

    it('creates one Elastic IP and one NAT gateway, in the first public subnet', () => {
      single.resourceCountIs('AWS::EC2::EIP', 1);
      single.resourceCountIs('AWS::EC2::NatGateway', 1);
      expectResource(single, 'NatGatewayOne', 'AWS::EC2::NatGateway', { SubnetId: ref('PublicSubnetOne') });
    });

    it.each(['One', 'Two'])('routes private route table %s to the internet through that gateway', (n) => {
      expectResource(single, `PrivateRoute${n}`, 'AWS::EC2::Route', {
        RouteTableId: ref(`PrivateRouteTable${n}`),
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: ref('NatGatewayOne'),
      });
    });
  });

  describe('natGateways: 0', () => {
    // Tasks in private subnets with neither NAT nor VPC endpoints could not pull their image.
    it('throws, naming network.natGateways and what is allowed', () => {
      expect(() => loadBalancerPattern({ network: { profile: 'large', natGateways: 0 } })).toThrow(
        /invalid prop 'network.natGateways': got 0.*allowed: 1 or 2/,
      );
    });
  });
});
