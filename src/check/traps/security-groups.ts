/**
 * Reading security groups for the trap rules: which groups a resource uses, and every ingress
 * rule of a group, inline or as a separate `AWS::EC2::SecurityGroupIngress` anywhere in the app.
 */

import type { CfnValue, LoadedApp, LoadedStack } from '../../template/model.js';
import { listResources, sameResource } from '../../template/query.js';
import { resourceOf, traceList, traceValue } from '../../template/references.js';
import type { At } from './support.js';

/** One ingress rule and where it is written. */
export interface IngressRule {
  /** The resource holding the rule: the group (inline) or the `SecurityGroupIngress` resource. */
  readonly at: At;
  /** Path of the rule's properties inside `at`, e.g. `Properties.SecurityGroupIngress.0` or `Properties`. */
  readonly path: string;
  /** The rule's raw properties (trace them in `at.stack`). */
  readonly rule: Record<string, CfnValue>;
}

/** The security groups a list of group references traces to (groups outside the app are skipped). */
export function securityGroupsIn(stack: LoadedStack, value: CfnValue | undefined): At[] {
  return traceList(stack, value).flatMap((item) => {
    const group = resourceOf(item, 'AWS::EC2::SecurityGroup');
    return group && (group.attribute === undefined || group.attribute === 'GroupId') ? [group] : [];
  });
}

function isMap(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every ingress rule of `group`: its inline `SecurityGroupIngress` and separate ingress resources. */
export function ingressRulesOf(app: LoadedApp, group: At): IngressRule[] {
  const rules: IngressRule[] = [];
  const inline = group.resource.Properties?.SecurityGroupIngress;
  if (Array.isArray(inline)) {
    inline.forEach((rule, index) => {
      if (isMap(rule)) rules.push({ at: group, path: `Properties.SecurityGroupIngress.${index}`, rule });
    });
  }
  for (const entry of listResources(app, 'AWS::EC2::SecurityGroupIngress')) {
    const target = resourceOf(traceValue(entry.stack, entry.resource.Properties?.GroupId));
    if (target && sameResource(target, group) && entry.resource.Properties) {
      rules.push({ at: entry, path: 'Properties', rule: entry.resource.Properties });
    }
  }
  return rules;
}
