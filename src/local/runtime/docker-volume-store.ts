/**
 * The Docker volumes of one `wharf dev` run: created before a task's containers, labelled like its
 * containers (`wharf.run`, `wharf.pid`, plus `wharf.volume`), removed with the task (task-scoped)
 * or with the run (EFS directories, unless `--keep-volumes`), and found again at the next start
 * when a crashed run left them. Names and mounts come from `docker-volumes.ts`; see its Fidelity
 * note. Only volumes carrying Wharf's labels are ever removed.
 */

import type Docker from 'dockerode';
import { isWharfError, WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import type { EfsVolumeConfig } from '../ecs/types.js';
import { LABEL } from './docker-container-config.js';
import { errorText, statusCode } from './docker-image.js';
import {
  directoryTar,
  efsVolumeLabels,
  efsVolumeName,
  HELPER_MOUNT,
  mountedVolumes,
  taskVolumeLabels,
  taskVolumeName,
  VOLUME_LABEL,
} from './docker-volumes.js';
import type { TaskSpec } from './types.js';

/** Options of {@link DockerVolumes}. */
export interface DockerVolumesOptions {
  readonly runId: string;
  /** Keep EFS volumes after the run (`--keep-volumes`). @default false */
  readonly keep?: boolean;
  readonly io?: IoHost;
}

/** True when Docker said the object is gone (404) or busy being removed / in use (409). */
function goneOrBusy(error: unknown): boolean {
  const code = statusCode(error);
  return code === 404 || code === 409;
}

/** Creates, tracks and removes the run's Docker volumes. */
export class DockerVolumes {
  private readonly io: IoHost;
  private readonly keep: boolean;
  /** EFS directory volumes this run uses, by Docker name: ready once the promise resolves. */
  private readonly efs = new Map<string, Promise<void>>();
  /** Task-scoped volumes that exist now. */
  private readonly taskScoped = new Set<string>();

  constructor(
    private readonly docker: Docker,
    private readonly options: DockerVolumesOptions,
  ) {
    this.io = options.io ?? SILENT_IO;
    this.keep = options.keep ?? false;
  }

  /** Whether EFS volumes outlive the run. */
  get keepsVolumes(): boolean {
    return this.keep;
  }

  /**
   * Creates the volumes the task's containers mount: its EFS directories (once per run, shared by
   * every task) and its task-scoped volumes. Rejects with `WHARF_VOLUME_FAILED` (task-scoped
   * volumes made so far are removed again).
   */
  async prepare(spec: TaskSpec): Promise<void> {
    const image = spec.containers[0]?.image;
    try {
      for (const volume of mountedVolumes(spec)) {
        if (volume.kind === 'efs') {
          await this.ensureEfs(volume, image);
        } else if (volume.kind === 'task') {
          const name = taskVolumeName(spec, volume.name);
          await this.docker.createVolume({ Name: name, Labels: taskVolumeLabels(spec) });
          this.taskScoped.add(name);
        }
      }
    } catch (error) {
      await this.removeTaskVolumes(spec);
      if (isWharfError(error)) throw error;
      throw new WharfError(
        'WHARF_VOLUME_FAILED',
        `Could not create the volumes of task ${spec.taskId} (service '${spec.serviceName}'): ${errorText(error)}.`,
        { cause: error },
      );
    }
  }

  /** Removes the task's task-scoped volumes (after its containers are removed). */
  async removeTaskVolumes(spec: TaskSpec): Promise<void> {
    for (const volume of spec.volumes ?? []) {
      if (volume.kind !== 'task') continue;
      const name = taskVolumeName(spec, volume.name);
      if (!this.taskScoped.delete(name)) continue;
      await this.remove(name);
    }
  }

  /**
   * Removes the run's EFS volumes (all tasks have stopped), unless they are kept; then says which
   * volumes were kept.
   */
  async close(): Promise<void> {
    const names = [...this.efs.keys()];
    await Promise.allSettled(this.efs.values());
    this.efs.clear();
    if (this.keep) {
      if (names.length > 0) {
        this.io.notify({
          level: 'info',
          code: 'WHARF_VOLUMES_KEPT',
          message: `Kept volume(s) ${names.join(', ')} (--keep-volumes); the next run with --keep-volumes mounts them again. Remove them with: docker volume rm ${names.join(' ')}`,
          data: { volumes: names },
        });
      }
      return;
    }
    for (const name of names) await this.remove(name);
  }

  /**
   * Removes volumes labelled `wharf.run` that are not kept and were left by a run whose process is
   * gone, or by this run and not in use by it. Returns how many were removed.
   */
  async removeLeftovers(alive: (pid: number) => boolean): Promise<number> {
    const { Volumes: list } = await this.docker.listVolumes({ filters: { label: [LABEL.run] } });
    let removed = 0;
    for (const info of list ?? []) {
      if (this.efs.has(info.Name) || this.taskScoped.has(info.Name)) continue;
      const labels = info.Labels ?? {};
      if (labels[VOLUME_LABEL.keep] === 'true' || labels[VOLUME_LABEL.kind] === undefined) continue;
      const pid = Number(labels[LABEL.pid]);
      const orphan =
        labels[LABEL.run] === this.options.runId || (Number.isInteger(pid) && pid > 0 && !alive(pid));
      if (orphan && (await this.remove(info.Name))) removed++;
    }
    if (removed > 0) {
      this.io.notify({
        level: 'info',
        code: 'WHARF_LEFTOVERS_REMOVED',
        message: `Removed ${removed} volume(s) left by earlier runs`,
        data: { removed, kind: 'volume' },
      });
    }
    return removed;
  }

  private ensureEfs(volume: EfsVolumeConfig, image: string | undefined): Promise<void> {
    const name = efsVolumeName(this.options.runId, volume, this.keep);
    let pending = this.efs.get(name);
    if (!pending) {
      pending = this.createEfs(name, volume, image);
      this.efs.set(name, pending);
      // A failed creation is tried again by the next task.
      pending.catch(() => this.efs.delete(name));
    }
    return pending;
  }

  private async createEfs(name: string, volume: EfsVolumeConfig, image: string | undefined): Promise<void> {
    const existing = await this.docker
      .getVolume(name)
      .inspect()
      .catch((error: unknown) => {
        if (statusCode(error) === 404) return undefined;
        throw error;
      });
    if (existing) {
      // Kept by an earlier run with --keep-volumes (or made by this run): its files are the point.
      if (existing.Labels?.[VOLUME_LABEL.kind] !== 'efs') {
        throw new WharfError(
          'WHARF_VOLUME_NOT_OURS',
          `Docker volume ${name} exists and was not created by Wharf; it is left alone. Remove or rename it to run this template.`,
        );
      }
      return;
    }
    await this.docker.createVolume({
      Name: name,
      Labels: efsVolumeLabels(this.options.runId, volume, this.keep),
    });
    // A fresh volume's root is 0:0 0755, like a new file system's; a directory gets its CreationInfo.
    if (volume.path !== '/' && image !== undefined) {
      await this.initialiseRoot(name, volume.creation ?? { uid: 0, gid: 0, mode: 0o755 }, image);
    }
  }

  /**
   * Sets the owner and mode of the volume's root: a container that is created, never started,
   * with the volume mounted, receives a one-directory tar archive on the mount point.
   */
  private async initialiseRoot(
    name: string,
    creation: NonNullable<EfsVolumeConfig['creation']>,
    image: string,
  ): Promise<void> {
    const helper = await this.docker.createContainer({
      Image: image,
      // Never started: the archive is written while the container is only created.
      Entrypoint: ['/wharf-volume-helper-never-runs'],
      Labels: {
        [LABEL.run]: this.options.runId,
        [LABEL.pid]: String(process.pid),
        [VOLUME_LABEL.kind]: 'helper',
      },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Mounts: [
          {
            Type: 'volume',
            Source: name,
            Target: `${HELPER_MOUNT}/root`,
            VolumeOptions: { NoCopy: true } as NonNullable<Docker.MountSettings['VolumeOptions']>,
          },
        ],
      },
    });
    try {
      await helper.putArchive(directoryTar('root', creation, Math.floor(Date.now() / 1000)), {
        path: HELPER_MOUNT,
        copyUIDGID: '1',
      });
    } finally {
      await helper.remove({ force: true }).catch(() => {});
    }
  }

  /** Removes one volume; false when it was gone or still in use. */
  private async remove(name: string): Promise<boolean> {
    try {
      await this.docker.getVolume(name).remove();
      return true;
    } catch (error) {
      if (!goneOrBusy(error)) throw error;
      if (statusCode(error) === 409) {
        this.io.notify({
          level: 'warn',
          code: 'WHARF_VOLUME_IN_USE',
          message: `Docker volume ${name} is still in use; it will be removed at the next start of wharf dev`,
        });
      }
      return false;
    }
  }
}
