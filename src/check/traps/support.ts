/**
 * Helpers shared by the trap rules: building findings, and reading common resource shapes.
 */

import type { CfnResource, CfnValue, LoadedStack } from '../../template/model.js';
import { getPath } from '../../template/query.js';
import { literalOf, traceList, traceValue } from '../../template/references.js';
import type { Finding, Severity } from '../finding.js';
import type { TrapRule } from './rule.js';

/** A resource in its stack: what a finding is attached to. */
export interface At {
  readonly stack: LoadedStack;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/** What a rule says about one problem. */
export interface Problem {
  readonly propertyPath: string;
  readonly message: string;
  readonly fix: string;
  /** Overrides the rule's severity for this finding. */
  readonly severity?: Severity;
}

/** Builds a `wharf-trap` finding located at a resource property. */
export function trapFinding(rule: Pick<TrapRule, 'id' | 'severity'>, at: At, problem: Problem): Finding {
  return {
    ruleId: rule.id,
    origin: 'wharf-trap',
    severity: problem.severity ?? rule.severity,
    message: problem.message,
    fix: problem.fix,
    file: at.stack.file,
    stack: at.stack.name,
    logicalId: at.logicalId,
    resourceType: at.resource.Type,
    propertyPath: problem.propertyPath,
  };
}

/** A key naming a resource uniquely across the app, for de-duplication. */
export function keyOf(at: { readonly stack: LoadedStack; readonly logicalId: string }): string {
  return `${at.stack.path.join('/')}#${at.logicalId}`;
}

/** The literal a property traces to (through parameters and outputs), or `undefined`. */
export function literalAt(at: At, path: string): string | number | boolean | undefined {
  return literalOf(traceValue(at.stack, getPath(at.resource, path)));
}

/** The literal a value written in `stack` traces to, as a number when it is numeric. */
export function numberOf(stack: LoadedStack, value: CfnValue | undefined): number | undefined {
  const literal = literalOf(traceValue(stack, value));
  if (literal === undefined || literal === '' || typeof literal === 'boolean') return undefined;
  const number = Number(literal);
  return Number.isFinite(number) ? number : undefined;
}

/** The literal a value written in `stack` traces to, as a string. */
export function stringOf(stack: LoadedStack, value: CfnValue | undefined): string | undefined {
  const literal = literalOf(traceValue(stack, value));
  return literal === undefined ? undefined : String(literal);
}

/** The entries of a list property (raw values, not traced), with their indexes. */
export function listAt(at: At, path: string): { value: CfnValue; index: number }[] {
  const value = getPath(at.resource, path);
  return Array.isArray(value) ? value.map((item, index) => ({ value: item, index })) : [];
}

/** True when a traced list property holds the literal `wanted` (e.g. `RequiresCompatibilities`). */
export function listIncludes(at: At, path: string, wanted: string): boolean {
  return traceList(at.stack, getPath(at.resource, path)).some((item) => literalOf(item) === wanted);
}
