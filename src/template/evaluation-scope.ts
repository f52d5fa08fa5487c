/**
 * The vocabulary shared by the intrinsic and condition evaluators: the value type with
 * `AWS::NoValue`, where a value sits in a template ({@link Site}), what a stack must answer
 * ({@link EvaluationScope}), and the checks that turn a wrong argument into a template error naming
 * the file, logical id and property path.
 */

import { TemplateError } from '../errors.js';
import { excerpt } from './excerpt.js';
import type { CfnTemplate, CfnValue } from './model.js';
import type { LocalEnvironment, PlainValue } from './resolved.js';

/** `AWS::NoValue`: the value that removes its key or list item. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A value during evaluation: plain JSON, or {@link NO_VALUE} before it is removed. */
export type Value = PlainValue | typeof NO_VALUE;

/** Where in a template a value sits: the entry's name and the dotted path inside it. */
export interface Site {
  /** The resource, output, condition or parameter name. */
  readonly logicalId?: string;
  /** e.g. `Properties.ContainerDefinitions.0.Image`; `''` at the entry itself. */
  readonly path: string;
  /** True inside the `Conditions` section, where only parameters and mappings may be referenced. */
  readonly inCondition?: boolean;
  /** The intrinsic whose arguments are being evaluated (argument paths go under its name). */
  readonly fn?: string;
}

/** What the evaluator asks of the stack a value is written in. */
export interface EvaluationScope {
  readonly file: string;
  readonly template: CfnTemplate;
  readonly environment: LocalEnvironment;
  readonly stackName: string;
  readonly stackId: string;
  /** `Ref` to a parameter or resource (not a pseudo parameter). */
  ref(name: string, site: Site): PlainValue;
  /** `Fn::GetAtt`. */
  getAtt(logicalId: string, attribute: string, site: Site): PlainValue;
  /** The value of a named condition. */
  condition(name: string, site: Site): boolean;
  /** `Fn::ImportValue`: an export of a stack in the same app. */
  importValue(name: string, site: Site): PlainValue;
}

/** Appends a key or index to a site's path. */
export function at(site: Site, key: string | number): Site {
  const path = site.path === '' ? String(key) : `${site.path}.${key}`;
  return { logicalId: site.logicalId, path, inCondition: site.inCondition };
}

/** The site of argument `index` of the intrinsic at `site`: `….Image.Fn::Join.1`. */
export function argAt(site: Site, index: string | number): Site {
  const { fn, ...rest } = site;
  return at(fn ? at(rest, fn) : rest, index);
}

/** A template error at `site` in `scope`'s file. */
export function siteError(scope: { readonly file: string }, site: Site, message: string, code: string) {
  return new TemplateError(
    { file: scope.file, logicalId: site.logicalId, propertyPath: site.path || undefined },
    message,
    { code },
  );
}

/** A `WHARF_INTRINSIC_INVALID` error at `site`. */
export function invalid(scope: EvaluationScope, site: Site, message: string): TemplateError {
  return siteError(scope, site, message, 'WHARF_INTRINSIC_INVALID');
}

/** True for `Ref` and `Fn::*` keys. */
export function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

/** True for a map (not a list, not null). */
export function isMap(value: CfnValue | undefined): value is { [key: string]: CfnValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value shortened for a message: one line, escaped, at most 60 characters (see `excerpt.ts`). */
export function show(value: unknown): string {
  return excerpt(value);
}

/** A scalar as a string; lists, maps and `AWS::NoValue` are errors. */
export function asText(scope: EvaluationScope, site: Site, value: Value, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(
    scope,
    site,
    `${what} must be a string, got ${value === NO_VALUE ? 'AWS::NoValue' : show(value)}.`,
  );
}

/** A list; anything else is an error. */
export function asList(scope: EvaluationScope, site: Site, value: Value, what: string): PlainValue[] {
  if (Array.isArray(value)) return value;
  throw invalid(
    scope,
    site,
    `${what} must be a list, got ${value === NO_VALUE ? 'AWS::NoValue' : show(value)}.`,
  );
}

/** An integer (a number or a numeric string); anything else is an error. */
export function asInteger(scope: EvaluationScope, site: Site, value: Value, what: string): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(number))
    throw invalid(scope, site, `${what} must be an integer, got ${show(value)}.`);
  return number;
}

/** The argument list of an intrinsic, checked to hold `min` to `max` items. */
export function argList(
  scope: EvaluationScope,
  site: Site,
  name: string,
  args: CfnValue,
  min: number,
  max = min,
) {
  if (!Array.isArray(args) || args.length < min || args.length > max) {
    const count = min === max ? `${min}` : `${min} to ${max}`;
    throw invalid(scope, site, `${name} takes a list of ${count} arguments, got ${show(args)}.`);
  }
  return args;
}
