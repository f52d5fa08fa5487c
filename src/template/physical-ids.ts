/**
 * What `Ref` and `Fn::GetAtt` return for each resource type, with ids and ARNs shaped like AWS's
 * (same prefixes, lengths and ARN layouts), invented deterministically from the stack path and
 * logical id (see `generated-ids.ts`). When a resource sets its name property (`ClusterName`,
 * `ServiceName`, `Family`, `LogGroupName`, `RoleName`, `Name`, …) the name is used, as AWS does.
 * Return values follow the CloudFormation resource reference, "Return values" of each type:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
 *
 * Types not in the table get a generated `Ref`; their attributes, and attributes the table does
 * not list for a type it has, are answered from the CloudFormation resource schemas
 * (`schema-attributes.ts`, on `Fn::GetAtt` only). Custom resources
 * (`Custom::*`, `AWS::CloudFormation::CustomResource`) get a generated `Ref`; their attributes come
 * from a Lambda function Wharf does not run, so reading one is an error (raised by the caller).
 */

import { TASK_DEFINITION_KIND } from './ecs-task-definition-ids.js';
import { generatedName } from './generated-ids.js';
import { IPV6_KINDS, subnetIpv6CidrBlocks, vpcIpv6CidrBlocks } from './ipv6-ids.js';
import { LOAD_BALANCING_KINDS } from './load-balancer-ids.js';
import type { PlainValue } from './resolved.js';
import {
  type Attribute,
  arn,
  nameOf,
  own,
  prop,
  type ResourceContext,
  type ResourceKind,
  text,
} from './resource-kind.js';

export type { ResourceContext } from './resource-kind.js';

/** A kind whose `Ref` is `<prefix>-<17 hex>` and whose listed attributes return that id. */
function ec2(prefix: string, idAttributes: string[], more: Record<string, Attribute> = {}): ResourceKind {
  const id: Attribute = (ctx) => ctx.ref();
  return {
    ref: (ctx) => `${prefix}-${ctx.ids.hex(17)}`,
    attributes: { ...Object.fromEntries(idAttributes.map((name) => [name, id])), ...more },
  };
}

/** `us-east-1a` → `use1-az1`, the AZ-id shape. */
function zoneId(zone: string): string {
  const match = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!match) return `${zone}-az1`;
  const [, area, direction, number, letter] = match;
  return `${area}${direction[0]}${number}-az${letter.charCodeAt(0) - 96}`;
}

function clusterName(value: PlainValue | undefined): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return /:cluster\/(.+)$/.exec(value)?.[1] ?? value;
}

function cloudMapNamespace(hostedZone: boolean): ResourceKind {
  return {
    ref: (ctx) => `ns-${ctx.ids.lower(16)}`,
    attributes: {
      Id: own,
      Arn: (ctx) => arn(ctx, 'servicediscovery', `namespace/${ctx.ref()}`),
      ...(hostedZone ? { HostedZoneId: (ctx: ResourceContext) => `Z${ctx.ids.upper(20, 'zone')}` } : {}),
    },
  };
}

/** API Gateway ids: `length` lowercase letters and digits. */
function apiGatewayId(length: number, idAttribute: string): ResourceKind {
  return { ref: (ctx) => ctx.ids.lower(length), attributes: { [idAttribute]: own } };
}

function customResource(): ResourceKind {
  return { ref: (ctx) => generatedName(ctx.stackName, ctx.logicalId, ctx.ids), attributes: {} };
}

const NESTED_STACK: ResourceKind = {
  ref: (ctx) =>
    ctx.nestedStackId?.() ??
    arn(
      ctx,
      'cloudformation',
      `stack/${generatedName(ctx.stackName, ctx.logicalId, ctx.ids)}/${ctx.ids.uuid()}`,
    ),
  attributes: {},
};

const KINDS: Record<string, ResourceKind> = {
  'AWS::EC2::VPC': ec2('vpc', ['VpcId'], {
    CidrBlock: prop('CidrBlock'),
    CidrBlockAssociations: (ctx) => [`vpc-cidr-assoc-${ctx.ids.hex(17, 'cidr-assoc')}`],
    DefaultNetworkAcl: (ctx) => `acl-${ctx.ids.hex(17, 'default-acl')}`,
    DefaultSecurityGroup: (ctx) => `sg-${ctx.ids.hex(17, 'default-sg')}`,
    Ipv6CidrBlocks: vpcIpv6CidrBlocks,
  }),
  'AWS::EC2::Subnet': ec2('subnet', ['SubnetId'], {
    AvailabilityZone: (ctx) => ctx.property('AvailabilityZone') ?? ctx.environment.availabilityZones[0],
    AvailabilityZoneId: (ctx) =>
      text(ctx, 'AvailabilityZoneId') ??
      zoneId(text(ctx, 'AvailabilityZone') ?? ctx.environment.availabilityZones[0]),
    CidrBlock: prop('CidrBlock'),
    Ipv6CidrBlocks: subnetIpv6CidrBlocks,
    NetworkAclAssociationId: (ctx) => `aclassoc-${ctx.ids.hex(17, 'acl-assoc')}`,
    OutpostArn: () => '',
    VpcId: prop('VpcId'),
  }),
  'AWS::EC2::SecurityGroup': {
    ref: (ctx) =>
      ctx.property('VpcId') === undefined ? nameOf(ctx, 'GroupName') : `sg-${ctx.ids.hex(17, 'group-id')}`,
    attributes: {
      GroupId: (ctx) => `sg-${ctx.ids.hex(17, 'group-id')}`,
      VpcId: prop('VpcId'),
    },
  },
  'AWS::EC2::SecurityGroupIngress': ec2('sgr', ['Id']),
  'AWS::EC2::SecurityGroupEgress': ec2('sgr', ['Id']),
  'AWS::EC2::InternetGateway': ec2('igw', ['InternetGatewayId']),
  'AWS::EC2::EgressOnlyInternetGateway': ec2('eigw', ['Id']),
  'AWS::EC2::NatGateway': ec2('nat', ['NatGatewayId']),
  'AWS::EC2::EIP': {
    ref: (ctx) => ctx.ids.publicIp(),
    attributes: { PublicIp: own, AllocationId: (ctx) => `eipalloc-${ctx.ids.hex(17, 'allocation')}` },
  },
  'AWS::EC2::RouteTable': ec2('rtb', ['RouteTableId']),
  'AWS::EC2::Route': {
    ref: (ctx) =>
      `${text(ctx, 'RouteTableId') ?? 'rtb'}|${text(ctx, 'DestinationCidrBlock') ?? text(ctx, 'DestinationIpv6CidrBlock') ?? ''}`,
    attributes: { CidrBlock: prop('DestinationCidrBlock') },
  },
  'AWS::EC2::VPCGatewayAttachment': {
    ref: (ctx) => `IGW|${text(ctx, 'VpcId') ?? ''}`,
    attributes: {},
  },
  'AWS::EC2::SubnetRouteTableAssociation': ec2('rtbassoc', ['Id']),
  'AWS::EC2::NetworkAcl': ec2('acl', ['Id']),
  'AWS::EC2::VPCEndpoint': ec2('vpce', ['Id'], {
    DnsEntries: () => [],
    NetworkInterfaceIds: () => [],
  }),
  'AWS::EC2::NetworkInterface': ec2('eni', ['Id'], {
    PrimaryPrivateIpAddress: () => '10.0.0.10',
  }),
  'AWS::EC2::FlowLog': ec2('fl', ['Id']),

  'AWS::ECS::Cluster': {
    ref: (ctx) => nameOf(ctx, 'ClusterName'),
    attributes: { Arn: (ctx) => arn(ctx, 'ecs', `cluster/${ctx.ref()}`) },
  },
  'AWS::ECS::TaskDefinition': TASK_DEFINITION_KIND,
  'AWS::ECS::Service': {
    ref: (ctx) =>
      arn(ctx, 'ecs', `service/${clusterName(ctx.property('Cluster'))}/${nameOf(ctx, 'ServiceName')}`),
    attributes: { Name: (ctx) => nameOf(ctx, 'ServiceName'), ServiceArn: own },
  },
  'AWS::ECS::CapacityProvider': { ref: (ctx) => nameOf(ctx, 'Name'), attributes: {} },
  'AWS::ECS::ClusterCapacityProviderAssociations': {
    ref: (ctx) => text(ctx, 'Cluster') ?? 'default',
    attributes: {},
  },

  'AWS::ServiceDiscovery::PrivateDnsNamespace': cloudMapNamespace(true),
  'AWS::ServiceDiscovery::PublicDnsNamespace': cloudMapNamespace(true),
  'AWS::ServiceDiscovery::HttpNamespace': cloudMapNamespace(false),
  'AWS::ServiceDiscovery::Service': {
    ref: (ctx) => `srv-${ctx.ids.lower(16)}`,
    attributes: {
      Id: own,
      Arn: (ctx) => arn(ctx, 'servicediscovery', `service/${ctx.ref()}`),
      Name: (ctx) => nameOf(ctx, 'Name'),
    },
  },
  'AWS::ServiceDiscovery::Instance': {
    ref: (ctx) => text(ctx, 'InstanceId') ?? ctx.ids.lower(16),
    attributes: {},
  },

  'AWS::ApiGatewayV2::Api': {
    ref: (ctx) => ctx.ids.lower(10),
    attributes: {
      ApiId: own,
      ApiEndpoint: (ctx) => {
        const scheme = text(ctx, 'ProtocolType') === 'WEBSOCKET' ? 'wss' : 'https';
        return `${scheme}://${ctx.ref()}.execute-api.${ctx.environment.region}.${ctx.environment.urlSuffix}`;
      },
    },
  },
  'AWS::ApiGatewayV2::Stage': { ref: (ctx) => nameOf(ctx, 'StageName'), attributes: {} },
  'AWS::ApiGatewayV2::Route': apiGatewayId(7, 'RouteId'),
  'AWS::ApiGatewayV2::Integration': apiGatewayId(7, 'IntegrationId'),
  'AWS::ApiGatewayV2::VpcLink': apiGatewayId(7, 'VpcLinkId'),
  'AWS::ApiGatewayV2::Authorizer': apiGatewayId(6, 'AuthorizerId'),
  'AWS::ApiGatewayV2::Deployment': apiGatewayId(6, 'DeploymentId'),
  'AWS::ApiGatewayV2::ApiMapping': apiGatewayId(6, 'ApiMappingId'),
  'AWS::ApiGatewayV2::DomainName': {
    ref: (ctx) => nameOf(ctx, 'DomainName'),
    attributes: {
      RegionalDomainName: (ctx) =>
        `d-${ctx.ids.lower(10)}.execute-api.${ctx.environment.region}.${ctx.environment.urlSuffix}`,
      RegionalHostedZoneId: (ctx) => `Z${ctx.ids.upper(13, 'zone')}`,
    },
  },

  ...LOAD_BALANCING_KINDS,
  ...IPV6_KINDS,

  'AWS::IAM::Role': {
    ref: (ctx) => nameOf(ctx, 'RoleName', 64),
    attributes: {
      Arn: (ctx) => arn(ctx, 'iam', `role${text(ctx, 'Path') ?? '/'}${ctx.ref()}`, false),
      RoleId: (ctx) => `AROA${ctx.ids.upper(17, 'role-id')}`,
    },
  },
  'AWS::IAM::Policy': { ref: (ctx) => nameOf(ctx, 'PolicyName', 128), attributes: { Id: own } },
  'AWS::IAM::ManagedPolicy': {
    ref: (ctx) =>
      arn(ctx, 'iam', `policy${text(ctx, 'Path') ?? '/'}${nameOf(ctx, 'ManagedPolicyName', 128)}`, false),
    attributes: { PolicyArn: own, PolicyId: (ctx) => `ANPA${ctx.ids.upper(17, 'policy-id')}` },
  },
  'AWS::IAM::InstanceProfile': {
    ref: (ctx) => nameOf(ctx, 'InstanceProfileName', 128),
    attributes: {
      Arn: (ctx) => arn(ctx, 'iam', `instance-profile${text(ctx, 'Path') ?? '/'}${ctx.ref()}`, false),
    },
  },
  'AWS::Logs::LogGroup': {
    ref: (ctx) => nameOf(ctx, 'LogGroupName', 512),
    attributes: { Arn: (ctx) => arn(ctx, 'logs', `log-group:${ctx.ref()}:*`) },
  },
  'AWS::KMS::Key': {
    ref: (ctx) => ctx.ids.uuid('key-id'),
    attributes: { KeyId: own, Arn: (ctx) => arn(ctx, 'kms', `key/${ctx.ref()}`) },
  },
  'AWS::KMS::Alias': { ref: (ctx) => nameOf(ctx, 'AliasName'), attributes: {} },
  'AWS::SecretsManager::Secret': {
    ref: (ctx) =>
      arn(ctx, 'secretsmanager', `secret:${nameOf(ctx, 'Name', 256)}-${ctx.ids.mixed(6, 'secret')}`),
    attributes: { Id: own },
  },
  'AWS::SSM::Parameter': {
    ref: (ctx) => text(ctx, 'Name') ?? `CFN-${ctx.logicalId}-${ctx.ids.upper(12, 'name')}`,
    attributes: { Type: prop('Type'), Value: prop('Value') },
  },
  'AWS::S3::Bucket': {
    ref: (ctx) =>
      text(ctx, 'BucketName') ?? generatedName(ctx.stackName, ctx.logicalId, ctx.ids, 63).toLowerCase(),
    attributes: {
      Arn: (ctx) => `arn:${ctx.environment.partition}:s3:::${ctx.ref()}`,
      DomainName: (ctx) => `${ctx.ref()}.s3.${ctx.environment.urlSuffix}`,
      RegionalDomainName: (ctx) => `${ctx.ref()}.s3.${ctx.environment.region}.${ctx.environment.urlSuffix}`,
    },
  },
  'AWS::SNS::Topic': {
    ref: (ctx) => arn(ctx, 'sns', nameOf(ctx, 'TopicName', 256)),
    attributes: { TopicArn: own, TopicName: (ctx) => nameOf(ctx, 'TopicName', 256) },
  },
  'AWS::SQS::Queue': {
    ref: (ctx) =>
      `https://sqs.${ctx.environment.region}.${ctx.environment.urlSuffix}/${ctx.environment.accountId}/${nameOf(ctx, 'QueueName', 80)}`,
    attributes: {
      Arn: (ctx) => arn(ctx, 'sqs', nameOf(ctx, 'QueueName', 80)),
      QueueName: (ctx) => nameOf(ctx, 'QueueName', 80),
      QueueUrl: own,
    },
  },
  'AWS::Lambda::Function': {
    ref: (ctx) => nameOf(ctx, 'FunctionName', 64),
    attributes: { Arn: (ctx) => arn(ctx, 'lambda', `function:${ctx.ref()}`) },
  },
  'AWS::ECR::Repository': {
    ref: (ctx) =>
      text(ctx, 'RepositoryName') ?? generatedName(ctx.stackName, ctx.logicalId, ctx.ids).toLowerCase(),
    attributes: {
      Arn: (ctx) => arn(ctx, 'ecr', `repository/${ctx.ref()}`),
      RepositoryUri: (ctx) =>
        `${ctx.environment.accountId}.dkr.ecr.${ctx.environment.region}.${ctx.environment.urlSuffix}/${ctx.ref()}`,
    },
  },
  // Ref is "the name of the record": the Name property as written (a trailing dot is kept; Route 53
  // treats a name with and without it as the same); Id is the change id. aws-behavior-2.md §12.2
  'AWS::Route53::RecordSet': {
    ref: (ctx) => nameOf(ctx, 'Name'),
    attributes: { Id: (ctx) => `C${ctx.ids.upper(13, 'change')}` },
  },
  'AWS::CertificateManager::Certificate': {
    ref: (ctx) => arn(ctx, 'acm', `certificate/${ctx.ids.uuid('certificate')}`),
    attributes: {},
  },
  'AWS::CloudFormation::Stack': NESTED_STACK,
  'AWS::Serverless::Application': NESTED_STACK,
  'AWS::CDK::Metadata': { ref: (ctx) => ctx.ids.uuid('metadata'), attributes: {} },
  'AWS::CloudFormation::WaitConditionHandle': {
    ref: (ctx) =>
      `https://cloudformation-waitcondition-${ctx.environment.region}.s3.${ctx.environment.urlSuffix}/${ctx.ids.hex(32)}`,
    attributes: {},
  },
};

const UNKNOWN: ResourceKind = customResource();

/** True for `Custom::*` and `AWS::CloudFormation::CustomResource`. */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** True for resource types whose template is a nested stack. */
export function isNestedStack(type: string): boolean {
  return type === 'AWS::CloudFormation::Stack' || type === 'AWS::Serverless::Application';
}

/** True when Wharf knows the type's `Ref` and attributes (false: generated `Ref`, no attributes). */
export function isKnownType(type: string): boolean {
  return Object.hasOwn(KINDS, type);
}

/** What `Ref` of the resource returns. */
export function physicalRef(ctx: ResourceContext): string {
  return (KINDS[ctx.type] ?? UNKNOWN).ref(ctx);
}

/** The `Fn::GetAtt` attribute names Wharf generates for a type (nested-stack outputs excluded). */
export function attributeNames(type: string): readonly string[] {
  return Object.keys((KINDS[type] ?? UNKNOWN).attributes);
}

/** An attribute's value; `undefined` when Wharf does not know the attribute for this type. */
export function physicalAttribute(ctx: ResourceContext, name: string): PlainValue | undefined {
  const attribute = (KINDS[ctx.type] ?? UNKNOWN).attributes[name];
  return attribute?.(ctx);
}
