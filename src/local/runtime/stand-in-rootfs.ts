/**
 * The root file systems of the offline stand-in base images (see `stand-in-image.ts`): what goes
 * into a `node` or `busybox` stand-in, as a list of tar entries taken from this machine. Pure
 * except for reading the files it lists; the Docker side is in `stand-in-image.ts`.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** One entry of a root file system tar. Paths are absolute inside the image (`/usr/local/bin/node`). */
export type RootfsEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number; readonly uid?: number }
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly source: string }
  | { readonly kind: 'text'; readonly path: string; readonly mode: number; readonly text: string }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

/** The files of a stand-in taken from this machine. */
export interface HostFiles {
  /** A static busybox (Debian `busybox-static`). @default '/bin/busybox' */
  readonly busybox?: string;
  /** The node binary. @default process.execPath */
  readonly node?: string;
}

/**
 * The shared libraries `ldd` lists for a binary: `[path in the image, file on this machine]`.
 * The virtual `linux-vdso` has no file and is left out.
 * @example parseLdd('libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f…)\n/lib64/ld-linux-x86-64.so.2 (0x7f…)')
 * // → ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const mapped = /=>\s+(\/\S+)\s+\(/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = mapped?.[1] ?? direct?.[1];
    if (path && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

const PASSWD = `root:x:0:0:root:/root:/bin/sh
node:x:1000:1000:Linux User,,,:/home/node:/bin/sh
nobody:x:65534:65534:nobody:/:/sbin/nologin
`;
const GROUP = `root:x:0:root
node:x:1000:node
nogroup:x:65534:
`;
const NSSWITCH = 'passwd: files\ngroup: files\nhosts: files dns\n';
/** Wharf's own entrypoint with the behaviour of the official Node images' one: options or a script name run under node. */
const ENTRYPOINT = `#!/bin/sh
set -e
# An option (-e …) or something that is not a command (server.js) runs under node.
if [ "\${1#-}" != "$1" ] || ! command -v -- "$1" >/dev/null 2>&1; then
  set -- node "$@"
fi
exec "$@"
`;

function about(name: string): string {
  return `This is not the official ${name} image: it is a stand-in built by Wharf on a machine without
registry access, from this machine's own binaries, so that Dockerfiles starting with
'FROM ${name}' build unchanged. Replace it with the real image when you can pull:
'docker pull ${name}'.
`;
}

/** The busybox base every stand-in has: `/bin/sh` and the other applets, `/etc` basics, `/tmp`. */
function busyboxEntries(name: string, busybox: string): RootfsEntry[] {
  if (!existsSync(busybox)) {
    throw new Error(
      `${busybox} is missing: install Debian's busybox-static (scripts/ensure-docker.sh installs it).`,
    );
  }
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'bin/busybox');
  const entries: RootfsEntry[] = [
    ...['/bin', '/sbin', '/usr', '/usr/bin', '/usr/sbin', '/usr/local', '/usr/local/bin', '/etc'].map(
      (path): RootfsEntry => ({ kind: 'dir', path, mode: 0o755 }),
    ),
    { kind: 'dir', path: '/root', mode: 0o700 },
    { kind: 'dir', path: '/tmp', mode: 0o1777 },
    { kind: 'dir', path: '/home', mode: 0o755 },
    { kind: 'file', path: '/bin/busybox', mode: 0o755, source: busybox },
    { kind: 'text', path: '/etc/passwd', mode: 0o644, text: PASSWD },
    { kind: 'text', path: '/etc/group', mode: 0o644, text: GROUP },
    { kind: 'text', path: '/etc/nsswitch.conf', mode: 0o644, text: NSSWITCH },
    { kind: 'text', path: '/etc/wharf-stand-in', mode: 0o644, text: about(name) },
  ];
  for (const applet of applets) entries.push({ kind: 'symlink', path: `/${applet}`, target: '/bin/busybox' });
  return entries;
}

/** Every file and folder under `dir` (this machine), as entries under `into` (the image). */
function treeEntries(dir: string, into: string): RootfsEntry[] {
  const entries: RootfsEntry[] = [{ kind: 'dir', path: into, mode: 0o755 }];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const source = join(folder, name);
      const path = join(into, relative(dir, source));
      const stats = lstatSync(source);
      if (stats.isSymbolicLink()) entries.push({ kind: 'symlink', path, target: readlinkSync(source) });
      else if (stats.isDirectory()) {
        entries.push({ kind: 'dir', path, mode: stats.mode & 0o7777 });
        walk(source);
      } else if (stats.isFile()) entries.push({ kind: 'file', path, mode: stats.mode & 0o7777, source });
    }
  };
  walk(dir);
  return entries;
}

/** The node stand-in: busybox base, this machine's node with its libraries, npm when installed. */
function nodeEntries(name: string, host: Required<HostFiles>): RootfsEntry[] {
  const entries = busyboxEntries(name, host.busybox);
  entries.push({ kind: 'file', path: '/usr/local/bin/node', mode: 0o755, source: realpathSync(host.node) });
  const libraries = parseLdd(execFileSync('ldd', [host.node], { encoding: 'utf8' }));
  const folders = new Set<string>();
  for (const library of libraries) {
    for (let folder = dirname(library); folder !== '/'; folder = dirname(folder)) folders.add(folder);
    entries.push({ kind: 'file', path: library, mode: 0o755, source: realpathSync(library) });
  }
  for (const folder of [...folders].sort()) entries.push({ kind: 'dir', path: folder, mode: 0o755 });
  // npm as the Node installation ships it, next to the binary (`<prefix>/lib/node_modules/npm`).
  const npm = join(dirname(dirname(realpathSync(host.node))), 'lib', 'node_modules', 'npm');
  if (existsSync(join(npm, 'bin', 'npm-cli.js'))) {
    entries.push({ kind: 'dir', path: '/usr/local/lib', mode: 0o755 });
    entries.push({ kind: 'dir', path: '/usr/local/lib/node_modules', mode: 0o755 });
    entries.push(...treeEntries(npm, '/usr/local/lib/node_modules/npm'));
    entries.push({
      kind: 'symlink',
      path: '/usr/local/bin/npm',
      target: '../lib/node_modules/npm/bin/npm-cli.js',
    });
    entries.push({
      kind: 'symlink',
      path: '/usr/local/bin/npx',
      target: '../lib/node_modules/npm/bin/npx-cli.js',
    });
  }
  entries.push({ kind: 'dir', path: '/home/node', mode: 0o755, uid: 1000 });
  entries.push({ kind: 'text', path: '/usr/local/bin/docker-entrypoint.sh', mode: 0o755, text: ENTRYPOINT });
  return entries;
}

/** A stand-in kind: how its root file system is made and the image configuration it gets. */
export interface StandInRecipe {
  readonly kind: 'node' | 'busybox';
  /** `Dockerfile` instructions `docker import` applies (`ENV`, `CMD`, `ENTRYPOINT`). */
  readonly changes: readonly string[];
  entries(name: string, host: Required<HostFiles>): RootfsEntry[];
  /** What makes two builds differ: the binaries' sizes and dates, the recipe version. */
  fingerprint(host: Required<HostFiles>): string;
}

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const RECIPE_VERSION = '1';

function fileStamp(file: string): string {
  const stats = statSync(file);
  return `${file}:${stats.size}:${Math.round(stats.mtimeMs)}`;
}

/** The recipe for an image name (`node:<tag>`, `busybox:<tag>`), or `undefined` when there is none. */
export function standInRecipe(name: string): StandInRecipe | undefined {
  const repository = name.split(':')[0]?.replace(/^(docker\.io\/)?(library\/)?/, '');
  if (repository === 'node') {
    return {
      kind: 'node',
      changes: [
        `ENV ${PATH}`,
        `ENV NODE_VERSION=${process.versions.node}`,
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        'CMD ["node"]',
      ],
      entries: nodeEntries,
      fingerprint: (host) => [RECIPE_VERSION, fileStamp(host.node), fileStamp(host.busybox)].join(' '),
    };
  }
  if (repository === 'busybox') {
    return {
      kind: 'busybox',
      changes: [`ENV ${PATH}`, 'CMD ["sh"]'],
      entries: (name, host) => busyboxEntries(name, host.busybox),
      fingerprint: (host) => [RECIPE_VERSION, fileStamp(host.busybox)].join(' '),
    };
  }
  return undefined;
}
