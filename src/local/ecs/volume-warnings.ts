/**
 * What works differently locally about task volumes, one warning per task definition and volume,
 * each naming the file, the resource and the volume (pure, unit-tested). See the Fidelity note of
 * `volumes.ts` for what is emulated.
 */

import type { EcsServiceConfig, TaskDefinitionConfig, TaskVolumeConfig } from './types.js';

/** A path or id shown in a warning only when it is plainly safe to print; else a placeholder. */
function shown(text: string, placeholder: string): string {
  return /^[A-Za-z0-9/._:@+=,-]{1,200}$/.test(text) ? text : placeholder;
}

function where(td: TaskDefinitionConfig): string {
  return td.origin ? `${td.origin.file}: ${td.origin.logicalId}` : `task definition ${td.family}`;
}

/** Each task definition once (services may share one). */
function taskDefinitionsOf(services: readonly EcsServiceConfig[]): TaskDefinitionConfig[] {
  const byArn = new Map<string, TaskDefinitionConfig>();
  for (const service of services) byArn.set(service.taskDefinition.arn, service.taskDefinition);
  return [...byArn.values()];
}

function volumeWarning(td: TaskDefinitionConfig, volume: TaskVolumeConfig): string[] {
  const prefix = `${where(td)}: volume '${volume.name}'`;
  // Refused before anything runs (refuseUnsupportedVolumes).
  if (volume.kind === 'unsupported') return [];
  if (volume.kind === 'task') {
    return volume.configuredAtLaunch
      ? [
          `${prefix} is an EBS volume configured at launch: locally it is an empty volume of the task, removed with it.`,
        ]
      : [];
  }
  const warnings: string[] = [];
  if (volume.accessPointDeclared === false) {
    warnings.push(
      `${prefix} mounts an access point that is not declared in these templates: its directory is unknown, ` +
        "so the file system's root is mounted locally.",
    );
  }
  if (volume.posixUser) {
    warnings.push(
      `${prefix}: the access point's PosixUser (${volume.posixUser.uid}:${volume.posixUser.gid}) is not enforced locally; ` +
        "files are read and written as the container's user.",
    );
  }
  if (volume.path !== '/' && !volume.creation && volume.accessPointDeclared !== false) {
    warnings.push(
      `${prefix}: on AWS the mount fails unless ${shown(volume.path, 'its directory')} already exists on the file ` +
        'system (no CreationInfo); locally the directory is created empty (owner 0:0, mode 0755).',
    );
  }
  return warnings;
}

/**
 * The volume warnings of the app's task definitions: what the templates ask that is not
 * emulated, and a file system mounted at several directories (locally one volume per directory).
 */
export function taskVolumeWarnings(services: readonly EcsServiceConfig[]): string[] {
  const warnings: string[] = [];
  const paths = new Map<string, Map<string, string>>();
  for (const td of taskDefinitionsOf(services)) {
    for (const volume of td.volumes ?? []) {
      warnings.push(...volumeWarning(td, volume));
      if (volume.kind !== 'efs') continue;
      const byPath = paths.get(volume.fileSystemId) ?? new Map<string, string>();
      if (!byPath.has(volume.path)) byPath.set(volume.path, where(td));
      paths.set(volume.fileSystemId, byPath);
    }
  }
  for (const [fileSystemId, byPath] of paths) {
    if (byPath.size < 2) continue;
    const list = [...byPath].map(([path, at]) => `${shown(path, '(a directory)')} in ${at}`).join('; ');
    warnings.push(
      `file system ${shown(fileSystemId, '(an EFS file system)')} is mounted at ${byPath.size} directories (${list}): ` +
        'locally each directory is a volume of its own, so files written through one do not appear through another.',
    );
  }
  return warnings;
}

/**
 * For the process runtime, which runs containers as processes of this machine: one warning per
 * task definition and mounted volume, since nothing is mounted (a process sees this machine's
 * files at those paths, if any).
 */
export function processRuntimeVolumeWarnings(services: readonly EcsServiceConfig[]): string[] {
  const warnings: string[] = [];
  for (const td of taskDefinitionsOf(services)) {
    const mounted = new Map<string, string[]>();
    for (const container of td.containers) {
      for (const mount of container.mountPoints ?? []) {
        const list = mounted.get(mount.sourceVolume) ?? [];
        list.push(`'${container.name}' at ${shown(mount.containerPath, 'its mount path')}`);
        mounted.set(mount.sourceVolume, list);
      }
    }
    for (const [volume, uses] of mounted) {
      warnings.push(
        `${where(td)}: volume '${volume}' (mounted by ${uses.join(', ')}) is not mounted by the process runtime: ` +
          "the processes see this machine's files at those paths, not shared task storage. Use --runtime docker to mount it.",
      );
    }
  }
  return warnings;
}
