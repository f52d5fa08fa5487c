/**
 * What CloudFormation refuses before it creates anything: the stack name, the template's size,
 * its resource count, an empty `Resources`, parameter declarations and values, the capabilities a
 * template needs and where a `TemplateURL` may point. Pure decisions: each returns AWS's message
 * (or throws the {@link AwsError} AWS answers with) and touches no state.
 *
 * *Fidelity*: limits and messages are CloudFormation's, each cited in
 * `docs/reference/mock-aws-strictness.md` with whether the wording was seen in an AWS answer or
 * follows the pattern of one that was. Not reproduced: `Fn::Transform` macros, stack policies,
 * SSM parameter types (`AWS::SSM::Parameter::Value<…>` values are accepted as names), and the
 * existence of the EC2 objects an `AWS::EC2::…::Id` parameter names (only their id shape is checked).
 */

import type { CfnTemplate } from '../../../src/template/model.js';
import { AwsError, validationError } from './protocol.js';

/** Largest `TemplateBody` a request may carry, in bytes (CloudFormation quotas). */
export const INLINE_TEMPLATE_MAX_BYTES = 51_200;
/** Largest template CloudFormation reads from S3, in bytes (CloudFormation quotas: 1 MB). */
export const S3_TEMPLATE_MAX_BYTES = 1_000_000;
/** Most resources one template may declare (CloudFormation quotas). */
export const MAX_RESOURCES = 500;

/** The stack-name pattern CloudFormation's answer quotes. */
const STACK_NAME_PATTERN = '[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*';

/**
 * Throws CloudFormation's `ValidationError` for a stack name it does not accept (letters, digits
 * and hyphens, starting with a letter, at most 128 characters).
 *
 * @example
 * checkStackName('bad_name!'); // throws "… Value 'bad_name!' at 'stackName' failed to satisfy constraint …"
 */
export function checkStackName(name: string): void {
  if (!new RegExp(`^(?:${STACK_NAME_PATTERN})$`).test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${STACK_NAME_PATTERN}`,
    );
  }
  if (name.length > 128) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  }
}

/** Throws the `ValidationError` CloudFormation answers for a `TemplateBody` over 51,200 bytes. */
export function checkInlineTemplateSize(body: string): void {
  if (Buffer.byteLength(body, 'utf8') > INLINE_TEMPLATE_MAX_BYTES) {
    // AWS echoes the whole body in the message; a long echo helps nobody, so it is cut.
    const echo = body.length > 60 ? `${body.slice(0, 60)}…` : body;
    throw validationError(
      `1 validation error detected: Value '${echo}' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${INLINE_TEMPLATE_MAX_BYTES}`,
    );
  }
}

/** Throws the `ValidationError` for a template in S3 over 1 MB. */
export function checkS3TemplateSize(body: string): void {
  if (Buffer.byteLength(body, 'utf8') > S3_TEMPLATE_MAX_BYTES) {
    throw validationError(`Template may not exceed ${S3_TEMPLATE_MAX_BYTES} bytes in size.`);
  }
}

/**
 * True for the S3 URLs CloudFormation reads templates from: `https://` on an `amazonaws.com` S3
 * host, path-style (`s3.amazonaws.com`, `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`)
 * or virtual-hosted (`<bucket>.s3[.-]<region>.amazonaws.com`).
 *
 * @example
 * isS3TemplateUrl('https://s3.us-east-1.amazonaws.com/b/k.json'); // true
 * isS3TemplateUrl('https://example.com/b/k.json'); // false
 */
export function isS3TemplateUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const host = parsed.hostname.toLowerCase();
  return /^(?:[^/]+\.)?s3(?:[.-][a-z0-9-]+)?(?:\.dualstack)?(?:\.[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.test(
    host,
  );
}

/** Parameter types CloudFormation knows (AWS-specific ones are matched by {@link awsIdShape}). */
const PLAIN_PARAMETER_TYPES = new Set(['String', 'Number', 'List<Number>', 'CommaDelimitedList']);

/** The id shape of an AWS-specific parameter type's value, by the type's EC2 noun. */
const AWS_ID_SHAPES: Readonly<Record<string, RegExp>> = {
  'AWS::EC2::VPC::Id': /^vpc-[0-9a-f]{8,17}$/,
  'AWS::EC2::Subnet::Id': /^subnet-[0-9a-f]{8,17}$/,
  'AWS::EC2::SecurityGroup::Id': /^sg-[0-9a-f]{8,17}$/,
  'AWS::EC2::Image::Id': /^ami-[0-9a-f]{8,17}$/,
  'AWS::EC2::Instance::Id': /^i-[0-9a-f]{8,17}$/,
  'AWS::EC2::Volume::Id': /^vol-[0-9a-f]{8,17}$/,
  'AWS::Route53::HostedZone::Id': /^Z[0-9A-Z]{1,32}$/,
};

/** Other AWS-specific types, whose values are names CloudFormation looks up (accepted here). */
const AWS_NAME_TYPES = new Set([
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
]);

function awsIdShape(type: string): RegExp | undefined {
  return AWS_ID_SHAPES[type];
}

/** True when CloudFormation knows `type` as a parameter type. */
export function isKnownParameterType(type: string): boolean {
  const element = /^List<(.+)>$/.exec(type)?.[1];
  if (PLAIN_PARAMETER_TYPES.has(type)) return true;
  if (/^AWS::SSM::Parameter::(Name|Value<.+>)$/.test(type)) return true;
  const base = element ?? type;
  return awsIdShape(base) !== undefined || AWS_NAME_TYPES.has(base);
}

/** A declared parameter, as far as its constraints go. */
export interface ParameterDeclaration {
  readonly Type?: unknown;
  readonly AllowedValues?: unknown;
  readonly AllowedPattern?: unknown;
  readonly MinLength?: unknown;
  readonly MaxLength?: unknown;
  readonly MinValue?: unknown;
  readonly MaxValue?: unknown;
  readonly ConstraintDescription?: unknown;
}

function isNumber(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/**
 * Why CloudFormation refuses `value` for parameter `name`, or `undefined` when it accepts it:
 * the type (`Number`, `List<Number>`, AWS-specific id types), then `AllowedValues`,
 * `AllowedPattern` (whole value, each member of a list), `MinLength`/`MaxLength` (strings),
 * `MinValue`/`MaxValue` (numbers).
 *
 * @example
 * parameterValueError('Count', { Type: 'Number' }, 'not-a-number'); // "Parameter 'Count' must be a number."
 */
export function parameterValueError(
  name: string,
  declared: ParameterDeclaration,
  value: string,
): string | undefined {
  const type = typeof declared.Type === 'string' ? declared.Type : 'String';
  const listElement = /^List<(.+)>$/.exec(type)?.[1];
  const isList = listElement !== undefined || type === 'CommaDelimitedList';
  const members = isList ? value.split(',').map((m) => m.trim()) : [value];
  const elementType = listElement ?? (type === 'CommaDelimitedList' ? 'String' : type);
  for (const member of members) {
    if (elementType === 'Number' && !isNumber(member)) return `Parameter '${name}' must be a number.`;
    const shape = awsIdShape(elementType);
    if (shape && !shape.test(member)) {
      return `Parameter validation failed: parameter value ${member} for parameter name ${name} does not exist. Rollback requested by user.`;
    }
  }
  if (Array.isArray(declared.AllowedValues)) {
    const allowed = declared.AllowedValues.map(String);
    if (!members.every((m) => allowed.includes(m))) return `Parameter '${name}' must be one of AllowedValues`;
  }
  if (typeof declared.AllowedPattern === 'string') {
    const pattern = new RegExp(`^(?:${declared.AllowedPattern})$`);
    if (!members.every((m) => pattern.test(m))) {
      return `Parameter '${name}' must match pattern ${declared.AllowedPattern}`;
    }
  }
  if (elementType === 'String' || elementType === 'CommaDelimitedList') {
    if (declared.MinLength !== undefined && value.length < Number(declared.MinLength)) {
      return `Parameter '${name}' must contain at least ${Number(declared.MinLength)} characters`;
    }
    if (declared.MaxLength !== undefined && value.length > Number(declared.MaxLength)) {
      return `Parameter '${name}' must contain at most ${Number(declared.MaxLength)} characters`;
    }
  }
  if (elementType === 'Number') {
    for (const member of members) {
      if (declared.MinValue !== undefined && Number(member) < Number(declared.MinValue)) {
        return `Parameter '${name}' must be a number not less than ${Number(declared.MinValue)}`;
      }
      if (declared.MaxValue !== undefined && Number(member) > Number(declared.MaxValue)) {
        return `Parameter '${name}' must be a number not greater than ${Number(declared.MaxValue)}`;
      }
    }
  }
  return undefined;
}

function tooManyResources(count: number): AwsError {
  return validationError(
    `Template format error: Number of resources, ${count}, is greater than maximum allowed, ${MAX_RESOURCES}`,
  );
}

/**
 * Throws CloudFormation's error for a JSON template body with more than {@link MAX_RESOURCES}
 * resources, before Wharf's own template reader (which has the same limit, in its own words)
 * sees it. YAML bodies are counted after parsing, by {@link checkTemplateStructure}.
 */
export function checkResourceCountOfBody(body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  const resources = (parsed as { Resources?: unknown } | null)?.Resources;
  if (resources && typeof resources === 'object') {
    const count = Object.keys(resources).length;
    if (count > MAX_RESOURCES) throw tooManyResources(count);
  }
}

/**
 * Throws CloudFormation's `Template format error` for what it refuses in a template's structure:
 * no resources, more than {@link MAX_RESOURCES}, a parameter type it does not know.
 */
export function checkTemplateStructure(template: CfnTemplate): void {
  const resources = Object.keys(template.Resources ?? {});
  if (resources.length === 0) {
    throw validationError('Template format error: At least one Resources member must be defined.');
  }
  if (resources.length > MAX_RESOURCES) throw tooManyResources(resources.length);
  for (const parameter of Object.values(template.Parameters ?? {})) {
    const type = (parameter as { Type?: unknown }).Type;
    if (typeof type !== 'string' || !isKnownParameterType(type)) {
      throw validationError(`Template format error: Unrecognized parameter type: ${String(type)}`);
    }
  }
}

/**
 * The capabilities a template needs: `CAPABILITY_IAM` for IAM resources (`CAPABILITY_NAMED_IAM`
 * when one of them sets its own name), `CAPABILITY_AUTO_EXPAND` for a `Transform`.
 */
export function requiredCapabilities(template: CfnTemplate): string[] {
  const out: string[] = [];
  const iam = Object.values(template.Resources ?? {}).filter((r) => r.Type.startsWith('AWS::IAM::'));
  const named = iam.some((r) =>
    ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName', 'InstanceProfileName'].some(
      (p) => r.Properties?.[p] !== undefined,
    ),
  );
  if (named) out.push('CAPABILITY_NAMED_IAM');
  else if (iam.length > 0) out.push('CAPABILITY_IAM');
  if (template.Transform !== undefined) out.push('CAPABILITY_AUTO_EXPAND');
  return out;
}

/**
 * The capabilities of {@link requiredCapabilities} that `given` does not acknowledge
 * (`CAPABILITY_NAMED_IAM` acknowledges `CAPABILITY_IAM` too).
 */
export function missingCapabilities(template: CfnTemplate, given: readonly string[]): string[] {
  return requiredCapabilities(template).filter(
    (c) => !given.includes(c) && !(c === 'CAPABILITY_IAM' && given.includes('CAPABILITY_NAMED_IAM')),
  );
}

/** Throws `InsufficientCapabilitiesException` when `given` misses a capability the template needs. */
export function checkCapabilities(template: CfnTemplate, given: readonly string[]): void {
  const missing = missingCapabilities(template, given);
  if (missing.length > 0) {
    throw new AwsError(
      400,
      'InsufficientCapabilitiesException',
      `Requires capabilities : [${missing.join(', ')}]`,
    );
  }
}
