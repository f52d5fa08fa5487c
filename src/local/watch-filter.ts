/**
 * Which file changes `wharf dev --watch` acts on. In the CDK app's folder: everything but build
 * output, dependencies, Wharf's own files, version control, editor temporary files, and the
 * folders images are built from (those have their own rule). In an image's folder: what Docker
 * would get, i.e. not what `.dockerignore` excludes, and neither `.git` nor editor temporary files.
 * Pure.
 */

import { basename, isAbsolute, relative, sep } from 'node:path';

/** Folders of a CDK app whose changes never need a new synthesis. */
const APP_IGNORED_FOLDERS = new Set(['cdk.out', 'node_modules', '.wharf', '.git', 'dist']);

/**
 * True for the temporary files editors and tools write next to the file being saved: vim's swap
 * files (`.app.ts.swp`, `.swo`, …) and its write test `4913`, backups (`app.ts~`), Emacs locks and
 * auto-saves (`.#app.ts`, `#app.ts#`), JetBrains' safe-write copies (`app.ts___jb_tmp___`), Kate's
 * swap files, GNU `sed -i`'s temporary file (`sedAb12Cd`), and macOS's `.DS_Store`.
 * @example isEditorTemp('.server.mjs.swp') // true
 */
export function isEditorTemp(path: string): boolean {
  const name = basename(path);
  return (
    /\.sw[a-p]$/.test(name) ||
    name === '4913' ||
    name.endsWith('~') ||
    name.startsWith('.#') ||
    /^#.*#$/.test(name) ||
    /___jb_(tmp|old)___$/.test(name) ||
    name.endsWith('.kate-swp') ||
    /^sed[A-Za-z0-9]{6}$/.test(name) ||
    name === '.DS_Store'
  );
}

/** `path` relative to `dir`, `/`-separated; `undefined` when it is not inside `dir`. */
export function insideFolder(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  if (rel === '') return '';
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** True when a change of `path` in the CDK app folder `appDir` does not call for a new synthesis. */
export function appChangeIgnored(appDir: string, path: string, imageFolders: readonly string[]): boolean {
  const rel = insideFolder(appDir, path);
  if (rel === undefined) return true;
  if (rel === '') return false;
  if (rel.split('/').some((part) => APP_IGNORED_FOLDERS.has(part))) return true;
  if (isEditorTemp(rel)) return true;
  return imageFolders.some((folder) => insideFolder(folder, path) !== undefined);
}

/**
 * True when a change of `path` in the image folder `dir` does not change the image: excluded by
 * `.dockerignore` (`ignores`, given paths relative to `dir`), inside `.git`, or an editor's
 * temporary file. The Dockerfile and `.dockerignore` always count.
 */
export function imageChangeIgnored(
  dir: string,
  path: string,
  ignores: (relativePath: string) => boolean,
  dockerfile = 'Dockerfile',
): boolean {
  const rel = insideFolder(dir, path);
  if (rel === undefined) return true;
  if (rel === '' || rel === dockerfile || rel === '.dockerignore') return false;
  if (rel.split('/').includes('.git')) return true;
  if (isEditorTemp(rel)) return true;
  return ignores(rel);
}
