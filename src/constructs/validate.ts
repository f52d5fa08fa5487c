import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PropsValidationError } from '../errors.js';

/**
 * Small, pure prop checks shared by the constructs. Each throws a {@link PropsValidationError}
 * naming the construct path, the prop, the value received and what is allowed. Unresolved CDK
 * tokens (values only known at deploy time) are accepted unchecked, as CDK itself does.
 */

/** Names the construct in errors: its path, or `'<props>'` when checks run before it exists. */
export type PropsOwner = IConstruct | string;

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}

/** Throws unless `value` is an integer in `[min, max]`. */
export function requireIntegerInRange(
  owner: PropsOwner,
  prop: string,
  value: number,
  min: number,
  max: number,
): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PropsValidationError(
      pathOf(owner),
      prop,
      `got ${JSON.stringify(value)}; allowed: an integer from ${min} to ${max}.`,
    );
  }
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T>(owner: PropsOwner, prop: string, value: T, allowed: readonly T[]): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  if (!allowed.includes(value)) {
    throw new PropsValidationError(
      pathOf(owner),
      prop,
      `got ${JSON.stringify(value)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`,
    );
  }
}

/** Throws unless `value` has 1..`maxLength` characters matching `pattern` (described by `rule`). */
export function requireName(
  owner: PropsOwner,
  prop: string,
  value: string,
  maxLength: number,
  pattern: RegExp,
  rule: string,
): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || value.length === 0) {
    throw new PropsValidationError(pathOf(owner), prop, `must not be empty; allowed: ${rule}.`);
  }
  if (value.length > maxLength) {
    throw new PropsValidationError(
      pathOf(owner),
      prop,
      `'${value}' has ${value.length} characters; allowed: at most ${maxLength} (${rule}).`,
    );
  }
  if (!pattern.test(value)) {
    throw new PropsValidationError(pathOf(owner), prop, `'${value}' is not allowed; allowed: ${rule}.`);
  }
}

/** Throws unless the list has at least `min` entries (tokens for whole lists are accepted). */
export function requireListLength(
  owner: PropsOwner,
  prop: string,
  value: readonly string[],
  min: number,
): void {
  if (Token.isUnresolved(value)) return;
  if (!Array.isArray(value) || value.length < min) {
    throw new PropsValidationError(
      pathOf(owner),
      prop,
      `got ${value?.length ?? 0} entr${value?.length === 1 ? 'y' : 'ies'}; allowed: at least ${min}.`,
    );
  }
}

/**
 * The `RetentionInDays` values CloudWatch Logs accepts.
 * Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A `RetentionInDays` value CloudWatch Logs accepts. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/**
 * Runs `check` (a normalize function written for one construct's props) on a part of a larger
 * props object, so that its errors name the whole path: `cpu` becomes `services.orders.cpu`, on
 * the construct `owner`.
 *
 * @example withPropPrefix('Stack/Api', 'services.orders', () => normalizeContainerOptions('x', options))
 */
export function withPropPrefix<T>(owner: string, prefix: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof PropsValidationError)) throw error;
    const marker = `invalid prop '${error.prop}': `;
    const reason = error.message.slice(error.message.indexOf(marker) + marker.length);
    throw new PropsValidationError(owner, `${prefix}.${error.prop}`, reason);
  }
}
