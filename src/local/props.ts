/**
 * Typed reads of evaluated resource properties for the emulators' `resolve.ts` files. Every read
 * that finds the wrong shape throws a {@link TemplateError} naming the file, the resource and the
 * property path, with what was found and what is allowed.
 */

import { TemplateError } from '../errors.js';
import type { PlainValue, ResolvedResource } from '../template/resolved.js';
import type { Origin } from './origin.js';

/** The origin of a resolved resource, for configs and messages. */
export function originOf(resource: ResolvedResource): Origin {
  return {
    file: resource.stack.loaded.file,
    stackName: resource.stack.loaded.name,
    logicalId: resource.logicalId,
  };
}

/** A reader over one resource's evaluated properties. */
export class PropertyReader {
  constructor(readonly resource: ResolvedResource) {}

  /** The raw value at a dotted path under `Properties` (`DnsConfig.DnsRecords.0.Type`). */
  raw(path: string): PlainValue | undefined {
    let current: PlainValue | undefined = this.resource.properties;
    for (const part of path.split('.')) {
      if (current === null || typeof current !== 'object') return undefined;
      current = Array.isArray(current) ? current[Number(part)] : current[part];
    }
    return current;
  }

  /** Throws a TemplateError located at `Properties.<path>`. */
  fail(path: string, message: string): never {
    throw new TemplateError(
      {
        file: this.resource.stack.loaded.file,
        logicalId: this.resource.logicalId,
        propertyPath: `Properties.${path}`,
      },
      message,
      { code: 'WHARF_LOCAL_UNSUPPORTED' },
    );
  }

  optionalString(path: string): string | undefined {
    const value = this.raw(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(path, `expected a string, got ${JSON.stringify(value)}`);
  }

  string(path: string): string {
    const value = this.optionalString(path);
    return value === undefined ? this.fail(path, 'is required here and missing') : value;
  }

  optionalNumber(path: string): number | undefined {
    const value = this.raw(path);
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isFinite(number)) return number;
    return this.fail(path, `expected a number, got ${JSON.stringify(value)}`);
  }

  number(path: string, fallback?: number): number {
    const value = this.optionalNumber(path);
    if (value !== undefined) return value;
    return fallback === undefined ? this.fail(path, 'is required here and missing') : fallback;
  }

  boolean(path: string, fallback: boolean): boolean {
    const value = this.raw(path);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return this.fail(path, `expected true or false, got ${JSON.stringify(value)}`);
  }

  /** A list of strings (a single string counts as a list of one). */
  strings(path: string): string[] {
    const value = this.raw(path);
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
    return this.fail(path, `expected a list of strings, got ${JSON.stringify(value)}`);
  }

  /** A list of objects, each read through its own path prefix (`path.N`). */
  list(path: string): string[] {
    const value = this.raw(path);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.fail(path, `expected a list, got ${JSON.stringify(value)}`);
    return value.map((_, index) => `${path}.${index}`);
  }

  /** Key/value pairs written as `[{Key, Value}]` (ELB attributes) or `[{Name, Value}]` (ECS environment). */
  pairs(path: string, keyName: 'Key' | 'Name'): Record<string, string> {
    const result: Record<string, string> = {};
    for (const item of this.list(path)) {
      result[this.string(`${item}.${keyName}`)] = this.optionalString(`${item}.Value`) ?? '';
    }
    return result;
  }
}

/** The id at the end of an ARN's resource part: `…:service/srv-abc` → `srv-abc`. */
export function lastArnSegment(arn: string): string {
  const withoutQuery = arn.split('?')[0] ?? arn;
  return withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1);
}
