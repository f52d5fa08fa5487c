/**
 * Template parameters: the value a stack receives for each declared parameter, typed and checked
 * the way CloudFormation does it.
 *
 * - `String`, `Number` and the AWS-specific types (`AWS::EC2::VPC::Id`, …) give a string. A
 *   `Number` parameter stays a string, as CloudFormation documents for `Ref` ("the parameter value
 *   becomes a string"); it is checked to be numeric.
 * - `CommaDelimitedList`, `List<Number>` and `List<AWS::…>` give a string array: a passed string is
 *   split on commas and each item trimmed (an empty string gives `[]`); a passed array is taken
 *   item by item.
 * - `AWS::SSM::Parameter::Value<…>`: there is no Parameter Store locally, so a value passed in is
 *   taken as the parameter's value itself; with no value passed, a declared `Default` (an SSM
 *   parameter name, like CDK's `/cdk-bootstrap/hnb659fds/version`) resolves to the placeholder
 *   {@link SSM_PLACEHOLDER}; with neither, it is an error.
 * - `AllowedValues`, `AllowedPattern` (whole-string match), `MinLength`/`MaxLength` and
 *   `MinValue`/`MaxValue` are enforced on passed values and defaults.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 */

import { TemplateError, type TemplateLocation } from '../errors.js';
import { excerpt } from './excerpt.js';
import type { CfnParameter } from './model.js';
import type { PlainValue } from './resolved.js';

/** The value an SSM-typed parameter with a `Default` and no passed value resolves to. */
export const SSM_PLACEHOLDER = 'local';

const SCALAR_TYPES = new Set(['String', 'Number', 'AWS::SSM::Parameter::Name']);
const LIST_TYPES = new Set(['CommaDelimitedList', 'List<Number>']);

/** How a parameter type is handled. */
interface ParameterShape {
  readonly list: boolean;
  readonly numeric: boolean;
  readonly ssm: boolean;
}

function shapeOf(type: string): ParameterShape | undefined {
  const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
  if (ssm) {
    const inner = shapeOf(ssm[1]);
    return inner && { ...inner, ssm: true };
  }
  if (SCALAR_TYPES.has(type)) return { list: false, numeric: type === 'Number', ssm: false };
  if (LIST_TYPES.has(type)) return { list: true, numeric: type === 'List<Number>', ssm: false };
  if (/^List<AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+>$/.test(type))
    return { list: true, numeric: false, ssm: false };
  if (/^AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+$/.test(type)) return { list: false, numeric: false, ssm: false };
  return undefined;
}

/** A value passed to a parameter, and who passed it (for messages). */
export interface SuppliedValue {
  readonly value: PlainValue;
  /** e.g. `--parameter`, or `the parent's Properties.Parameters.VpcId`. */
  readonly source: string;
}

function scalarText(value: PlainValue, name: string, location: TemplateLocation, source: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(
    location,
    `parameter ${name} takes a single value, but ${source} gives ${excerpt(value)}. Pass a string.`,
    { code: 'WHARF_PARAMETER_INVALID' },
  );
}

function listItems(value: PlainValue, name: string, location: TemplateLocation, source: string): string[] {
  if (Array.isArray(value)) return value.map((item) => scalarText(item, name, location, source));
  const text = scalarText(value, name, location, source);
  return text === '' ? [] : text.split(',').map((item) => item.trim());
}

function check(ok: boolean, location: TemplateLocation, message: string): void {
  if (!ok) throw new TemplateError(location, message, { code: 'WHARF_PARAMETER_INVALID' });
}

function validateItem(
  name: string,
  declared: CfnParameter,
  shape: ParameterShape,
  item: string,
  at: TemplateLocation,
) {
  const allowed = declared.AllowedValues;
  if (Array.isArray(allowed)) {
    check(
      allowed.some((value) => String(value) === item),
      at,
      `parameter ${name}: '${item}' is not one of its AllowedValues (${allowed.map(String).join(', ')}).`,
    );
  }
  if (typeof declared.AllowedPattern === 'string') {
    check(
      new RegExp(`^(?:${declared.AllowedPattern})$`).test(item),
      at,
      `parameter ${name}: '${item}' does not match its AllowedPattern ${declared.AllowedPattern}.`,
    );
  }
  if (declared.MinLength !== undefined) {
    check(
      item.length >= Number(declared.MinLength),
      at,
      `parameter ${name}: '${item}' is shorter than its MinLength ${declared.MinLength}.`,
    );
  }
  if (declared.MaxLength !== undefined) {
    check(
      item.length <= Number(declared.MaxLength),
      at,
      `parameter ${name}: '${item}' is longer than its MaxLength ${declared.MaxLength}.`,
    );
  }
  if (shape.numeric) {
    const number = Number(item);
    check(item.trim() !== '' && Number.isFinite(number), at, `parameter ${name}: '${item}' is not a number.`);
    if (declared.MinValue !== undefined) {
      check(
        number >= Number(declared.MinValue),
        at,
        `parameter ${name}: ${item} is less than its MinValue ${declared.MinValue}.`,
      );
    }
    if (declared.MaxValue !== undefined) {
      check(
        number <= Number(declared.MaxValue),
        at,
        `parameter ${name}: ${item} is greater than its MaxValue ${declared.MaxValue}.`,
      );
    }
  }
}

/**
 * The value a stack receives for one declared parameter: the supplied value, else the `Default`,
 * typed (string, or string array for list types) and validated.
 *
 * @param location - the stack's file, with the parameter name as `logicalId`.
 * @throws {@link TemplateError} `WHARF_PARAMETER_INVALID` for an unknown type, a missing value, or a
 *   value its constraints reject; `WHARF_PARAMETER_MISSING` when no value is passed and there is no
 *   `Default`.
 * @example
 * parameterValue('Subnets', { Type: 'List<AWS::EC2::Subnet::Id>' }, { value: 'subnet-1, subnet-2', source: '--parameter' }, loc);
 * // → ['subnet-1', 'subnet-2']
 */
export function parameterValue(
  name: string,
  declared: CfnParameter,
  supplied: SuppliedValue | undefined,
  location: TemplateLocation,
): PlainValue {
  const at = { ...location, logicalId: name };
  const shape = typeof declared.Type === 'string' ? shapeOf(declared.Type) : undefined;
  if (!shape) {
    throw new TemplateError(
      { ...at, propertyPath: 'Type' },
      `parameter ${name} has type ${excerpt(declared.Type)}, which CloudFormation does not define. Use String, Number, List<Number>, CommaDelimitedList, an AWS-specific type (AWS::EC2::VPC::Id, List<AWS::EC2::Subnet::Id>, …) or AWS::SSM::Parameter::Value<…>.`,
      { code: 'WHARF_PARAMETER_INVALID' },
    );
  }
  let raw: PlainValue;
  let source: string;
  if (supplied) {
    raw = supplied.value;
    source = supplied.source;
  } else if (shape.ssm && declared.Default !== undefined) {
    return shape.list ? [SSM_PLACEHOLDER] : SSM_PLACEHOLDER;
  } else if (declared.Default !== undefined) {
    raw = declared.Default as PlainValue;
    source = 'its Default';
  } else if (shape.ssm) {
    throw new TemplateError(
      at,
      `parameter ${name} (${declared.Type}) reads AWS Systems Manager Parameter Store, which does not exist locally, and has no Default. Pass its value with --parameter ${name}=<value>.`,
      { code: 'WHARF_PARAMETER_MISSING' },
    );
  } else {
    throw new TemplateError(
      at,
      `parameter ${name} (${declared.Type}) has no value and no Default. Pass one with --parameter ${name}=<value> (or from the parent stack's Parameters), or give it a Default.`,
      { code: 'WHARF_PARAMETER_MISSING' },
    );
  }
  if (shape.list) {
    const items = listItems(raw, name, at, source);
    for (const item of items) validateItem(name, declared, shape, item, at);
    return items;
  }
  const text = scalarText(raw, name, at, source);
  validateItem(name, declared, shape, text, at);
  return text;
}
