/**
 * Catches: an ECS service security group that admits traffic from a CIDR range (`CidrIp`,
 * `CidrIpv6`) instead of from the ingress's security group (the VPC link's or the load
 * balancer's). Private ranges are a warning, public ones an error.
 *
 * Why: the point of both patterns is that only the ingress reaches the tasks. A CIDR rule lets
 * anything in that range (the whole internet for 0.0.0.0/0, with public IPs) bypass API Gateway
 * or the ALB, with its auth, throttling and logging.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-group-considerations.html
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
 *
 * A rule whose ports (`IpProtocol`, `FromPort`–`ToPort`) cover none of the ports the service's
 * containers map is left alone: it does not reach the tasks (a group shared with a load balancer's
 * listener, say). Only ports known on both sides decide that; anything untraced is reported.
 *
 * Does not catch: rules on groups outside the app, prefix-list sources, or open egress rules.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { literalOf, traceValue } from '../../template/references.js';
import type { Finding, Severity } from '../finding.js';
import { ecsServices, servicePorts } from './ecs.js';
import type { TrapRule } from './rule.js';
import { type IngressRule, ingressRulesOf, securityGroupsIn } from './security-groups.js';
import { type At, keyOf, numberOf, stringOf, trapFinding } from './support.js';

const SECURITY_GROUPS = 'Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups';

/** True for RFC 1918 IPv4 ranges and IPv6 unique-local (fc00::/7) ranges. */
export function isPrivateCidr(cidr: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+\/(\d+)$/.exec(cidr);
  if (v4) {
    const [a, b, bits] = [Number(v4[1]), Number(v4[2]), Number(v4[3])];
    return (
      (a === 10 && bits >= 8) ||
      (a === 172 && b >= 16 && b <= 31 && bits >= 12) ||
      (a === 192 && b === 168 && bits >= 16)
    );
  }
  return /^f[cd][0-9a-f]{0,2}:/i.test(cidr) && Number(cidr.split('/')[1]) >= 7;
}

/**
 * True when the rule certainly admits none of `ports`: a TCP rule whose traced port range misses
 * them all (an all-traffic rule, `-1`, admits every port).
 */
function missesPorts(
  stack: At['stack'],
  rule: IngressRule['rule'],
  ports: readonly number[] | undefined,
): boolean {
  if (!ports || ports.length === 0) return false;
  const protocol = stringOf(stack, rule.IpProtocol)?.toLowerCase();
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = numberOf(stack, rule.FromPort);
  const to = numberOf(stack, rule.ToPort);
  if (from === undefined || to === undefined) return false;
  return ports.every((port) => port < from || port > to);
}

/** Names of the ingress security groups in the app (VPC links and load balancers), for the fix. */
function ingressGroups(app: LoadedApp): string[] {
  const names = new Set<string>();
  for (const link of listResources(app, 'AWS::ApiGatewayV2::VpcLink')) {
    for (const group of securityGroupsIn(link.stack, getPath(link.resource, 'Properties.SecurityGroupIds'))) {
      names.add(group.logicalId);
    }
  }
  for (const lb of listResources(app, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    for (const group of securityGroupsIn(lb.stack, getPath(lb.resource, 'Properties.SecurityGroups'))) {
      names.add(group.logicalId);
    }
  }
  return [...names];
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const sources = ingressGroups(app);
  const source =
    sources.length > 0
      ? `the ingress security group (${sources.join(' or ')})`
      : "the ingress's security group";
  for (const service of ecsServices(app)) {
    const ports = servicePorts(service);
    for (const group of securityGroupsIn(service.stack, getPath(service.resource, SECURITY_GROUPS))) {
      for (const { at, path, rule } of ingressRulesOf(app, group)) {
        const field =
          rule.CidrIp !== undefined ? 'CidrIp' : rule.CidrIpv6 !== undefined ? 'CidrIpv6' : undefined;
        if (!field || missesPorts(at.stack, rule, ports)) continue;
        const key = `${keyOf(at)}#${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const cidr = literalOf(traceValue(at.stack, rule[field]));
        const severity: Severity = typeof cidr === 'string' && !isPrivateCidr(cidr) ? 'error' : 'warning';
        findings.push(
          trapFinding(serviceSgExposed, at, {
            propertyPath: `${path}.${field}`,
            severity,
            message: `${at.logicalId === group.logicalId ? '' : `Ingress rule ${at.logicalId}: `}Security group ${group.logicalId} of ECS service ${service.logicalId} admits ${field} ${cidr ?? 'from a parameter'}${severity === 'warning' ? ' (a private range)' : ''}: anything in that range can reach the tasks without going through the ingress.`,
            fix: `Replace ${field} with SourceSecurityGroupId: ${source}, opening only the container port.`,
          }),
        );
      }
    }
  }
  return findings;
}

/** Service security groups should admit only the ingress's security group. */
export const serviceSgExposed: TrapRule = {
  id: 'service-sg-exposed',
  title: 'Service security group admits a CIDR instead of the ingress',
  severity: 'error',
  description:
    'ECS service security groups should admit traffic only from the VPC link or load balancer security group; CIDR rules let traffic bypass the ingress.',
  check,
};
