/**
 * Template → ALB model: `AWS::ElasticLoadBalancingV2::LoadBalancer` (application), its
 * `Listener`s (default actions) and the `TargetGroup`s they forward to. Network load balancers
 * and `lambda`/`alb` targets are not emulated and are rejected here. Listener rules are read by
 * resolve-rules.ts and attached to their listener.
 *
 * Fidelity: a target group's `TargetType` defaults to `instance` (ELB API reference,
 * `CreateTargetGroup`), which AWS accepts beside Fargate services, e.g. as a listener's
 * placeholder default; one that no service registers with stays empty, and the ALB answers 503
 * for it as AWS does with no registered targets (aws-behavior.md §2.5). A service that registers
 * its tasks in an `instance` group (an EC2 service on AWS, registering container instances) has
 * its tasks registered by IP locally, one warning ({@link instanceTargetGroupWarnings}). An HTTPS
 * listener needs at least one certificate (`Certificates`, as on AWS: exactly one default), and
 * gets the further ones of `AWS::ElasticLoadBalancingV2::ListenerCertificate` resources as its SNI
 * list; each is served locally as a certificate from Wharf's CA for the names
 * `../tls/certificate-names.ts` finds. An `SslPolicy` Wharf does not know is warned about once and
 * served with the default policy's versions.
 */

import { CLOUDFORMATION_DEFAULT_SSL_POLICY } from '../../aws/elb-security-policies.js';
import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import type { EcsServiceConfig } from '../ecs/types.js';
import { resourcesOfType } from '../network/resolve.js';
import { originOf, PropertyReader } from '../props.js';
import { CertificateNames } from '../tls/certificate-names.js';
import { sslPolicyVersions } from '../tls/tls-policy.js';
import { readAction } from './read-action.js';
import { resolveListenerRules } from './resolve-rules.js';
import type {
  ListenerConfig,
  ListenerRuleConfig,
  ListenerTlsConfig,
  LoadBalancerConfig,
  TargetGroupConfig,
} from './types.js';

/** The ALB side of the templates. */
export interface ResolvedLoadBalancing {
  readonly loadBalancers: LoadBalancerConfig[];
  readonly targetGroups: TargetGroupConfig[];
  readonly warnings: string[];
}

/** What an HTTPS listener's TLS needs from the rest of the templates. */
interface TlsSources {
  readonly names: CertificateNames;
  /** Certificate ARNs of `ListenerCertificate` resources, by listener ARN. */
  readonly extra: ReadonlyMap<string, string[]>;
  readonly warnings: string[];
}

function resolveListenerTls(
  props: PropertyReader,
  listenerArn: string,
  dnsName: string,
  sources: TlsSources,
): ListenerTlsConfig {
  const arns = props.list('Certificates').map((path) => props.string(`${path}.CertificateArn`));
  if (arns.length === 0)
    props.fail('Certificates', 'an HTTPS listener needs its default certificate here (one CertificateArn)');
  const all = [...new Set([...arns, ...(sources.extra.get(listenerArn) ?? [])])];
  const sslPolicy = props.optionalString('SslPolicy');
  if (sslPolicy !== undefined && !sslPolicyVersions(sslPolicy)) {
    const resource = props.resource;
    sources.warnings.push(
      `${resource.stack.loaded.file}: ${resource.logicalId}: SslPolicy '${sslPolicy}' is not a policy Wharf knows: served locally with the TLS versions of ${CLOUDFORMATION_DEFAULT_SSL_POLICY} (TLS 1.0 to 1.2)`,
    );
  }
  return {
    certificates: all.map((arn) => ({ arn, names: sources.names.forLoadBalancer(arn, dnsName) })),
    ...(sslPolicy === undefined ? {} : { sslPolicy }),
  };
}

function resolveListener(
  resource: ResolvedResource,
  rules: ReadonlyMap<string, ListenerRuleConfig[]>,
  dnsName: string,
  tls: TlsSources,
): ListenerConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const protocol = props.optionalString('Protocol') ?? 'HTTP';
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    props.fail('Protocol', `got '${protocol}'; allowed for an application load balancer: HTTP, HTTPS`);
  }
  return {
    arn: resource.ref,
    port: props.number('Port'),
    protocol,
    ...(protocol === 'HTTPS' ? { tls: resolveListenerTls(props, resource.ref, dnsName, tls) } : {}),
    defaultActions: props.list('DefaultActions').map((path) => readAction(props, path)),
    rules: rules.get(resource.ref) ?? [],
    origin: originOf(resource),
  };
}

function resolveTargetGroup(resource: ResolvedResource): TargetGroupConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const targetType = props.optionalString('TargetType') ?? 'instance';
  if (targetType !== 'ip' && targetType !== 'instance') {
    props.fail(
      'TargetType',
      `got '${targetType}'; Fargate tasks register by IP (ip), EC2 services by instance (instance): allowed: ip, instance`,
    );
  }
  const attributes = props.pairs('TargetGroupAttributes', 'Key');
  const protocol = (props.optionalString('Protocol') ?? 'HTTP') as 'HTTP' | 'HTTPS';
  const healthPort = props.optionalString('HealthCheckPort') ?? 'traffic-port';
  const algorithm = attributes['load_balancing.algorithm.type'] ?? 'round_robin';
  if (algorithm !== 'round_robin' && algorithm !== 'least_outstanding_requests') {
    props.fail(
      'TargetGroupAttributes',
      `load_balancing.algorithm.type '${algorithm}' is not emulated; allowed: round_robin, least_outstanding_requests`,
    );
  }
  return {
    arn: resource.ref,
    name: String(resource.attributes.TargetGroupName ?? resource.logicalId),
    port: props.number('Port', 80),
    protocol,
    healthCheck: {
      enabled: props.boolean('HealthCheckEnabled', true),
      protocol: props.optionalString('HealthCheckProtocol') ?? protocol,
      path: props.optionalString('HealthCheckPath') ?? '/',
      port: healthPort === 'traffic-port' ? 'traffic-port' : Number(healthPort),
      intervalSeconds: props.number('HealthCheckIntervalSeconds', 30),
      timeoutSeconds: props.number('HealthCheckTimeoutSeconds', 5),
      healthyThresholdCount: props.number('HealthyThresholdCount', 5),
      unhealthyThresholdCount: props.number('UnhealthyThresholdCount', 2),
      matcher: props.optionalString('Matcher.HttpCode') ?? '200',
    },
    deregistrationDelaySeconds: Number(attributes['deregistration_delay.timeout_seconds'] ?? 300),
    algorithm,
    targetType,
    origin: originOf(resource),
  };
}

/**
 * One warning per service that registers its tasks in a target group of type `instance`: on AWS
 * only an EC2 service can (Fargate tasks need `ip`); locally its tasks are registered by IP as
 * Fargate's would be. Groups no service uses need no warning: they stay empty, as on AWS.
 */
export function instanceTargetGroupWarnings(
  services: readonly EcsServiceConfig[],
  targetGroups: readonly TargetGroupConfig[],
): string[] {
  const byArn = new Map(targetGroups.map((group) => [group.arn, group]));
  const warnings: string[] = [];
  for (const service of services) {
    const groups = service.loadBalancers
      .map((lb) => byArn.get(lb.targetGroupArn))
      .filter((group): group is TargetGroupConfig => group?.targetType === 'instance');
    for (const group of new Set(groups)) {
      const file = service.origin?.file ?? group.origin?.file ?? '';
      const serviceId = service.origin?.logicalId ?? service.name;
      const groupId = group.origin?.logicalId ?? group.name;
      warnings.push(
        `${file}: ${serviceId}: target group ${groupId} has TargetType instance, which only EC2 services use ` +
          '(they register container instances): locally its tasks are registered by IP, as Fargate tasks in an ip target group',
      );
    }
  }
  return warnings;
}

/** The application load balancers, their listeners and target groups. */
/** `IpAddressType` values of Application Load Balancers (ELB API reference, `SetIpAddressType`). */
const IP_ADDRESS_TYPES: readonly string[] = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'];

/**
 * A dual-stack load balancer's subnets must have IPv6 blocks, or AWS does not create it (ELB
 * guide, "IP address types for your Application Load Balancer", dualstack requirements). Subnets
 * the templates do not declare (passed in as parameters) are taken as they come.
 */
function requireIpv6Subnets(
  props: PropertyReader,
  ipAddressType: string,
  subnets: ReadonlyMap<string, ResolvedResource>,
): void {
  for (const id of props.strings('Subnets')) {
    const subnet = subnets.get(id);
    const blocks = subnet?.attributes.Ipv6CidrBlocks;
    if (subnet && Array.isArray(blocks) && blocks.length === 0) {
      props.fail(
        'Subnets',
        `IpAddressType ${ipAddressType} needs subnets with an IPv6 CIDR block, and subnet ${subnet.logicalId} (${subnet.stack.loaded.file}) has none; give it an Ipv6CidrBlock (for example !Select [0, !Cidr [!Select [0, !GetAtt VPC.Ipv6CidrBlocks], 4, 64]] with an AWS::EC2::VPCCidrBlock that sets AmazonProvidedIpv6CidrBlock: true) or use IpAddressType ipv4`,
      );
    }
  }
}

export function resolveLoadBalancing(app: ResolvedApp): ResolvedLoadBalancing {
  const warnings: string[] = [];
  const listeners = resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::Listener');
  const rules = resolveListenerRules(app);
  warnings.push(...rules.warnings);
  const subnets = new Map(resourcesOfType(app, 'AWS::EC2::Subnet').map((s) => [s.ref, s]));
  const extra = new Map<string, string[]>();
  for (const resource of resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::ListenerCertificate')) {
    const props: PropertyReader = new PropertyReader(resource);
    const listenerArn = props.string('ListenerArn');
    const arns = props.list('Certificates').map((path) => props.string(`${path}.CertificateArn`));
    extra.set(listenerArn, [...(extra.get(listenerArn) ?? []), ...arns]);
  }
  const tls: TlsSources = { names: new CertificateNames(app), extra, warnings };
  const loadBalancers = resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::LoadBalancer').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const type = props.optionalString('Type') ?? 'application';
    if (type !== 'application')
      props.fail('Type', `got '${type}'; only application load balancers are emulated`);
    const attributes = props.pairs('LoadBalancerAttributes', 'Key');
    const ipAddressType = props.optionalString('IpAddressType') ?? 'ipv4';
    if (!IP_ADDRESS_TYPES.includes(ipAddressType))
      props.fail('IpAddressType', `got '${ipAddressType}'; allowed: ${IP_ADDRESS_TYPES.join(', ')}`);
    if (ipAddressType !== 'ipv4') requireIpv6Subnets(props, ipAddressType, subnets);
    const dnsName = String(resource.attributes.DNSName);
    return {
      arn: resource.ref,
      name: String(resource.attributes.LoadBalancerName ?? resource.logicalId),
      dnsName,
      scheme: (props.optionalString('Scheme') ?? 'internet-facing') as 'internet-facing' | 'internal',
      ipAddressType: ipAddressType as NonNullable<LoadBalancerConfig['ipAddressType']>,
      securityGroupIds: props.strings('SecurityGroups'),
      subnetIds: props.strings('Subnets'),
      idleTimeoutSeconds: Number(attributes['idle_timeout.timeout_seconds'] ?? 60),
      dropInvalidHeaderFields: attributes['routing.http.drop_invalid_header_fields.enabled'] === 'true',
      listeners: listeners
        .filter((listener) => new PropertyReader(listener).optionalString('LoadBalancerArn') === resource.ref)
        .map((listener) => resolveListener(listener, rules.byListener, dnsName, tls)),
      origin: originOf(resource),
    } satisfies LoadBalancerConfig;
  });
  const targetGroups = resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(
    resolveTargetGroup,
  );
  return { loadBalancers, targetGroups, warnings };
}
