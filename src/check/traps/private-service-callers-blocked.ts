/**
 * Catches: a private service (an ECS service registered in Cloud Map DNS, with no load balancer
 * and no API Gateway integration in front of it) whose security groups do not admit a service that
 * calls it.
 *
 * Why: a private service is reached by its Cloud Map name, `<service>.<namespace>`, from the other
 * services' tasks. DNS answers with the task IPs whatever the security groups say; the connection
 * is then dropped by the private service's groups unless one of them admits the caller's security
 * group on the container port, so the caller sees a timeout, not an error naming the cause.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/interconnecting-services.html
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 *
 * Who counts as a caller (a choice, to stay free of false alarms): another ECS service of the app
 * whose containers' `Environment` values name the private service's DNS name as a host
 * (`http://inventory.internal:8080/`, `INVENTORY_HOST=inventory.internal`), both names traced to
 * literals. "All other services" would flag services that never call it.
 *
 * The caller counts as admitted when an ingress rule of the private service's groups (inline or a
 * separate `AWS::EC2::SecurityGroupIngress`) covers a container port (or all traffic, or ports
 * that do not trace) and its source is one of the caller's security groups, or anything that is
 * not a security group of the app (a CIDR, a prefix list, a group from outside: Wharf cannot tell
 * what it contains; `service-sg-exposed` reports CIDRs). Services whose groups do not all trace to
 * groups of the app are not judged.
 */

import { mentionsHost } from '../../aws/dns-names.js';
import type { CfnValue, LoadedApp } from '../../template/model.js';
import { getPath, sameResource } from '../../template/query.js';
import { literalOf, resourceOf, traceList, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { cloudMapTargets } from './apigw-cloudmap-not-srv.js';
import { containersOf, ecsServices, servicePorts, taskDefinitionOf } from './ecs.js';
import type { TrapRule } from './rule.js';
import { ingressRulesOf, securityGroupsIn } from './security-groups.js';
import { type At, listAt, numberOf, stringOf, trapFinding } from './support.js';

const SECURITY_GROUPS = 'Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups';

/** A private service as this trap sees it. */
interface PrivateService {
  readonly service: At;
  readonly registry: At;
  /** `<service-name>.<namespace-name>`, lower case. */
  readonly dnsName: string;
}

function isMap(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The security groups of an ECS service, or `undefined` unless every one is a group of the app. */
function serviceGroups(service: At): At[] | undefined {
  const value = getPath(service.resource, SECURITY_GROUPS);
  const items = traceList(service.stack, value);
  const groups = securityGroupsIn(service.stack, value);
  return value !== undefined && groups.length > 0 && groups.length === items.length ? groups : undefined;
}

/** The DNS name of a Cloud Map service in a private DNS namespace of the app, when both trace. */
function dnsNameOf(registry: At): string | undefined {
  const name = literalOf(traceValue(registry.stack, getPath(registry.resource, 'Properties.Name')));
  const namespaceId =
    getPath(registry.resource, 'Properties.DnsConfig.NamespaceId') ??
    getPath(registry.resource, 'Properties.NamespaceId');
  const namespace = resourceOf(
    traceValue(registry.stack, namespaceId),
    'AWS::ServiceDiscovery::PrivateDnsNamespace',
  );
  if (name === undefined || !namespace) return undefined;
  const zone = literalOf(traceValue(namespace.stack, getPath(namespace.resource, 'Properties.Name')));
  return zone === undefined ? undefined : `${String(name)}.${String(zone)}`.toLowerCase();
}

/** ECS services registered in Cloud Map DNS with no load balancer and no integration in front. */
function privateServices(app: LoadedApp): PrivateService[] {
  const integrated = cloudMapTargets(app).map((t) => t.registry);
  const found: PrivateService[] = [];
  for (const service of ecsServices(app)) {
    if (listAt(service, 'Properties.LoadBalancers').length > 0) continue;
    for (const { value } of listAt(service, 'Properties.ServiceRegistries')) {
      if (!isMap(value)) continue;
      const registry = resourceOf(
        traceValue(service.stack, value.RegistryArn),
        'AWS::ServiceDiscovery::Service',
      );
      if (!registry || registry.resource.Properties?.DnsConfig === undefined) continue;
      if (integrated.some((target) => sameResource(target, registry))) continue;
      const dnsName = dnsNameOf(registry);
      if (dnsName) found.push({ service, registry, dnsName });
    }
  }
  return found;
}

/** The environment values of every container of a service's task definition, as text. */
function environmentOf(service: At): string[] {
  const task = taskDefinitionOf(service);
  if (!task) return [];
  return containersOf(task).flatMap((container) => {
    const environment = container.definition.Environment;
    if (!Array.isArray(environment)) return [];
    return environment.flatMap((entry) => {
      if (!isMap(entry)) return [];
      const traced = traceValue(task.stack, entry.Value);
      if (traced.kind === 'literal') return [String(traced.value)];
      return traced.kind === 'text' ? [traced.text] : [];
    });
  });
}

/** True unless the rule is certainly a TCP rule whose traced range misses every port. */
function reachesPorts(
  stack: At['stack'],
  rule: Record<string, CfnValue>,
  ports: number[] | undefined,
): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = stringOf(stack, rule.IpProtocol)?.toLowerCase();
  if (protocol !== 'tcp' && protocol !== '6')
    return protocol !== 'udp' && protocol !== '17' && protocol !== 'icmp';
  const from = numberOf(stack, rule.FromPort);
  const to = numberOf(stack, rule.ToPort);
  if (from === undefined || to === undefined) return true;
  return ports.some((port) => port >= from && port <= to);
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const { service, registry, dnsName } of privateServices(app)) {
    const groups = serviceGroups(service);
    if (!groups) continue;
    const ports = servicePorts(service);
    const rules = groups.flatMap((group) => ingressRulesOf(app, group));
    for (const caller of ecsServices(app)) {
      if (sameResource(caller, service)) continue;
      if (!environmentOf(caller).some((text) => mentionsHost(text, dnsName))) continue;
      const callerGroups = serviceGroups(caller);
      if (!callerGroups) continue;
      const admitted = rules.some(({ at, rule }) => {
        if (!reachesPorts(at.stack, rule, ports)) return false;
        if (rule.SourceSecurityGroupId === undefined) return true;
        const source = resourceOf(
          traceValue(at.stack, rule.SourceSecurityGroupId),
          'AWS::EC2::SecurityGroup',
        );
        return !source || callerGroups.some((group) => sameResource(group, source));
      });
      if (admitted) continue;
      const group = groups[0] as At;
      const port = ports && ports.length > 0 ? String(ports[0]) : '<container port>';
      const callerNames = callerGroups.map((g) => g.logicalId).join(', ');
      findings.push(
        trapFinding(privateServiceCallersBlocked, group, {
          propertyPath: 'Properties.SecurityGroupIngress',
          message: `Security group ${group.logicalId} of private service ${service.logicalId} (${dnsName}, Cloud Map service ${registry.logicalId}) admits no security group of ${caller.logicalId} (${callerNames}) on port ${port}, yet ${caller.logicalId}'s environment calls ${dnsName}: DNS will answer, and the connection will time out.`,
          fix: `Add an AWS::EC2::SecurityGroupIngress with GroupId: !Ref ${group.logicalId}, SourceSecurityGroupId: !Ref ${callerGroups[0]?.logicalId}, IpProtocol: tcp, FromPort: ${port}, ToPort: ${port} (admit the caller's group, not the VPC CIDR).`,
        }),
      );
    }
  }
  return findings.filter(
    (finding, index) =>
      findings.findIndex((f) => f.message === finding.message && f.logicalId === finding.logicalId) === index,
  );
}

/** A private service's security groups must admit the services that call it. */
export const privateServiceCallersBlocked: TrapRule = {
  id: 'private-service-callers-blocked',
  title: "A private service's security group does not admit a caller",
  severity: 'error',
  description:
    "A service reached by its Cloud Map name must admit its callers' security groups on the container port; otherwise DNS answers and the connection times out.",
  check,
};
