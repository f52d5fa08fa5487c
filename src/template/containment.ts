/**
 * The containment rule: which files Wharf opens because a template, a cloud-assembly manifest or
 * an app names them.
 *
 * A template is untrusted input. Every file it names (a nested stack's `TemplateURL`, a SAM
 * application's `Location`, a CDK asset path, an asset-manifest source; later, Docker build
 * folders) must, after its symlinks are resolved (`realpath`):
 * - lie inside one of the {@link ContainmentRoots}: the root template's folder (or the cloud
 *   assembly's folder), plus any folder the user allowed explicitly (`--allow-path <dir>`);
 * - be a regular file (not a folder, device, FIFO or socket), or a folder where one is expected;
 * - be no larger than the caller's limit (1 MB for templates, see `limits.ts`).
 * `file://` URLs are refused; absolute paths are judged by the same rule (inside a root, or an
 * error). A path that leaves the roots is refused before anything at it is touched, so a template
 * cannot even learn whether a file outside exists. Errors name the referring file, resource and
 * property, never what the file holds.
 *
 * The root template the user names on the command line is the user's choice and is not
 * contained, but it is read with the same size and file-type checks ({@link readTemplateText}).
 */

import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { TemplateError, type TemplateLocation, UsageError } from '../errors.js';
import { excerpt } from './excerpt.js';
import { formatCount, limitError, TEMPLATE_LIMITS, type TemplateLimit } from './limits.js';

/** The folders files named by templates may come from, as given and with symlinks resolved. */
export interface ContainmentRoots {
  /** Each folder as the user named it (absolute), for messages and for paths through symlinks. */
  readonly folders: readonly string[];
  /** The same folders after `realpath`: what a file's real path must lie in. */
  readonly realFolders: readonly string[];
}

/** A file (or folder) a template, manifest or app names. */
export interface FileReference {
  /** The path as written, e.g. `nested/vpc.yml`. */
  readonly path: string;
  /** The folder a relative `path` starts from: the referring file's folder. */
  readonly baseDir: string;
  /** The referring file, resource and property, named in errors. */
  readonly from: TemplateLocation;
}

/** A reference that passed the rule. */
export interface ContainedPath {
  /** The path as resolved against `baseDir` (symlinks kept), for messages and relative paths. */
  readonly path: string;
  /** The path with every symlink resolved: the file's identity (deduplication, cycles). */
  readonly realPath: string;
}

/** Options of {@link resolveContainedPath}. */
export interface ContainmentOptions {
  /**
   * What must be at the path.
   * @default 'file'
   */
  readonly kind?: 'file' | 'directory';
  /**
   * What the file is, for messages, e.g. `nested stack template`.
   * @default 'file'
   */
  readonly what?: string;
}

/** Options of {@link readContainedFile} and {@link readTemplateText}. */
export interface ReadLimitOptions {
  /**
   * Which size limit applies.
   * @default 'templateBytes'
   */
  readonly limit?: TemplateLimit;
  /**
   * What the file is, for messages.
   * @default 'template'
   */
  readonly what?: string;
}

/** Error codes of the containment rule (besides `WHARF_TEMPLATE_LIMIT` for sizes). */
export const CONTAINMENT_CODES = {
  /** The path leaves the allowed folders (`..`, an absolute path, a symlink). */
  outsideRoot: 'WHARF_TEMPLATE_OUTSIDE_ROOT',
  /** A `file://` URL, or an empty path. */
  pathInvalid: 'WHARF_TEMPLATE_PATH_INVALID',
  /** Something other than a regular file (or folder) is there. */
  notAFile: 'WHARF_TEMPLATE_NOT_A_FILE',
  /** Nothing is there. */
  notFound: 'WHARF_TEMPLATE_NOT_FOUND',
} as const;

/**
 * The roots for a template tree: `rootFolder` (the root template's folder, or the cloud assembly)
 * and every `allowPaths` folder (`--allow-path`, relative to the working directory).
 *
 * @throws {@link UsageError} when an allowed path is not an existing folder.
 * @example
 * const roots = containmentRoots(dirname(resolve('infra/parent.yml')), ['../shared-templates']);
 */
export function containmentRoots(rootFolder: string, allowPaths: readonly string[] = []): ContainmentRoots {
  const folders = [resolve(rootFolder)];
  for (const allowed of allowPaths) {
    const folder = resolve(allowed);
    let stats: Stats | undefined;
    try {
      stats = statSync(folder);
    } catch {
      stats = undefined;
    }
    if (!stats?.isDirectory()) {
      throw new UsageError(
        `--allow-path ${folder}: no such folder. Give a folder whose files templates may reference.`,
        { code: 'WHARF_ALLOW_PATH_INVALID' },
      );
    }
    folders.push(folder);
  }
  const realFolders = folders.map((folder) => {
    try {
      return realpathSync(folder);
    } catch {
      return folder;
    }
  });
  return { folders, realFolders };
}

/** True when `path` is `folder` or lies under it. */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function outside(ref: FileReference, roots: ContainmentRoots, what: string, detail: string): TemplateError {
  return new TemplateError(
    ref.from,
    `${what} ${excerpt(ref.path)} ${detail}, outside ${roots.folders.join(', ')}. Wharf reads only files ` +
      "inside the root template's folder: move the file there, or allow its folder with --allow-path <dir>.",
    { code: CONTAINMENT_CODES.outsideRoot },
  );
}

/**
 * Applies the containment rule to one reference: resolves it against its `baseDir`, checks that
 * it stays inside `roots` before and after `realpath`, and that a regular file (or a folder, with
 * `kind: 'directory'`) is there. Reads nothing.
 *
 * @throws {@link TemplateError} naming `ref.from` (file, resource, property), with the code
 *   `WHARF_TEMPLATE_PATH_INVALID` (a `file://` URL), `WHARF_TEMPLATE_OUTSIDE_ROOT`,
 *   `WHARF_TEMPLATE_NOT_FOUND` or `WHARF_TEMPLATE_NOT_A_FILE`.
 * @example
 * const child = resolveContainedPath(
 *   { path: 'nested/vpc.yml', baseDir: '/app', from: { file: '/app/parent.yml', logicalId: 'Vpc', propertyPath: 'Properties.TemplateURL' } },
 *   containmentRoots('/app'),
 *   { what: 'nested stack template' },
 * );
 */
export function resolveContainedPath(
  ref: FileReference,
  roots: ContainmentRoots,
  options: ContainmentOptions = {},
): ContainedPath {
  const kind = options.kind ?? 'file';
  const what = options.what ?? kind;
  if (/^file:/i.test(ref.path)) {
    throw new TemplateError(
      ref.from,
      `${what} ${excerpt(ref.path)} is a file:// URL; Wharf does not follow those. Write a path relative to ${ref.baseDir}.`,
      { code: CONTAINMENT_CODES.pathInvalid },
    );
  }
  if (ref.path.trim() === '' || ref.path.includes('\0')) {
    throw new TemplateError(ref.from, `${what} path ${excerpt(ref.path)} is not a path.`, {
      code: CONTAINMENT_CODES.pathInvalid,
    });
  }
  const path = resolve(ref.baseDir, ref.path);
  const allFolders = [...roots.folders, ...roots.realFolders];
  if (!allFolders.some((folder) => isInside(path, folder))) {
    throw outside(ref, roots, what, isAbsolute(ref.path) ? 'is an absolute path' : `resolves to ${path}`);
  }
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TemplateError(
      ref.from,
      `${what} ${code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : 'cannot be read'}: looked for ${path}. ` +
        `Point ${ref.from.propertyPath ?? 'it'} at a ${kind === 'file' ? 'template file' : 'folder'} relative to ${ref.baseDir}.`,
      { code: CONTAINMENT_CODES.notFound, cause: error },
    );
  }
  if (!roots.realFolders.some((folder) => isInside(realPath, folder))) {
    throw outside(ref, roots, what, `leads through a symlink to ${realPath}`);
  }
  const stats = statSync(realPath);
  const ok = kind === 'file' ? stats.isFile() : stats.isDirectory();
  if (!ok) {
    throw new TemplateError(
      ref.from,
      `${what} ${path} is ${describeKind(stats)}, not a ${kind === 'file' ? 'template file' : 'folder'}. ` +
        `Point ${ref.from.propertyPath ?? 'it'} at a ${kind === 'file' ? 'template file' : 'folder'} relative to ${ref.baseDir}.`,
      { code: CONTAINMENT_CODES.notAFile },
    );
  }
  return { path, realPath };
}

/**
 * {@link resolveContainedPath} for a file, then reads it with {@link readTemplateText}'s checks
 * (regular file, size limit, read no further than the limit).
 *
 * @returns the resolved paths and the file's text.
 * @throws {@link TemplateError} as {@link resolveContainedPath}, or `WHARF_TEMPLATE_LIMIT` when
 *   the file is larger than the limit (naming `ref.from`).
 */
export function readContainedFile(
  ref: FileReference,
  roots: ContainmentRoots,
  options: ContainmentOptions & ReadLimitOptions = {},
): ContainedPath & { readonly text: string } {
  const contained = resolveContainedPath(ref, roots, { what: options.what, kind: 'file' });
  const text = readBounded(contained.realPath, {
    location: ref.from,
    label: `${options.what ?? 'file'} ${contained.path}`,
    limit: options.limit ?? 'templateBytes',
  });
  return { ...contained, text };
}

/**
 * Reads a file the user named (a root template, a manifest Wharf or the CDK wrote): no
 * containment, but it must be a regular file no larger than the limit, and no more than the
 * limit is ever read (a 50 MB file is refused from its size, `/dev/zero` from its type).
 *
 * @param file - an absolute path.
 * @throws {@link TemplateError} with `WHARF_TEMPLATE_NOT_FOUND`, `WHARF_TEMPLATE_NOT_A_FILE` or
 *   `WHARF_TEMPLATE_LIMIT`, located at `file`.
 */
export function readTemplateText(file: string, options: ReadLimitOptions = {}): string {
  const what = options.what ?? 'template';
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TemplateError(
      { file },
      `${what} ${code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : 'cannot be read'}.`,
      { code: CONTAINMENT_CODES.notFound, cause: error },
    );
  }
  if (!stats.isFile()) {
    throw new TemplateError({ file }, `${what} is ${describeKind(stats)}, not a file.`, {
      code: CONTAINMENT_CODES.notAFile,
    });
  }
  return readBounded(file, { location: { file }, label: what, limit: options.limit ?? 'templateBytes' });
}

const CHUNK = 64 * 1024;

/**
 * Reads at most the limit (plus one byte to notice more) from a regular file. The file is opened
 * non-blocking (a path swapped for a FIFO cannot hang the read) and checked again once open.
 */
function readBounded(
  file: string,
  options: { location: TemplateLocation; label: string; limit: TemplateLimit },
): string {
  const max = TEMPLATE_LIMITS[options.limit];
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new TemplateError(options.location, `${options.label} cannot be read.`, {
      code: CONTAINMENT_CODES.notFound,
      cause: error,
    });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new TemplateError(options.location, `${options.label} is ${describeKind(stats)}, not a file.`, {
        code: CONTAINMENT_CODES.notAFile,
      });
    }
    if (stats.size > max) {
      throw limitError(
        options.location,
        options.limit,
        `${options.label} has ${formatCount(stats.size)} bytes`,
      );
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > max) {
        throw limitError(
          options.location,
          options.limit,
          `${options.label} has more than ${formatCount(max)} bytes`,
        );
      }
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(options.location, `${options.label} cannot be read.`, {
      code: CONTAINMENT_CODES.notFound,
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
}
