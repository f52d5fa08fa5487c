/**
 * The `Conditions` section: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and `{ Condition: Name }`
 * evaluated to booleans. Values compared by `Fn::Equals` are evaluated with the intrinsic
 * evaluator, restricted (as CloudFormation restricts them) to parameters, pseudo parameters and
 * mappings. Scalars compare by their string form, so `Fn::Equals [1, "1"]` holds.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html
 */

import {
  at,
  type EvaluationScope,
  NO_VALUE,
  type Site,
  show,
  siteError,
  type Value,
} from './evaluation-scope.js';
import { evaluate } from './intrinsics.js';
import type { CfnValue } from './model.js';

const FUNCTIONS = 'Fn::Equals, Fn::And, Fn::Or, Fn::Not or {Condition: Name}';

function invalid(scope: EvaluationScope, site: Site, message: string) {
  return siteError(scope, site, message, 'WHARF_INTRINSIC_INVALID');
}

/** A canonical text for `Fn::Equals`: scalars by their string form, lists and maps item by item. */
function canonical(value: Value): string {
  if (value === NO_VALUE) return '<AWS::NoValue>';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(String(value));
}

function operands(
  scope: EvaluationScope,
  site: Site,
  name: string,
  args: CfnValue,
  min: number,
  max: number,
) {
  if (!Array.isArray(args) || args.length < min || args.length > max) {
    const count = min === max ? `${min}` : `${min} to ${max}`;
    throw invalid(scope, site, `${name} takes a list of ${count} conditions, got ${show(args)}.`);
  }
  return args;
}

/**
 * Evaluates a condition function in `scope`.
 *
 * @throws {@link TemplateError} `WHARF_INTRINSIC_INVALID` when the value is not a condition function
 *   or its arguments are malformed, or a referenced condition does not exist.
 * @example
 * evaluateCondition(scope, { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, { logicalId: 'IsProd', path: '' });
 */
export function evaluateCondition(scope: EvaluationScope, value: CfnValue, site: Site): boolean {
  const inner: Site = { ...site, inCondition: true };
  const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  const name = keys.length === 1 ? keys[0] : undefined;
  const args = name === undefined ? undefined : (value as Record<string, CfnValue>)[name];
  const argSite = (i: number) => at(at(inner, name ?? ''), i);
  switch (name) {
    case 'Condition':
      if (typeof args !== 'string')
        throw invalid(scope, inner, `Condition takes a condition name, got ${show(args)}.`);
      return scope.condition(args, inner);
    case 'Fn::Equals': {
      const [left, right] = operands(scope, inner, name, args as CfnValue, 2, 2);
      return canonical(evaluate(scope, left, argSite(0))) === canonical(evaluate(scope, right, argSite(1)));
    }
    case 'Fn::And':
      return operands(scope, inner, name, args as CfnValue, 2, 10)
        .map((operand, i) => evaluateCondition(scope, operand, argSite(i)))
        .every(Boolean);
    case 'Fn::Or':
      return operands(scope, inner, name, args as CfnValue, 2, 10)
        .map((operand, i) => evaluateCondition(scope, operand, argSite(i)))
        .some(Boolean);
    case 'Fn::Not': {
      const [operand] = operands(scope, inner, name, args as CfnValue, 1, 1);
      return !evaluateCondition(scope, operand, argSite(0));
    }
    default:
      throw invalid(scope, inner, `a condition must be ${FUNCTIONS}, got ${show(value)}.`);
  }
}
