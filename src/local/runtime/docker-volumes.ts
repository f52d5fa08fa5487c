/**
 * Task volumes → Docker volumes and mounts (pure, unit-tested).
 *
 * Fidelity: an EFS file system directory (the file system's root, a `RootDirectory`, or an access
 * point's directory) is one named Docker volume for the whole run, shared by every task that mounts
 * it and kept when a task stops or is replaced, as EFS keeps files; it is removed with the run
 * unless `wharf dev --keep-volumes` (then it is named without the run id, so the next run with the
 * flag finds its files). A task-scoped volume (`Host: {}` or no `Host`) is a named volume per task,
 * removed once the task's containers are. Mounts set `NoCopy`: Docker would otherwise copy the
 * image's files at the mount path into an empty volume, which EFS never does. `ReadOnly` mounts
 * refuse writes with EROFS, as on Fargate. Differences: two directories of the same file system
 * (say the root and an access point's `/data`) are separate volumes here, so they do not see each
 * other's files (a warning says so; Docker's volume subpaths, which would share them, need Engine
 * 26 / API 1.45); access point root directories get their `CreationInfo` owner and mode when the
 * volume is created, not on first mount.
 */

import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { ContainerConfig, DirectoryCreation, EfsVolumeConfig } from '../ecs/types.js';
import { LABEL, sanitizeName } from './docker-container-config.js';
import type { TaskSpec } from './types.js';

/** Labels of Wharf's volumes, beside `wharf.run` and `wharf.pid` (see `LABEL`). */
export const VOLUME_LABEL = {
  /** `efs` (a file system directory) or `task` (a task-scoped volume). */
  kind: 'wharf.volume',
  /** The EFS file system id (`efs` volumes). */
  fileSystem: 'wharf.file-system',
  /** `true` on volumes created under `--keep-volumes`: never removed by Wharf. */
  keep: 'wharf.keep',
} as const;

/** Where the volume-initialising helper container mounts a volume (its root is `<this>/root`). */
export const HELPER_MOUNT = '/wharf-volume';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * The Docker volume of an EFS file system directory: `wharf-<runId>-<file system id>` for its
 * root, with `-<hash of the directory>` for another directory; `wharf-kept-…` under `--keep-volumes`.
 * @example efsVolumeName('1a2b3c4d', { fileSystemId: 'fs-0123', path: '/' }, false) // 'wharf-1a2b3c4d-fs-0123'
 */
export function efsVolumeName(
  runId: string,
  volume: Pick<EfsVolumeConfig, 'fileSystemId' | 'path'>,
  keep: boolean,
): string {
  const id = sanitizeName(volume.fileSystemId).slice(0, 48);
  const directory = volume.path === '/' ? '' : `-${shortHash(volume.path)}`;
  // A sanitised id could collide with another: then the hash of the real id tells them apart.
  const exact = id === volume.fileSystemId ? '' : `-${shortHash(volume.fileSystemId)}`;
  return `wharf-${keep ? 'kept' : sanitizeName(runId)}-${id}${exact}${directory}`;
}

/** A task-scoped volume: `wharf-<runId>-<service>-<first 8 of task id>-<volume>`, sanitised. */
export function taskVolumeName(spec: TaskSpec, volumeName: string): string {
  return sanitizeName(
    `wharf-${spec.runId}-${spec.serviceName.slice(0, 60)}-${spec.taskId.slice(0, 8)}-${volumeName.slice(0, 60)}`,
  );
}

/** The labels of an EFS directory's volume. */
export function efsVolumeLabels(
  runId: string,
  volume: EfsVolumeConfig,
  keep: boolean,
  pid: number = process.pid,
): Record<string, string> {
  return {
    [LABEL.run]: runId,
    [LABEL.pid]: String(pid),
    [VOLUME_LABEL.kind]: 'efs',
    [VOLUME_LABEL.fileSystem]: sanitizeName(volume.fileSystemId).slice(0, 128),
    ...(keep ? { [VOLUME_LABEL.keep]: 'true' } : {}),
  };
}

/** The labels of a task-scoped volume. */
export function taskVolumeLabels(spec: TaskSpec, pid: number = process.pid): Record<string, string> {
  return {
    [LABEL.run]: spec.runId,
    [LABEL.pid]: String(pid),
    [LABEL.task]: spec.taskId,
    [LABEL.service]: spec.serviceName,
    [VOLUME_LABEL.kind]: 'task',
  };
}

/** The Docker volume behind each task definition volume of the task. */
export function taskVolumeNames(spec: TaskSpec, keep: boolean): Map<string, string> {
  const names = new Map<string, string>();
  for (const volume of spec.volumes ?? []) {
    if (volume.kind === 'efs') names.set(volume.name, efsVolumeName(spec.runId, volume, keep));
    // An unsupported volume never gets here: `wharf dev` refuses the template first.
    else if (volume.kind === 'task') names.set(volume.name, taskVolumeName(spec, volume.name));
  }
  return names;
}

/** The container's mount points as Docker `Mounts` (named volumes, `NoCopy`, `ReadOnly` kept). */
export function dockerMounts(
  spec: TaskSpec,
  container: ContainerConfig,
  keep: boolean,
): Docker.MountSettings[] {
  const names = taskVolumeNames(spec, keep);
  return (container.mountPoints ?? []).map((mount) => {
    const source = names.get(mount.sourceVolume);
    if (source === undefined) {
      // resolve.ts refuses such a template; reaching this is a bug.
      throw new Error(
        `container '${container.name}' mounts '${mount.sourceVolume}', which the task does not declare`,
      );
    }
    return {
      Type: 'volume',
      Source: source,
      Target: mount.containerPath,
      ReadOnly: mount.readOnly,
      // The typings make every field of VolumeOptions required; the Engine API does not.
      VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'],
    };
  });
}

/** The task's volumes that some container mounts (a declared, unmounted volume is not created). */
export function mountedVolumes(spec: TaskSpec): NonNullable<TaskSpec['volumes']> {
  const used = new Set(spec.containers.flatMap((c) => (c.mountPoints ?? []).map((m) => m.sourceVolume)));
  return (spec.volumes ?? []).filter((volume) => used.has(volume.name));
}

/** A numeric tar header field: octal digits and a NUL, or base-256 (GNU) when they do not fit. */
function writeNumber(header: Buffer, value: number, offset: number, width: number): void {
  if (value < 8 ** (width - 1)) {
    header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, 'ascii');
    return;
  }
  header[offset] = 0x80;
  let rest = value;
  for (let index = offset + width - 1; index > offset; index--) {
    header[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/**
 * A tar archive (ustar) holding one directory entry, `<name>/`, with the owner and mode given:
 * extracted by Docker (`PUT /containers/{id}/archive`, `copyUIDGID`) onto a volume's mount point,
 * it sets the owner and mode of the volume's root directory.
 * @example directoryTar('root', { uid: 1000, gid: 1000, mode: 0o750 }).length // 1536
 */
export function directoryTar(name: string, creation: DirectoryCreation, mtimeSeconds = 0): Buffer {
  if (!/^[A-Za-z0-9_.-]{1,90}$/.test(name)) throw new Error(`unsupported directory name in tar: ${name}`);
  const header = Buffer.alloc(512);
  header.write(`${name}/`, 0, 100, 'utf8');
  writeNumber(header, creation.mode & 0o7777, 100, 8);
  writeNumber(header, creation.uid, 108, 8);
  writeNumber(header, creation.gid, 116, 8);
  writeNumber(header, 0, 124, 12);
  writeNumber(header, mtimeSeconds, 136, 12);
  header.write(' '.repeat(8), 148, 'ascii');
  header.write('5', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  // Two zero blocks end the archive.
  return Buffer.concat([header, Buffer.alloc(1024)]);
}
