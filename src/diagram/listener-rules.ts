/**
 * Listener rules as `wharf diagram` labels them: each `AWS::ElasticLoadBalancingV2::ListenerRule`
 * of the evaluated templates with its listener, priority, conditions in a short text and its
 * terminal action. Read from the resolved templates (the one evaluator), so it needs nothing from
 * the local ALB emulator.
 */

import { resourcesOfType } from '../local/network/resolve.js';
import type { PlainValue, ResolvedApp } from '../template/resolved.js';

/** What a rule does with the requests it matches. */
export type RuleAction =
  | { readonly type: 'forward'; readonly targetGroupArns: readonly string[] }
  | { readonly type: 'redirect' | 'fixed-response'; readonly text: string };

/** One listener rule, for labels. */
export interface ListenerRuleSummary {
  readonly logicalId: string;
  readonly listenerArn: string;
  readonly priority?: number;
  /** e.g. `path /orders, /orders/* · host api.example.com`. */
  readonly conditions: string;
  readonly action?: RuleAction;
}

function record(value: PlainValue | undefined): Record<string, PlainValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function strings(value: PlainValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const FIELD_NAMES: Readonly<Record<string, [string, string]>> = {
  'path-pattern': ['path', 'PathPatternConfig'],
  'host-header': ['host', 'HostHeaderConfig'],
  'http-request-method': ['method', 'HttpRequestMethodConfig'],
  'source-ip': ['source', 'SourceIpConfig'],
};

/**
 * A rule's conditions as one short line: `path /a, /b · method GET · header X-Env beta ·
 * query debug=on`.
 *
 * @example
 * describeRuleConditions([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/orders/*'] } }]);
 * // → 'path /orders/*'
 */
export function describeRuleConditions(conditions: PlainValue | undefined): string {
  const parts = (Array.isArray(conditions) ? conditions : []).map((raw) => {
    const condition = record(raw);
    const field = typeof condition.Field === 'string' ? condition.Field : '?';
    const named = FIELD_NAMES[field];
    if (named) {
      const [name, config] = named;
      const values = strings(record(condition[config]).Values);
      return `${name} ${(values.length > 0 ? values : strings(condition.Values)).join(', ')}`;
    }
    if (field === 'http-header') {
      const config = record(condition.HttpHeaderConfig);
      return `header ${String(config.HttpHeaderName ?? '?')} ${strings(config.Values).join(', ')}`;
    }
    if (field === 'query-string') {
      const pairs = (
        Array.isArray(record(condition.QueryStringConfig).Values)
          ? (record(condition.QueryStringConfig).Values as PlainValue[])
          : []
      ).map((pair) => {
        const { Key, Value } = record(pair);
        return Key === undefined ? String(Value ?? '') : `${String(Key)}=${String(Value ?? '')}`;
      });
      return `query ${pairs.join(', ')}`;
    }
    return field;
  });
  return parts.join(' · ') || 'no conditions';
}

function actionOf(actions: PlainValue | undefined): RuleAction | undefined {
  const list = (Array.isArray(actions) ? actions : []).map(record);
  const terminal = list.find((a) => ['forward', 'redirect', 'fixed-response'].includes(String(a.Type)));
  if (!terminal) return undefined;
  if (terminal.Type === 'forward') {
    const weighted = (
      Array.isArray(record(terminal.ForwardConfig).TargetGroups)
        ? (record(terminal.ForwardConfig).TargetGroups as PlainValue[])
        : []
    ).map((group) => record(group).TargetGroupArn);
    const arns = [terminal.TargetGroupArn, ...weighted].filter((a): a is string => typeof a === 'string');
    return { type: 'forward', targetGroupArns: [...new Set(arns)] };
  }
  if (terminal.Type === 'fixed-response') {
    const config = record(terminal.FixedResponseConfig);
    return { type: 'fixed-response', text: `fixed response ${String(config.StatusCode ?? '?')}` };
  }
  const config = record(terminal.RedirectConfig);
  const where = [config.Protocol, config.Host, config.Path].filter((v) => typeof v === 'string').join(' ');
  return {
    type: 'redirect',
    text: `redirect ${String(config.StatusCode ?? '')}${where ? ` to ${where}` : ''}`.trim(),
  };
}

/** Every listener rule of the app, in priority order (rules without a number last). */
export function readListenerRules(app: ResolvedApp): ListenerRuleSummary[] {
  return resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .map((rule) => {
      const p = rule.properties;
      const priority = typeof p.Priority === 'number' ? p.Priority : Number(p.Priority);
      return {
        logicalId: rule.logicalId,
        listenerArn: typeof p.ListenerArn === 'string' ? p.ListenerArn : '',
        ...(Number.isFinite(priority) ? { priority } : {}),
        conditions: describeRuleConditions(p.Conditions),
        action: actionOf(p.Actions),
      };
    })
    .sort((a, b) => (a.priority ?? Number.POSITIVE_INFINITY) - (b.priority ?? Number.POSITIVE_INFINITY));
}
