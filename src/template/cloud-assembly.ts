/**
 * Loads a CDK cloud assembly (`cdk.out`): every stack artifact of its manifest (nested assemblies
 * of CDK stages included), each with its nested stacks, found through `aws:asset:path` metadata or
 * the asset manifests. Every file a manifest names passes the containment rule with the assembly
 * folder as root.
 */

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';
import { readDockerImageAssets } from './assets.js';
import {
  type ContainedPath,
  type ContainmentRoots,
  containmentRoots,
  readContainedFile,
  readTemplateText,
  resolveContainedPath,
} from './containment.js';
import { limitError, TEMPLATE_LIMITS } from './limits.js';
import type { CfnTemplate, CfnValue, LoadedApp } from './model.js';
import { loadRoot, locateFromValue, locateLocalNested, type NestedLocator } from './nested-stacks.js';
import { parseTemplate } from './yaml.js';

/** Options of {@link loadCloudAssembly}. */
export interface LoadCloudAssemblyOptions {
  /**
   * Folders, besides the assembly, that nested templates may come from (`--allow-path`).
   * @default - none: only the cloud assembly folder
   */
  readonly allowPaths?: readonly string[];
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
    // Docker build folders are named by the user's own CDK app code (which Wharf already runs), so
    // they may lie anywhere, e.g. `../services/orders` in a monorepo: not contained.
    return {
      source: 'cloud-assembly',
      name,
      ...loaded,
      dockerImageAssets: readDockerImageAssets(entry.dir, entry.id),
    };
  });
}
