/**
 * Catches: a security group attached to an application load balancer with an ingress rule for all
 * protocols and ports (`IpProtocol: -1`).
 *
 * Why: an internet-facing ALB only serves its listener ports (80/443); opening every protocol and
 * port exposes nothing useful and fails security reviews (cdk-nag, Security Hub EC2.18/EC2.19).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html
 *
 * Does not catch: wide port ranges with a specific protocol, network load balancers, or groups
 * outside the app.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { literalOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { ingressRulesOf, securityGroupsIn } from './security-groups.js';
import { keyOf, literalAt, trapFinding } from './support.js';

const ALL = new Set(['-1', 'all']);

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const lb of listResources(app, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const type = literalAt(lb, 'Properties.Type');
    if (type !== undefined && type !== 'application') continue;
    for (const group of securityGroupsIn(lb.stack, getPath(lb.resource, 'Properties.SecurityGroups'))) {
      for (const { at, path, rule } of ingressRulesOf(app, group)) {
        const protocol = literalOf(traceValue(at.stack, rule.IpProtocol));
        if (protocol === undefined || !ALL.has(String(protocol).toLowerCase())) continue;
        const key = `${keyOf(at)}#${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(
          trapFinding(albSgAllProtocols, at, {
            propertyPath: `${path}.IpProtocol`,
            message: `${at.logicalId === group.logicalId ? '' : `Ingress rule ${at.logicalId}: `}Security group ${group.logicalId} of load balancer ${lb.logicalId} allows IpProtocol ${protocol} (every protocol and port)${typeof rule.CidrIp === 'string' ? ` from ${rule.CidrIp}` : ''}; the load balancer only needs its listener ports.`,
            fix: 'Use IpProtocol: tcp with FromPort/ToPort set to each listener port (e.g. 80 and 443).',
          }),
        );
      }
    }
  }
  return findings;
}

/** ALB security groups should open only listener ports. */
export const albSgAllProtocols: TrapRule = {
  id: 'alb-sg-all-protocols',
  title: 'Load balancer security group opens all protocols',
  severity: 'warning',
  description: 'An ALB security group with IpProtocol -1 opens every port; open only the listener ports.',
  check,
};
