/**
 * The intrinsic-function evaluator: turns a template value (literals, lists, maps and `Ref`/`Fn::*`
 * objects) into a plain JSON value, given a {@link EvaluationScope} that answers references.
 *
 * Supported: `Ref` (parameters, resources, pseudo parameters), `Fn::GetAtt` (array and dotted
 * forms; the attribute may be a `Ref`), `Fn::Sub` (both forms, `${!Literal}`, `${Res.Attr}`),
 * `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` (with `DefaultValue`), `Fn::GetAZs`,
 * `Fn::If` (with `AWS::NoValue` removing the key or list item), `Fn::Base64`, `Fn::Cidr`,
 * `Fn::ImportValue`; the condition functions (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
 * `Condition`) are evaluated by `conditions.ts` in the `Conditions` section.
 * Anything else (`Fn::Transform`, `Fn::Length`, `Fn::ForEach`, …) is rejected with the list above.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

import { CidrError, cidrSubnets } from './cidr.js';
import {
  argAt,
  argList,
  asInteger,
  asList,
  asText,
  at,
  type EvaluationScope,
  invalid,
  isIntrinsicKey,
  isMap,
  NO_VALUE,
  type Site,
  show,
  siteError,
  type Value,
} from './evaluation-scope.js';
import type { CfnValue } from './model.js';
import type { PlainValue } from './resolved.js';

/** The intrinsic functions Wharf evaluates, for messages. */
export const SUPPORTED_INTRINSICS = [
  'Ref',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::And, Fn::Equals, Fn::Not, Fn::Or and Condition (in Conditions)',
] as const;

const CONDITION_FUNCTIONS = new Set(['Fn::And', 'Fn::Equals', 'Fn::Not', 'Fn::Or']);

const PSEUDO: Record<string, (scope: EvaluationScope) => PlainValue> = {
  'AWS::AccountId': (scope) => scope.environment.accountId,
  'AWS::Region': (scope) => scope.environment.region,
  'AWS::Partition': (scope) => scope.environment.partition,
  'AWS::URLSuffix': (scope) => scope.environment.urlSuffix,
  'AWS::StackName': (scope) => scope.stackName,
  'AWS::StackId': (scope) => scope.stackId,
  'AWS::NotificationARNs': () => [],
};

function ref(scope: EvaluationScope, name: string, site: Site): Value {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const pseudo = PSEUDO[name];
  if (pseudo) return pseudo(scope);
  if (name.startsWith('AWS::')) {
    throw invalid(
      scope,
      site,
      `Ref ${name} is not a pseudo parameter; known: AWS::NoValue, ${Object.keys(PSEUDO).join(', ')}.`,
    );
  }
  return scope.ref(name, site);
}

function getAtt(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  let parts: [string, string] | undefined;
  if (typeof args === 'string' && args.indexOf('.') > 0) {
    const dot = args.indexOf('.');
    parts = [args.slice(0, dot), args.slice(dot + 1)];
  } else if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string') {
    const attribute = typeof args[1] === 'string' ? args[1] : evaluate(scope, args[1], argAt(site, 1));
    parts = [args[0], asText(scope, argAt(site, 1), attribute, 'the attribute name of Fn::GetAtt')];
  }
  if (!parts || parts[0] === '' || parts[1] === '') {
    throw invalid(
      scope,
      site,
      `Fn::GetAtt takes [LogicalId, Attribute] or "LogicalId.Attribute", got ${show(args)}.`,
    );
  }
  return scope.getAtt(parts[0], parts[1], site);
}

const SUB_VARIABLE = /\$\{([^}]*)\}/g;

function sub(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  let text: CfnValue;
  let variables: CfnValue = {};
  if (Array.isArray(args)) [text, variables] = argList(scope, site, 'Fn::Sub', args, 2);
  else text = args;
  if (typeof text !== 'string' || !isMap(variables)) {
    throw invalid(scope, site, `Fn::Sub takes a string or [string, {Name: value}], got ${show(args)}.`);
  }
  const vars = variables;
  return text.replace(SUB_VARIABLE, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    let value: Value;
    if (Object.hasOwn(vars, name)) value = evaluate(scope, vars[name], at(argAt(site, 1), name));
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      value = scope.getAtt(name.slice(0, dot), name.slice(dot + 1), site);
    } else if (name === '')
      throw invalid(scope, site, `Fn::Sub has an empty variable ${whole} in ${show(text)}.`);
    else value = ref(scope, name, site);
    return asText(scope, site, value, `Fn::Sub variable \${${name}}`);
  });
}

function join(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const [delimiter, values] = argList(scope, site, 'Fn::Join', args, 2);
  const separator = asText(
    scope,
    argAt(site, 0),
    evaluate(scope, delimiter, argAt(site, 0)),
    'the Fn::Join delimiter',
  );
  const items = asList(
    scope,
    argAt(site, 1),
    evaluate(scope, values, argAt(site, 1)),
    'the values of Fn::Join',
  );
  return items
    .map((item, i) => asText(scope, at(argAt(site, 1), i), item, 'each Fn::Join value'))
    .join(separator);
}

function select(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const [indexArg, listArg] = argList(scope, site, 'Fn::Select', args, 2);
  const index = asInteger(
    scope,
    argAt(site, 0),
    evaluate(scope, indexArg, argAt(site, 0)),
    'the Fn::Select index',
  );
  const list = asList(
    scope,
    argAt(site, 1),
    evaluate(scope, listArg, argAt(site, 1)),
    'the list of Fn::Select',
  );
  if (index < 0 || index >= list.length) {
    throw invalid(
      scope,
      site,
      `Fn::Select index ${index} is out of range: the list has ${list.length} items ${show(list)}.`,
    );
  }
  return list[index];
}

function split(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const [delimiterArg, sourceArg] = argList(scope, site, 'Fn::Split', args, 2);
  const delimiter = asText(
    scope,
    argAt(site, 0),
    evaluate(scope, delimiterArg, argAt(site, 0)),
    'the Fn::Split delimiter',
  );
  const source = asText(
    scope,
    argAt(site, 1),
    evaluate(scope, sourceArg, argAt(site, 1)),
    'the string of Fn::Split',
  );
  if (delimiter === '') throw invalid(scope, site, 'the Fn::Split delimiter must not be empty.');
  return source.split(delimiter);
}

function findInMap(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const list = argList(scope, site, 'Fn::FindInMap', args, 3, 4);
  const keys = list
    .slice(0, 3)
    .map((key, i) =>
      asText(scope, argAt(site, i), evaluate(scope, key, argAt(site, i)), 'each Fn::FindInMap key'),
    );
  const [mapName, topKey, secondKey] = keys;
  const options = list[3];
  const hasDefault = isMap(options) && Object.hasOwn(options, 'DefaultValue');
  if (list.length === 4 && !hasDefault) {
    throw invalid(
      scope,
      argAt(site, 3),
      `the fourth argument of Fn::FindInMap must be {DefaultValue: …}, got ${show(options)}.`,
    );
  }
  const mappings = scope.template.Mappings ?? {};
  const map = mappings[mapName];
  const fallback = () =>
    evaluate(scope, (options as { DefaultValue: CfnValue }).DefaultValue, at(argAt(site, 3), 'DefaultValue'));
  if (!map) {
    if (hasDefault) return fallback();
    throw invalid(
      scope,
      site,
      `Fn::FindInMap: no mapping named '${mapName}'; mappings: ${Object.keys(mappings).join(', ') || 'none'}.`,
    );
  }
  const top = map[topKey];
  const value = top?.[secondKey];
  if (value === undefined) {
    if (hasDefault) return fallback();
    const known = top
      ? `keys under ${mapName}.${topKey}: ${Object.keys(top).join(', ')}`
      : `keys of ${mapName}: ${Object.keys(map).join(', ')}`;
    throw invalid(scope, site, `Fn::FindInMap: no entry ${mapName}.${topKey}.${secondKey}; ${known}.`);
  }
  return evaluate(scope, value, site);
}

function getAZs(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const region = asText(scope, site, evaluate(scope, args, site), 'the region of Fn::GetAZs');
  const { environment } = scope;
  if (region === '' || region === environment.region) return [...environment.availabilityZones];
  return ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
}

function fnIf(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const [name, whenTrue, whenFalse] = argList(scope, site, 'Fn::If', args, 3);
  if (typeof name !== 'string') {
    throw invalid(
      scope,
      argAt(site, 0),
      `the first argument of Fn::If must be a condition name, got ${show(name)}.`,
    );
  }
  return scope.condition(name, site)
    ? evaluate(scope, whenTrue, argAt(site, 1))
    : evaluate(scope, whenFalse, argAt(site, 2));
}

function base64(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const text = asText(scope, site, evaluate(scope, args, site), 'the value of Fn::Base64');
  return Buffer.from(text, 'utf8').toString('base64');
}

function cidr(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const [blockArg, countArg, bitsArg] = argList(scope, site, 'Fn::Cidr', args, 3);
  const block = asText(
    scope,
    argAt(site, 0),
    evaluate(scope, blockArg, argAt(site, 0)),
    'the ipBlock of Fn::Cidr',
  );
  const count = asInteger(
    scope,
    argAt(site, 1),
    evaluate(scope, countArg, argAt(site, 1)),
    'the count of Fn::Cidr',
  );
  const bits = asInteger(
    scope,
    argAt(site, 2),
    evaluate(scope, bitsArg, argAt(site, 2)),
    'the cidrBits of Fn::Cidr',
  );
  try {
    return cidrSubnets(block, count, bits);
  } catch (error) {
    if (error instanceof CidrError) throw invalid(scope, site, `Fn::Cidr: ${error.message}.`);
    throw error;
  }
}

function importValue(scope: EvaluationScope, args: CfnValue, site: Site): Value {
  const name = asText(scope, site, evaluate(scope, args, site), 'the export name of Fn::ImportValue');
  return scope.importValue(name, site);
}

type Intrinsic = (scope: EvaluationScope, args: CfnValue, site: Site) => Value;

const INTRINSICS: Record<string, Intrinsic> = {
  Ref: (scope, args, site) => {
    if (typeof args !== 'string') throw invalid(scope, site, `Ref takes a name, got ${show(args)}.`);
    if (site.inCondition && !args.startsWith('AWS::') && !scope.template.Parameters?.[args]) {
      throw invalid(
        scope,
        site,
        `Ref ${args}: conditions can reference only parameters and pseudo parameters.`,
      );
    }
    return ref(scope, args, site);
  },
  'Fn::GetAtt': (scope, args, site) => {
    if (site.inCondition)
      throw invalid(
        scope,
        site,
        'conditions cannot use Fn::GetAtt; only parameters, pseudo parameters and mappings.',
      );
    return getAtt(scope, args, site);
  },
  'Fn::Sub': sub,
  'Fn::Join': join,
  'Fn::Select': select,
  'Fn::Split': split,
  'Fn::FindInMap': findInMap,
  'Fn::GetAZs': getAZs,
  'Fn::If': fnIf,
  'Fn::Base64': base64,
  'Fn::Cidr': cidr,
  'Fn::ImportValue': importValue,
};

function callIntrinsic(scope: EvaluationScope, name: string, args: CfnValue, site: Site): Value {
  const intrinsic = INTRINSICS[name];
  if (intrinsic) return intrinsic(scope, args, { ...site, fn: name });
  if (CONDITION_FUNCTIONS.has(name)) {
    throw invalid(
      scope,
      site,
      `${name} is a condition function: use it in the Conditions section and select values with Fn::If [ConditionName, valueIfTrue, valueIfFalse].`,
    );
  }
  throw siteError(
    scope,
    site,
    `${name} is not supported. Wharf evaluates: ${SUPPORTED_INTRINSICS.join(', ')}.`,
    'WHARF_INTRINSIC_UNSUPPORTED',
  );
}

/**
 * Evaluates a template value in `scope`: intrinsics are called, `AWS::NoValue` removes its map key
 * or list item (and is returned as {@link NO_VALUE} when it is the whole value).
 *
 * @throws {@link TemplateError} `WHARF_INTRINSIC_INVALID` for malformed arguments or unresolvable
 *   references, `WHARF_INTRINSIC_UNSUPPORTED` for functions Wharf does not evaluate, each naming
 *   the file, logical id and property path.
 */
export function evaluate(scope: EvaluationScope, value: CfnValue | undefined, site: Site): Value {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: PlainValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = evaluate(scope, value[i], at(site, i));
      if (item !== NO_VALUE) items.push(item);
    }
    return items;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && isIntrinsicKey(keys[0]))
    return callIntrinsic(scope, keys[0], value[keys[0]], site);
  const intrinsic = keys.find(isIntrinsicKey);
  if (intrinsic) {
    throw invalid(
      scope,
      site,
      `${intrinsic} must be the only key of its object, but it sits with ${keys.filter((k) => k !== intrinsic).join(', ')}.`,
    );
  }
  const out: { [key: string]: PlainValue } = {};
  for (const key of keys) {
    const item = evaluate(scope, value[key], at(site, key));
    if (item !== NO_VALUE) out[key] = item;
  }
  return out;
}
