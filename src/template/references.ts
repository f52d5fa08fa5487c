/**
 * Reference tracing: where does a property value come from?
 *
 * Follows `Ref` and `Fn::GetAtt` to resources, parameters into the parent stack's nested-stack
 * `Parameters` (then to their `Default`), `Fn::GetAtt [Nested, Outputs.X]` into the child's
 * outputs, and comma-joined lists (`Fn::Sub '${A},${B}'`, `Fn::Join [',', …]`, `Fn::Split`) into
 * lists of traced elements. `Fn::Select [i, Fn::GetAZs …]` becomes an AZ index. Anything else
 * becomes `unknown`: tracing never throws. It does not evaluate conditions (`Fn::If`) or imports;
 * full evaluation with local values is a separate, later layer that can build on this one.
 */

import type { CfnParameter, CfnResource, CfnValue, LoadedStack } from './model.js';

/** What a value traced to. */
export type Traced =
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  /** A string built by `Fn::Sub`/`Fn::Join` from pieces not all known; unknown pieces render as `${Name}`. */
  | { readonly kind: 'text'; readonly text: string }
  /** `Ref` to a resource (its physical id or ARN, depending on the type). */
  | {
      readonly kind: 'resource';
      readonly stack: LoadedStack;
      readonly logicalId: string;
      readonly resource: CfnResource;
    }
  /** `Fn::GetAtt` of a resource. */
  | {
      readonly kind: 'attribute';
      readonly stack: LoadedStack;
      readonly logicalId: string;
      readonly resource: CfnResource;
      readonly attribute: string;
    }
  /** A parameter with no value passed and no `Default`. */
  | {
      readonly kind: 'parameter';
      readonly stack: LoadedStack;
      readonly name: string;
      readonly parameter: CfnParameter;
    }
  /** A pseudo parameter such as `AWS::Region`. */
  | { readonly kind: 'pseudo'; readonly name: string }
  /** `Fn::Select [index, Fn::GetAZs …]`: the index-th AZ of the region. */
  | { readonly kind: 'az'; readonly index: number }
  | { readonly kind: 'list'; readonly items: readonly Traced[] }
  | { readonly kind: 'unknown'; readonly value: CfnValue | undefined; readonly reason: string };

const MAX_DEPTH = 40;
const SUB_VAR = /\$\{([^}]*)\}/g;

function unknown(value: CfnValue | undefined, reason: string): Traced {
  return { kind: 'unknown', value, reason };
}

function isList(type: string): boolean {
  return type.startsWith('List<') || type === 'CommaDelimitedList';
}

/** List-typed parameters receive comma-joined strings: split them. */
function coerceToParameterType(parameter: CfnParameter, traced: Traced): Traced {
  if (isList(parameter.Type) && traced.kind === 'literal' && typeof traced.value === 'string') {
    const items = traced.value.split(',').map((v): Traced => ({ kind: 'literal', value: v.trim() }));
    return { kind: 'list', items };
  }
  return traced;
}

function traceParameter(stack: LoadedStack, name: string, parameter: CfnParameter, depth: number): Traced {
  const parent = stack.parent;
  const passed = parent?.stack.template.Resources[parent.logicalId]?.Properties?.Parameters;
  const value =
    typeof passed === 'object' && passed !== null && !Array.isArray(passed) ? passed[name] : undefined;
  if (parent && value !== undefined) {
    return coerceToParameterType(parameter, trace(parent.stack, value, depth + 1));
  }
  if (parameter.Default !== undefined) {
    return coerceToParameterType(parameter, trace(stack, parameter.Default, depth + 1));
  }
  return { kind: 'parameter', stack, name, parameter };
}

function traceRef(stack: LoadedStack, name: CfnValue, depth: number): Traced {
  if (typeof name !== 'string') return unknown({ Ref: name }, 'Ref to a non-string');
  if (name.startsWith('AWS::')) return { kind: 'pseudo', name };
  const resource = stack.template.Resources[name];
  if (resource) return { kind: 'resource', stack, logicalId: name, resource };
  const parameter = stack.template.Parameters?.[name];
  if (parameter) return traceParameter(stack, name, parameter, depth);
  return unknown({ Ref: name }, `no resource or parameter named ${name}`);
}

function traceGetAtt(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  const parts =
    typeof args === 'string' ? [args.slice(0, args.indexOf('.')), args.slice(args.indexOf('.') + 1)] : args;
  if (!Array.isArray(parts) || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
    return unknown({ 'Fn::GetAtt': args }, 'Fn::GetAtt with computed arguments');
  }
  const [logicalId, attribute] = parts as [string, string];
  const child = stack.children.get(logicalId);
  if (child && attribute.startsWith('Outputs.')) {
    const output = child.template.Outputs?.[attribute.slice('Outputs.'.length)];
    if (!output)
      return unknown({ 'Fn::GetAtt': args }, `nested stack ${logicalId} has no output ${attribute}`);
    return trace(child, output.Value, depth + 1);
  }
  const resource = stack.template.Resources[logicalId];
  if (!resource) return unknown({ 'Fn::GetAtt': args }, `no resource named ${logicalId}`);
  return { kind: 'attribute', stack, logicalId, resource, attribute };
}

/** Renders a traced piece into a string, unknown pieces as `${…}`. */
function render(traced: Traced): string {
  switch (traced.kind) {
    case 'literal':
      return String(traced.value);
    case 'text':
      return traced.text;
    case 'pseudo':
      return `\${${traced.name}}`;
    case 'resource':
      return `\${${traced.logicalId}}`;
    case 'attribute':
      return `\${${traced.logicalId}.${traced.attribute}}`;
    case 'parameter':
      return `\${${traced.name}}`;
    case 'list':
      return traced.items.map(render).join(',');
    default:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Fn::Sub placeholder for an unknown piece.
      return '${?}';
  }
}

function concat(pieces: readonly Traced[]): Traced {
  const text = pieces.map(render).join('');
  return pieces.every((p) => p.kind === 'literal')
    ? { kind: 'literal', value: text }
    : { kind: 'text', text };
}

function flatten(items: readonly Traced[]): Traced[] {
  return items.flatMap((item) => (item.kind === 'list' ? flatten(item.items) : [item]));
}

function traceSub(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  const [template, rawVars] =
    typeof args === 'string' ? [args, {}] : Array.isArray(args) ? args : [undefined, {}];
  if (
    typeof template !== 'string' ||
    typeof rawVars !== 'object' ||
    rawVars === null ||
    Array.isArray(rawVars)
  ) {
    return unknown({ 'Fn::Sub': args }, 'Fn::Sub with computed arguments');
  }
  const vars: Record<string, CfnValue> = rawVars;
  const traceVar = (name: string): Traced => {
    if (name.startsWith('!')) return { kind: 'literal', value: `\${${name.slice(1)}}` };
    if (name in vars) return trace(stack, vars[name], depth + 1);
    const dot = name.indexOf('.');
    if (dot > 0) return traceGetAtt(stack, [name.slice(0, dot), name.slice(dot + 1)], depth + 1);
    return traceRef(stack, name, depth + 1);
  };
  const pieces = (segment: string): Traced[] => {
    const out: Traced[] = [];
    let last = 0;
    for (const match of segment.matchAll(SUB_VAR)) {
      if (match.index > last) out.push({ kind: 'literal', value: segment.slice(last, match.index) });
      out.push(traceVar(match[1]));
      last = match.index + match[0].length;
    }
    if (last < segment.length) out.push({ kind: 'literal', value: segment.slice(last) });
    return out;
  };
  const whole = pieces(template);
  if (whole.length === 1 && /^\$\{[^}]*\}$/.test(template)) return whole[0];
  const segments = template.split(',');
  const isListShaped =
    segments.length > 1 &&
    template.includes('${') &&
    segments.every((s) => /^\$\{[^!}][^}]*\}$/.test(s.trim()) || !s.includes('${'));
  if (isListShaped) {
    const items = segments.map((segment) => {
      const parts = pieces(segment.trim());
      return parts.length === 1 ? parts[0] : concat(parts);
    });
    return { kind: 'list', items: flatten(items) };
  }
  return concat(whole);
}

function traceJoin(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  if (!Array.isArray(args) || typeof args[0] !== 'string')
    return unknown({ 'Fn::Join': args }, 'Fn::Join arguments');
  const [delimiter, values] = args as [string, CfnValue];
  const traced = trace(stack, values, depth + 1);
  if (delimiter === ',')
    return traced.kind === 'list' ? { kind: 'list', items: flatten(traced.items) } : traced;
  if (traced.kind !== 'list') return unknown({ 'Fn::Join': args }, 'Fn::Join of a value that is not a list');
  const pieces = traced.items.flatMap((item, i): Traced[] =>
    i === 0 ? [item] : [{ kind: 'literal', value: delimiter }, item],
  );
  return concat(pieces);
}

function traceSplit(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  if (!Array.isArray(args) || typeof args[0] !== 'string') {
    return unknown({ 'Fn::Split': args }, 'Fn::Split arguments');
  }
  const delimiter = args[0];
  const source = trace(stack, args[1], depth + 1);
  if (source.kind === 'list') return source;
  if (source.kind === 'literal' && typeof source.value === 'string') {
    return {
      kind: 'list',
      items: source.value.split(delimiter).map((value) => ({ kind: 'literal', value })),
    };
  }
  return unknown({ 'Fn::Split': args }, 'Fn::Split of a value that cannot be traced');
}

function traceSelect(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  if (!Array.isArray(args) || args.length !== 2)
    return unknown({ 'Fn::Select': args }, 'Fn::Select arguments');
  const index = trace(stack, args[0], depth + 1);
  const position = index.kind === 'literal' ? Number(index.value) : Number.NaN;
  if (!Number.isInteger(position)) return unknown({ 'Fn::Select': args }, 'Fn::Select with a computed index');
  const from = args[1];
  if (typeof from === 'object' && from !== null && !Array.isArray(from) && 'Fn::GetAZs' in from) {
    return { kind: 'az', index: position };
  }
  const list = trace(stack, from, depth + 1);
  const items = list.kind === 'list' ? flatten(list.items) : undefined;
  return items?.[position] ?? unknown({ 'Fn::Select': args }, 'Fn::Select from a list that cannot be traced');
}

function traceFindInMap(stack: LoadedStack, args: CfnValue, depth: number): Traced {
  if (!Array.isArray(args) || args.length < 3)
    return unknown({ 'Fn::FindInMap': args }, 'Fn::FindInMap arguments');
  const keys = args.slice(0, 3).map((arg) => trace(stack, arg, depth + 1));
  if (!keys.every((k) => k.kind === 'literal')) {
    return unknown({ 'Fn::FindInMap': args }, 'Fn::FindInMap with computed keys');
  }
  const [map, top, second] = keys.map((k) => String((k as { value: unknown }).value));
  const value = stack.template.Mappings?.[map]?.[top]?.[second];
  return value === undefined
    ? unknown({ 'Fn::FindInMap': args }, `no mapping entry ${map}.${top}.${second}`)
    : trace(stack, value, depth + 1);
}

const FUNCTIONS: Record<string, (stack: LoadedStack, args: CfnValue, depth: number) => Traced> = {
  Ref: traceRef,
  'Fn::GetAtt': traceGetAtt,
  'Fn::Sub': traceSub,
  'Fn::Join': traceJoin,
  'Fn::Split': traceSplit,
  'Fn::Select': traceSelect,
  'Fn::FindInMap': traceFindInMap,
};

function trace(stack: LoadedStack, value: CfnValue | undefined, depth: number): Traced {
  if (depth > MAX_DEPTH) return unknown(value, 'references nest too deeply (a parameter cycle?)');
  if (value === undefined || value === null) return unknown(value, 'no value');
  if (typeof value !== 'object') return { kind: 'literal', value };
  if (Array.isArray(value))
    return { kind: 'list', items: value.map((item) => trace(stack, item, depth + 1)) };
  const keys = Object.keys(value);
  const fn = keys.length === 1 ? FUNCTIONS[keys[0]] : undefined;
  if (fn) return fn(stack, value[keys[0]], depth);
  return unknown(value, keys.length === 1 ? `${keys[0]} is not traced` : 'a mapping, not a single value');
}

/**
 * Traces a value written in `stack` to where it comes from. Never throws.
 *
 * @example
 * // service.yml: Subnets: !Ref PublicSubnetIds, fed by parent.yml from vpc.yml's outputs
 * traceValue(serviceStack, { Ref: 'PublicSubnetIds' });
 * // → { kind: 'list', items: [{ kind: 'resource', logicalId: 'PublicSubnetOne', … }, …] }
 */
export function traceValue(stack: LoadedStack, value: CfnValue | undefined): Traced {
  return trace(stack, value, 0);
}

/** Traces a value expected to be a list, flattened; a single value becomes a one-element list. */
export function traceList(stack: LoadedStack, value: CfnValue | undefined): Traced[] {
  const traced = traceValue(stack, value);
  return traced.kind === 'list' ? flatten(traced.items) : [traced];
}

/** The literal value a trace reached, or `undefined`. */
export function literalOf(traced: Traced): string | number | boolean | undefined {
  return traced.kind === 'literal' ? traced.value : undefined;
}

/** The resource a `Ref` or `Fn::GetAtt` trace reached, when it has the given type. */
export function resourceOf(
  traced: Traced,
  type?: string,
): { stack: LoadedStack; logicalId: string; resource: CfnResource; attribute?: string } | undefined {
  if (traced.kind !== 'resource' && traced.kind !== 'attribute') return undefined;
  if (type !== undefined && traced.resource.Type !== type) return undefined;
  return traced;
}

/** A short human description of a trace, for messages: `PublicSubnetOne (AWS::EC2::Subnet)`. */
export function describeTraced(traced: Traced): string {
  switch (traced.kind) {
    case 'resource':
      return `${traced.logicalId} (${traced.resource.Type})`;
    case 'attribute':
      return `${traced.logicalId}.${traced.attribute} (${traced.resource.Type})`;
    case 'az':
      return `AZ #${traced.index}`;
    case 'unknown':
      return `an untraceable value (${traced.reason})`;
    default:
      return render(traced);
  }
}
