/**
 * What mocked CloudFormation needs to know about a template: parsing, where a `TemplateURL`
 * points in S3, which resources exist under the template's conditions and what each depends on,
 * and the values of parameters, `Ref`, `Fn::GetAtt` and outputs (evaluated with Wharf's own
 * intrinsic evaluator and its AWS-shaped physical ids).
 */

import { isWharfError } from '../../../src/errors.js';
import { evaluateCondition } from '../../../src/template/conditions.js';
import { localEnvironment } from '../../../src/template/evaluate.js';
import {
  type EvaluationScope,
  NO_VALUE,
  type Site,
  type Value,
} from '../../../src/template/evaluation-scope.js';
import { IdSource } from '../../../src/template/generated-ids.js';
import { evaluate } from '../../../src/template/intrinsics.js';
import type { CfnTemplate, CfnValue } from '../../../src/template/model.js';
import { physicalAttribute, physicalRef } from '../../../src/template/physical-ids.js';
import type { LocalEnvironment, PlainValue } from '../../../src/template/resolved.js';
import type { ResourceContext } from '../../../src/template/resource-kind.js';
import { parseTemplate } from '../../../src/template/yaml.js';
import { validationError } from './protocol.js';

/** The type of nested stack resources. */
export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/** Parses template text (JSON or YAML) the way CloudFormation would accept it. */
export function parseTemplateText(text: string): CfnTemplate {
  try {
    return parseTemplate(text, 'template');
  } catch (error) {
    const message = isWharfError(error) ? error.message : String(error);
    throw validationError(`Template format error: ${message}`);
  }
}

/** Where an S3 `TemplateURL` points (path-style or virtual-hosted, any region). */
export function s3LocationOf(url: string): { bucket: string; key: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const host = parsed.hostname;
  const virtual = /^(.+)\.s3[.-]/.exec(host);
  if (virtual && !host.startsWith('s3.') && !host.startsWith('s3-')) {
    return { bucket: virtual[1], key: segments.map(decodeURIComponent).join('/') };
  }
  if (segments.length < 2) return undefined;
  return {
    bucket: decodeURIComponent(segments[0]),
    key: segments.slice(1).map(decodeURIComponent).join('/'),
  };
}

/** The logical ids of resources a value refers to (`Ref`, `Fn::GetAtt`, `${X}` in `Fn::Sub`). */
function referencedNames(value: CfnValue | undefined, into: Set<string>): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, into);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') into.add(inner);
    else if (key === 'Fn::GetAtt') {
      if (typeof inner === 'string') into.add(inner.split('.')[0]);
      else if (Array.isArray(inner) && typeof inner[0] === 'string') into.add(inner[0]);
    } else if (key === 'Fn::Sub') {
      const text = typeof inner === 'string' ? inner : Array.isArray(inner) ? inner[0] : undefined;
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) into.add(match[1].split('.')[0]);
      }
      if (Array.isArray(inner)) referencedNames(inner[1], into);
    }
    referencedNames(inner, into);
  }
}

/** The resources `logicalId` waits for: its `DependsOn` and every resource it refers to. */
export function dependenciesOf(template: CfnTemplate, logicalId: string): string[] {
  const resource = template.Resources[logicalId];
  const names = new Set<string>();
  referencedNames(resource.Properties as CfnValue | undefined, names);
  const dependsOn = resource.DependsOn;
  for (const name of typeof dependsOn === 'string' ? [dependsOn] : (dependsOn ?? [])) names.add(name);
  names.delete(logicalId);
  return [...names].filter((name) => Object.hasOwn(template.Resources, name));
}

/** A deterministic JSON text (keys sorted), to compare template fragments. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A value as CloudFormation passes it to a parameter or output: lists comma-joined. */
export function asParameterString(value: Value | undefined): string {
  if (value === undefined || value === null || value === NO_VALUE) return '';
  if (Array.isArray(value)) return value.map((item) => asParameterString(item)).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** What the evaluator needs to know about one stack at one moment. */
export interface StackView {
  readonly id: string;
  readonly name: string;
  readonly template: CfnTemplate;
  readonly parameters: Readonly<Record<string, string>>;
  /** The physical id of a created resource. */
  physicalId(logicalId: string): string | undefined;
  /** The generation of a resource (bumped when it is created again), to vary its ids. */
  generation(logicalId: string): number;
  /** The outputs of a nested stack resource. */
  nestedOutputs(logicalId: string): Readonly<Record<string, string>> | undefined;
  /** The value of an export of any stack in the account. */
  exportValue(name: string): string | undefined;
}

/**
 * Evaluates values of one stack's template: parameters, conditions, `Ref` (physical ids of created
 * resources, AWS-shaped ids for those not created yet), `Fn::GetAtt` and outputs. Never throws:
 * what it cannot evaluate becomes a `{{unresolved …}}` marker.
 */
export class MockScope implements EvaluationScope {
  readonly file: string;
  readonly environment: LocalEnvironment;
  readonly stackName: string;
  readonly stackId: string;
  private readonly conditions = new Map<string, boolean>();

  constructor(
    readonly view: StackView,
    account: string,
    region: string,
  ) {
    this.file = view.name;
    this.stackName = view.name;
    this.stackId = view.id;
    this.environment = localEnvironment({ accountId: account, region });
  }

  get template(): CfnTemplate {
    return this.view.template;
  }

  /** Evaluates `value`; unresolvable parts become a marker string. */
  value(value: CfnValue | undefined, site: Site = { path: '' }): Value {
    try {
      return evaluate(this, value, site);
    } catch (error) {
      return `{{unresolved ${site.logicalId ?? ''}.${site.path}: ${(error as Error).message}}}`;
    }
  }

  ref(name: string): PlainValue {
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      const text = this.view.parameters[name] ?? asParameterString((parameter.Default ?? '') as Value);
      return parameter.Type.startsWith('List<') || parameter.Type === 'CommaDelimitedList'
        ? text.split(',')
        : text;
    }
    if (this.template.Resources[name]) return this.view.physicalId(name) ?? physicalRef(this.context(name));
    return `{{unresolved Ref ${name}}}`;
  }

  getAtt(logicalId: string, attribute: string): PlainValue {
    const resource = this.template.Resources[logicalId];
    if (!resource) return `{{unresolved GetAtt ${logicalId}.${attribute}}}`;
    if (attribute.startsWith('Outputs.')) {
      const value = this.view.nestedOutputs(logicalId)?.[attribute.slice('Outputs.'.length)];
      return value ?? `{{unresolved GetAtt ${logicalId}.${attribute}}}`;
    }
    return physicalAttribute(this.context(logicalId), attribute) ?? this.ref(logicalId);
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    let result = true;
    if (definition !== undefined) {
      try {
        result = evaluateCondition(this, definition, { logicalId: name, path: '' });
      } catch {
        result = true;
      }
    }
    this.conditions.set(name, result);
    return result;
  }

  importValue(name: string): PlainValue {
    return this.view.exportValue(name) ?? `{{unresolved ImportValue ${name}}}`;
  }

  /** True when the resource exists under the template's conditions. */
  isActive(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  /** The logical ids of the resources that exist under the template's conditions, in template order. */
  activeResources(): string[] {
    return Object.keys(this.template.Resources).filter((id) => this.isActive(id));
  }

  /** One evaluated top-level property of a resource. */
  property(logicalId: string, name: string): PlainValue | undefined {
    const raw = this.template.Resources[logicalId]?.Properties?.[name];
    if (raw === undefined) return undefined;
    const value = this.value(raw, { logicalId, path: `Properties.${name}` });
    return value === NO_VALUE ? undefined : value;
  }

  /** All evaluated properties of a resource. */
  properties(logicalId: string): Record<string, PlainValue> {
    const out: Record<string, PlainValue> = {};
    for (const name of Object.keys(this.template.Resources[logicalId]?.Properties ?? {})) {
      const value = this.property(logicalId, name);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /** What the physical-id table needs to know about a resource. */
  context(logicalId: string): ResourceContext {
    const type = this.template.Resources[logicalId]?.Type ?? 'AWS::CloudFormation::CustomResource';
    const context: ResourceContext = {
      logicalId,
      type,
      stackName: this.stackName,
      environment: this.environment,
      ids: new IdSource(`${this.stackId}/${logicalId}/${this.view.generation(logicalId)}`),
      property: (name) => this.property(logicalId, name),
      ref: () => this.view.physicalId(logicalId) ?? physicalRef(context),
      siblings: (siblingType) =>
        this.activeResources()
          .filter((id) => this.template.Resources[id].Type === siblingType)
          .map((id) => this.context(id)),
      nestedStackId: () => this.view.physicalId(logicalId) ?? '',
    };
    return context;
  }

  /** The physical id CloudFormation gives the resource when it creates it. */
  newPhysicalId(logicalId: string): string {
    return physicalRef(this.context(logicalId));
  }

  /** The outputs whose conditions hold, evaluated to strings. */
  outputs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !this.condition(output.Condition)) continue;
      out[key] = asParameterString(this.value(output.Value, { logicalId: key, path: 'Value' }));
    }
    return out;
  }

  /** Export names by output key. */
  exports(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Export === undefined) continue;
      if (output.Condition !== undefined && !this.condition(output.Condition)) continue;
      out[key] = asParameterString(this.value(output.Export.Name, { logicalId: key, path: 'Export.Name' }));
    }
    return out;
  }
}
