import type { CfnListenerRule } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PropsValidationError } from '../errors.js';

/**
 * ALB listener rules as the load balancer pattern accepts them: the conditions of a rule, its
 * priority, and the redirect and fixed-response actions. Pure: normalize and check props, and turn
 * them into the `Conditions`/`Actions` of `AWS::ElasticLoadBalancingV2::ListenerRule`.
 * Limits are the ones in docs/reference/aws-behavior-2.md §4 (ELB user guide and API).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */

/**
 * The conditions of one listener rule: a request matches when every condition given matches
 * (values within one condition are alternatives). At least one condition; at most 5 values and
 * 5 wildcards (`*`, `?`) in all; each value at most 128 visible ASCII characters.
 */
export interface ListenerRuleConditions {
  /**
   * Priority, 1-50000, unique per listener; lower is evaluated first.
   * @default - derived in declaration order: one more than the rule before it (listener-level
   * `rules` first, then each service's rules in the order the services are declared)
   * @example 10
   */
  readonly priority?: number;
  /**
   * Paths (case-sensitive, the whole path, without the query string); `*` and `?` wildcards.
   * `/orders/*` does not match `/orders`: list both.
   * @default - any path
   * @example ['/orders', '/orders/*']
   */
  readonly pathPatterns?: string[];
  /**
   * Host names (case-insensitive); `*` and `?` wildcards. `*.example.com` does not match
   * `example.com`.
   * @default - any host
   * @example ['api.example.com']
   */
  readonly hostHeaders?: string[];
  /**
   * Headers by name (at most 40 characters, not `Host`) with the values that match
   * (case-insensitive, wildcards allowed). One condition per header name.
   * @default - no header condition
   * @example { 'X-Tenant': ['blue', 'green'] }
   */
  readonly httpHeaders?: Record<string, string[]>;
  /**
   * Request methods (case-sensitive, exact). AWS advises routing GET and HEAD alike.
   * @default - any method
   * @example ['GET', 'HEAD']
   */
  readonly methods?: string[];
  /**
   * Query-string pairs (case-insensitive; wildcards allowed); a pair without `key` matches any
   * parameter with that value.
   * @default - no query-string condition
   * @example [{ key: 'version', value: 'v2' }]
   */
  readonly queryStrings?: { readonly key?: string; readonly value: string }[];
  /**
   * Client address ranges (CIDR, IPv4 or IPv6) of the TCP peer, not `X-Forwarded-For`.
   * @default - any client
   * @example ['203.0.113.0/24']
   */
  readonly sourceIps?: string[];
}

/** Priority bounds of a listener rule (botocore `RulePriority`). */
export const RULE_PRIORITY_MIN = 1;
export const RULE_PRIORITY_MAX = 50000;
/** "Condition values per rule: 5" and "Condition wildcards per rule: 5" (ELB quotas). */
export const RULE_MAX_VALUES = 5;
export const RULE_MAX_WILDCARDS = 5;
/** Each condition string is at most 128 characters. */
export const RULE_VALUE_MAX_LENGTH = 128;
/** Rules per load balancer, not counting default rules (adjustable quota). */
export const RULES_PER_LOAD_BALANCER = 100;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const PATH_CHARS = /^[A-Za-z0-9_\-.$/~"'@:+*?&]+$/;

/**
 * Checks one rule's conditions and turns them into CloudFormation `Conditions`; pure.
 *
 * @example ruleConditions('Web', 'services.orders.rules[0]', { pathPatterns: ['/orders/*'] })
 *   // → [{ field: 'path-pattern', pathPatternConfig: { values: ['/orders/*'] } }]
 */
export function ruleConditions(
  owner: string,
  prop: string,
  rule: ListenerRuleConditions,
): CfnListenerRule.RuleConditionProperty[] {
  const fail = (sub: string, why: string): never => {
    throw new PropsValidationError(owner, sub ? `${prop}.${sub}` : prop, why);
  };
  const conditions: CfnListenerRule.RuleConditionProperty[] = [];
  const allValues: string[] = [];
  const checkValues = (
    sub: string,
    values: readonly string[] | undefined,
    pattern?: RegExp,
    rule?: string,
  ) => {
    if (values === undefined) return false;
    if (!Array.isArray(values) || values.length === 0)
      fail(sub, 'got an empty list; give at least one value or leave it out.');
    values.forEach((value, i) => {
      if (
        typeof value !== 'string' ||
        value.length === 0 ||
        value.length > RULE_VALUE_MAX_LENGTH ||
        !VISIBLE_ASCII.test(value)
      ) {
        fail(
          `${sub}[${i}]`,
          `got ${JSON.stringify(value)}; allowed: 1-${RULE_VALUE_MAX_LENGTH} visible ASCII characters.`,
        );
      }
      if (pattern && !pattern.test(value))
        fail(`${sub}[${i}]`, `got ${JSON.stringify(value)}; allowed: ${rule}.`);
    });
    allValues.push(...values);
    return true;
  };
  if (
    checkValues(
      'pathPatterns',
      rule.pathPatterns,
      PATH_CHARS,
      "a path starting with '/' of letters, digits and _-.$/~\"'@:+&, with * and ? wildcards",
    )
  ) {
    for (const [i, v] of (rule.pathPatterns ?? []).entries()) {
      if (!v.startsWith('/') && !v.startsWith('*'))
        fail(`pathPatterns[${i}]`, `got '${v}'; allowed: a path starting with '/'.`);
    }
    conditions.push({ field: 'path-pattern', pathPatternConfig: { values: rule.pathPatterns } });
  }
  if (
    checkValues(
      'hostHeaders',
      rule.hostHeaders,
      /^[A-Za-z0-9\-*?.]*\.[A-Za-z*?]+$/,
      "a host name with at least one '.' and only letters (or wildcards) after the last '.', e.g. 'api.example.com'",
    )
  ) {
    conditions.push({ field: 'host-header', hostHeaderConfig: { values: rule.hostHeaders } });
  }
  for (const [name, values] of Object.entries(rule.httpHeaders ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,40}$/.test(name) || name.toLowerCase() === 'host') {
      fail(
        `httpHeaders.${name}`,
        `header name '${name}' is not allowed; allowed: a header name of at most 40 characters other than Host (use hostHeaders).`,
      );
    }
    checkValues(`httpHeaders.${name}`, values);
    conditions.push({ field: 'http-header', httpHeaderConfig: { httpHeaderName: name, values } });
  }
  if (
    checkValues(
      'methods',
      rule.methods,
      /^[A-Z_-]{1,40}$/,
      'an upper-case method name (A-Z, - and _), e.g. GET',
    )
  ) {
    conditions.push({ field: 'http-request-method', httpRequestMethodConfig: { values: rule.methods } });
  }
  if (rule.queryStrings !== undefined) {
    if (!Array.isArray(rule.queryStrings) || rule.queryStrings.length === 0)
      fail('queryStrings', 'got an empty list; give at least one pair or leave it out.');
    for (const [i, pair] of rule.queryStrings.entries()) {
      checkValues(`queryStrings[${i}].value`, [pair.value]);
      if (
        pair.key !== undefined &&
        (pair.key.length > RULE_VALUE_MAX_LENGTH || !VISIBLE_ASCII.test(pair.key))
      ) {
        fail(
          `queryStrings[${i}].key`,
          `got ${JSON.stringify(pair.key)}; allowed: 1-${RULE_VALUE_MAX_LENGTH} visible ASCII characters.`,
        );
      }
    }
    conditions.push({
      field: 'query-string',
      queryStringConfig: {
        values: rule.queryStrings.map((p) =>
          p.key === undefined ? { value: p.value } : { key: p.key, value: p.value },
        ),
      },
    });
  }
  if (checkValues('sourceIps', rule.sourceIps)) {
    for (const [i, cidr] of (rule.sourceIps ?? []).entries()) {
      if (!isCidr(cidr) || cidr === '255.255.255.255/32') {
        fail(
          `sourceIps[${i}]`,
          `got '${cidr}'; allowed: an IPv4 or IPv6 CIDR block such as '203.0.113.0/24' (not 255.255.255.255/32).`,
        );
      }
    }
    conditions.push({ field: 'source-ip', sourceIpConfig: { values: rule.sourceIps } });
  }
  if (conditions.length === 0) {
    fail(
      '',
      'has no condition; a listener rule needs at least one of pathPatterns, hostHeaders, httpHeaders, methods, queryStrings, sourceIps (the listener default action takes the rest).',
    );
  }
  if (allValues.length > RULE_MAX_VALUES) {
    fail(
      '',
      `has ${allValues.length} condition values; allowed: at most ${RULE_MAX_VALUES} per rule (ELB quota "Condition values per rule"). Split it into several rules.`,
    );
  }
  const wildcards = allValues.reduce((n, v) => n + (v.replace(/\\[*?]/g, '').match(/[*?]/g)?.length ?? 0), 0);
  if (wildcards > RULE_MAX_WILDCARDS) {
    fail(
      '',
      `has ${wildcards} wildcards; allowed: at most ${RULE_MAX_WILDCARDS} per rule (ELB quota "Condition wildcards per rule").`,
    );
  }
  return conditions;
}

/**
 * Gives every rule its priority: an explicit one is checked (1-50000, unique); a missing one is
 * one more than the rule before it in declaration order (1 for the first). Pure.
 *
 * @param rules each rule's prop path (for errors) and explicit priority
 * @example assignPriorities('Web', [{ prop: 'a', priority: 10 }, { prop: 'b' }, { prop: 'c' }]) // [10, 11, 12]
 */
export function assignPriorities(
  owner: string,
  rules: readonly { prop: string; priority?: number }[],
): number[] {
  if (rules.length > RULES_PER_LOAD_BALANCER) {
    throw new PropsValidationError(
      owner,
      'rules',
      `${rules.length} listener rules; allowed: at most ${RULES_PER_LOAD_BALANCER} per load balancer (ELB quota, adjustable).`,
    );
  }
  const byPriority = new Map<number, string>();
  for (const rule of rules) {
    if (rule.priority === undefined) continue;
    if (
      !Number.isInteger(rule.priority) ||
      rule.priority < RULE_PRIORITY_MIN ||
      rule.priority > RULE_PRIORITY_MAX
    ) {
      throw new PropsValidationError(
        owner,
        `${rule.prop}.priority`,
        `got ${JSON.stringify(rule.priority)}; allowed: an integer from ${RULE_PRIORITY_MIN} to ${RULE_PRIORITY_MAX}.`,
      );
    }
    const other = byPriority.get(rule.priority);
    if (other !== undefined) {
      throw new PropsValidationError(
        owner,
        `${rule.prop}.priority`,
        `${rule.priority} is also the priority of ${other}; allowed: a priority unique per listener.`,
      );
    }
    byPriority.set(rule.priority, rule.prop);
  }
  const priorities: number[] = [];
  let previous = 0;
  for (const rule of rules) {
    let priority = rule.priority;
    if (priority === undefined) {
      priority = previous + 1;
      while (byPriority.has(priority)) priority++;
      if (priority > RULE_PRIORITY_MAX) {
        throw new PropsValidationError(
          owner,
          `${rule.prop}.priority`,
          `no priority left after ${previous}; give the rules explicit priorities from ${RULE_PRIORITY_MIN} to ${RULE_PRIORITY_MAX}.`,
        );
      }
      byPriority.set(priority, rule.prop);
    }
    priorities.push(priority);
    previous = priority;
  }
  return priorities;
}

function isCidr(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return prefix <= 32 && address.split('.').every((octet) => Number(octet) <= 255);
  }
  return address.includes(':') && /^[0-9A-Fa-f:.]+$/.test(address) && prefix <= 128;
}
