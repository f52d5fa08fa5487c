/**
 * Which security groups admit a task's connections: the decision behind the Docker networks that
 * carry task-to-task traffic (`runtime/docker-networks.ts`). Pure.
 *
 * Fidelity: a security group admits a source when one of its ingress rules for tcp (or all
 * protocols) names a security group of the source (`SourceSecurityGroupId`) or a CIDR holding the
 * source's private IP, on any port (the same rule match as `vpc.ts`, without the port). Locally a
 * task joins the Docker network of every group that admits it, and of its own groups; two tasks can
 * talk only over a network they share, so a caller whose groups no group of the callee admits has
 * no path to it (its packets are dropped: a timed-out connection). Not reproduced here: the port
 * of the rule (an admitted caller reaches every port of the callee; `wharf dev` reports a missing
 * rule for the port it resolves), egress rules, `CidrIpv6` rules.
 */

import type { IngressRule, SecurityGroupConfig } from './types.js';
import { parseCidr } from './vpc.js';

/** A task as a source of connections. */
export interface TaskSource {
  /** Its security groups; `null` for a bridge or host mode task (not checked: it joins every group). */
  readonly securityGroupIds: readonly string[] | null;
  /** Its private IP in the emulated VPC. */
  readonly privateIp: string;
}

/**
 * The ids of the security groups among `groups` whose networks the task joins: its own, and every
 * group that admits it. A group id the task carries but the templates do not declare is kept
 * (its rules are unknown; `vpc.ts` lets every connection into it, so callers join it too: see
 * {@link undeclaredGroups}).
 *
 * @example
 * ```ts
 * // Inventory's group admits Orders' group on 8080: an Orders task joins both networks.
 * joinedGroups(groups, { securityGroupIds: ['sg-orders'], privateIp: '10.0.2.4' }); // ['sg-orders', 'sg-inventory']
 * ```
 */
export function joinedGroups(groups: readonly SecurityGroupConfig[], task: TaskSource): string[] {
  const joined = new Set<string>(task.securityGroupIds ?? []);
  for (const group of groups) {
    if (task.securityGroupIds === null || group.ingress.some((rule) => admits(rule, task)))
      joined.add(group.id);
  }
  return [...joined];
}

/** The ids in `used` that no group of `groups` declares (existing groups passed as parameters). */
export function undeclaredGroups(groups: readonly SecurityGroupConfig[], used: readonly string[]): string[] {
  const declared = new Set(groups.map((group) => group.id));
  return [...new Set(used.filter((id) => !declared.has(id)))];
}

function admits(rule: IngressRule, task: TaskSource): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (protocol !== '-1' && protocol !== 'tcp' && protocol !== '6') return false;
  if (rule.sourceSecurityGroupId !== undefined)
    return (task.securityGroupIds ?? []).includes(rule.sourceSecurityGroupId);
  if (rule.cidrIp !== undefined) {
    const { base, size } = parseCidr(rule.cidrIp, 'security group rule');
    const ip = task.privateIp.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return ip >= base && ip < base + size;
  }
  return false;
}
