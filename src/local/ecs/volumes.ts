/**
 * Task definition `Volumes` and containers' `MountPoints` / `VolumesFrom` → typed config (pure,
 * unit-tested).
 *
 * Fidelity (aws-behavior-2.md, "Task storage on Fargate"): a volume with `EFSVolumeConfiguration` is a
 * directory of an EFS file system, shared by every task that mounts it and kept when tasks stop;
 * through an access point (`AuthorizationConfig.AccessPointId`) the directory is the access
 * point's `RootDirectory.Path`, created with its `CreationInfo` owner and permissions when absent.
 * A volume without `Host`, or with `Host: {}`, is storage of the task, shared by its containers and
 * gone with it. AWS's own rules are refused as AWS refuses them: `Host.SourcePath` and
 * `DockerVolumeConfiguration` on Fargate, an access point with a `RootDirectory` other than `/` or
 * without transit encryption, IAM authorization without transit encryption, a mount point naming
 * no volume. Not emulated, with a warning from `volume-warnings.ts`: the access point's
 * `PosixUser`, an access point not declared in these templates (its directory is unknown: the file
 * system's root is used), and the failed mount AWS gives for an absent directory without
 * `CreationInfo` (locally it is created). IAM authorization and transit encryption have no local
 * effect (no network or IAM between a task and its storage here).
 */

import { TemplateError } from '../../errors.js';
import type { ResolvedApp } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { PropertyReader } from '../props.js';
import type { DirectoryCreation, MountPointConfig, TaskDefinitionConfig, TaskVolumeConfig } from './types.js';

/** ECS volume names: up to 255 letters, digits, hyphens and underscores. */
const VOLUME_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** An EFS directory as ECS and EFS accept it: absolute, at most 4096 characters. */
const MAX_PATH = 4096;

/**
 * The directory, normalized (`/data/` → `/data`, `//a` → `/a`), or a reason it is refused:
 * relative paths, `.`/`..` components and control characters.
 * @example efsDirectory('/app/data/') // { path: '/app/data' }
 * @example efsDirectory('/app/../etc') // { error: … }
 */
export function efsDirectory(value: string): { path: string } | { error: string } {
  if (!value.startsWith('/')) return { error: 'must be an absolute path (starting with /)' };
  if (value.length > MAX_PATH) return { error: `is longer than ${MAX_PATH} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(value)) return { error: 'contains control characters' };
  const parts = value.split('/').filter((part) => part !== '');
  if (parts.some((part) => part === '.' || part === '..'))
    return { error: "may not contain '.' or '..' components" };
  return { path: `/${parts.join('/')}` };
}

function permissions(props: PropertyReader, path: string): number {
  const text = props.string(path);
  if (!/^[0-7]{3,4}$/.test(text)) props.fail(path, 'expected 3 or 4 octal digits, e.g. "0755"');
  return Number.parseInt(text, 8);
}

function posixId(props: PropertyReader, path: string): number {
  const id = props.number(path);
  if (!Number.isInteger(id) || id < 0 || id > 4_294_967_295)
    props.fail(path, 'expected an integer from 0 to 4294967295');
  return id;
}

/** What the templates say about an access point: its file system, directory and owner. */
export interface AccessPointInfo {
  readonly fileSystemId: string;
  readonly path: string;
  readonly creation?: DirectoryCreation;
  readonly posixUser?: { readonly uid: number; readonly gid: number };
}

function accessPointInfo(props: PropertyReader): AccessPointInfo {
  const rawPath = props.optionalString('RootDirectory.Path') ?? '/';
  const directory = efsDirectory(rawPath);
  if ('error' in directory) props.fail('RootDirectory.Path', directory.error);
  const creation =
    props.raw('RootDirectory.CreationInfo') === undefined
      ? undefined
      : {
          uid: posixId(props, 'RootDirectory.CreationInfo.OwnerUid'),
          gid: posixId(props, 'RootDirectory.CreationInfo.OwnerGid'),
          mode: permissions(props, 'RootDirectory.CreationInfo.Permissions'),
        };
  const posixUser =
    props.raw('PosixUser') === undefined
      ? undefined
      : { uid: posixId(props, 'PosixUser.Uid'), gid: posixId(props, 'PosixUser.Gid') };
  return {
    fileSystemId: props.string('FileSystemId'),
    path: directory.path,
    ...(creation ? { creation } : {}),
    ...(posixUser ? { posixUser } : {}),
  };
}

/** What the templates declare about EFS: access points by id, and each file system's canonical id. */
export interface EfsCatalog {
  /** Access points by id (their `Ref`, or their `AccessPointId` attribute). */
  readonly accessPoints: ReadonlyMap<string, AccessPointInfo>;
  /** A file system's id as `Ref` gives it, also when written as its `FileSystemId` attribute. */
  readonly fileSystemId: (id: string) => string;
}

/** The `AWS::EFS::FileSystem` and `AWS::EFS::AccessPoint` resources of the app. */
export function efsCatalog(app: ResolvedApp): EfsCatalog {
  const aliases = new Map<string, string>();
  for (const resource of resourcesOfType(app, 'AWS::EFS::FileSystem')) {
    const attribute = resource.attributes.FileSystemId;
    if (typeof attribute === 'string') aliases.set(attribute, resource.ref);
  }
  const fileSystemId = (id: string) => aliases.get(id) ?? id;
  const accessPoints = new Map<string, AccessPointInfo>();
  for (const resource of resourcesOfType(app, 'AWS::EFS::AccessPoint')) {
    const info = accessPointInfo(new PropertyReader(resource));
    const entry = { ...info, fileSystemId: fileSystemId(info.fileSystemId) };
    accessPoints.set(resource.ref, entry);
    const attribute = resource.attributes.AccessPointId;
    if (typeof attribute === 'string') accessPoints.set(attribute, entry);
  }
  return { accessPoints, fileSystemId };
}

function enabled(props: PropertyReader, path: string): boolean {
  const value = props.optionalString(path) ?? 'DISABLED';
  if (value !== 'ENABLED' && value !== 'DISABLED') props.fail(path, 'allowed: ENABLED or DISABLED');
  return value === 'ENABLED';
}

function efsVolume(props: PropertyReader, path: string, name: string, efs: EfsCatalog): TaskVolumeConfig {
  const at = `${path}.EFSVolumeConfiguration`;
  // CloudFormation spells it FilesystemId here (the ECS API: fileSystemId); its schema refuses the other.
  if (props.raw(`${at}.FileSystemId`) !== undefined) {
    props.fail(
      `${at}.FileSystemId`,
      'is not a property of EFSVolumeConfiguration in CloudFormation, which spells it FilesystemId',
    );
  }
  const fileSystemId = efs.fileSystemId(props.string(`${at}.FilesystemId`));
  const transitEncryption = enabled(props, `${at}.TransitEncryption`);
  const iam = enabled(props, `${at}.AuthorizationConfig.IAM`);
  const accessPointId = props.optionalString(`${at}.AuthorizationConfig.AccessPointId`);
  const rootDirectory = props.optionalString(`${at}.RootDirectory`);
  const directory = efsDirectory(rootDirectory ?? '/');
  if ('error' in directory) props.fail(`${at}.RootDirectory`, directory.error);
  if (iam && !transitEncryption) {
    props.fail(
      `${at}.TransitEncryption`,
      'IAM authorization (AuthorizationConfig.IAM: ENABLED) needs TransitEncryption: ENABLED, as ECS requires',
    );
  }
  if (accessPointId === undefined) {
    return { kind: 'efs', name, fileSystemId, path: directory.path, transitEncryption };
  }
  if (directory.path !== '/') {
    props.fail(
      `${at}.RootDirectory`,
      "with an access point, RootDirectory must be omitted or '/' (the access point's own directory is used), as ECS requires",
    );
  }
  if (!transitEncryption) {
    props.fail(
      `${at}.TransitEncryption`,
      'a volume that mounts through an access point needs TransitEncryption: ENABLED, as ECS requires',
    );
  }
  const accessPoint = efs.accessPoints.get(accessPointId);
  if (!accessPoint) {
    return {
      kind: 'efs',
      name,
      fileSystemId,
      path: '/',
      accessPointId,
      accessPointDeclared: false,
      transitEncryption,
    };
  }
  if (accessPoint.fileSystemId !== fileSystemId) {
    props.fail(
      `${at}.AuthorizationConfig.AccessPointId`,
      "the access point belongs to another file system than the volume's FilesystemId; a task mounting it fails on ECS",
    );
  }
  return {
    kind: 'efs',
    name,
    fileSystemId,
    path: accessPoint.path,
    ...(accessPoint.creation ? { creation: accessPoint.creation } : {}),
    accessPointId,
    accessPointDeclared: true,
    ...(accessPoint.posixUser ? { posixUser: accessPoint.posixUser } : {}),
    transitEncryption,
  };
}

/** Volume properties Fargate refuses, each with the reason and what to use instead. */
const UNSUPPORTED: ReadonlyArray<readonly [string, string]> = [
  [
    'Host.SourcePath',
    'a host path is not supported on Fargate (ECS: "If you\'re using the Fargate launch type, the sourcePath ' +
      'parameter is not supported"). Remove SourcePath (Host: {} is storage of the task) or use EFSVolumeConfiguration',
  ],
  [
    'DockerVolumeConfiguration',
    'Docker volumes are not supported by tasks on Fargate, as ECS documents. Use EFSVolumeConfiguration ' +
      'for shared storage, or Host: {} for storage of the task',
  ],
  [
    'FSxWindowsFileServerVolumeConfiguration',
    'FSx for Windows File Server volumes are for Windows containers, which Wharf does not run. Use EFSVolumeConfiguration',
  ],
];

/**
 * Throws the TemplateError ECS's refusal amounts to when a task definition `wharf dev` runs (as a
 * Fargate task) declares a volume Fargate does not support (a host path, a Docker volume, FSx).
 */
export function refuseUnsupportedVolumes(taskDefinitions: readonly TaskDefinitionConfig[]): void {
  for (const td of taskDefinitions) {
    const volume = td.volumes?.find((v) => v.kind === 'unsupported');
    if (volume?.kind !== 'unsupported') continue;
    throw new TemplateError(
      {
        file: td.origin?.file ?? '(template)',
        logicalId: td.origin?.logicalId ?? td.family,
        propertyPath: `Properties.${volume.propertyPath}`,
      },
      volume.reason,
      { code: 'WHARF_LOCAL_UNSUPPORTED' },
    );
  }
}

/** The task definition's `Volumes`, checked (see the file's Fidelity note). */
export function resolveTaskVolumes(props: PropertyReader, efs: EfsCatalog): TaskVolumeConfig[] {
  const seen = new Set<string>();
  return props.list('Volumes').map((path): TaskVolumeConfig => {
    const name = props.string(`${path}.Name`);
    if (!VOLUME_NAME.test(name))
      props.fail(`${path}.Name`, 'allowed: up to 255 letters, digits, hyphens and underscores');
    if (seen.has(name)) props.fail(`${path}.Name`, `volume '${name}' is declared twice`);
    seen.add(name);
    // Valid for EC2 task definitions, so only `wharf dev` refuses these (refuseUnsupportedVolumes):
    // other readers of the model (the diagram) still see the task definition.
    for (const [property, reason] of UNSUPPORTED) {
      if (props.raw(`${path}.${property}`) !== undefined)
        return { kind: 'unsupported', name, propertyPath: `${path}.${property}`, reason };
    }
    if (props.raw(`${path}.EFSVolumeConfiguration`) !== undefined) return efsVolume(props, path, name, efs);
    return props.boolean(`${path}.ConfiguredAtLaunch`, false)
      ? { kind: 'task', name, configuredAtLaunch: true }
      : { kind: 'task', name };
  });
}

function containerPathOf(props: PropertyReader, path: string): string {
  const value = props.string(path);
  if (!value.startsWith('/')) props.fail(path, 'must be an absolute path in the container');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(value)) props.fail(path, 'may not contain control characters');
  return value;
}

/** A container definition's `MountPoints`, each naming a volume of the task definition. */
export function resolveMountPoints(
  props: PropertyReader,
  containerPath: string,
  volumes: readonly TaskVolumeConfig[],
): MountPointConfig[] {
  const names = new Set(volumes.map((volume) => volume.name));
  const paths = new Set<string>();
  return props.list(`${containerPath}.MountPoints`).map((path) => {
    const sourceVolume = props.string(`${path}.SourceVolume`);
    if (!names.has(sourceVolume)) {
      props.fail(
        `${path}.SourceVolume`,
        VOLUME_NAME.test(sourceVolume)
          ? `'${sourceVolume}' is not a volume of this task definition (its Volumes: ${[...names].join(', ') || 'none'})`
          : 'names no volume of this task definition',
      );
    }
    const target = containerPathOf(props, `${path}.ContainerPath`);
    if (paths.has(target))
      props.fail(`${path}.ContainerPath`, 'another mount point of this container uses that path');
    paths.add(target);
    return { sourceVolume, containerPath: target, readOnly: props.boolean(`${path}.ReadOnly`, false) };
  });
}

/**
 * Each container's mount points with those its `VolumesFrom` gives it: every mount point of the
 * named container, at the same path, read-only when the entry says `ReadOnly` (or the source's
 * mount point is read-only). `own` lists each container's `MountPoints`; `from` its `VolumesFrom`
 * paths. A mount point of the container itself wins over one from another container at the same path.
 */
export function withVolumesFrom(
  props: PropertyReader,
  containers: readonly {
    readonly name: string;
    readonly own: readonly MountPointConfig[];
    readonly from: string;
  }[],
): MountPointConfig[][] {
  const byName = new Map(containers.map((container) => [container.name, container.own]));
  return containers.map((container) => {
    const result = [...container.own];
    for (const path of props.list(container.from)) {
      const source = props.string(`${path}.SourceContainer`);
      const mounts = source === container.name ? undefined : byName.get(source);
      if (!mounts) {
        props.fail(`${path}.SourceContainer`, 'must name another container of this task definition');
      }
      const readOnly = props.boolean(`${path}.ReadOnly`, false);
      for (const mount of mounts) {
        if (result.some((existing) => existing.containerPath === mount.containerPath)) continue;
        result.push({ ...mount, readOnly: mount.readOnly || readOnly });
      }
    }
    return result;
  });
}
