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
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import { readDockerImageAssets } from './assets.js';
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
}

/** Where a nested stack's template is, or why it will not be loaded. */
type NestedLocation =
  | { readonly file: string; readonly propertyPath: string }
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

const REMOTE = /^(https?|s3):\/\//i;

/** Reads and parses one template file; `from` names the nested-stack resource that pointed at it. */
function readTemplate(file: string, from?: { stack: LoadedStack; logicalId: string; propertyPath: string }) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'cannot be read';
    if (from) {
      throw new TemplateError(
        { file: from.stack.file, logicalId: from.logicalId, propertyPath: from.propertyPath },
        `nested stack template ${reason}: looked for ${file}. Point ${from.propertyPath} at a template file relative to ${dirname(from.stack.file)}.`,
        { code: 'WHARF_TEMPLATE_NOT_FOUND', cause: error },
      );
    }
    throw new TemplateError({ file }, `template ${reason}.`, {
      code: 'WHARF_TEMPLATE_NOT_FOUND',
      cause: error,
    });
  }
  return parseTemplate(text, file);
}

/** Loads a stack and, depth first in template order, its nested stacks. */
function loadTree(
  file: string,
  name: string,
  locate: NestedLocator,
  out: { stacks: LoadedStack[]; unloaded: UnloadedNestedStack[] },
  parent?: { stack: LoadedStack; logicalId: string; propertyPath: string },
  chain: readonly string[] = [],
): LoadedStack {
  const template = readTemplate(file, parent);
  const stack: MutableStack = {
    name,
    path: parent ? [...parent.stack.path, parent.logicalId] : [],
    file,
    template,
    parent: parent && { stack: parent.stack, logicalId: parent.logicalId },
    children: new Map(),
  };
  out.stacks.push(stack);
  const ancestors = [...chain, file];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const location = locate(stack, logicalId, resource);
    if (!location) continue;
    if (!('file' in location)) {
      out.unloaded.push({ stack, logicalId, ...location });
      continue;
    }
    if (ancestors.includes(location.file)) {
      throw new TemplateError(
        { file, logicalId, propertyPath: location.propertyPath },
        `nested stacks form a cycle: ${[...ancestors, location.file].join(' → ')}. A template cannot nest itself.`,
        { code: 'WHARF_TEMPLATE_CYCLE' },
      );
    }
    const childPath = [...stack.path, logicalId];
    const from = { stack, logicalId, propertyPath: location.propertyPath };
    const child = loadTree(location.file, childPath.join('/'), locate, out, from, ancestors);
    stack.children.set(logicalId, child);
  }
  return stack;
}

/** Classifies a location value written in a template. */
function locateFromValue(
  stack: LoadedStack,
  value: CfnValue | undefined,
  propertyPath: string,
): NestedLocation | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    return { propertyPath, location: JSON.stringify(value), reason: 'computed' };
  }
  if (REMOTE.test(value)) return { propertyPath, location: value, reason: 'remote' };
  const path = value.startsWith('file://') ? value.slice('file://'.length) : value;
  return { file: isAbsolute(path) ? path : resolve(dirname(stack.file), path), propertyPath };
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
        location: JSON.stringify(location),
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
 * @param path - the root template, absolute or relative to the working directory.
 * @throws {@link TemplateError} when a template is missing or malformed (naming the parent file,
 *   the nested-stack logical id and `Properties.TemplateURL`/`Properties.Location`), or nested
 *   stacks form a cycle.
 * @example
 * const app = loadTemplateFile('infra/parent.yml');
 * for (const stack of app.stacks) console.log(stack.name, Object.keys(stack.template.Resources));
 */
export function loadTemplateFile(path: string, options: LoadTemplateOptions = {}): LoadedApp {
  const file = resolve(path);
  const out = { stacks: [] as LoadedStack[], unloaded: [] as UnloadedNestedStack[] };
  const root = loadTree(file, basename(file), locateLocalNested, out);
  return {
    source: 'template-file',
    name: options.name ?? basename(file, extname(file)),
    root,
    stacks: out.stacks,
    unloaded: out.unloaded,
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

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError({ file }, `${what} not found or unreadable. Run \`cdk synth\` first.`, {
      code: 'WHARF_TEMPLATE_NOT_FOUND',
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateError({ file }, `${what} is not valid JSON (${(error as Error).message}).`, {
      cause: error,
    });
  }
}

/** Maps asset object keys (`<hash>.json`) and hashes to template files, from every `*.assets.json`. */
function readAssetIndex(dir: string): Map<string, string> {
  const index = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.assets.json'))) {
    const manifest = readJson(join(dir, name), 'asset manifest') as {
      files?: Record<
        string,
        { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }
      >;
    };
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      const source = asset.source?.path;
      if (!source) continue;
      index.set(`${hash}.json`, join(dir, source));
      for (const destination of Object.values(asset.destinations ?? {})) {
        if (destination.objectKey) index.set(destination.objectKey, join(dir, source));
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
function assemblyLocator(dir: string): NestedLocator {
  let assets: Map<string, string> | undefined;
  return (stack, logicalId, resource) => {
    if (resource.Type !== 'AWS::CloudFormation::Stack') return locateLocalNested(stack, logicalId, resource);
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath === 'string')
      return { file: join(dir, assetPath), propertyPath: 'Metadata.aws:asset:path' };
    const url = resource.Properties?.TemplateURL;
    assets ??= readAssetIndex(dir);
    for (const leaf of stringLeaves(url)) {
      const key = /([^/]+\.json)$/.exec(leaf)?.[1];
      const file = key && assets.get(key);
      if (file) return { file, propertyPath: 'Properties.TemplateURL' };
    }
    return locateFromValue(stack, url, 'Properties.TemplateURL');
  };
}

function collectStackArtifacts(
  dir: string,
  found: { dir: string; id: string; artifact: ManifestArtifact }[],
) {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = readJson(manifestFile, 'cloud assembly manifest') as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      found.push({ dir, id, artifact });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const nested = join(dir, artifact.properties.directoryName);
      if (existsSync(join(nested, 'manifest.json'))) collectStackArtifacts(nested, found);
    }
  }
}

/**
 * Loads the stacks of a CDK cloud assembly (`cdk.out`), each with its nested stacks.
 *
 * @param dir - the assembly directory holding `manifest.json`.
 * @param stackName - only this stack (matched against the artifact id, `stackName` or display name).
 * @throws {@link TemplateError} when the manifest or a template is missing or malformed, or no
 *   stack matches `stackName`.
 */
export function loadCloudAssembly(dir: string, stackName?: string): LoadedApp[] {
  const root = resolve(dir);
  const found: { dir: string; id: string; artifact: ManifestArtifact }[] = [];
  collectStackArtifacts(root, found);
  const nameOf = (entry: (typeof found)[number]) => entry.artifact.properties?.stackName ?? entry.id;
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
  return selected.map((entry) => {
    const out = { stacks: [] as LoadedStack[], unloaded: [] as UnloadedNestedStack[] };
    const file = join(entry.dir, entry.artifact.properties?.templateFile ?? '');
    const name = nameOf(entry);
    const rootStack = loadTree(file, name, assemblyLocator(entry.dir), out);
    return {
      source: 'cloud-assembly',
      name,
      root: rootStack,
      stacks: out.stacks,
      unloaded: out.unloaded,
      dockerImageAssets: readDockerImageAssets(entry.dir, entry.id),
    };
  });
}
