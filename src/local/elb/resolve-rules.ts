/**
 * Template → listener rules: `AWS::ElasticLoadBalancingV2::ListenerRule` resources read, checked
 * against what AWS accepts, and grouped by the listener they attach to (`ListenerArn`).
 *
 * Fidelity (aws-behavior-2.md §4): a rule AWS would refuse is refused here with a TemplateError
 * naming the file, the rule and the property (exit 2): a priority outside 1–50,000 or taken by
 * another rule of the same listener; no condition, an unknown `Field`, two conditions of a field
 * that allows one (`host-header`, `http-request-method`, `path-pattern`, `source-ip`), a condition
 * without values, more than 5 condition values or 5 wildcards in a rule, a value over 128
 * characters, an `HttpHeaderName` over 40 characters or naming `Host`, a method outside
 * `A–Z - _`, a source IP that is not a CIDR block or is `255.255.255.255/32`; an action list
 * without exactly one of `forward`, `redirect`, `fixed-response` (actions.ts checks each action).
 * Conditions are read from their `*Config` or, for `host-header` and `path-pattern`, from the
 * older `Values` shorthand. `RegexValues` and `Transforms` (2025 API) are refused as not emulated.
 */

import { TemplateError } from '../../errors.js';
import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { originOf, PropertyReader } from '../props.js';
import { countWildcards, parseCidr } from './listener-rules.js';
import { readAction } from './read-action.js';
import type { ListenerRuleConfig, RuleCondition } from './types.js';

/** Priorities a listener rule may have (ELB API reference, `CreateRule`). */
export const MIN_RULE_PRIORITY = 1;
/** @see MIN_RULE_PRIORITY */
export const MAX_RULE_PRIORITY = 50_000;
/** "Condition values per rule" and "Condition wildcards per rule" (ELB quotas). */
export const MAX_CONDITION_VALUES = 5;
/** @see MAX_CONDITION_VALUES */
export const MAX_CONDITION_WILDCARDS = 5;
/** Each condition string is at most 128 characters. */
export const MAX_CONDITION_VALUE_LENGTH = 128;
/** `HttpHeaderName` is at most 40 characters. */
export const MAX_HEADER_NAME_LENGTH = 40;

const CONFIG_OF = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
} as const;
type Field = keyof typeof CONFIG_OF;
const ONE_PER_RULE: ReadonlySet<Field> = new Set([
  'host-header',
  'http-request-method',
  'path-pattern',
  'source-ip',
]);

/** Fails as invalid (AWS refuses it), located at `Properties.<path>`. */
function invalid(resource: ResolvedResource, path: string, message: string): never {
  throw new TemplateError(
    { file: resource.stack.loaded.file, logicalId: resource.logicalId, propertyPath: `Properties.${path}` },
    message,
  );
}

/** The values of a condition and the path they were read from. */
function conditionValues(
  props: PropertyReader,
  path: string,
  field: Field,
): { values: string[]; at: string } {
  const config = `${path}.${CONFIG_OF[field]}`;
  for (const notEmulated of ['RegexValues']) {
    if (props.raw(`${config}.${notEmulated}`) !== undefined)
      props.fail(
        `${config}.${notEmulated}`,
        'regular-expression conditions are not emulated locally; use Values',
      );
  }
  const shorthand = props.raw(`${path}.Values`) !== undefined;
  const configured = props.raw(`${config}.Values`) !== undefined;
  if (shorthand && field !== 'host-header' && field !== 'path-pattern') {
    invalid(
      props.resource,
      `${path}.Values`,
      `Values is only for host-header and path-pattern; use ${CONFIG_OF[field]}`,
    );
  }
  if (shorthand && configured) {
    invalid(props.resource, `${path}.Values`, `give Values or ${CONFIG_OF[field]}.Values, not both`);
  }
  const at = shorthand ? `${path}.Values` : `${config}.Values`;
  return { values: props.strings(at), at };
}

function readCondition(props: PropertyReader, path: string): { condition: RuleCondition; at: string } {
  const field = props.string(`${path}.Field`);
  if (!Object.hasOwn(CONFIG_OF, field)) {
    invalid(props.resource, `${path}.Field`, `got '${field}'; allowed: ${Object.keys(CONFIG_OF).join(', ')}`);
  }
  const f = field as Field;
  if (f === 'query-string') {
    const at = `${path}.QueryStringConfig.Values`;
    const values = props.list(at).map((item) => ({
      key: props.optionalString(`${item}.Key`),
      value: props.string(`${item}.Value`),
    }));
    return { condition: { field: f, values }, at };
  }
  const { values, at } = conditionValues(props, path, f);
  if (f === 'http-header') {
    const namePath = `${path}.HttpHeaderConfig.HttpHeaderName`;
    const headerName = props.string(namePath);
    if (headerName.length > MAX_HEADER_NAME_LENGTH)
      invalid(
        props.resource,
        namePath,
        `'${headerName.slice(0, 48)}…' is over ${MAX_HEADER_NAME_LENGTH} characters`,
      );
    if (headerName.toLowerCase() === 'host')
      invalid(
        props.resource,
        namePath,
        'an http-header condition cannot name Host; use a host-header condition',
      );
    return { condition: { field: f, headerName, values }, at };
  }
  return { condition: { field: f, values }, at };
}

function checkValues(props: PropertyReader, condition: RuleCondition, at: string): void {
  const resource = props.resource;
  if (condition.values.length === 0) invalid(resource, at, 'a condition needs at least one value');
  condition.values.forEach((entry, index) => {
    const strings = typeof entry === 'string' ? [entry] : [entry.key ?? '', entry.value];
    for (const text of strings) {
      if (text.length > MAX_CONDITION_VALUE_LENGTH)
        invalid(
          resource,
          `${at}.${index}`,
          `a condition value is at most ${MAX_CONDITION_VALUE_LENGTH} characters (got ${text.length})`,
        );
    }
    if (condition.field === 'http-request-method' && !/^[A-Z_-]{1,40}$/.test(entry as string)) {
      invalid(
        resource,
        `${at}.${index}`,
        `got '${String(entry).slice(0, 48)}'; a method is 1 to 40 of A-Z, - and _ (matched case-sensitively)`,
      );
    }
    if (condition.field === 'source-ip') {
      const cidr = parseCidr(entry as string);
      if (!cidr)
        invalid(
          resource,
          `${at}.${index}`,
          `got '${String(entry).slice(0, 48)}'; expected an IPv4 or IPv6 CIDR block such as 192.0.2.0/24 or 2001:db8::/32`,
        );
      if (entry === '255.255.255.255/32')
        invalid(resource, `${at}.${index}`, '255.255.255.255/32 is not allowed as a source IP');
    }
  });
}

function wildcardsOf(condition: RuleCondition): number {
  switch (condition.field) {
    case 'host-header':
    case 'path-pattern':
    case 'http-header':
      return condition.values.reduce((sum, value) => sum + countWildcards(value), 0);
    case 'query-string':
      return condition.values.reduce(
        (sum, pair) => sum + countWildcards(pair.key ?? '', true) + countWildcards(pair.value, true),
        0,
      );
    default:
      return 0;
  }
}

function resolveRule(resource: ResolvedResource): ListenerRuleConfig {
  const props = new PropertyReader(resource);
  const priority = props.number('Priority');
  if (!Number.isInteger(priority) || priority < MIN_RULE_PRIORITY || priority > MAX_RULE_PRIORITY) {
    invalid(
      resource,
      'Priority',
      `got ${priority}; allowed: an integer from ${MIN_RULE_PRIORITY} to ${MAX_RULE_PRIORITY}`,
    );
  }
  if (props.raw('Transforms') !== undefined) {
    props.fail('Transforms', 'host-header-rewrite and url-rewrite transforms are not emulated locally');
  }
  const paths = props.list('Conditions');
  if (paths.length === 0)
    invalid(
      resource,
      'Conditions',
      'a listener rule needs at least one condition (the default action has none)',
    );
  const seen = new Map<string, string>();
  let values = 0;
  let wildcards = 0;
  const conditions = paths.map((path) => {
    const { condition, at } = readCondition(props, path);
    const earlier = seen.get(condition.field);
    if (earlier && ONE_PER_RULE.has(condition.field)) {
      invalid(
        resource,
        `${path}.Field`,
        `a rule has at most one ${condition.field} condition (another is at ${earlier}); put the values in one condition (they are OR-ed)`,
      );
    }
    seen.set(condition.field, path);
    checkValues(props, condition, at);
    values += condition.values.length;
    wildcards += wildcardsOf(condition);
    return condition;
  });
  if (values > MAX_CONDITION_VALUES) {
    invalid(
      resource,
      'Conditions',
      `the rule's conditions have ${values} values; a rule allows at most ${MAX_CONDITION_VALUES} (ELB quota "Condition values per rule")`,
    );
  }
  if (wildcards > MAX_CONDITION_WILDCARDS) {
    invalid(
      resource,
      'Conditions',
      `the rule's conditions have ${wildcards} wildcards (* or ?); a rule allows at most ${MAX_CONDITION_WILDCARDS} (ELB quota "Condition wildcards per rule")`,
    );
  }
  const actions = props.list('Actions').map((path) => readAction(props, path));
  if (actions.length !== 1) {
    invalid(
      resource,
      'Actions',
      `got ${actions.length} actions; a rule has exactly one of forward, redirect, fixed-response`,
    );
  }
  return {
    arn: resource.ref,
    priority,
    conditions,
    action: actions[0] as ListenerRuleConfig['action'],
    origin: originOf(resource),
  };
}

/** The listener rules of the templates, and what cannot run locally. */
export interface ResolvedListenerRules {
  /** By the ARN of their listener, sorted by priority. */
  readonly byListener: Map<string, ListenerRuleConfig[]>;
  /** One per rule whose listener is not in the templates (a shared ALB declared elsewhere). */
  readonly warnings: string[];
}

/**
 * Every listener rule of the templates, by the ARN of its listener, sorted by priority. Throws a
 * TemplateError for a rule AWS would refuse and for two rules of a listener with one priority. A
 * rule whose listener is not in the templates (a service's rule on an ALB another stack owns)
 * gets a warning: it has no local effect.
 */
export function resolveListenerRules(app: ResolvedApp): ResolvedListenerRules {
  const warnings: string[] = [];
  const listeners = new Set(resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::Listener').map((l) => l.ref));
  const byListener = new Map<string, ListenerRuleConfig[]>();
  const owners = new Map<string, ResolvedResource>();
  for (const resource of resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
    const listenerArn = new PropertyReader(resource).string('ListenerArn');
    const rule = resolveRule(resource);
    if (!listeners.has(listenerArn)) {
      warnings.push(
        `${resource.stack.loaded.file}: ${resource.logicalId}: its listener '${listenerArn}' is not declared in these templates, so the rule has no local effect; pass the template that declares the load balancer with another --template`,
      );
      continue;
    }
    const key = `${listenerArn} ${rule.priority}`;
    const other = owners.get(key);
    if (other) {
      invalid(
        resource,
        'Priority',
        `priority ${rule.priority} is already taken by ${other.logicalId} (${other.stack.loaded.file}) on the same listener; priorities are unique per listener`,
      );
    }
    owners.set(key, resource);
    const rules = byListener.get(listenerArn) ?? [];
    rules.push(rule);
    byListener.set(listenerArn, rules);
  }
  for (const rules of byListener.values()) rules.sort((a, b) => a.priority - b.priority);
  return { byListener, warnings };
}
