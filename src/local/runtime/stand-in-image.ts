/**
 * Offline stand-in base images: on a machine that cannot pull from a registry, `FROM node:22-alpine`
 * has nothing to start from. {@link ensureStandInBaseImage} makes an image under that very name from
 * this machine's own files (its `node` binary, the shared libraries `ldd` lists, npm, and a static
 * busybox for `/bin/sh` and the usual commands), with no parent image (what `FROM scratch` gives), so
 * a user's Dockerfile builds unchanged. It is a stand-in, not the real image: the Node version is
 * this machine's, the C library is this machine's glibc (not Alpine's musl), and there is no `apk`.
 *
 * Images are labelled `wharf.stand-in=<name>`. An image of that name that Wharf did not make (a real
 * one, pulled earlier) is never replaced unless `force` is given; a stand-in made from older files is
 * made again.
 */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { UsageError, WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import { errorText, statusCode } from './docker-image.js';
import { type HostFiles, type RootfsEntry, standInRecipe } from './stand-in-rootfs.js';

/** Label naming the image a stand-in replaces. */
export const STAND_IN_LABEL = 'wharf.stand-in';
/** Label holding what the stand-in was made from (binary sizes and dates). */
export const STAND_IN_FINGERPRINT_LABEL = 'wharf.stand-in.fingerprint';

/** The base images the examples and `wharf init` projects start from. */
export const STAND_IN_IMAGES = ['node:22-alpine'] as const;

/** Options of {@link ensureStandInBaseImage}. */
export interface StandInOptions {
  /** @default `new Docker()` (honours `DOCKER_HOST`) */
  readonly docker?: Docker;
  /** Replace an image of that name even when Wharf did not make it. @default false */
  readonly force?: boolean;
  /** Where progress goes. @default silent */
  readonly io?: IoHost;
  /** The files taken from this machine. @default /bin/busybox and this process's node */
  readonly host?: HostFiles;
}

/** What {@link ensureStandInBaseImage} did. */
export interface StandInResult {
  readonly image: string;
  /**
   * `built`: made now; `current`: a stand-in made from the same files is there; `kept-real`: an
   * image of that name not made by Wharf is there and was left alone.
   */
  readonly action: 'built' | 'current' | 'kept-real';
}

/**
 * Makes sure `image` (`node:<tag>` or `busybox:<tag>`) exists on the Docker host, making a stand-in
 * from this machine's files when it is missing.
 *
 * @throws {@link UsageError} for an image Wharf has no recipe for; `WHARF_STAND_IN_FAILED` when
 *   Docker refuses the import.
 * @example
 * await ensureStandInBaseImage('node:22-alpine'); // then `docker build` a `FROM node:22-alpine` Dockerfile
 */
export async function ensureStandInBaseImage(
  image: string,
  options: StandInOptions = {},
): Promise<StandInResult> {
  const recipe = standInRecipe(image);
  if (!recipe) {
    throw new UsageError(
      `no stand-in recipe for '${image}'; Wharf can stand in for node:<tag> (this machine's node) and busybox:<tag>.`,
      { code: 'WHARF_STAND_IN_UNKNOWN' },
    );
  }
  const name = image.includes(':') ? image : `${image}:latest`;
  const docker = options.docker ?? new Docker();
  const io = options.io ?? SILENT_IO;
  const host = {
    busybox: options.host?.busybox ?? '/bin/busybox',
    node: options.host?.node ?? process.execPath,
  };
  const fingerprint = recipe.fingerprint(host);
  const labels = await existingLabels(docker, name);
  if (labels !== undefined && !options.force) {
    if (labels[STAND_IN_LABEL] === undefined) {
      io.notify({
        level: 'info',
        code: 'WHARF_STAND_IN_KEPT',
        message: `${name}: an image not made by Wharf is present; kept (use --force to replace it with a stand-in)`,
      });
      return { image: name, action: 'kept-real' };
    }
    if (labels[STAND_IN_FINGERPRINT_LABEL] === fingerprint) return { image: name, action: 'current' };
  }
  io.notify({
    level: 'info',
    code: 'WHARF_STAND_IN_BUILD',
    message: `${name}: making a stand-in from this machine's ${recipe.kind === 'node' ? `node ${process.version}` : 'busybox'}…`,
  });
  const [repo, tag] = splitName(name);
  const changes = [
    ...recipe.changes,
    `LABEL ${STAND_IN_LABEL}=${JSON.stringify(name)} ${STAND_IN_FINGERPRINT_LABEL}=${JSON.stringify(fingerprint)}`,
  ];
  try {
    const stream = await docker.importImage(rootfsTar(recipe.entries(name, host)), { repo, tag, changes });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error?.message ?? output.find((event) => event.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      });
    });
  } catch (error) {
    throw new WharfError(
      'WHARF_STAND_IN_FAILED',
      `Docker could not import the stand-in ${name}: ${errorText(error)}`,
      {
        cause: error,
      },
    );
  }
  return { image: name, action: 'built' };
}

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf(':');
  return [name.slice(0, at), name.slice(at + 1)];
}

async function existingLabels(docker: Docker, name: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker.getImage(name).inspect();
    return info.Config?.Labels ?? {};
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/** A tar stream of the entries, folders first (parents before children). */
function rootfsTar(entries: readonly RootfsEntry[]): NodeJS.ReadableStream {
  const tar = pack();
  const folders = entries.filter((e) => e.kind === 'dir').sort((a, b) => a.path.localeCompare(b.path));
  const rest = entries.filter((e) => e.kind !== 'dir');
  const seen = new Set<string>();
  void (async () => {
    try {
      for (const entry of [...folders, ...rest]) {
        const name = entry.path.replace(/^\//, '');
        if (seen.has(name)) continue;
        seen.add(name);
        if (entry.kind === 'dir') {
          tar.entry({ name, type: 'directory', mode: entry.mode, uid: entry.uid ?? 0, gid: entry.uid ?? 0 });
        } else if (entry.kind === 'symlink') {
          tar.entry({ name, type: 'symlink', linkname: entry.target });
        } else if (entry.kind === 'text') {
          tar.entry({ name, mode: entry.mode }, entry.text);
        } else {
          const { size } = await stat(entry.source);
          await pipeline(createReadStream(entry.source), tar.entry({ name, mode: entry.mode, size }));
        }
      }
      tar.finalize();
    } catch (error) {
      tar.destroy(error as Error);
    }
  })();
  return tar as unknown as NodeJS.ReadableStream;
}
