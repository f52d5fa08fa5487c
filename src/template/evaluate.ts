/**
 * `resolveApp`: evaluates a loaded application with local values, so every parameter, condition,
 * resource property and output becomes plain JSON (the {@link ResolvedApp} contract of
 * `resolved.ts`).
 *
 * - Root parameters take `options.parameters`, else their `Default` (see `parameters.ts` for types,
 *   constraints and SSM parameters); nested stacks take the values their parent passes in the
 *   nested-stack resource's `Parameters`.
 * - Values are evaluated lazily and memoised, so stacks may reference each other in any order
 *   (a parent passing child A's output into child B); a real cycle is an error naming the chain.
 * - Resources and outputs whose `Condition` is false are left out (`skipped`); a nested stack whose
 *   resource is left out is not in `ResolvedApp.stacks`, nor are the stacks under it.
 * - Physical ids, names and ARNs are generated deterministically (see `physical-ids.ts`).
 *   `Fn::GetAtt` of an attribute Wharf does not model is checked against the CloudFormation
 *   resource schemas and answered with a value shaped like AWS's (`schema-attributes.ts`); each
 *   such read is listed in `ResolvedApp.inventedAttributes` so callers can warn where it matters.
 * - Stack names: the root is the app's name; a nested stack is `<parentStackName>-<LogicalId>-<12
 *   uppercase characters>` as CloudFormation names it; `AWS::StackId` is
 *   `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`.
 * - Several root templates (`LoadedApp.members`, `--template a.yml --template b.yml`) are one app:
 *   each root stack is named after its own file, `Fn::ImportValue` reads the exports of all of
 *   them, root parameters go to every root template that declares them, and `ResolvedApp.stacks`
 *   lists the templates exporters first (`import-order.ts`); templates that import from each other
 *   in a cycle are an error naming the file, resource and export.
 * `DependsOn`, `Metadata`, `Rules` and `Transform` are not evaluated.
 */

import { TemplateError } from '../errors.js';
import { type Site, siteError } from './evaluation-scope.js';
import { type CrossTemplateImport, importOrder } from './import-order.js';
import { LazyValues } from './lazy.js';
import type { LoadedApp, LoadedStack } from './model.js';
import { attributeNames, isCustomResource, isNestedStack, type ResourceContext } from './physical-ids.js';
import type {
  InventedAttribute,
  LocalEnvironment,
  PlainValue,
  ResolvedApp,
  ResolvedResource,
  ResolvedStack,
  ResolveOptions,
} from './resolved.js';
import { type AppScope, StackScope } from './stack-scope.js';

/** The partition and URL suffix of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`. */
function partitionOf(region: string): { partition: string; urlSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', urlSuffix: 'amazonaws.com' };
  return { partition: 'aws', urlSuffix: 'amazonaws.com' };
}

/**
 * The local environment with defaults filled in: account `123456789012`, region `us-east-1`, AZs
 * `<region>a`–`c`, and the partition and URL suffix of the region.
 */
export function localEnvironment(overrides: Partial<LocalEnvironment> = {}): LocalEnvironment {
  const region = overrides.region ?? 'us-east-1';
  const derived = partitionOf(region);
  return {
    accountId: overrides.accountId ?? '123456789012',
    region,
    availabilityZones: overrides.availabilityZones ?? ['a', 'b', 'c'].map((zone) => `${region}${zone}`),
    partition: overrides.partition ?? derived.partition,
    urlSuffix: overrides.urlSuffix ?? derived.urlSuffix,
  };
}

class AppEvaluator implements AppScope {
  readonly name: string;
  readonly lazy = new LazyValues();
  readonly environment: LocalEnvironment;
  readonly rootParameters: Readonly<Record<string, string>>;
  private readonly scopes = new Map<LoadedStack, StackScope>();
  private readonly invented: InventedAttribute[] = [];
  /** The root templates: the app's members (several `--template`), or the app itself. */
  private readonly members: readonly LoadedApp[];
  private readonly memberOf = new Map<LoadedStack, number>();
  private readonly crossImports: CrossTemplateImport[] = [];

  constructor(
    readonly app: LoadedApp,
    options: ResolveOptions,
  ) {
    this.name = app.name;
    this.environment = localEnvironment(options.environment);
    this.rootParameters = options.parameters ?? {};
    this.members = app.members ?? [app];
    this.members.forEach((member, index) => {
      for (const stack of member.stacks) {
        const parent = stack.parent && this.scopes.get(stack.parent.stack);
        this.scopes.set(stack, new StackScope(this, stack, parent, member.name));
        this.memberOf.set(stack, index);
      }
    });
    // With several root templates, a --parameter goes to every root template that declares it.
    const declared = [
      ...new Set(this.members.flatMap((member) => Object.keys(member.root.template.Parameters ?? {}))),
    ];
    const unknown = Object.keys(this.rootParameters).filter((key) => !declared.includes(key));
    if (unknown.length > 0) {
      const roots =
        this.members.length > 1
          ? 'any of the root templates; they declare'
          : 'the root template; it declares';
      throw new TemplateError(
        { file: app.root.file },
        `parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not declared by ${roots}: ${declared.join(', ') || 'no parameters'}.`,
        { code: 'WHARF_PARAMETER_UNKNOWN' },
      );
    }
  }

  scopeOf(stack: LoadedStack): StackScope {
    const scope = this.scopes.get(stack);
    if (!scope)
      throw new TemplateError({ file: stack.file }, 'this stack is not part of the app being evaluated.');
    return scope;
  }

  unloadedReason(stack: LoadedStack, logicalId: string): string | undefined {
    const entry = this.app.unloaded?.find((u) => u.stack === stack && u.logicalId === logicalId);
    if (!entry) return undefined;
    const why = {
      remote: 'a remote location',
      computed: 'a computed location',
      'serverless-repo': 'a Serverless Application Repository id',
    };
    return `its template is at ${why[entry.reason]} (${entry.location}), which Wharf does not fetch; point ${entry.propertyPath} at a local file`;
  }

  /** Export name → the stack and output producing it, over every created stack. */
  private exports(): Map<string, { scope: StackScope; output: string }> {
    return this.lazy.get('\u0000exports', 'the exports of the app', { file: this.app.root.file }, () => {
      const found = new Map<string, { scope: StackScope; output: string }>();
      for (const scope of this.scopes.values()) {
        if (!scope.created()) continue;
        for (const output of Object.keys(scope.template.Outputs ?? {})) {
          const name = scope.outputCreated(output) ? scope.exportName(output) : undefined;
          if (name === undefined) continue;
          const previous = found.get(name);
          if (previous) {
            throw new TemplateError(
              { file: scope.file, logicalId: output, propertyPath: 'Export.Name' },
              `export name '${name}' is also exported by ${previous.scope.loaded.name} (${previous.output}); export names must be unique.`,
              { code: 'WHARF_TEMPLATE_INVALID' },
            );
          }
          found.set(name, { scope, output });
        }
      }
      return found;
    });
  }

  importValue(name: string, from: StackScope, site: Site): PlainValue {
    const exports = this.exports();
    const entry = exports.get(name);
    if (!entry) {
      const several = this.members.length > 1;
      const where = several
        ? `none of the templates given (${this.members.map((m) => m.root.name).join(', ')}) exports that name`
        : 'no stack of this app exports that name';
      const fix = several
        ? 'Give the template that exports it with one more --template (a --parameter may set the stack name its export names start with)'
        : 'Give the template that exports it with another --template';
      throw siteError(
        from,
        site,
        `Fn::ImportValue '${name}': ${where}, and Wharf cannot read exports of stacks deployed elsewhere. Exports: ${[...exports.keys()].join(', ') || 'none'}. ${fix}.`,
        'WHARF_IMPORT_NOT_FOUND',
      );
    }
    const importer = this.memberOf.get(from.loaded) ?? 0;
    const exporter = this.memberOf.get(entry.scope.loaded) ?? 0;
    if (importer !== exporter) {
      this.crossImports.push({
        importer,
        exporter,
        name,
        file: from.file,
        logicalId: site.logicalId,
        propertyPath: site.path || undefined,
      });
    }
    return entry.scope.output(entry.output);
  }

  noteInvented(read: InventedAttribute): void {
    this.invented.push(read);
  }

  resourcesOfType(type: string): ResourceContext[] {
    // `scopes` holds the stacks in load order: the root, then nested stacks depth first.
    return [...this.scopes.values()]
      .filter((scope) => scope.created())
      .flatMap((scope) => scope.createdOfType(type));
  }

  resolve(): ResolvedApp {
    const built = this.members.map((member) => {
      const stacks: ResolvedStack[] = [];
      for (const loaded of member.stacks) {
        const scope = this.scopeOf(loaded);
        if (scope.created()) stacks.push(buildStack(scope));
      }
      return stacks;
    });
    const order = this.creationOrder();
    const stacks = order.flatMap((index) => built[index] ?? []);
    const roots = order.map((index) => built[index]?.[0] as ResolvedStack);
    return {
      loaded: this.app,
      environment: this.environment,
      stacks,
      root: roots[0] as ResolvedStack,
      roots,
      inventedAttributes: this.invented,
    };
  }

  /** The members' order: exporters before importers; a cycle between them is an error. */
  private creationOrder(): readonly number[] {
    const decided = importOrder(this.members.length, this.crossImports);
    if ('order' in decided) return decided.order;
    const [first] = decided.cycle as [CrossTemplateImport];
    const fileOf = (index: number) => this.members[index]?.root.file ?? '';
    const chain = decided.cycle
      .map((edge) => `${fileOf(edge.importer)} imports '${edge.name}' from ${fileOf(edge.exporter)}`)
      .join(', and ');
    throw new TemplateError(
      { file: first.file, logicalId: first.logicalId, propertyPath: first.propertyPath },
      `Fn::ImportValue '${first.name}': the templates import from each other in a cycle (${chain}). CloudFormation creates an exporting stack before any stack can import from it, so one of them must stop importing from the other.`,
      { code: 'WHARF_IMPORT_CYCLE' },
    );
  }
}

function attributesOf(scope: StackScope, logicalId: string, type: string): Record<string, PlainValue> {
  const site = { logicalId, path: '' };
  const names = isNestedStack(type)
    ? scope.nestedOutputNames(logicalId).map((name) => `Outputs.${name}`)
    : isCustomResource(type)
      ? []
      : attributeNames(type);
  return Object.fromEntries(names.map((name) => [name, scope.attribute(logicalId, name, site)]));
}

function checkPassedParameters(scope: StackScope): void {
  if (!scope.loaded.parent) return; // root overrides are checked up front
  const declared = Object.keys(scope.template.Parameters ?? {});
  const unknown = scope.passedParameterNames().filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    const parent = scope.loaded.parent;
    throw new TemplateError(
      {
        file: parent.stack.file,
        logicalId: parent.logicalId,
        propertyPath: `Properties.Parameters.${unknown[0]}`,
      },
      `passes ${unknown.join(', ')} to the nested stack ${scope.file}, which does not declare ${unknown.length > 1 ? 'them' : 'it'}; it declares: ${declared.join(', ') || 'no parameters'}.`,
      { code: 'WHARF_PARAMETER_UNKNOWN' },
    );
  }
}

function buildStack(scope: StackScope): ResolvedStack {
  checkPassedParameters(scope);
  const template = scope.template;
  const parameters = Object.fromEntries(
    Object.keys(template.Parameters ?? {}).map((name) => [
      name,
      scope.parameter(name, { logicalId: name, path: '' }),
    ]),
  );
  const conditions = Object.fromEntries(
    Object.keys(template.Conditions ?? {}).map((name) => [
      name,
      scope.condition(name, { logicalId: name, path: '' }),
    ]),
  );
  const resources = new Map<string, ResolvedResource>();
  const skipped: string[] = [];
  const outputs: Record<string, PlainValue> = {};
  const stack: ResolvedStack = {
    loaded: scope.loaded,
    parameters,
    conditions,
    resources,
    skipped,
    outputs,
    stackName: scope.stackName,
    stackId: scope.stackId,
  };
  for (const [logicalId, declared] of Object.entries(template.Resources)) {
    if (!scope.resourceCreated(logicalId)) {
      skipped.push(logicalId);
      continue;
    }
    resources.set(logicalId, {
      logicalId,
      type: declared.Type,
      stack,
      declared,
      properties: scope.properties(logicalId),
      ref: scope.resourceRef(logicalId),
      attributes: attributesOf(scope, logicalId, declared.Type),
    });
  }
  for (const name of Object.keys(template.Outputs ?? {})) {
    if (scope.outputCreated(name)) outputs[name] = scope.output(name);
  }
  return stack;
}

/**
 * Evaluates every stack of `app` with local values.
 *
 * @throws {@link TemplateError} naming the file, logical id and property path: unknown or invalid
 *   parameters (`WHARF_PARAMETER_UNKNOWN`, `WHARF_PARAMETER_MISSING`, `WHARF_PARAMETER_INVALID`),
 *   malformed or unsupported intrinsics (`WHARF_INTRINSIC_INVALID`, `WHARF_INTRINSIC_UNSUPPORTED`),
 *   attributes the resource type does not have, or that come from a custom resource's function
 *   (`WHARF_ATTRIBUTE_UNSUPPORTED`), imports no stack of the app
 *   exports (`WHARF_IMPORT_NOT_FOUND`), reference cycles (`WHARF_REFERENCE_CYCLE`), root templates
 *   that import from each other in a cycle (`WHARF_IMPORT_CYCLE`).
 * @example
 * const resolved = resolveApp(loadTemplateFile('infra/parent.yml'), { parameters: { DesiredCount: '3' } });
 * for (const stack of resolved.stacks) {
 *   for (const resource of stack.resources.values()) console.log(resource.type, resource.ref);
 * }
 */
export function resolveApp(app: LoadedApp, options: ResolveOptions = {}): ResolvedApp {
  return new AppEvaluator(app, options).resolve();
}
