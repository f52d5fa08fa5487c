/**
 * Template → local VPC model: subnets (`AWS::EC2::Subnet`) and security groups
 * (`AWS::EC2::SecurityGroup` with inline `SecurityGroupIngress`, plus separate
 * `AWS::EC2::SecurityGroupIngress` resources merged into their group).
 */

import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { originOf, PropertyReader } from '../props.js';
import type { IngressRule, SecurityGroupConfig, SubnetConfig } from './types.js';

/** Every resource of `type` across the app's stacks. */
export function resourcesOfType(app: ResolvedApp, type: string): ResolvedResource[] {
  return app.stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => r.type === type));
}

/** The subnets the templates declare. */
export function resolveSubnets(app: ResolvedApp): SubnetConfig[] {
  return resourcesOfType(app, 'AWS::EC2::Subnet').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const ipv6 = resource.attributes.Ipv6CidrBlocks;
    return {
      id: resource.ref,
      cidrBlock: props.string('CidrBlock'),
      ...(Array.isArray(ipv6) && typeof ipv6[0] === 'string' ? { ipv6CidrBlock: ipv6[0] } : {}),
      availabilityZone: props.optionalString('AvailabilityZone') ?? `${app.environment.region}a`,
      public: props.boolean('MapPublicIpOnLaunch', false),
      origin: originOf(resource),
    };
  });
}

function readRule(props: PropertyReader, path: string, resource: ResolvedResource): IngressRule {
  const protocol = props.optionalString(`${path ? `${path}.` : ''}IpProtocol`) ?? '-1';
  const at = (name: string) => (path ? `${path}.${name}` : name);
  return {
    protocol: protocol === '6' ? 'tcp' : protocol.toLowerCase(),
    fromPort: props.optionalNumber(at('FromPort')),
    toPort: props.optionalNumber(at('ToPort')),
    cidrIp: props.optionalString(at('CidrIp')),
    sourceSecurityGroupId: props.optionalString(at('SourceSecurityGroupId')),
    origin: originOf(resource),
    propertyPath: path ? `Properties.${path}` : undefined,
  };
}

/** The security groups with all their ingress rules. */
export function resolveSecurityGroups(app: ResolvedApp): SecurityGroupConfig[] {
  const groups = new Map<string, { config: SecurityGroupConfig; ingress: IngressRule[] }>();
  for (const resource of resourcesOfType(app, 'AWS::EC2::SecurityGroup')) {
    const props: PropertyReader = new PropertyReader(resource);
    const ingress = props.list('SecurityGroupIngress').map((path) => readRule(props, path, resource));
    const id = String(resource.attributes.GroupId ?? resource.ref);
    groups.set(id, {
      config: {
        id,
        description: props.optionalString('GroupDescription') ?? '',
        ingress,
        origin: originOf(resource),
      },
      ingress,
    });
  }
  for (const resource of resourcesOfType(app, 'AWS::EC2::SecurityGroupIngress')) {
    const props: PropertyReader = new PropertyReader(resource);
    const groupId = props.optionalString('GroupId');
    const group = groupId === undefined ? undefined : groups.get(groupId);
    group?.ingress.push(readRule(props, '', resource));
  }
  return [...groups.values()].map(({ config }) => config);
}
