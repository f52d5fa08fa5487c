/**
 * The build context of an image: the files of a folder that Docker gets, after `.dockerignore`
 * (matched with `@balena/dockerignore`, the matcher the CDK uses to fingerprint Docker assets), plus
 * the Dockerfile and `.dockerignore` themselves, which Docker always receives. From that list come
 * the content hash the local image is tagged with and the tar stream sent to the daemon.
 *
 * Files that disappear between listing and reading (an editor's temporary file) are left out
 * rather than failing the build; a file's digest is reused while its size, mtime and inode are
 * unchanged.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { pack } from 'tar-stream';
import { WharfError } from '../../errors.js';

/** One file, folder or link of a build context. */
export interface BuildContextEntry {
  /** Relative to the context folder, `/`-separated. */
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink';
  /** Permission bits. */
  readonly mode: number;
  readonly mtime: Date;
  readonly target?: string;
}

/** A listed build context. */
export interface BuildContext {
  /** The context folder, absolute. */
  readonly dir: string;
  /** The Dockerfile, relative to `dir` (`/`-separated). */
  readonly dockerfile: string;
  readonly entries: readonly BuildContextEntry[];
}

/** What besides the files makes a different image. */
export interface BuildInputs {
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly platform?: string;
}

// A CommonJS module whose typings declare a default export: at run time the import is the function.
const dockerignore = ((dockerignoreModule as unknown as { default?: unknown }).default ??
  dockerignoreModule) as unknown as typeof dockerignoreModule.default;

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * A predicate telling whether a relative path is excluded by `dir/.dockerignore` (always `false`
 * without one), and whether the file has exceptions (`!pattern`), which force walking into excluded
 * folders.
 */
export function dockerignoreOf(dir: string): { ignores: (path: string) => boolean; hasExceptions: boolean } {
  const file = join(dir, '.dockerignore');
  if (!existsSync(file)) return { ignores: () => false, hasExceptions: false };
  const text = readFileSync(file, 'utf8');
  const matcher = dockerignore({ ignorecase: false }).add(text);
  return {
    ignores: (path) => matcher.ignores(path),
    hasExceptions: text.split(/\r?\n/).some((line) => line.trim().startsWith('!')),
  };
}

/** Checks the Dockerfile path (relative, inside `dir`, present) and returns it `/`-separated. */
function dockerfilePath(dir: string, file: string): string {
  const absolute = resolve(dir, file);
  const inside = relative(dir, absolute);
  if (isAbsolute(file) || inside.startsWith('..') || inside === '') {
    throw new WharfError(
      'WHARF_IMAGE_BUILD_FAILED',
      `Dockerfile '${file}' is not inside the build folder ${dir}; give a path relative to it, e.g. 'Dockerfile'.`,
    );
  }
  if (!existsSync(absolute)) {
    throw new WharfError(
      'WHARF_IMAGE_BUILD_FAILED',
      `no Dockerfile at ${absolute}: the image of this container is built from ${dir}; add the Dockerfile or point the asset's file at it.`,
    );
  }
  return toPosix(inside);
}

/**
 * Lists the build context of `dir`: every file, folder and symbolic link not excluded by
 * `.dockerignore`, plus the Dockerfile and `.dockerignore`. Sorted by path.
 * @throws `WHARF_IMAGE_BUILD_FAILED` when the folder or the Dockerfile is missing.
 */
export async function listBuildContext(dir: string, file = 'Dockerfile'): Promise<BuildContext> {
  if (!existsSync(dir)) {
    throw new WharfError('WHARF_IMAGE_BUILD_FAILED', `the image's build folder ${dir} does not exist.`);
  }
  const dockerfile = dockerfilePath(dir, file);
  const { ignores, hasExceptions } = dockerignoreOf(dir);
  const always = new Set([dockerfile, '.dockerignore']);
  const entries: BuildContextEntry[] = [];
  const walk = async (folder: string) => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return; // Removed while listing.
    }
    for (const name of names) {
      const absolute = join(folder, name);
      const path = toPosix(relative(dir, absolute));
      let stats: Awaited<ReturnType<typeof lstat>>;
      try {
        stats = await lstat(absolute);
      } catch {
        continue;
      }
      const excluded = ignores(path) && !always.has(path);
      if (stats.isDirectory()) {
        if (excluded && !hasExceptions) continue;
        if (!excluded) entries.push({ path, kind: 'dir', mode: stats.mode & 0o7777, mtime: stats.mtime });
        await walk(absolute);
      } else if (!excluded && stats.isSymbolicLink()) {
        const target = await readlink(absolute).catch(() => undefined);
        if (target !== undefined)
          entries.push({ path, kind: 'symlink', mode: 0o777, mtime: stats.mtime, target });
      } else if (!excluded && stats.isFile()) {
        entries.push({ path, kind: 'file', mode: stats.mode & 0o7777, mtime: stats.mtime });
      }
    }
  };
  await walk(dir);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { dir, dockerfile, entries };
}

/** Digest cache: absolute path → size, mtime, inode and sha256 of the content. */
const digests = new Map<string, { size: number; mtimeMs: number; ino: number; digest: string }>();

async function fileDigest(file: string): Promise<string | undefined> {
  try {
    const stats = await lstat(file);
    const known = digests.get(file);
    if (known && known.size === stats.size && known.mtimeMs === stats.mtimeMs && known.ino === stats.ino) {
      return known.digest;
    }
    const digest = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    digests.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, digest });
    return digest;
  } catch {
    return undefined; // Gone since it was listed.
  }
}

/**
 * The content hash of an image build: every entry's path, kind, permission bits and content (or
 * link target), the Dockerfile's path, the build arguments, target and platform. Modification
 * times are left out, so saving a file unchanged does not rebuild. Hex sha256.
 */
export async function hashBuildContext(context: BuildContext, inputs: BuildInputs = {}): Promise<string> {
  const hash = createHash('sha256');
  hash.update('wharf-image-build/1\0');
  for (const entry of context.entries) {
    let content = entry.target ?? '';
    if (entry.kind === 'file') {
      const digest = await fileDigest(join(context.dir, entry.path));
      if (digest === undefined) continue;
      content = digest;
    }
    hash.update(`${entry.kind}\0${entry.path}\0${entry.mode.toString(8)}\0${content}\0`);
  }
  const args = Object.entries(inputs.buildArgs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  hash.update(
    JSON.stringify({
      dockerfile: context.dockerfile,
      args,
      target: inputs.target ?? null,
      platform: inputs.platform ?? null,
    }),
  );
  return hash.digest('hex');
}

/** The build context as the tar stream `POST /build` takes. Files that vanished meanwhile are left out. */
export function packBuildContext(context: BuildContext): Readable {
  const tar = pack();
  void (async () => {
    try {
      for (const entry of context.entries) {
        const header = { name: entry.path, mode: entry.mode, mtime: entry.mtime };
        if (entry.kind === 'dir') tar.entry({ ...header, name: `${entry.path}/`, type: 'directory' });
        else if (entry.kind === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: entry.target });
        else {
          // Read whole, so the size in the header is the size written even if the file changes now.
          const content = await readFile(join(context.dir, entry.path)).catch(() => undefined);
          if (content !== undefined) tar.entry(header, content);
        }
      }
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  return Readable.from(tar as unknown as AsyncIterable<Buffer>);
}
