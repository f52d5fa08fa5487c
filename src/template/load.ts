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

import { basename, dirname, extname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { containmentRoots, readTemplateText } from './containment.js';
import type { LoadedApp } from './model.js';
import { loadRoot, locateLocalNested } from './nested-stacks.js';
import { parseTemplate } from './yaml.js';

export { type LoadCloudAssemblyOptions, loadCloudAssembly } from './cloud-assembly.js';

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
 * const app = loadTemplateFile('infra/parent.yml', { allowPaths: ['../shared-templates'] });
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

/**
 * Loads several root templates as one app (`wharf dev --template cluster.yml --template
 * service.yml`): each with its nested stacks, as {@link loadTemplateFile} loads it, combined by
 * {@link combineApps}. One path gives the same app as {@link loadTemplateFile}.
 *
 * @throws {@link UsageError} when no path is given or one file is given twice.
 * @example
 * const app = loadTemplateFiles(['cluster.yml', 'service.yml']);
 * resolveApp(app); // the service's Fn::ImportValue reads the cluster's exports
 */
export function loadTemplateFiles(paths: readonly string[], options: LoadTemplateOptions = {}): LoadedApp {
  if (paths.length === 0) throw new UsageError('no template file given.');
  const files = paths.map((path) => resolve(path));
  const twice = files.find((file, i) => files.indexOf(file) !== i);
  if (twice !== undefined) {
    throw new UsageError(`${twice} is given twice as --template; give each template once.`);
  }
  if (files.length === 1) return loadTemplateFile(files[0] as string, options);
  return combineApps(files.map((file) => loadTemplateFile(file, { allowPaths: options.allowPaths })));
}

/**
 * One app made of several loaded apps (see `LoadedApp.members`). Members whose names clash (two
 * `service.yml` in different folders) get `-2`, `-3`, … so their stack names and generated ids
 * differ.
 */
export function combineApps(apps: readonly LoadedApp[]): LoadedApp {
  if (apps.length === 1) return apps[0] as LoadedApp;
  const seen = new Map<string, number>();
  const members = apps.map((app) => {
    const count = (seen.get(app.name) ?? 0) + 1;
    seen.set(app.name, count);
    return count === 1 ? app : { ...app, name: `${app.name}-${count}` };
  });
  const first = members[0] as LoadedApp;
  const folders = [...new Set(members.flatMap((app) => app.roots?.folders ?? []))];
  const realFolders = [...new Set(members.flatMap((app) => app.roots?.realFolders ?? []))];
  return {
    source: first.source,
    name: members.map((app) => app.name).join('+'),
    root: first.root,
    stacks: members.flatMap((app) => app.stacks),
    unloaded: members.flatMap((app) => app.unloaded ?? []),
    dockerImageAssets: members.flatMap((app) => app.dockerImageAssets ?? []),
    roots: { folders, realFolders },
    members,
  };
}
