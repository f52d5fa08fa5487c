/**
 * Values for the `Fn::GetAtt` attributes Wharf does not model (`physical-ids.ts` has no entry),
 * shaped like AWS's from the attribute's name, its resource type and the value type the resource
 * schema declares (`resource-schemas.ts`): ARNs with the service's ARN namespace and a resource
 * path, ids with the prefix AWS gives them (`fs-…`, `lt-…`), names, endpoints, version numbers,
 * numbers as numbers, lists with one element so `Fn::Select [0, …]` works. An attribute that is
 * also a property the resource sets returns that property, as AWS does.
 *
 * Every value is deterministic (seeded by the stack path, logical id and attribute name) and names
 * nothing that exists: the caller reports where such a value reaches something that runs locally.
 * ARN layouts follow the Service Authorization Reference, "Resource types defined by …":
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */

import type { PlainValue } from './resolved.js';
import { arn, type ResourceContext, text } from './resource-kind.js';
import type { AttributeValueType } from './resource-schemas.js';

/** CloudFormation service names whose ARN namespace is not the name in lower case. */
const ARN_NAMESPACES: Readonly<Record<string, string>> = {
  ApiGateway: 'apigateway',
  ApiGatewayV2: 'apigateway',
  ApplicationAutoScaling: 'application-autoscaling',
  AutoScaling: 'autoscaling',
  CertificateManager: 'acm',
  Cognito: 'cognito-idp',
  EFS: 'elasticfilesystem',
  ElasticLoadBalancing: 'elasticloadbalancing',
  ElasticLoadBalancingV2: 'elasticloadbalancing',
  KinesisFirehose: 'firehose',
  OpenSearchService: 'es',
  Elasticsearch: 'es',
  StepFunctions: 'states',
  Scheduler: 'scheduler',
  EventSchemas: 'schemas',
};

/** Services whose ARNs carry no region (IAM, Route 53, CloudFront, Organizations). */
const GLOBAL_SERVICES = new Set(['iam', 'route53', 'cloudfront', 'organizations', 'waf']);

/** EFS ids, whose attribute names other services use for ids without a prefix. */
const EFS_ID_PREFIXES: Readonly<Record<string, string>> = {
  AccessPointId: 'fsap',
  FileSystemId: 'fs',
  MountTargetId: 'fsmt',
};

/** `<Resource>Id`-style attributes whose ids carry a prefix (EC2's and others'), and that prefix. */
const ID_PREFIXES: Readonly<Record<string, string>> = {
  AllocationId: 'eipalloc',
  AssociationId: 'eipassoc',
  CarrierGatewayId: 'cagw',
  CustomerGatewayId: 'cgw',
  DhcpOptionsId: 'dopt',
  FlowLogId: 'fl',
  ImageId: 'ami',
  InstanceId: 'i',
  InternetGatewayId: 'igw',
  IpamId: 'ipam',
  IpamPoolId: 'ipam-pool',
  KeyPairId: 'key',
  LaunchTemplateId: 'lt',
  LocalGatewayId: 'lgw',
  NatGatewayId: 'nat',
  NetworkAclId: 'acl',
  NetworkInterfaceId: 'eni',
  PlacementGroupId: 'pg',
  PrefixListId: 'pl',
  RouteTableId: 'rtb',
  SecurityGroupId: 'sg',
  SnapshotId: 'snap',
  SubnetId: 'subnet',
  TransitGatewayAttachmentId: 'tgw-attach',
  TransitGatewayId: 'tgw',
  TransitGatewayRouteTableId: 'tgw-rtb',
  VolumeId: 'vol',
  VpcEndpointId: 'vpce',
  VpcId: 'vpc',
  VpcPeeringConnectionId: 'pcx',
  VpnConnectionId: 'vpn',
  VpnGatewayId: 'vgw',
};

/** Resource paths of ARNs the generic `<kebab-type>/<id>` rule does not give. */
const ARN_PATHS: Readonly<Record<string, (ctx: ResourceContext, id: string) => string>> = {
  'AWS::Signer::SigningProfile': (_ctx, id) => `/signing-profiles/${id}`,
  'AWS::StepFunctions::StateMachine': (_ctx, id) => `stateMachine:${id}`,
  'AWS::StepFunctions::Activity': (_ctx, id) => `activity:${id}`,
  'AWS::Lambda::Function': (_ctx, id) => `function:${id}`,
  'AWS::Lambda::LayerVersion': (_ctx, id) => `layer:${id}:1`,
  'AWS::Lambda::Version': (_ctx, id) => `function:${id}:1`,
  'AWS::Lambda::Alias': (_ctx, id) => `function:${id}:live`,
  'AWS::Logs::LogGroup': (_ctx, id) => `log-group:${id}:*`,
  'AWS::Logs::LogStream': (_ctx, id) => `log-group:${id}:log-stream:${id}`,
  'AWS::SQS::Queue': (_ctx, id) => id,
  'AWS::SNS::Topic': (_ctx, id) => id,
  'AWS::SecretsManager::Secret': (ctx, id) => `secret:${id}-${ctx.ids.mixed(6, 'secret')}`,
  'AWS::SSM::Parameter': (_ctx, id) => `parameter/${id.replace(/^\//, '')}`,
  'AWS::KMS::Key': (ctx) => `key/${ctx.ids.uuid('key-id')}`,
  'AWS::KMS::ReplicaKey': (ctx) => `key/mrk-${ctx.ids.hex(32, 'key-id')}`,
  'AWS::ECS::TaskDefinition': (_ctx, id) => `task-definition/${id}:1`,
  'AWS::CloudWatch::Alarm': (_ctx, id) => `alarm:${id}`,
  'AWS::S3::AccessPoint': (_ctx, id) => `accesspoint/${id}`,
};

const FIXED_TIME = '2025-01-01T00:00:00.000Z';

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** `AWS::EFS::FileSystem` → `{ service: 'EFS', resource: 'FileSystem' }`. */
function typeParts(type: string): { service: string; resource: string } {
  const [, service = 'Unknown', resource = 'Resource'] = type.split('::');
  return { service, resource };
}

/** The ARN namespace of a type's service (`AWS::EFS::…` → `elasticfilesystem`). */
export function arnNamespace(type: string): string {
  const { service } = typeParts(type);
  return ARN_NAMESPACES[service] ?? service.toLowerCase();
}

/** The id prefix of an `…Id` attribute of `type`, if its ids carry one. */
function idPrefix(type: string, attribute: string): string | undefined {
  if (typeParts(type).service === 'EFS' && EFS_ID_PREFIXES[attribute]) return EFS_ID_PREFIXES[attribute];
  return ID_PREFIXES[attribute];
}

/** A property, or a dotted path into one, as the resource sets it. */
function declared(ctx: ResourceContext, name: string): PlainValue | undefined {
  const [head, ...rest] = name.split('.');
  let value = ctx.property(head);
  for (const key of rest) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? value[key] : undefined;
  }
  return value;
}

/** The id that names the resource in its ARN: its `<Resource>Id` (prefixed) or its name or `Ref`. */
function identity(ctx: ResourceContext): string {
  const { resource } = typeParts(ctx.type);
  const prefix = idPrefix(ctx.type, `${resource}Id`);
  if (prefix) return text(ctx, `${resource}Id`) ?? `${prefix}-${ctx.ids.hex(17, 'schema-id')}`;
  return text(ctx, `${resource}Name`) ?? text(ctx, 'Name') ?? ctx.ref();
}

/** The resource's own ARN: `arn:<partition>:<namespace>:<region>:<account>:<path>`. */
function ownArn(ctx: ResourceContext): string {
  const namespace = arnNamespace(ctx.type);
  const id = identity(ctx);
  const path = ARN_PATHS[ctx.type]?.(ctx, id) ?? `${kebab(typeParts(ctx.type).resource)}/${id}`;
  if (ctx.type === 'AWS::S3::Bucket') return `arn:${ctx.environment.partition}:s3:::${id}`;
  return arn(ctx, namespace, path, !GLOBAL_SERVICES.has(namespace));
}

function inventArn(ctx: ResourceContext, name: string): string {
  const { service, resource } = typeParts(ctx.type);
  const last = name.replace(/^.*\./, '');
  if (last === 'Arn' || last === 'ArnForPolicy' || last === `${resource}Arn`) return ownArn(ctx);
  const what = last.replace(/(Arn|ARN)$/, '');
  if (what === 'Stream' || what === 'LatestStream')
    return `${ownArn(ctx)}/stream/${FIXED_TIME.replace('Z', '')}`;
  if (what.endsWith('Version')) return `${ownArn(ctx)}/${ctx.ids.lower(10, 'version')}`;
  // The ARN of another resource of the same service (a Lambda URL's FunctionArn).
  const namespace = arnNamespace(ctx.type);
  const id = ctx.ids.lower(12, `arn:${name}`);
  const path = ARN_PATHS[`AWS::${service}::${what}`]?.(ctx, id) ?? `${kebab(what)}/${id}`;
  return arn(ctx, namespace, path, !GLOBAL_SERVICES.has(namespace));
}

function inventId(ctx: ResourceContext, name: string): string {
  const last = name.replace(/^.*\./, '');
  const { resource } = typeParts(ctx.type);
  if (last === 'Id' || last === `${resource}Id`) return identity(ctx);
  const prefix = idPrefix(ctx.type, last);
  if (prefix) return `${prefix}-${ctx.ids.hex(17, `id:${name}`)}`;
  return ctx.ids.lower(12, `id:${name}`);
}

/** An address in 10.0.0.0/16 (private) or like an Elastic IP (public), or an IPv6 one. */
function inventAddress(ctx: ResourceContext, name: string): string {
  if (/Ipv6/i.test(name))
    return `2600:1f18:${ctx.ids.hex(4, `ip6:${name}`)}::${ctx.ids.hex(4, `ip6h:${name}`)}`;
  if (/Private/.test(name)) {
    const h = ctx.ids.hex(4, `ip:${name}`);
    return `10.0.${Number.parseInt(h.slice(0, 2), 16)}.${Math.max(4, Number.parseInt(h.slice(2), 16) % 251)}`;
  }
  return ctx.ids.publicIp(`ip:${name}`);
}

function inventString(ctx: ResourceContext, name: string): string {
  const last = name.replace(/^.*\./, '');
  const { region, urlSuffix } = ctx.environment;
  const host = `${ctx.ids.lower(12, `host:${name}`)}.${arnNamespace(ctx.type)}.${region}.${urlSuffix}`;
  if (/(Arn|ARN)(ForPolicy)?$/.test(last)) return inventArn(ctx, name);
  if (/(Ip|IpAddress|Ipv6Address)$/.test(last)) return inventAddress(ctx, name);
  if (/(Id|ID)$/.test(last)) return inventId(ctx, name);
  if (/(Url|URL|Uri|URI)$/.test(last)) return `https://${host}/`;
  if (/(Endpoint|DnsName|DNSName|DomainName|Hostname|HostName|Address)$/.test(last)) return host;
  if (/(Version|VersionNumber)$/.test(last)) return '1';
  if (/(Time|Date|Timestamp|At)$/.test(last)) return FIXED_TIME;
  if (/(Status|State)$/.test(last)) return 'ACTIVE';
  if (/Name$/.test(last)) return last === `${typeParts(ctx.type).resource}Name` ? identity(ctx) : ctx.ref();
  return ctx.ids.lower(16, `value:${name}`);
}

/** `NetworkInterfaceIds` → `NetworkInterfaceId`, `DnsEntries` → `DnsEntry`. */
function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('sses')) return name.slice(0, -2);
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

function sameType(value: PlainValue, type: AttributeValueType): PlainValue {
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return value;
}

/**
 * An invented value for attribute `name` of the resource `ctx`, of the JSON type the schema
 * declares; the resource's own property when it sets one of that name.
 *
 * @example
 * inventAttribute(tableContext, 'Arn', 'string'); // 'arn:aws:dynamodb:us-east-1:123456789012:table/app-Table-1A2B…'
 * inventAttribute(templateContext, 'LatestVersionNumber', 'string'); // '1'
 */
export function inventAttribute(ctx: ResourceContext, name: string, type: AttributeValueType): PlainValue {
  const own = declared(ctx, name);
  if (own !== undefined) return sameType(own, type);
  switch (type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'object':
      return {};
    case 'array':
      return [inventString(ctx, singular(name))];
    default:
      return inventString(ctx, name);
  }
}
