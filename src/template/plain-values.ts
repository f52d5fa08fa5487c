/**
 * Reading evaluated template values (`PlainValue`, see `resolved.ts`) whose shape the template
 * does not guarantee: each reader answers the shape it wants, or an empty/undefined value, never
 * throws. For commands that judge or price a template (cost, diagram) rather than refuse it.
 */

import type { PlainValue } from './resolved.js';

/** A string, or a number written as one (`Port: 443` and `Port: '443'` alike). */
export function plainText(value: PlainValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** A number, or a string that is one (CloudFormation passes `Number` parameters as strings). */
export function plainNumber(value: PlainValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** A list, or `[]`. */
export function plainArray(value: PlainValue | undefined): PlainValue[] {
  return Array.isArray(value) ? value : [];
}

/** A map, or `{}`. */
export function plainRecord(value: PlainValue | undefined): Record<string, PlainValue> {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
