/**
 * Template parameters: the value a stack receives for each declared parameter, typed and checked
 * the way CloudFormation does it.
 *
 * - `String`, `Number` and the AWS-specific types (`AWS::EC2::VPC::Id`, …) give a string. A
 *   `Number` parameter stays a string, as CloudFormation documents for `Ref` ("the parameter value
 *   becomes a string"); it is checked to be numeric.
 * - `CommaDelimitedList`, `List<String>`, `List<Number>` and `List<AWS::…>` give a string array: a passed string is
 *   split on commas and each item trimmed (an empty string gives `[]`); a passed array is taken
 *   item by item.
 * - `AWS::SSM::Parameter::Value<…>`: there is no Parameter Store locally, so a value passed in is
 *   taken as the parameter's value itself; with no value passed, a declared `Default` (an SSM
 *   parameter name, like CDK's `/cdk-bootstrap/hnb659fds/version`) resolves to the placeholder
 *   {@link SSM_PLACEHOLDER}; with neither, it is an error.
 * - The allowed types are one table, {@link PARAMETER_TYPES}; any other is refused with the
 *   nearest allowed type named.
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

/**
 * The AWS-specific parameter types CloudFormation documents ("Supported AWS-specific parameter
 * types", `docs/reference/aws-behavior-2.md` §13): values checked against the account on AWS,
 * plain strings locally.
 */
const AWS_SPECIFIC_TYPES = [
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::Volume::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
] as const;

/** Types whose items may stand in `List<…>`: one value each. */
const ITEM_TYPES = ['String', 'Number', 'AWS::SSM::Parameter::Name', ...AWS_SPECIFIC_TYPES];

/** Every type a parameter may have without Parameter Store: the scalar ones, then the lists. */
const PLAIN_TYPES: ReadonlyMap<string, Omit<ParameterShape, 'ssm'>> = new Map<
  string,
  Omit<ParameterShape, 'ssm'>
>([
  ...ITEM_TYPES.map((type) => [type, { list: false, numeric: type === 'Number' }] as const),
  ['CommaDelimitedList', { list: true, numeric: false }],
  ...ITEM_TYPES.map((type) => [`List<${type}>`, { list: true, numeric: type === 'Number' }] as const),
]);

/**
 * Every parameter type CloudFormation accepts, with how Wharf reads it: the documented types
 * (`String`, `Number`, `List<Number>`, `CommaDelimitedList`, the AWS-specific types and their
 * `List<…>`, `AWS::SSM::Parameter::Name`, and `AWS::SSM::Parameter::Value<…>` of each of those),
 * plus the ones CloudFormation accepts without documenting them, as AWS's validator (bundled with
 * aws-cdk-lib) does: `List<String>`, `List<AWS::EC2::KeyPair::KeyName>`,
 * `List<AWS::SSM::Parameter::Name>`. Lists of SSM types (`List<AWS::SSM::Parameter::Value<…>>`)
 * are left out: CloudFormation documents them as unsupported. Sources in
 * `docs/reference/aws-behavior-2.md` §13.
 */
export const PARAMETER_TYPES: ReadonlyMap<string, ParameterShape> = new Map<string, ParameterShape>([
  ...[...PLAIN_TYPES].map(([type, shape]) => [type, { ...shape, ssm: false }] as const),
  ...[...PLAIN_TYPES].map(
    ([type, shape]) => [`AWS::SSM::Parameter::Value<${type}>`, { ...shape, ssm: true }] as const,
  ),
]);

/** How a parameter type is handled. */
export interface ParameterShape {
  /** A list: `Ref` gives a string array. */
  readonly list: boolean;
  /** Values (or items) must be numbers. */
  readonly numeric: boolean;
  /** The value is read from Parameter Store (`AWS::SSM::Parameter::Value<…>`). */
  readonly ssm: boolean;
}

/** The allowed type closest to `type` (edit distance, ignoring case), for messages. */
export function nearestParameterType(type: string): string {
  // A list of SSM values is an SSM value that is a list.
  const ssmList = /^List<AWS::SSM::Parameter::Value<(.+)>>$/.exec(type);
  if (ssmList && PARAMETER_TYPES.has(`AWS::SSM::Parameter::Value<List<${ssmList[1]}>>`))
    return `AWS::SSM::Parameter::Value<List<${ssmList[1]}>>`;
  let best = 'String';
  let bestDistance = Number.POSITIVE_INFINITY;
  const wanted = type.toLowerCase();
  for (const candidate of PARAMETER_TYPES.keys()) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
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
  const shape = typeof declared.Type === 'string' ? PARAMETER_TYPES.get(declared.Type) : undefined;
  if (!shape) {
    const nearest = typeof declared.Type === 'string' ? nearestParameterType(declared.Type) : 'String';
    throw new TemplateError(
      { ...at, propertyPath: 'Type' },
      `parameter ${name} has type ${excerpt(declared.Type)}, which CloudFormation does not accept; the nearest allowed type is ${nearest}. Allowed: String, Number, CommaDelimitedList, List<String>, List<Number>, an AWS-specific type (AWS::EC2::VPC::Id, List<AWS::EC2::Subnet::Id>, …), AWS::SSM::Parameter::Name, or AWS::SSM::Parameter::Value<…> of any of these.`,
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
