/**
 * Reading ALB listener rules for the trap rules: the listener each belongs to, its priority and
 * its conditions, traced through parameters. Anything that does not trace to literals is
 * `undefined`, so the rules that use it stay silent rather than guess.
 */

import type { CfnValue, LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { literalOf, resourceOf, traceList, traceValue } from '../../template/references.js';
import type { QueryPair, RuleCondition } from './condition-cover.js';
import { type At, keyOf, numberOf } from './support.js';

/** One `AWS::ElasticLoadBalancingV2::ListenerRule` as the traps read it. */
export interface ListenerRuleInfo {
  readonly at: At;
  /** Identifies the listener across the app (a resource key, or the literal ARN). */
  readonly listenerKey: string;
  /** The listener for messages: its logical id, or the ARN. */
  readonly listenerName: string;
  /** The traced `Priority`, when it is a number. */
  readonly priority?: number;
  /** The conditions, when every one of them traces to literals of a known field. */
  readonly conditions?: readonly RuleCondition[];
}

function isMap(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The literal strings of a list property, or `undefined` when any is not a literal. */
function strings(at: At, value: CfnValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = traceList(at.stack, value).map(literalOf);
  return items.every((item) => item !== undefined) ? items.map(String) : undefined;
}

function queryPairs(at: At, value: CfnValue | undefined): QueryPair[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const pairs: QueryPair[] = [];
  for (const item of value) {
    if (!isMap(item)) return undefined;
    const pairValue = literalOf(traceValue(at.stack, item.Value));
    if (pairValue === undefined) return undefined;
    if (item.Key === undefined) pairs.push({ value: String(pairValue) });
    else {
      const key = literalOf(traceValue(at.stack, item.Key));
      if (key === undefined) return undefined;
      pairs.push({ key: String(key), value: String(pairValue) });
    }
  }
  return pairs;
}

/** One condition of a rule, read from its `*Config` (or the legacy top-level `Values`). */
export function readCondition(at: At, raw: CfnValue): RuleCondition | undefined {
  if (!isMap(raw)) return undefined;
  const field = literalOf(traceValue(at.stack, raw.Field));
  const config = (name: string) => (isMap(raw[name]) ? (raw[name] as Record<string, CfnValue>) : undefined);
  const hasRegex = Object.values(raw).some((v) => isMap(v) && v.RegexValues !== undefined);
  if (hasRegex) return undefined;
  switch (field) {
    case 'path-pattern':
    case 'host-header': {
      const values = strings(
        at,
        config(field === 'path-pattern' ? 'PathPatternConfig' : 'HostHeaderConfig')?.Values ?? raw.Values,
      );
      return values && { field, values };
    }
    case 'http-request-method':
    case 'source-ip': {
      const values = strings(
        at,
        config(field === 'source-ip' ? 'SourceIpConfig' : 'HttpRequestMethodConfig')?.Values,
      );
      return values && { field, values };
    }
    case 'http-header': {
      const header = literalOf(traceValue(at.stack, config('HttpHeaderConfig')?.HttpHeaderName));
      const values = strings(at, config('HttpHeaderConfig')?.Values);
      return header !== undefined && values ? { field, header: String(header), values } : undefined;
    }
    case 'query-string': {
      const pairs = queryPairs(at, config('QueryStringConfig')?.Values);
      return pairs && { field, pairs };
    }
    default:
      return undefined;
  }
}

/** Every listener rule of the app whose listener can be identified, in template order. */
export function listenerRules(app: LoadedApp): ListenerRuleInfo[] {
  const rules: ListenerRuleInfo[] = [];
  for (const at of listResources(app, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
    const traced = traceValue(at.stack, getPath(at.resource, 'Properties.ListenerArn'));
    const listener = resourceOf(traced, 'AWS::ElasticLoadBalancingV2::Listener');
    const arn = literalOf(traced);
    let listenerKey: string;
    let listenerName: string;
    if (listener && (listener.attribute === undefined || listener.attribute === 'ListenerArn')) {
      listenerKey = keyOf(listener);
      listenerName = listener.logicalId;
    } else if (typeof arn === 'string') {
      listenerKey = `arn:${arn}`;
      listenerName = arn;
    } else continue;
    const rawConditions = getPath(at.resource, 'Properties.Conditions');
    const read = Array.isArray(rawConditions) ? rawConditions.map((c) => readCondition(at, c)) : [];
    const conditions =
      read.length > 0 && read.every((c) => c !== undefined) ? (read as RuleCondition[]) : undefined;
    rules.push({
      at,
      listenerKey,
      listenerName,
      priority: numberOf(at.stack, getPath(at.resource, 'Properties.Priority')),
      conditions,
    });
  }
  return rules;
}

/** The rules grouped by listener, each group in priority order (rules without a priority last). */
export function rulesByListener(app: LoadedApp): ListenerRuleInfo[][] {
  const groups = new Map<string, ListenerRuleInfo[]>();
  for (const rule of listenerRules(app)) {
    const group = groups.get(rule.listenerKey) ?? [];
    group.push(rule);
    groups.set(rule.listenerKey, group);
  }
  return [...groups.values()].map((group) =>
    group.toSorted(
      (a, b) => (a.priority ?? Number.POSITIVE_INFINITY) - (b.priority ?? Number.POSITIVE_INFINITY),
    ),
  );
}
