/**
 * The one template loader: reads a root template (file or CDK cloud assembly) and every nested
 * stack under it into a {@link LoadedApp}.
 *
 * Nested stacks followed:
 * - `AWS::CloudFormation::Stack` whose `TemplateURL` is a local path (relative to the parent's
 *   folder), as `aws cloudformation package` accepts;
 * - SAM `AWS::Serverless::Application` whose `Location` is a local path string;
 * - in a cloud assembly, CDK nested stacks found through `Metadata['aws:asset:path']` or the
 *   stack's asset manifest (`*.assets.json`).
 * Remote (`https://`, `s3://`) and computed locations are recorded in `LoadedApp.unloaded`.
 *
 * Templates are untrusted input. Every file a template or manifest names passes the containment
 * rule (`containment.ts`: inside the root template's folder, the assembly, or an `allowPaths`
 * folder; a regular file; at most 1 MB), and the tree is bounded (`limits.ts`): stacks per app,
 * nesting depth. A file referenced many times is read and parsed once (by its real path), and a
 * cycle is found by real path too, through symlinks.
 */

import { readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import {
  type ContainedPath,
  type ContainmentRoots,
  containmentRoots,
  type FileReference,
  readContainedFile,
  readTemplateText,
  resolveContainedPath,
} from './containment.js';
import { excerpt } from './excerpt.js';
import { formatCount, limitError, TEMPLATE_LIMITS } from './limits.js';
import type {
  CfnResource,
  CfnTemplate,
  CfnValue,
  LoadedApp,
  LoadedStack,
  UnloadedNestedStack,
} from './model.js';
import { parseTemplate } from './yaml.js';

/** Options of {@link loadTemplateFile}. */
export interface LoadTemplateOptions {
  /**
   * The app's name.
   * @default - the root file's base name without extension
   */
  readonly name?: string;
  /**
   * Folders, besides the root template's, that nested templates may come from (`--allow-path`),
   * absolute or relative to the working directory.
   * @default - none: only the root template's folder
   */
  readonly allowPaths?: readonly string[];
}

/** Options of {@link loadCloudAssembly}. */
export interface LoadCloudAssemblyOptions {
  /**
   * Folders, besides the assembly, that nested templates may come from (`--allow-path`).
   * @default - none: only the cloud assembly folder
   */
  readonly allowPaths?: readonly string[];
}

/** Where a nested stack's template is, or why it will not be loaded. */
type NestedLocation =
  | {
      /** The path as written, and the folder it is relative to. */
      readonly path: string;
      readonly baseDir: string;
      readonly propertyPath: string;
    }
  | Omit<UnloadedNestedStack, 'stack' | 'logicalId'>;

/** Finds the template of a nested-stack resource; `undefined` when the resource is not a nested stack. */
type NestedLocator = (
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
function loadRoot(
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
function locateFromValue(
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
const locateLocalNested: NestedLocator = (stack, _logicalId, resource) => {
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

/**
 * Loads a CloudFormation template file (YAML or JSON) and every local nested stack under it.
 *
 * The root file is the caller's choice and is not contained, but it must be a regular file of at
 * most 1 MB; every nested template must pass the containment rule (`containment.ts`) with the
 * root file's folder (and `allowPaths`) as roots.
 *
 * @param path - the root template, absolute or relative to the working directory.
 * @throws {@link TemplateError} when a template is missing or malformed (naming the parent file,
 *   the nested-stack logical id and `Properties.TemplateURL`/`Properties.Location`), lies outside
 *   the allowed folders, is not a regular file, passes a limit (`WHARF_TEMPLATE_LIMIT`), or nested
 *   stacks form a cycle.
 * @throws {@link UsageError} when an `allowPaths` entry is not a folder.
 * @example
 * const app = loadTemplateFile('infra/parent.yml', { allowPaths: ['../shared'] });
 * for (const stack of app.stacks) console.log(stack.name, Object.keys(stack.template.Resources));
 */
export function loadTemplateFile(path: string, options: LoadTemplateOptions = {}): LoadedApp {
  const file = resolve(path);
  const roots = containmentRoots(dirname(file), options.allowPaths);
  const template = parseTemplate(readTemplateText(file), file);
  const loaded = loadRoot(file, template, basename(file), roots, locateLocalNested, new Map());
  return {
    source: 'template-file',
    name: options.name ?? basename(file, extname(file)),
    ...loaded,
  };
}

interface ManifestArtifact {
  readonly type?: string;
  readonly displayName?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    directoryName?: string;
  };
}

/** Reads a manifest of the assembly (bounded, like every file here) and parses its JSON. */
function readManifest(file: string, what: string, text?: string): unknown {
  let content = text;
  if (content === undefined) {
    try {
      content = readTemplateText(file, { what, limit: 'manifestBytes' });
    } catch (error) {
      if ((error as TemplateError).code !== 'WHARF_TEMPLATE_NOT_FOUND') throw error;
      throw new TemplateError({ file }, `${what} not found or unreadable. Run \`cdk synth\` first.`, {
        code: 'WHARF_TEMPLATE_NOT_FOUND',
        cause: error,
      });
    }
  }
  try {
    return JSON.parse(content);
  } catch {
    throw new TemplateError({ file }, `${what} is not valid JSON.`);
  }
}

/** An asset-manifest entry: where its source file is, relative to the assembly folder. */
interface AssetSource {
  readonly path: string;
  readonly baseDir: string;
}

/** Maps asset object keys (`<hash>.json`) and hashes to template files, from every `*.assets.json`. */
function readAssetIndex(dir: string, roots: ContainmentRoots): Map<string, AssetSource> {
  const index = new Map<string, AssetSource>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.assets.json'))) {
    const manifestFile = join(dir, name);
    const { text } = readContainedFile({ path: name, baseDir: dir, from: { file: manifestFile } }, roots, {
      what: 'asset manifest',
      limit: 'manifestBytes',
    });
    const manifest = readManifest(manifestFile, 'asset manifest', text) as {
      files?: Record<
        string,
        { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }
      >;
    };
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      const source = asset.source?.path;
      if (typeof source !== 'string' || source === '') continue;
      const entry = { path: source, baseDir: dir };
      index.set(`${hash}.json`, entry);
      for (const destination of Object.values(asset.destinations ?? {})) {
        if (destination.objectKey) index.set(destination.objectKey, entry);
      }
    }
  }
  return index;
}

function stringLeaves(value: CfnValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringLeaves);
  return [];
}

/** Locator for cloud assemblies: CDK nested stacks by asset metadata, else by the asset manifest. */
function assemblyLocator(dir: string, roots: ContainmentRoots): NestedLocator {
  let assets: Map<string, AssetSource> | undefined;
  return (stack, logicalId, resource) => {
    if (resource.Type !== 'AWS::CloudFormation::Stack') return locateLocalNested(stack, logicalId, resource);
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath === 'string')
      return { path: assetPath, baseDir: dir, propertyPath: 'Metadata.aws:asset:path' };
    const url = resource.Properties?.TemplateURL;
    assets ??= readAssetIndex(dir, roots);
    for (const leaf of stringLeaves(url)) {
      const key = /([^/]+\.json)$/.exec(leaf)?.[1];
      const source = key && assets.get(key);
      if (source) return { ...source, propertyPath: 'Properties.TemplateURL' };
    }
    return locateFromValue(stack, url, 'Properties.TemplateURL');
  };
}

interface StackArtifact {
  readonly dir: string;
  readonly id: string;
  readonly manifestFile: string;
  readonly artifact: ManifestArtifact;
}

/** Every stack artifact of the assembly in `dir` and of its nested assemblies (CDK stages). */
function collectStackArtifacts(
  dir: string,
  roots: ContainmentRoots,
  found: StackArtifact[],
  visited: Set<string> = new Set(),
) {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = readManifest(manifestFile, 'cloud assembly manifest') as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      found.push({ dir, id, manifestFile, artifact });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = resolveContainedAssembly(
        dir,
        id,
        artifact.properties.directoryName,
        manifestFile,
        roots,
      );
      if (!nested || visited.has(nested.realPath)) continue;
      if (visited.size >= TEMPLATE_LIMITS.nestingDepth) {
        throw limitError(
          { file: manifestFile, logicalId: id, propertyPath: 'properties.directoryName' },
          'nestingDepth',
          `more than ${TEMPLATE_LIMITS.nestingDepth} nested cloud assemblies`,
        );
      }
      visited.add(nested.realPath);
      collectStackArtifacts(nested.path, roots, found, visited);
    }
  }
}

/** A nested assembly's folder, contained; `undefined` when it holds no manifest. */
function resolveContainedAssembly(
  dir: string,
  id: string,
  directoryName: string,
  manifestFile: string,
  roots: ContainmentRoots,
): ContainedPath | undefined {
  const from = { file: manifestFile, logicalId: id, propertyPath: 'properties.directoryName' };
  const folder = resolveContainedPath({ path: directoryName, baseDir: dir, from }, roots, {
    kind: 'directory',
    what: 'nested cloud assembly',
  });
  try {
    resolveContainedPath({ path: 'manifest.json', baseDir: folder.path, from }, roots, {
      what: 'nested cloud assembly manifest',
    });
  } catch (error) {
    if ((error as TemplateError).code === 'WHARF_TEMPLATE_NOT_FOUND') return undefined;
    throw error;
  }
  return folder;
}

/**
 * Loads the stacks of a CDK cloud assembly (`cdk.out`), each with its nested stacks.
 *
 * Every file the manifests name (templates, nested assemblies, asset-manifest sources) passes the
 * containment rule with the assembly folder (and `allowPaths`) as roots.
 *
 * @param dir - the assembly directory holding `manifest.json`.
 * @param stackName - only this stack (matched against the artifact id, `stackName` or display name).
 * @throws {@link TemplateError} when the manifest or a template is missing, malformed, outside the
 *   assembly or past a limit, or no stack matches `stackName`.
 */
export function loadCloudAssembly(
  dir: string,
  stackName?: string,
  options: LoadCloudAssemblyOptions = {},
): LoadedApp[] {
  const root = resolve(dir);
  const roots = containmentRoots(root, options.allowPaths);
  const found: StackArtifact[] = [];
  collectStackArtifacts(root, roots, found);
  const nameOf = (entry: StackArtifact) => entry.artifact.properties?.stackName ?? entry.id;
  const selected =
    stackName === undefined
      ? found
      : found.filter((entry) => [entry.id, nameOf(entry), entry.artifact.displayName].includes(stackName));
  if (stackName !== undefined && selected.length === 0) {
    const known = found.map(nameOf).join(', ') || 'none';
    throw new TemplateError(
      { file: join(root, 'manifest.json') },
      `no stack named '${stackName}' in the cloud assembly; stacks: ${known}.`,
      { code: 'WHARF_STACK_NOT_FOUND' },
    );
  }
  const parsed = new Map<string, CfnTemplate>();
  return selected.map((entry) => {
    const from = { file: entry.manifestFile, logicalId: entry.id, propertyPath: 'properties.templateFile' };
    const { path, text } = readContainedFile(
      { path: entry.artifact.properties?.templateFile ?? '', baseDir: entry.dir, from },
      roots,
      { what: 'stack template' },
    );
    const name = nameOf(entry);
    const template = parseTemplate(text, path);
    const loaded = loadRoot(path, template, name, roots, assemblyLocator(entry.dir, roots), parsed);
    return { source: 'cloud-assembly', name, ...loaded };
  });
}
