/**
 * The walk shared by both loaders (`load.ts` for template files, `cloud-assembly.ts` for CDK
 * output): from a root template down through its nested stacks, each file through the containment
 * rule (`containment.ts`), parsed once per real path, within the limits (`limits.ts`) on stacks
 * per app and nesting depth, and with cycles found by real path (symlinks included).
 */

import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { TemplateError } from '../errors.js';
import {
  type ContainedPath,
  type ContainmentRoots,
  type FileReference,
  readContainedFile,
  resolveContainedPath,
} from './containment.js';
import { excerpt } from './excerpt.js';
import { formatCount, limitError, TEMPLATE_LIMITS } from './limits.js';
import type { CfnResource, CfnTemplate, CfnValue, LoadedStack, UnloadedNestedStack } from './model.js';
import { parseTemplate } from './yaml.js';

/** Where a nested stack's template is, or why it will not be loaded. */
export type NestedLocation =
  | {
      /** The path as written, and the folder it is relative to. */
      readonly path: string;
      readonly baseDir: string;
      readonly propertyPath: string;
    }
  | Omit<UnloadedNestedStack, 'stack' | 'logicalId'>;

/** Finds the template of a nested-stack resource; `undefined` when the resource is not a nested stack. */
export type NestedLocator = (
  stack: LoadedStack,
  logicalId: string,
  resource: CfnResource,
) => NestedLocation | undefined;

interface MutableStack {
  name: string;
  path: string[];
  file: string;
  template: CfnTemplate;
  parent?: { stack: LoadedStack; logicalId: string };
  children: Map<string, LoadedStack>;
}

/** What one load shares across the tree: the rule, the parsed files, the output. */
interface LoadContext {
  readonly roots: ContainmentRoots;
  readonly locate: NestedLocator;
  /** Parsed templates by real path: a file referenced many times is read once. */
  readonly parsed: Map<string, CfnTemplate>;
  readonly out: { stacks: LoadedStack[]; unloaded: UnloadedNestedStack[] };
}

const REMOTE = /^(https?|s3):\/\//i;

/** Reads and parses one nested template through the containment rule, once per real path. */
function readNested(context: LoadContext, ref: FileReference): ContainedPath & { template: CfnTemplate } {
  const what = 'nested stack template';
  const contained = resolveContainedPath(ref, context.roots, { what });
  const cached = context.parsed.get(contained.realPath);
  if (cached) return { ...contained, template: cached };
  const { text } = readContainedFile(ref, context.roots, { what });
  const template = parseTemplate(text, contained.path);
  context.parsed.set(contained.realPath, template);
  return { ...contained, template };
}

/** Loads a stack and, depth first in template order, its nested stacks. */
function loadTree(
  context: LoadContext,
  file: string,
  template: CfnTemplate,
  name: string,
  parent?: { stack: LoadedStack; logicalId: string },
  chain: readonly { realPath: string; file: string }[] = [],
): LoadedStack {
  const stack: MutableStack = {
    name,
    path: parent ? [...parent.stack.path, parent.logicalId] : [],
    file,
    template,
    parent,
    children: new Map(),
  };
  context.out.stacks.push(stack);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const location = context.locate(stack, logicalId, resource);
    if (!location) continue;
    if (!('path' in location)) {
      context.out.unloaded.push({ stack, logicalId, ...location });
      continue;
    }
    const from = { file, logicalId, propertyPath: location.propertyPath };
    if (context.out.stacks.length >= TEMPLATE_LIMITS.stacksPerApp) {
      throw limitError(from, 'stacksPerApp', `more than ${formatCount(TEMPLATE_LIMITS.stacksPerApp)} stacks`);
    }
    if (stack.path.length >= TEMPLATE_LIMITS.nestingDepth) {
      throw limitError(
        from,
        'nestingDepth',
        `nested stack ${[...stack.path, logicalId].join('/')} is ${stack.path.length + 1} levels deep`,
      );
    }
    const child = readNested(context, { path: location.path, baseDir: location.baseDir, from });
    const seen = chain.find((entry) => entry.realPath === child.realPath);
    if (seen) {
      const files = [...chain.map((entry) => entry.file), child.path];
      throw new TemplateError(
        from,
        `nested stacks form a cycle: ${files.join(' → ')}${seen.file === child.path ? '' : ` (${child.path} is ${seen.file})`}. A template cannot nest itself.`,
        { code: 'WHARF_TEMPLATE_CYCLE' },
      );
    }
    const childPath = [...stack.path, logicalId];
    const loaded = loadTree(context, child.path, child.template, childPath.join('/'), { stack, logicalId }, [
      ...chain,
      { realPath: child.realPath, file: child.path },
    ]);
    stack.children.set(logicalId, loaded);
  }
  return stack;
}

/** Loads a root template already read, with its tree, under `roots`. */
export function loadRoot(
  file: string,
  template: CfnTemplate,
  name: string,
  roots: ContainmentRoots,
  locate: NestedLocator,
  parsed: Map<string, CfnTemplate>,
): { root: LoadedStack; stacks: LoadedStack[]; unloaded: UnloadedNestedStack[]; roots: ContainmentRoots } {
  const out = { stacks: [] as LoadedStack[], unloaded: [] as UnloadedNestedStack[] };
  const realPath = realPathOf(file);
  parsed.set(realPath, template);
  const root = loadTree({ roots, locate, parsed, out }, file, template, name, undefined, [
    { realPath, file },
  ]);
  return { root, ...out, roots };
}

function realPathOf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Classifies a location value written in a template. */
export function locateFromValue(
  stack: LoadedStack,
  value: CfnValue | undefined,
  propertyPath: string,
): NestedLocation | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    return { propertyPath, location: excerpt(value, 200), reason: 'computed' };
  }
  if (REMOTE.test(value)) return { propertyPath, location: value, reason: 'remote' };
  return { path: value, baseDir: dirname(stack.file), propertyPath };
}

/** Locator for hand-written templates: `TemplateURL` and SAM `Location` local paths. */
export const locateLocalNested: NestedLocator = (stack, _logicalId, resource) => {
  if (resource.Type === 'AWS::CloudFormation::Stack') {
    return locateFromValue(stack, resource.Properties?.TemplateURL, 'Properties.TemplateURL');
  }
  if (resource.Type === 'AWS::Serverless::Application') {
    const location = resource.Properties?.Location;
    if (
      typeof location === 'object' &&
      location !== null &&
      !Array.isArray(location) &&
      'ApplicationId' in location
    ) {
      return {
        propertyPath: 'Properties.Location',
        location: excerpt(location, 200),
        reason: 'serverless-repo',
      };
    }
    return locateFromValue(stack, location, 'Properties.Location');
  }
  return undefined;
};
