/**
 * Catches: an ALB listener rule that can never match, because a rule with a lower priority number
 * on the same listener matches every request it matches.
 *
 * Why: rules are evaluated "in priority order, from the lowest value to the highest value" and the
 * first match wins (`docs/reference/aws-behavior-2.md` §4.2). A later rule whose requests all meet
 * an earlier rule's conditions is dead configuration: its service gets no traffic from it, often
 * after a catch-all such as `/api/*` was given a lower number than `/api/orders/*`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 *
 * What is detected, precisely: rule A (lower priority number) shadows rule B when, for each
 * condition of A, B has a condition of the same field (same header name for `http-header`) whose
 * every value is covered by one of A's values. A request meeting B meets all of B's conditions, so
 * it meets each of A's. "Covered" is decided by `condition-cover.ts`: equal values; a single-`*`
 * pattern whose literal head and tail the other pattern keeps (`/api/*` covers `/api/orders/*`,
 * `*.example.com` covers `shop.example.com`), with AWS's case rules per field; CIDR containment
 * for `source-ip` (IPv4); the same method names. Conditions with regex values, escaped wildcards,
 * or values that do not trace to literals make the rule unjudged (never reported, never
 * shadowing).
 *
 * Severity warning: the template deploys and works, but a route the author wrote is unreachable.
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding } from '../finding.js';
import { describeCondition, shadowingPairs } from './condition-cover.js';
import { rulesByListener } from './listener-rules.js';
import type { TrapRule } from './rule.js';
import { trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const rules of rulesByListener(app)) {
    for (const [index, later] of rules.entries()) {
      if (later.priority === undefined || !later.conditions) continue;
      for (const earlier of rules.slice(0, index)) {
        if (earlier.priority === undefined || earlier.priority >= later.priority) continue;
        if (!earlier.conditions) continue;
        const pairs = shadowingPairs(earlier.conditions, later.conditions);
        if (!pairs) continue;
        const why = pairs
          .map((p) => `${describeCondition(p.earlier)} covers ${describeCondition(p.later)}`)
          .join('; ');
        findings.push(
          trapFinding(listenerRuleShadowed, later.at, {
            propertyPath: 'Properties.Conditions',
            message: `Listener rule ${later.at.logicalId} (priority ${later.priority}) can never match: rule ${earlier.at.logicalId} (priority ${earlier.priority}) on listener ${later.listenerName} is evaluated first and matches every request it matches (${why}).`,
            fix: `Give ${later.at.logicalId} a priority number lower than ${earlier.priority} (more specific rules first), or narrow the conditions of ${earlier.at.logicalId}.`,
          }),
        );
        break;
      }
    }
  }
  return findings;
}

/** A listener rule after a rule that matches all its requests never matches. */
export const listenerRuleShadowed: TrapRule = {
  id: 'listener-rule-shadowed',
  title: 'A listener rule is shadowed by an earlier rule',
  severity: 'warning',
  description:
    'ALB rules are evaluated by priority and the first match wins; a rule whose requests all meet the conditions of a rule with a lower priority number never matches.',
  check,
};
