/**
 * Checks a request's input against the service's own API model before the mocked action runs:
 * required members, string and list length, patterns, enum values and number ranges, as AWS's
 * front end does, answering its "N validation error(s) detected" message. The constraints come
 * from `api-models/constraints.json`, generated from botocore's machine-readable service models
 * by `scripts/aws-api-constraints.mjs` (never written by hand).
 *
 * *Fidelity*: the message wording is AWS's (`Value 'x' at 'stackName' failed to satisfy
 * constraint: Member must …`); the error code is the service's: `ValidationError` for the query
 * services (CloudFormation, STS), `ValidationException` for the JSON ones, `InvalidParameterValue`
 * for EC2. Member paths use lower-camel names and `.N.member` for list items, as AWS prints them.
 * Not checked: S3 (its rules live in its URL and headers, `s3.ts`), value types of query-protocol
 * members (every form value is a string), and limits a model does not state (those are
 * service-side rules in each service's file, e.g. ECS's 100 tasks per `DescribeTasks`).
 */

import { readFileSync } from 'node:fs';
import { AwsError } from './protocol.js';

interface ShapeRef {
  readonly shape: string;
}

interface Shape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, ShapeRef & { location?: string }>>;
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
}

interface ServiceModel {
  readonly protocol: string;
  readonly operations: Readonly<Record<string, string | null>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

interface Models {
  readonly source: string;
  readonly services: Readonly<Record<string, ServiceModel>>;
}

let models: Models | undefined;

/** The constraints file (read once). */
export function apiModels(): Models {
  models ??= JSON.parse(
    readFileSync(new URL('./api-models/constraints.json', import.meta.url), 'utf8'),
  ) as Models;
  return models;
}

function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0].toLowerCase() + name.slice(1);
}

function echo(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value))
    return `'[${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}]'`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}

function violation(value: unknown, path: string, constraint: string): string {
  return `Value ${echo(value)} at '${path}' failed to satisfy constraint: Member must ${constraint}`;
}

/** Java-style patterns (`\p{…}` classes) need the `u` flag; patterns match the whole value. */
function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(text);
  } catch {
    try {
      return new RegExp(`^(?:${pattern})$`).test(text);
    } catch {
      return true; // a pattern JavaScript cannot compile is not enforced
    }
  }
}

function check(model: ServiceModel, shapeName: string, value: unknown, path: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  if (shape.type === 'structure') {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    for (const name of shape.required ?? []) {
      const given = record[name];
      if (given === undefined || given === null) out.push(violation(null, join(path, name), 'not be null'));
    }
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location !== undefined && ref.location !== 'querystring') continue;
      check(model, ref.shape, record[name], join(path, name), out);
    }
    return;
  }
  if (shape.type === 'list') {
    if (!Array.isArray(value)) return;
    lengthChecks(shape, value, value.length, path, out);
    const member = shape.member ? model.shapes[shape.member.shape] : undefined;
    if (!shape.member || !member) return;
    if (member.type === 'structure' || member.type === 'list' || member.type === 'map') {
      const memberShape = shape.member.shape;
      value.forEach((item, i) => {
        check(model, memberShape, item, `${path}.${i + 1}.member`, out);
      });
      return;
    }
    // A list of scalars reports once, for the whole list: "Member must satisfy constraint: [Member must …]".
    const inner: string[] = [];
    for (const item of value) check(model, shape.member.shape, item, path, inner);
    const reasons = [...new Set(inner.map((text) => text.slice(text.indexOf('Member must'))))];
    if (reasons.length > 0) out.push(violation(value, path, `satisfy constraint: [${reasons.join(', ')}]`));
    return;
  }
  if (shape.type === 'map') {
    if (typeof value !== 'object') return;
    lengthChecks(shape, value, Object.keys(value as object).length, path, out);
    return;
  }
  if (shape.type === 'string') {
    const text = String(value);
    lengthChecks(shape, value, [...text].length, path, out);
    if (shape.pattern !== undefined && !matches(shape.pattern, text)) {
      out.push(violation(value, path, `satisfy regular expression pattern: ${shape.pattern}`));
    }
    if (shape.enum && !shape.enum.includes(text)) {
      out.push(violation(value, path, `satisfy enum value set: [${shape.enum.join(', ')}]`));
    }
    return;
  }
  if (
    shape.type === 'integer' ||
    shape.type === 'long' ||
    shape.type === 'double' ||
    shape.type === 'float'
  ) {
    const number = Number(value);
    if (!Number.isFinite(number)) return;
    if (shape.min !== undefined && number < shape.min) {
      out.push(violation(value, path, `have value greater than or equal to ${shape.min}`));
    }
    if (shape.max !== undefined && number > shape.max) {
      out.push(violation(value, path, `have value less than or equal to ${shape.max}`));
    }
  }
}

function lengthChecks(shape: Shape, value: unknown, length: number, path: string, out: string[]): void {
  if (shape.min !== undefined && length < shape.min) {
    out.push(violation(value, path, `have length greater than or equal to ${shape.min}`));
  }
  if (shape.max !== undefined && length > shape.max) {
    out.push(violation(value, path, `have length less than or equal to ${shape.max}`));
  }
}

function join(path: string, member: string): string {
  const name = lowerCamel(member);
  return path === '' ? name : `${path}.${name}`;
}

/**
 * The constraint violations of `input` for `service`'s `action`, in AWS's words (empty when the
 * request is valid or the action has no model entry).
 *
 * @example
 * requestViolations('cloudformation', 'CreateChangeSet', { StackName: 'S', ChangeSetName: '1x' });
 * // ["Value '1x' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"]
 */
export function requestViolations(service: string, action: string, input: Record<string, unknown>): string[] {
  const model = apiModels().services[service];
  if (!model) return [];
  if (!Object.hasOwn(model.operations, action)) {
    throw new AwsError(
      500,
      'InternalFailure',
      `mocked AWS: no API model for ${service}:${action}; add it to scripts/aws-api-constraints.mjs and run it`,
      'Receiver',
    );
  }
  const inputShape = model.operations[action];
  if (!inputShape) return [];
  const out: string[] = [];
  check(model, inputShape, input, '', out);
  return out;
}

/** The error code a service's front end answers a constraint violation with. */
function validationCode(service: string): string {
  const protocol = apiModels().services[service]?.protocol;
  if (protocol === 'query') return 'ValidationError';
  if (protocol === 'ec2') return 'InvalidParameterValue';
  return 'ValidationException';
}

/**
 * Throws AWS's validation error when `input` breaks the model's constraints for the action.
 *
 * @example
 * checkRequest('ecs', 'DescribeTasks', {}); // throws ValidationException "1 validation error detected: Value null at 'tasks' …"
 */
export function checkRequest(service: string, action: string, input: Record<string, unknown>): void {
  const violations = requestViolations(service, action, input);
  if (violations.length === 0) return;
  const count =
    violations.length === 1
      ? '1 validation error detected'
      : `${violations.length} validation errors detected`;
  throw new AwsError(400, validationCode(service), `${count}: ${violations.join('; ')}`);
}
