/**
 * ApiGatewayFargateService with defaults reproduces the seed "api-gateway-fargate-cloudformation"
 * (parent.yml, vpc.yml = low-cost VPC, cluster.yml, service.yml, api-gateway.yml): same nested
 * stacks, same parameter wiring, same logical ids, types and property values; then the deliberate
 * tightenings Wharf makes on top of the seed.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  apiGatewayPattern,
  describeSeedResources,
  expectResource,
  getAtt,
  nestedTemplate,
  ref,
  resourceIds,
  resourceOf,
  SEED_CLUSTER_CORE,
  SEED_LOG_CONFIGURATION,
  SEED_LOW_COST_VPC,
  type SeedResource,
  templatesOf,
} from './support.js';

// Template synthesis runs CDK's CloudFormation validation unless this is 'false'; one test below
// turns it back on for the example app.
process.env.CDK_VALIDATION = 'false';

const { pattern } = apiGatewayPattern();
const templates = templatesOf(pattern);
const parent = templates.parent;
const vpc = nestedTemplate(templates, 'VpcStack');
const cluster = nestedTemplate(templates, 'ClusterStack');
const service = nestedTemplate(templates, 'ServiceStack');
const apiGateway = nestedTemplate(templates, 'ApiGatewayStack');
const STACKS = { VpcStack: vpc, ClusterStack: cluster, ServiceStack: service, ApiGatewayStack: apiGateway };
type StackId = keyof typeof STACKS;

/** One seed resource: [logical id, type, properties the seed sets]. */

const SEED_CLUSTER: readonly SeedResource[] = [
  ...SEED_CLUSTER_CORE,
  [
    'ServiceDiscoveryNamespace',
    'AWS::ServiceDiscovery::PrivateDnsNamespace',
    { Name: 'internal', Vpc: ref('VpcId') },
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
      ContainerDefinitions: [
        {
          Name: 'web',
          Cpu: 256,
          Memory: 512,
          Image: 'public.ecr.aws/docker/library/nginx:latest',
          PortMappings: [{ ContainerPort: 80, HostPort: 80 }],
          HealthCheck: {
            Command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
            Interval: 5,
            Retries: 2,
            Timeout: 3,
          },
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
          AssignPublicIp: 'ENABLED',
          SecurityGroups: [ref('ServiceSecurityGroup')],
          Subnets: ref('PublicSubnetIds'),
        },
      },
      DeploymentConfiguration: { MaximumPercent: 200, MinimumHealthyPercent: 75 },
      DesiredCount: 2,
      TaskDefinition: ref('TaskDefinition'),
      ServiceRegistries: [{ RegistryArn: getAtt('ServiceDiscoveryService', 'Arn'), Port: 80 }],
    },
  ],
  ['ServiceSecurityGroup', 'AWS::EC2::SecurityGroup', { VpcId: ref('VpcId') }],
  [
    'ServiceDiscoveryService',
    'AWS::ServiceDiscovery::Service',
    {
      Name: 'web',
      DnsConfig: { NamespaceId: ref('ServiceDiscoveryNamespaceId'), DnsRecords: [{ TTL: 0, Type: 'SRV' }] },
    },
  ],
  ['LogGroup', 'AWS::Logs::LogGroup', {}],
];

const SEED_API_GATEWAY: readonly SeedResource[] = [
  ['ApiGateway', 'AWS::ApiGatewayV2::Api', { Name: 'fargate-api-gateway', ProtocolType: 'HTTP' }],
  [
    'ApiGatewayVpcLink',
    'AWS::ApiGatewayV2::VpcLink',
    {
      Name: 'fargate-vpc-link',
      SecurityGroupIds: [ref('ApiGatewaySecurityGroup')],
      SubnetIds: ref('PublicSubnetIds'),
    },
  ],
  [
    'ApiGatewayVpcLinkIntegration',
    'AWS::ApiGatewayV2::Integration',
    {
      ApiId: ref('ApiGateway'),
      ConnectionId: ref('ApiGatewayVpcLink'),
      ConnectionType: 'VPC_LINK',
      IntegrationType: 'HTTP_PROXY',
      IntegrationUri: ref('ServiceDiscoveryServiceArn'),
      PayloadFormatVersion: '1.0',
      IntegrationMethod: 'ANY',
    },
  ],
  [
    'ApiGatewayStage',
    'AWS::ApiGatewayV2::Stage',
    {
      ApiId: ref('ApiGateway'),
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { DetailedMetricsEnabled: true },
      AccessLogSettings: { DestinationArn: getAtt('LogGroup', 'Arn'), Format: Match.anyValue() },
    },
  ],
  [
    'ApiGatewayRoute',
    'AWS::ApiGatewayV2::Route',
    {
      ApiId: ref('ApiGateway'),
      RouteKey: '$default',
      Target: { 'Fn::Join': ['', ['integrations/', ref('ApiGatewayVpcLinkIntegration')]] },
    },
  ],
  ['LogGroup', 'AWS::Logs::LogGroup', {}],
  ['ApiGatewaySecurityGroup', 'AWS::EC2::SecurityGroup', { VpcId: ref('VpcId') }],
  [
    'ServiceIngressFromApiGateway',
    'AWS::EC2::SecurityGroupIngress',
    { GroupId: ref('ServiceSecurityGroup'), SourceSecurityGroupId: ref('ApiGatewaySecurityGroup') },
  ],
];

const NESTED: readonly { name: string; stack: StackId; seed: readonly SeedResource[] }[] = [
  { name: 'VpcStack (seed vpc.yml, the low-cost VPC)', stack: 'VpcStack', seed: SEED_LOW_COST_VPC },
  { name: 'ClusterStack (seed cluster.yml)', stack: 'ClusterStack', seed: SEED_CLUSTER },
  { name: 'ServiceStack (seed service.yml)', stack: 'ServiceStack', seed: SEED_SERVICE },
  { name: 'ApiGatewayStack (seed api-gateway.yml)', stack: 'ApiGatewayStack', seed: SEED_API_GATEWAY },
];

describe('ApiGatewayFargateService with defaults reproduces the API Gateway seed', () => {
  describe('parent stack (seed parent.yml)', () => {
    it('has exactly the nested stacks VpcStack, ClusterStack, ServiceStack and ApiGatewayStack', () => {
      parent.resourceCountIs('AWS::CloudFormation::Stack', 4);
      expect(resourceIds(parent)).toEqual(['ApiGatewayStack', 'ClusterStack', 'ServiceStack', 'VpcStack']);
    });

    const outputOf = (stack: string, name: string) => getAtt(stack, `Outputs.${name}`);
    it.each([
      ['VpcStack', undefined],
      ['ClusterStack', { VpcId: outputOf('VpcStack', 'VpcId') }],
      [
        'ServiceStack',
        {
          VpcId: outputOf('VpcStack', 'VpcId'),
          PublicSubnetIds: outputOf('VpcStack', 'PublicSubnetIds'),
          ClusterName: outputOf('ClusterStack', 'ClusterName'),
          ECSTaskExecutionRole: outputOf('ClusterStack', 'ECSTaskExecutionRole'),
          ServiceDiscoveryNamespaceId: outputOf('ClusterStack', 'ServiceDiscoveryNamespaceId'),
        },
      ],
      [
        'ApiGatewayStack',
        {
          VpcId: outputOf('VpcStack', 'VpcId'),
          PublicSubnetIds: outputOf('VpcStack', 'PublicSubnetIds'),
          ServiceSecurityGroup: outputOf('ServiceStack', 'ServiceSecurityGroup'),
          ServiceDiscoveryServiceArn: outputOf('ServiceStack', 'ServiceDiscoveryServiceArn'),
        },
      ],
    ])('passes %s exactly the parameters the seed passes', (id, parameters) => {
      expectResource(parent, id, 'AWS::CloudFormation::Stack', {
        Parameters: parameters === undefined ? Match.absent() : Match.objectEquals(parameters),
      });
    });

    it('outputs ApiGatewayUri from ApiGatewayStack', () => {
      parent.hasOutput('ApiGatewayUri', { Value: outputOf('ApiGatewayStack', 'ApiGatewayUri') });
    });
  });

  describeSeedResources(NESTED, STACKS);

  it('the public route waits for the gateway attachment, as in the seed', () => {
    expect(resourceOf(vpc, 'PublicRoute').DependsOn).toEqual(['GatewayAttachement']);
  });

  it('the stage writes the seed access-log fields as one JSON object per request', () => {
    const stage = resourceOf(apiGateway, 'ApiGatewayStage') as {
      Properties: { AccessLogSettings: { Format: string } };
    };
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toEqual({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.identity.caller',
      user: '$context.identity.user',
      requestTime: '$context.requestTime',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
  });

  describe('nested stack interfaces (parameters and outputs named as in the seed)', () => {
    const STRING = 'String';
    const SUBNETS = 'List<AWS::EC2::Subnet::Id>';
    it.each([
      ['ClusterStack', 'VpcId', STRING],
      ['ServiceStack', 'VpcId', STRING],
      ['ServiceStack', 'PublicSubnetIds', SUBNETS],
      ['ServiceStack', 'ClusterName', STRING],
      ['ServiceStack', 'ECSTaskExecutionRole', STRING],
      ['ServiceStack', 'ServiceDiscoveryNamespaceId', STRING],
      ['ApiGatewayStack', 'VpcId', STRING],
      ['ApiGatewayStack', 'PublicSubnetIds', SUBNETS],
      ['ApiGatewayStack', 'ServiceSecurityGroup', STRING],
      ['ApiGatewayStack', 'ServiceDiscoveryServiceArn', STRING],
    ] as const)('%s declares parameter %s of type %s', (stack: StackId, name, type) => {
      STACKS[stack].hasParameter(name, { Type: type });
    });

    it.each([
      ['VpcStack', []],
      ['ClusterStack', ['VpcId']],
      [
        'ServiceStack',
        ['ClusterName', 'ECSTaskExecutionRole', 'PublicSubnetIds', 'ServiceDiscoveryNamespaceId', 'VpcId'],
      ],
      ['ApiGatewayStack', ['PublicSubnetIds', 'ServiceDiscoveryServiceArn', 'ServiceSecurityGroup', 'VpcId']],
    ] as const)('%s declares no parameters beyond the seed ones', (stack: StackId, names) => {
      expect(Object.keys(STACKS[stack].toJSON().Parameters ?? {}).sort()).toEqual(names);
    });

    it.each([
      ['VpcStack', 'VpcId', ref('VPC')],
      [
        'VpcStack',
        'PublicSubnetIds',
        { 'Fn::Join': [',', [ref('PublicSubnetOne'), ref('PublicSubnetTwo')]] },
      ],
      ['ClusterStack', 'ClusterName', ref('ECSCluster')],
      ['ClusterStack', 'ECSTaskExecutionRole', getAtt('ECSTaskExecutionRole', 'Arn')],
      ['ClusterStack', 'ServiceDiscoveryNamespaceId', ref('ServiceDiscoveryNamespace')],
      ['ServiceStack', 'ServiceSecurityGroup', ref('ServiceSecurityGroup')],
      ['ServiceStack', 'ServiceDiscoveryServiceArn', getAtt('ServiceDiscoveryService', 'Arn')],
      ['ApiGatewayStack', 'ApiGatewayUri', getAtt('ApiGateway', 'ApiEndpoint')],
    ] as const)('%s outputs %s', (stack: StackId, name, value) => {
      STACKS[stack].hasOutput(name, { Value: value });
    });
  });
});

describe('deliberate tightenings over the API Gateway seed', () => {
  it('opens the service to the VPC link on tcp/80 only (seed: IpProtocol -1, every port)', () => {
    expectResource(apiGateway, 'ServiceIngressFromApiGateway', 'AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
    });
  });

  it.each(['ServiceStack', 'ApiGatewayStack'] as const)(
    'keeps the LogGroup of %s 30 days (seed: forever)',
    (stack) => {
      expectResource(STACKS[stack], 'LogGroup', 'AWS::Logs::LogGroup', { RetentionInDays: 30 });
    },
  );

  it('rolls a failing deployment back with the circuit breaker', () => {
    expectResource(service, 'Service', 'AWS::ECS::Service', {
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    });
  });

  it('lets Cloud Map return only tasks ECS reports healthy (HealthCheckCustomConfig)', () => {
    expectResource(service, 'ServiceDiscoveryService', 'AWS::ServiceDiscovery::Service', {
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
  });

  it('passes the execution role ARN (GetAtt Arn), not its name (seed: Ref)', () => {
    cluster.hasOutput('ECSTaskExecutionRole', { Value: getAtt('ECSTaskExecutionRole', 'Arn') });
    expectResource(service, 'TaskDefinition', 'AWS::ECS::TaskDefinition', {
      ExecutionRoleArn: ref('ECSTaskExecutionRole'),
    });
  });
});

describe('the pattern with its defaults (the api-gateway-fargate example)', () => {
  it('synthesizes with CloudFormation validation on', () => {
    const { app } = apiGatewayPattern();
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const assembly = app.synth();
      const parentTemplate = assembly.getStackByName('ApiGatewayFargate').template as {
        Resources: Record<string, { Type: string }>;
      };
      expect(Object.values(parentTemplate.Resources).map((r) => r.Type)).toEqual(
        Array(4).fill('AWS::CloudFormation::Stack'),
      );
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = saved;
    }
  });
});
