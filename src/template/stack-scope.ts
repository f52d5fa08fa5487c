/**
 * One stack during evaluation: answers `Ref`, `Fn::GetAtt`, conditions, parameters and outputs
 * for the intrinsic evaluator, lazily and memoised (see `lazy.ts`), reaching into the parent stack
 * for parameter values and into nested stacks for `Outputs.<Name>`.
 */

import type { TemplateError } from '../errors.js';
import { evaluateCondition } from './conditions.js';
import {
  asText,
  type EvaluationScope,
  NO_VALUE,
  type Site,
  siteError,
  type Value,
} from './evaluation-scope.js';
import { IdSource } from './generated-ids.js';
import { evaluate } from './intrinsics.js';
import type { LazyValues } from './lazy.js';
import type { CfnResource, CfnTemplate, CfnValue, LoadedStack } from './model.js';
import { parameterValue, type SuppliedValue } from './parameters.js';
import {
  attributeNames,
  isCustomResource,
  isNestedStack,
  physicalAttribute,
  physicalRef,
  type ResourceContext,
} from './physical-ids.js';
import type { InventedAttribute, LocalEnvironment, PlainValue } from './resolved.js';
import { attributeSchema } from './resource-schemas.js';
import { inventAttribute } from './schema-attributes.js';

/** What a stack scope needs from the whole app. */
export interface AppScope {
  readonly name: string;
  readonly lazy: LazyValues;
  readonly environment: LocalEnvironment;
  /** Values passed to the root stack (`--parameter`). */
  readonly rootParameters: Readonly<Record<string, string>>;
  /** The scope of another stack of the app. */
  scopeOf(stack: LoadedStack): StackScope;
  /** Why a nested-stack resource has no loaded template, if it has none. */
  unloadedReason(stack: LoadedStack, logicalId: string): string | undefined;
  /** `Fn::ImportValue`. */
  importValue(name: string, from: StackScope, site: Site): PlainValue;
  /** Records a `Fn::GetAtt` answered with an invented value. */
  noteInvented(read: InventedAttribute): void;
  /** Created resources of `type` across the app's created stacks (see `ResourceContext.appResources`). */
  resourcesOfType(type: string): readonly ResourceContext[];
}

function isMap(value: CfnValue | undefined): value is { [key: string]: CfnValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listed(names: readonly string[], limit = 20): string {
  if (names.length === 0) return 'none';
  return names.length > limit
    ? `${names.slice(0, limit).join(', ')}, … (${names.length} in all)`
    : names.join(', ');
}

/** The evaluation scope of one stack. */
export class StackScope implements EvaluationScope {
  readonly file: string;
  readonly template: CfnTemplate;
  readonly environment: LocalEnvironment;
  readonly stackName: string;
  readonly stackId: string;
  private readonly contexts = new Map<string, ResourceContext>();

  /** The name of the app (or, for an app of several root templates, the member) this stack is in. */
  readonly appName: string;

  constructor(
    private readonly app: AppScope,
    readonly loaded: LoadedStack,
    private readonly parent?: StackScope,
    appName = app.name,
  ) {
    this.file = loaded.file;
    this.template = loaded.template;
    this.environment = app.environment;
    this.appName = appName;
    const ids = new IdSource(`${appName}/${loaded.path.join('/')}`);
    this.stackName =
      parent && loaded.parent
        ? `${parent.stackName}-${loaded.parent.logicalId}-${ids.upper(12, 'stack-name')}`
        : appName;
    const { partition, region, accountId } = app.environment;
    this.stackId = `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.stackName}/${ids.uuid('stack-id')}`;
  }

  private memo<T>(kind: string, name: string, site: Site, compute: () => T): T {
    const key = `${this.appName}\u0000${this.loaded.path.join('/')}\u0000${kind}\u0000${name}`;
    const label = `${this.loaded.name}: ${kind === 'ref' ? `Ref ${name}` : name}`;
    const location = { file: this.file, logicalId: site.logicalId, propertyPath: site.path || undefined };
    return this.app.lazy.get(key, label, location, compute);
  }

  private error(site: Site, message: string, code = 'WHARF_INTRINSIC_INVALID'): TemplateError {
    return siteError(this, site, message, code);
  }

  /** True when this stack is created: the root, or a nested stack whose resource's condition holds. */
  created(): boolean {
    if (!this.parent || !this.loaded.parent) return true;
    return this.parent.created() && this.parent.resourceCreated(this.loaded.parent.logicalId);
  }

  // Parameters -------------------------------------------------------------------------------

  /** Values passed to this stack's parameters, by name, without evaluating them. */
  passedParameterNames(): string[] {
    if (!this.parent || !this.loaded.parent) return Object.keys(this.app.rootParameters);
    const passed = this.parent.declaredResource(this.loaded.parent.logicalId)?.Properties?.Parameters;
    if (isMap(passed)) return Object.keys(passed);
    const evaluated = this.parent.property(this.loaded.parent.logicalId, 'Parameters');
    return isMap(evaluated as CfnValue) ? Object.keys(evaluated as object) : [];
  }

  private supplied(name: string): SuppliedValue | undefined {
    if (!this.parent || !this.loaded.parent) {
      const value = this.app.rootParameters[name];
      return value === undefined ? undefined : { value, source: `--parameter ${name}=…` };
    }
    const logicalId = this.loaded.parent.logicalId;
    const source = `the parent's ${logicalId}.Properties.Parameters.${name}`;
    const passed = this.parent.declaredResource(logicalId)?.Properties?.Parameters;
    if (isMap(passed)) {
      if (!Object.hasOwn(passed, name)) return undefined;
      const site = { logicalId, path: `Properties.Parameters.${name}` };
      const value = this.parent.memo('property', `${logicalId}.Properties.Parameters.${name}`, site, () =>
        evaluate(this.parent as StackScope, passed[name], site),
      );
      return value === NO_VALUE ? undefined : { value, source };
    }
    const all = this.parent.property(logicalId, 'Parameters');
    const value = isMap(all as CfnValue) ? (all as Record<string, PlainValue>)[name] : undefined;
    return value === undefined ? undefined : { value, source };
  }

  /** The value this stack received for a declared parameter. */
  parameter(name: string, site: Site): PlainValue {
    const declared = this.template.Parameters?.[name];
    if (!declared) throw this.error(site, `no parameter named ${name}.`);
    return this.memo('parameter', `Parameters.${name}`, site, () =>
      parameterValue(name, declared, this.supplied(name), { file: this.file }),
    );
  }

  // Conditions -------------------------------------------------------------------------------

  condition(name: string, site: Site): boolean {
    const conditions = this.template.Conditions ?? {};
    if (!Object.hasOwn(conditions, name)) {
      throw this.error(
        site,
        `condition ${name} is not defined; conditions: ${listed(Object.keys(conditions))}.`,
      );
    }
    return this.memo('condition', `Conditions.${name}`, site, () =>
      evaluateCondition(this, conditions[name], { logicalId: name, path: '' }),
    );
  }

  // Resources --------------------------------------------------------------------------------

  declaredResource(logicalId: string): CfnResource | undefined {
    return Object.hasOwn(this.template.Resources, logicalId) ? this.template.Resources[logicalId] : undefined;
  }

  /** True when the resource's `Condition` holds (or it has none). */
  resourceCreated(logicalId: string): boolean {
    const condition = this.declaredResource(logicalId)?.Condition;
    return condition === undefined || this.condition(condition, { logicalId, path: 'Condition' });
  }

  private requireResource(logicalId: string, site: Site, what: string): CfnResource {
    const resource = this.declaredResource(logicalId);
    if (!resource) {
      const kinds = this.template.Parameters?.[logicalId] ? ` (${logicalId} is a parameter)` : '';
      throw this.error(
        site,
        `${what}: no resource named ${logicalId}${kinds}; resources: ${listed(Object.keys(this.template.Resources))}.`,
      );
    }
    if (!this.resourceCreated(logicalId)) {
      throw this.error(
        site,
        `${what}: resource ${logicalId} is not created, because its condition ${resource.Condition} is false. Guard this reference with Fn::If [${resource.Condition}, …, …].`,
      );
    }
    return resource;
  }

  /** One top-level property of a resource, evaluated; `undefined` when absent or `AWS::NoValue`. */
  property(logicalId: string, key: string): PlainValue | undefined {
    const properties = this.declaredResource(logicalId)?.Properties;
    if (!isMap(properties) || !Object.hasOwn(properties, key)) return undefined;
    const site = { logicalId, path: `Properties.${key}` };
    const value = this.memo('property', `${logicalId}.Properties.${key}`, site, () =>
      evaluate(this, properties[key], site),
    );
    return value === NO_VALUE ? undefined : value;
  }

  /** Every property of a resource, evaluated, `AWS::NoValue` ones removed. */
  properties(logicalId: string): { [key: string]: PlainValue } {
    const properties = this.declaredResource(logicalId)?.Properties;
    if (properties === undefined) return {};
    if (!isMap(properties)) {
      throw this.error(
        { logicalId, path: 'Properties' },
        'Properties must be a map of property names to values.',
        'WHARF_TEMPLATE_INVALID',
      );
    }
    const out: { [key: string]: PlainValue } = {};
    for (const key of Object.keys(properties)) {
      const value = this.property(logicalId, key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** The created resources of `type` in this stack, in declaration order. */
  createdOfType(type: string): ResourceContext[] {
    return Object.entries(this.template.Resources)
      .filter(([id, r]) => r.Type === type && this.resourceCreated(id))
      .map(([id]) => this.context(id));
  }

  /** The physical-id context of a resource. */
  context(logicalId: string): ResourceContext {
    let context = this.contexts.get(logicalId);
    if (context) return context;
    const type = this.declaredResource(logicalId)?.Type ?? '';
    const child = this.loaded.children.get(logicalId);
    context = {
      logicalId,
      type,
      stackName: this.stackName,
      environment: this.environment,
      ids: new IdSource(`${this.appName}/${[...this.loaded.path, logicalId].join('/')}`),
      property: (key) => this.property(logicalId, key),
      ref: () => this.resourceRef(logicalId),
      siblings: (siblingType) => this.createdOfType(siblingType),
      appResources: (resourceType) => this.app.resourcesOfType(resourceType),
      nestedStackId: child ? () => this.app.scopeOf(child).stackId : undefined,
    };
    this.contexts.set(logicalId, context);
    return context;
  }

  /** A created resource's `Ref`. */
  resourceRef(logicalId: string): string {
    const site = { logicalId, path: '' };
    return this.memo('ref', logicalId, site, () => physicalRef(this.context(logicalId)));
  }

  /** Reads an attribute of a created resource; `site` is where the `Fn::GetAtt` is written. */
  attribute(logicalId: string, name: string, site: Site): PlainValue {
    const resource = this.requireResource(logicalId, site, `Fn::GetAtt ${logicalId}.${name}`);
    if (isNestedStack(resource.Type) && name.startsWith('Outputs.')) {
      const child = this.loaded.children.get(logicalId);
      if (!child) {
        const reason = this.app.unloadedReason(this.loaded, logicalId) ?? 'its template was not loaded';
        throw this.error(
          site,
          `Fn::GetAtt ${logicalId}.${name}: nested stack ${logicalId} cannot be evaluated: ${reason}.`,
        );
      }
      return this.app.scopeOf(child).outputFor(name.slice('Outputs.'.length), this, site);
    }
    if (isCustomResource(resource.Type)) {
      throw this.error(
        site,
        `Fn::GetAtt ${logicalId}.${name}: ${logicalId} is a custom resource (${resource.Type}); its attributes come from the function that backs it, which Wharf does not run locally.`,
        'WHARF_ATTRIBUTE_UNSUPPORTED',
      );
    }
    if (isNestedStack(resource.Type)) {
      throw this.error(
        site,
        `Fn::GetAtt ${logicalId}.${name}: ${logicalId} is a nested stack (${resource.Type}); Wharf answers its Outputs.<Name> attributes only.`,
        'WHARF_ATTRIBUTE_UNSUPPORTED',
      );
    }
    if (attributeNames(resource.Type).includes(name)) {
      return this.memo(
        'attribute',
        `${logicalId}.${name}`,
        site,
        () => physicalAttribute(this.context(logicalId), name) ?? null,
      );
    }
    return this.schemaAttribute(logicalId, resource.Type, name, site);
  }

  /**
   * An attribute Wharf does not model: checked against the resource schemas, answered with an
   * invented value of the declared type, and recorded (see {@link InventedAttribute}).
   */
  private schemaAttribute(logicalId: string, type: string, name: string, site: Site): PlainValue {
    const schema = attributeSchema(type);
    if (schema.kind === 'found' && !Object.hasOwn(schema.attributes, name)) {
      throw this.error(
        site,
        `Fn::GetAtt ${logicalId}.${name}: ${type} has no attribute ${name}; its attributes (from the CloudFormation resource schema) are: ${listed(Object.keys(schema.attributes))}.`,
        'WHARF_ATTRIBUTE_UNSUPPORTED',
      );
    }
    const valueType = schema.kind === 'found' ? schema.attributes[name] : 'string';
    const value = this.memo('attribute', `${logicalId}.${name}`, site, () =>
      inventAttribute(this.context(logicalId), name, valueType),
    );
    this.app.noteInvented({
      file: this.file,
      readerId: site.logicalId,
      propertyPath: site.path,
      logicalId,
      type,
      attribute: name,
      value,
      checked: schema.kind === 'found',
      reason:
        schema.kind === 'unknown-type'
          ? `the CloudFormation resource schemas do not list ${type}`
          : schema.kind === 'unavailable'
            ? schema.reason
            : undefined,
    });
    return value;
  }

  /** The created outputs of the nested stack under a resource (`[]` when it was not loaded). */
  nestedOutputNames(logicalId: string): string[] {
    const child = this.loaded.children.get(logicalId);
    if (!child) return [];
    const scope = this.app.scopeOf(child);
    return Object.keys(child.template.Outputs ?? {}).filter((name) => scope.outputCreated(name));
  }

  // EvaluationScope --------------------------------------------------------------------------

  ref(name: string, site: Site): PlainValue {
    if (this.template.Parameters && Object.hasOwn(this.template.Parameters, name))
      return this.parameter(name, site);
    this.requireResource(name, site, `Ref ${name}`);
    return this.resourceRef(name);
  }

  getAtt(logicalId: string, attribute: string, site: Site): PlainValue {
    return this.attribute(logicalId, attribute, site);
  }

  importValue(name: string, site: Site): PlainValue {
    return this.app.importValue(name, this, site);
  }

  // Outputs ----------------------------------------------------------------------------------

  /** True when the output's `Condition` holds (or it has none). */
  outputCreated(name: string): boolean {
    const condition = this.template.Outputs?.[name]?.Condition;
    return condition === undefined || this.condition(condition, { logicalId: name, path: 'Condition' });
  }

  /** An output's value (the output must exist and be created). */
  output(name: string): PlainValue {
    const declared = this.template.Outputs?.[name];
    const site = { logicalId: name, path: 'Value' };
    if (!declared) throw this.error(site, `no output named ${name}.`);
    return this.memo('output', `Outputs.${name}`, site, () => {
      const value: Value = evaluate(this, declared.Value, site);
      if (value === NO_VALUE)
        throw this.error(site, `output ${name} evaluates to AWS::NoValue; an output needs a value.`);
      return value;
    });
  }

  /** An output read from the parent by `Fn::GetAtt <Nested>.Outputs.<name>` at `site`. */
  outputFor(name: string, reader: StackScope, site: Site): PlainValue {
    const outputs = this.template.Outputs ?? {};
    const logicalId = this.loaded.parent?.logicalId ?? this.loaded.name;
    if (!Object.hasOwn(outputs, name)) {
      throw siteError(
        reader,
        site,
        `Fn::GetAtt ${logicalId}.Outputs.${name}: the nested stack (${this.file}) has no output ${name}; outputs: ${listed(Object.keys(outputs))}.`,
        'WHARF_INTRINSIC_INVALID',
      );
    }
    if (!this.outputCreated(name)) {
      throw siteError(
        reader,
        site,
        `Fn::GetAtt ${logicalId}.Outputs.${name}: the output is not created, because its condition ${outputs[name].Condition} is false.`,
        'WHARF_INTRINSIC_INVALID',
      );
    }
    return this.output(name);
  }

  /** The export name of an output, evaluated, or `undefined` when it exports nothing. */
  exportName(name: string): string | undefined {
    const exported = this.template.Outputs?.[name]?.Export;
    if (exported === undefined) return undefined;
    const site = { logicalId: name, path: 'Export.Name' };
    if (!isMap(exported as CfnValue)) throw this.error(site, 'Export must be {Name: …}.');
    return asText(this, site, evaluate(this, exported.Name, site), 'the export name');
  }
}
