/**
 * `wharf init`: writes a new Wharf project (see `project-files.ts`, `service-files.ts`,
 * `readme.ts`) into a folder, created if missing.
 *
 * A folder with anything in it but `.git` is refused (nothing written) unless `force`; with
 * `force`, the project's files are written over files of the same name and every other file is
 * kept. Everything is checked before the first write (a project path that is a folder, or a
 * symbolic link anywhere on a project path, which could make a write land outside the folder, is
 * refused); should a write still fail, the files and folders this run created are removed again.
 */

import { lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError, WharfError } from '../errors.js';
import {
  type InitPattern,
  type ProjectSpec,
  parseInitPattern,
  settleServiceName,
  stackIdOf,
} from './options.js';
import { projectFiles } from './project-files.js';
import { readmeFile } from './readme.js';
import { type ProjectFile, serviceFiles } from './service-files.js';
import { type WharfPackage, wharfPackage } from './wharf-package.js';

/** Options of {@link initProject}. */
export interface InitOptions {
  /** The project folder; created if missing. @default '.' (the current folder) */
  readonly dir?: string;
  /** The ingress pattern. @default 'api-gateway' */
  readonly pattern?: string;
  /**
   * The ECS service name, checked like the constructs' `serviceName`.
   * @default - made from the folder's name (`My API` → `my-api`), else 'web'
   */
  readonly name?: string;
  /** Write into a folder that is not empty: the project's files replace files of the same name; others are kept. @default false */
  readonly force?: boolean;
  /** The Wharf the project links to. @default - the Wharf running this code */
  readonly wharf?: WharfPackage;
}

/** One file written, relative to the project folder (`/`-separated). */
export interface WrittenFile {
  readonly path: string;
  /** `created`: new; `overwritten`: replaced a file of the same name (`force`). */
  readonly action: 'created' | 'overwritten';
}

/** What {@link initProject} made. */
export interface InitResult {
  /** The project folder, absolute. */
  readonly dir: string;
  readonly pattern: InitPattern;
  readonly serviceName: string;
  /** `flag` (`--name`), `folder` (made from the folder's name) or `default` (`web`). */
  readonly nameSource: ProjectSpec['nameSource'];
  readonly stackId: string;
  /** The Wharf checkout `package.json` links to. */
  readonly wharfDir: string;
  readonly files: readonly WrittenFile[];
}

/** Every file of a project, in the order they are written and listed. */
export function projectFileList(spec: ProjectSpec): ProjectFile[] {
  return [...projectFiles(spec), ...serviceFiles(spec), readmeFile(spec)];
}

/**
 * Creates a Wharf project. Throws a {@link UsageError} (nothing written) for a bad pattern or
 * name, a folder that is not empty without `force`, or a path it may not write.
 *
 * @example initProject({ dir: 'orders', pattern: 'alb' }) // orders/{package.json, app.ts, app/Dockerfile, …}
 */
export function initProject(options: InitOptions = {}): InitResult {
  const dir = resolve(options.dir ?? '.');
  const pattern = parseInitPattern(options.pattern);
  const name = settleServiceName(options.name, basename(dir));
  const wharf = options.wharf ?? wharfPackage();
  const spec: ProjectSpec = {
    pattern,
    ...name,
    stackId: stackIdOf(name.serviceName),
    wharfDir: wharf.dir,
    versions: wharf.versions,
  };
  const files = projectFileList(spec);
  const existing = inspectFolder(dir, options.force === true);
  const actions = files.map((file) => planWrite(dir, file.path, existing));
  const written = writeAll(dir, files, actions, existing);
  return {
    dir,
    pattern,
    serviceName: spec.serviceName,
    nameSource: spec.nameSource,
    stackId: spec.stackId,
    wharfDir: spec.wharfDir,
    files: written,
  };
}

/** `missing`, or `present` (empty, or not empty with `force`); throws otherwise. */
function inspectFolder(dir: string, force: boolean): 'missing' | 'present' {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UsageError(`wharf init: cannot read ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!stats.isDirectory()) throw new UsageError(`wharf init: ${dir} is a file, not a folder.`);
  const entries = readdirSync(dir).filter((entry) => entry !== '.git');
  if (entries.length > 0 && !force) {
    const shown = entries
      .sort()
      .slice(0, 3)
      .map((entry) => JSON.stringify(entry))
      .join(', ');
    throw new UsageError(
      `wharf init: ${dir} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}: ${shown}${entries.length > 3 ? ', …' : ''}); nothing was written. ` +
        'Give a new or empty folder, or --force to write the project files into it (files of the same name are replaced, others kept).',
      { code: 'WHARF_INIT_NOT_EMPTY' },
    );
  }
  return 'present';
}

/** Whether the file is new or replaces one; throws for a path init may not write. */
function planWrite(dir: string, path: string, folder: 'missing' | 'present'): WrittenFile['action'] {
  if (folder === 'missing') return 'created';
  const parts = path.split('/');
  let current = dir;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(current);
    } catch {
      return 'created'; // nothing there yet, nor below it
    }
    const shown = relative(dir, current).split(sep).join('/');
    const last = index === parts.length - 1;
    if (stats.isSymbolicLink()) {
      throw new UsageError(
        `wharf init: ${join(dir, shown)} is a symbolic link; wharf init does not write through links (the file would land elsewhere). Remove it or choose another folder; nothing was written.`,
      );
    }
    if (last && !stats.isFile()) {
      throw new UsageError(`wharf init: ${join(dir, shown)} exists and is not a file; nothing was written.`);
    }
    if (!last && !stats.isDirectory()) {
      throw new UsageError(
        `wharf init: ${join(dir, shown)} exists and is not a folder (the project needs ${path}); nothing was written.`,
      );
    }
  }
  return 'overwritten';
}

function writeAll(
  dir: string,
  files: readonly ProjectFile[],
  actions: readonly WrittenFile['action'][],
  folder: 'missing' | 'present',
): WrittenFile[] {
  const created: string[] = [];
  try {
    const madeRoot = folder === 'missing' ? mkdirSync(dir, { recursive: true }) : undefined;
    if (madeRoot) created.push(madeRoot);
    return files.map((file, index) => {
      const target = join(dir, ...file.path.split('/'));
      const madeParent = mkdirSync(dirname(target), { recursive: true });
      if (madeParent && !madeRoot) created.push(madeParent);
      writeFileSync(target, file.text, { mode: 0o644 });
      const action = actions[index] ?? 'created';
      if (action === 'created' && !madeRoot) created.push(target);
      return { path: file.path, action };
    });
  } catch (error) {
    for (const path of created.reverse()) rmSync(path, { recursive: true, force: true });
    throw new WharfError(
      'WHARF_INIT_WRITE_FAILED',
      `wharf init: could not write into ${dir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
