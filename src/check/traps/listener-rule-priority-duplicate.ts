/**
 * Catches: two ALB listener rules on the same listener with the same `Priority`.
 *
 * Why: a rule's priority is unique per listener (1–50,000; `docs/reference/aws-behavior-2.md`
 * §4.2), so the second `CreateRule` fails with `PriorityInUse` and the stack rolls back, after the
 * load balancer and everything before it were created. CloudFormation's template validation does
 * not see it: each rule is valid alone.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html
 *
 * Reports every rule after the first with a given priority, naming the first. Rules whose listener
 * or priority does not trace to a resource or a literal (a parameter without a default) are left
 * alone.
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding } from '../finding.js';
import { rulesByListener } from './listener-rules.js';
import type { TrapRule } from './rule.js';
import { trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const rules of rulesByListener(app)) {
    const first = new Map<number, (typeof rules)[number]>();
    for (const rule of rules) {
      if (rule.priority === undefined) continue;
      const earlier = first.get(rule.priority);
      if (!earlier) {
        first.set(rule.priority, rule);
        continue;
      }
      const taken = new Set(rules.flatMap((r) => (r.priority === undefined ? [] : [r.priority])));
      let free = rule.priority + 1;
      while (taken.has(free)) free += 1;
      findings.push(
        trapFinding(listenerRulePriorityDuplicate, rule.at, {
          propertyPath: 'Properties.Priority',
          message: `Listener rule ${rule.at.logicalId} has Priority ${rule.priority}, as rule ${earlier.at.logicalId} on the same listener ${rule.listenerName}. Priorities are unique per listener: CreateRule fails with PriorityInUse and the stack rolls back.`,
          fix: `Give ${rule.at.logicalId} a priority no other rule of ${rule.listenerName} uses (e.g. ${free}); the lower number is evaluated first, so order the rules from the most specific conditions to the least.`,
        }),
      );
    }
  }
  return findings;
}

/** Listener rule priorities must be unique per listener. */
export const listenerRulePriorityDuplicate: TrapRule = {
  id: 'listener-rule-priority-duplicate',
  title: 'Two listener rules share a priority on one listener',
  severity: 'error',
  description:
    'ALB listener rule priorities are unique per listener; a second rule with the same priority fails at deploy time (PriorityInUse).',
  check,
};
