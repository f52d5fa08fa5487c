/**
 * Task definition `Volumes` and containers' `MountPoints` / `VolumesFrom` as `wharf dev` reads
 * them (aws-behavior-2.md, "Task storage on Fargate"): EFS directories (root, RootDirectory, access point with its
 * CreationInfo), task-scoped volumes, what ECS refuses (exit 2, naming file, resource and
 * property), and the warnings for what is not emulated.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/errors.js';
import { resolveEcsServices } from '../../../src/local/ecs/resolve.js';
import { processRuntimeVolumeWarnings } from '../../../src/local/ecs/volume-warnings.js';
import { efsDirectory } from '../../../src/local/ecs/volumes.js';
import { buildLocalModel, type LocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import type { ResolvedApp } from '../../../src/template/resolved.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-volumes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

type Json = Record<string, unknown>;

/** A template with one service whose task definition has these volumes and containers. */
function model(volumes: Json[], containers: Json[], resources: Json = {}): LocalModel {
  return buildLocalModel(resolved(volumes, containers, resources));
}

function resolved(volumes: Json[], containers: Json[], resources: Json = {}): ResolvedApp {
  const file = join(dir, `t${count++}.json`);
  const template = {
    Resources: {
      FileSystem: { Type: 'AWS::EFS::FileSystem' },
      Task: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'app',
          NetworkMode: 'awsvpc',
          Volumes: volumes,
          ContainerDefinitions: containers.map((c) => ({ Image: 'busybox', ...c })),
        },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: { ServiceName: 'app', LaunchType: 'FARGATE', TaskDefinition: { Ref: 'Task' } },
      },
      ...resources,
    },
  };
  writeFileSync(file, JSON.stringify(template));
  return resolveApp(loadTemplateFile(file));
}

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

const efs = (more: Json = {}) => ({ FilesystemId: { Ref: 'FileSystem' }, ...more });
const accessPoint = (rootDirectory: Json, more: Json = {}) => ({
  AppData: {
    Type: 'AWS::EFS::AccessPoint',
    Properties: { FileSystemId: { Ref: 'FileSystem' }, RootDirectory: rootDirectory, ...more },
  },
});
const throughAccessPoint = efs({
  TransitEncryption: 'ENABLED',
  AuthorizationConfig: { AccessPointId: { Ref: 'AppData' } },
});

describe('task volumes: EFS', () => {
  it("reads a volume mounting the file system's root, and its mount points with ReadOnly", () => {
    const m = model(
      [{ Name: 'data', EFSVolumeConfiguration: efs() }],
      [{ Name: 'app', MountPoints: [{ SourceVolume: 'data', ContainerPath: '/data', ReadOnly: true }] }],
    );
    const td = m.services[0]?.taskDefinition;
    const fileSystemId = m.app.root.resources.get('FileSystem')?.ref;
    expect(td?.volumes).toEqual([
      { kind: 'efs', name: 'data', fileSystemId, path: '/', transitEncryption: false },
    ]);
    expect(td?.containers[0]?.mountPoints).toEqual([
      { sourceVolume: 'data', containerPath: '/data', readOnly: true },
    ]);
    expect(m.warnings).toEqual([]);
    // The file system is emulated now: no longer listed as "no local effect".
    expect(m.noLocalEffect.map((t) => t.type)).not.toContain('AWS::EFS::FileSystem');
  });

  it("takes an access point's directory and CreationInfo (owner, octal permissions)", () => {
    const m = model(
      [{ Name: 'data', EFSVolumeConfiguration: throughAccessPoint }],
      [{ Name: 'app', MountPoints: [{ SourceVolume: 'data', ContainerPath: '/mnt/data' }] }],
      accessPoint({
        Path: '/app-data/',
        CreationInfo: { OwnerUid: '1000', OwnerGid: 1001, Permissions: '0750' },
      }),
    );
    const volume = m.services[0]?.taskDefinition.volumes?.[0];
    expect(volume).toMatchObject({
      kind: 'efs',
      path: '/app-data',
      creation: { uid: 1000, gid: 1001, mode: 0o750 },
      accessPointDeclared: true,
      transitEncryption: true,
    });
    expect(volume && 'accessPointId' in volume && volume.accessPointId).toBe(
      m.app.root.resources.get('AppData')?.ref,
    );
    expect(m.warnings).toEqual([]);
  });

  it('matches a file system and an access point written by their id attributes (FileSystemId, AccessPointId) to their Ref', () => {
    const app = resolved(
      [
        {
          Name: 'data',
          EFSVolumeConfiguration: {
            FilesystemId: 'fs-by-attribute',
            TransitEncryption: 'ENABLED',
            AuthorizationConfig: { AccessPointId: 'fsap-by-attribute' },
          },
        },
      ],
      [{ Name: 'app' }],
      accessPoint({ Path: '/d', CreationInfo: { OwnerUid: 1, OwnerGid: 1, Permissions: '0700' } }),
    );
    // The values `Fn::GetAtt` gives for these attributes.
    const attributes = (id: string) =>
      app.root.resources.get(id)?.attributes as Record<string, string> | undefined;
    Object.assign(attributes('FileSystem') ?? {}, { FileSystemId: 'fs-by-attribute' });
    Object.assign(attributes('AppData') ?? {}, { AccessPointId: 'fsap-by-attribute' });
    const volume = buildLocalModel(app).services[0]?.taskDefinition.volumes?.[0];
    expect(volume).toMatchObject({
      fileSystemId: app.root.resources.get('FileSystem')?.ref,
      path: '/d',
      accessPointDeclared: true,
    });
  });

  it('uses RootDirectory without an access point, and warns that AWS needs it to exist already', () => {
    const m = model(
      [{ Name: 'data', EFSVolumeConfiguration: efs({ RootDirectory: '/exports//reports' }) }],
      [{ Name: 'app', MountPoints: [{ SourceVolume: 'data', ContainerPath: '/reports' }] }],
    );
    expect(m.services[0]?.taskDefinition.volumes?.[0]).toMatchObject({ path: '/exports/reports' });
    expect(m.warnings).toEqual([
      expect.stringMatching(
        /t\d+\.json: Task: volume 'data': on AWS the mount fails unless \/exports\/reports already exists on the file system \(no CreationInfo\); locally the directory is created empty/,
      ),
    ]);
  });

  it('warns about an undeclared access point (root mounted) and a PosixUser (not enforced)', () => {
    const undeclared = model(
      [
        {
          Name: 'data',
          EFSVolumeConfiguration: efs({
            TransitEncryption: 'ENABLED',
            AuthorizationConfig: { AccessPointId: 'fsap-0123456789abcdef0' },
          }),
        },
      ],
      [{ Name: 'app' }],
    );
    expect(undeclared.services[0]?.taskDefinition.volumes?.[0]).toMatchObject({
      path: '/',
      accessPointDeclared: false,
    });
    expect(undeclared.warnings).toEqual([
      expect.stringContaining("volume 'data' mounts an access point that is not declared in these templates"),
    ]);
    const posix = model(
      [{ Name: 'data', EFSVolumeConfiguration: throughAccessPoint }],
      [{ Name: 'app' }],
      accessPoint(
        { Path: '/d', CreationInfo: { OwnerUid: 1, OwnerGid: 1, Permissions: '755' } },
        { PosixUser: { Uid: '1000', Gid: '1000' } },
      ),
    );
    expect(posix.warnings).toEqual([
      expect.stringContaining(
        "volume 'data': the access point's PosixUser (1000:1000) is not enforced locally",
      ),
    ]);
  });

  it('warns once when the same file system is mounted at two directories (separate volumes locally)', () => {
    const m = model(
      [
        { Name: 'root', EFSVolumeConfiguration: efs() },
        { Name: 'sub', EFSVolumeConfiguration: throughAccessPoint },
      ],
      [{ Name: 'app' }],
      accessPoint({ Path: '/sub', CreationInfo: { OwnerUid: 0, OwnerGid: 0, Permissions: '0755' } }),
    );
    const warnings = m.warnings.filter((w) => w.includes('directories'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is mounted at 2 directories \(\/ in .*: Task; \/sub in .*: Task\)/);
  });
});

describe('task volumes: task-scoped and VolumesFrom', () => {
  it('reads Host: {} and a volume without Host as task-scoped, and ConfiguredAtLaunch with a warning', () => {
    const m = model(
      [{ Name: 'scratch', Host: {} }, { Name: 'cache' }, { Name: 'ebs', ConfiguredAtLaunch: true }],
      [{ Name: 'app' }],
    );
    expect(m.services[0]?.taskDefinition.volumes).toEqual([
      { kind: 'task', name: 'scratch' },
      { kind: 'task', name: 'cache' },
      { kind: 'task', name: 'ebs', configuredAtLaunch: true },
    ]);
    expect(m.warnings).toEqual([
      expect.stringContaining(
        "volume 'ebs' is an EBS volume configured at launch: locally it is an empty volume of the task",
      ),
    ]);
  });

  it("gives VolumesFrom the source container's mount points, read-only when asked, its own paths first", () => {
    const m = model(
      [{ Name: 'a', Host: {} }, { Name: 'b' }],
      [
        {
          Name: 'main',
          MountPoints: [
            { SourceVolume: 'a', ContainerPath: '/a' },
            { SourceVolume: 'b', ContainerPath: '/b', ReadOnly: true },
          ],
        },
        {
          Name: 'side',
          MountPoints: [{ SourceVolume: 'b', ContainerPath: '/a' }],
          VolumesFrom: [{ SourceContainer: 'main', ReadOnly: false }],
        },
        { Name: 'viewer', VolumesFrom: [{ SourceContainer: 'main', ReadOnly: true }] },
      ],
    );
    const [, side, viewer] = m.services[0]?.taskDefinition.containers ?? [];
    expect(side?.mountPoints).toEqual([
      { sourceVolume: 'b', containerPath: '/a', readOnly: false },
      { sourceVolume: 'b', containerPath: '/b', readOnly: true },
    ]);
    expect(viewer?.mountPoints).toEqual([
      { sourceVolume: 'a', containerPath: '/a', readOnly: true },
      { sourceVolume: 'b', containerPath: '/b', readOnly: true },
    ]);
  });

  it('warns, for the process runtime, once per task definition and mounted volume', () => {
    const m = model(
      [{ Name: 'data', EFSVolumeConfiguration: efs() }, { Name: 'unused' }],
      [
        { Name: 'app', MountPoints: [{ SourceVolume: 'data', ContainerPath: '/data' }] },
        { Name: 'side', VolumesFrom: [{ SourceContainer: 'app' }] },
      ],
    );
    expect(processRuntimeVolumeWarnings(m.services)).toEqual([
      expect.stringMatching(
        /^.*t\d+\.json: Task: volume 'data' \(mounted by 'app' at \/data, 'side' at \/data\) is not mounted by the process runtime: .*Use --runtime docker/,
      ),
    ]);
  });
});

describe('task volumes: refused as ECS refuses them (exit 2, naming the property)', () => {
  const cases: Array<[string, Json[], Json[], Json, RegExp]> = [
    [
      'a Host.SourcePath (not supported on Fargate)',
      [{ Name: 'logs', Host: { SourcePath: '/var/log' } }],
      [{ Name: 'app' }],
      {},
      /Task\.Properties\.Volumes\.0\.Host\.SourcePath: a host path is not supported on Fargate/,
    ],
    [
      "FileSystemId (the ECS API's spelling; CloudFormation's is FilesystemId)",
      [{ Name: 'data', EFSVolumeConfiguration: { FileSystemId: { Ref: 'FileSystem' } } }],
      [{ Name: 'app' }],
      {},
      /EFSVolumeConfiguration\.FileSystemId: is not a property of EFSVolumeConfiguration in CloudFormation, which spells it FilesystemId/,
    ],
    [
      'a DockerVolumeConfiguration',
      [{ Name: 'd', DockerVolumeConfiguration: { Driver: 'local' } }],
      [{ Name: 'app' }],
      {},
      /Properties\.Volumes\.0\.DockerVolumeConfiguration: Docker volumes are not supported by tasks on Fargate/,
    ],
    [
      'a mount point naming no volume',
      [{ Name: 'data' }],
      [{ Name: 'app', MountPoints: [{ SourceVolume: 'other', ContainerPath: '/x' }] }],
      {},
      /ContainerDefinitions\.0\.MountPoints\.0\.SourceVolume: 'other' is not a volume of this task definition \(its Volumes: data\)/,
    ],
    [
      'a relative ContainerPath',
      [{ Name: 'data' }],
      [{ Name: 'app', MountPoints: [{ SourceVolume: 'data', ContainerPath: 'x' }] }],
      {},
      /MountPoints\.0\.ContainerPath: must be an absolute path/,
    ],
    [
      'two mount points of a container at one path',
      [{ Name: 'a' }, { Name: 'b' }],
      [
        {
          Name: 'app',
          MountPoints: [
            { SourceVolume: 'a', ContainerPath: '/x' },
            { SourceVolume: 'b', ContainerPath: '/x' },
          ],
        },
      ],
      {},
      /MountPoints\.1\.ContainerPath: another mount point of this container uses that path/,
    ],
    [
      "a RootDirectory with '..'",
      [{ Name: 'data', EFSVolumeConfiguration: efs({ RootDirectory: '/a/../../etc' }) }],
      [{ Name: 'app' }],
      {},
      /EFSVolumeConfiguration\.RootDirectory: may not contain '\.' or '\.\.' components/,
    ],
    [
      'an access point with a RootDirectory other than /',
      [{ Name: 'data', EFSVolumeConfiguration: { ...throughAccessPoint, RootDirectory: '/x' } }],
      [{ Name: 'app' }],
      accessPoint({ Path: '/d' }),
      /EFSVolumeConfiguration\.RootDirectory: with an access point, RootDirectory must be omitted or '\/'/,
    ],
    [
      'an access point without transit encryption',
      [
        {
          Name: 'data',
          EFSVolumeConfiguration: efs({ AuthorizationConfig: { AccessPointId: { Ref: 'AppData' } } }),
        },
      ],
      [{ Name: 'app' }],
      accessPoint({ Path: '/d' }),
      /EFSVolumeConfiguration\.TransitEncryption: a volume that mounts through an access point needs TransitEncryption: ENABLED/,
    ],
    [
      'IAM authorization without transit encryption',
      [{ Name: 'data', EFSVolumeConfiguration: efs({ AuthorizationConfig: { IAM: 'ENABLED' } }) }],
      [{ Name: 'app' }],
      {},
      /TransitEncryption: IAM authorization .* needs TransitEncryption: ENABLED/,
    ],
    [
      'VolumesFrom naming the container itself',
      [],
      [{ Name: 'app', VolumesFrom: [{ SourceContainer: 'app' }] }],
      {},
      /VolumesFrom\.0\.SourceContainer: must name another container/,
    ],
    [
      'a volume name ECS does not allow (not echoed)',
      [{ Name: 'bad name\n' }],
      [{ Name: 'app' }],
      {},
      /Volumes\.0\.Name: allowed: up to 255 letters, digits, hyphens and underscores$/,
    ],
    [
      'access point Permissions that are not octal',
      [{ Name: 'data', EFSVolumeConfiguration: throughAccessPoint }],
      [{ Name: 'app' }],
      accessPoint({ Path: '/d', CreationInfo: { OwnerUid: 1, OwnerGid: 1, Permissions: '0855' } }),
      /AppData\.Properties\.RootDirectory\.CreationInfo\.Permissions: expected 3 or 4 octal digits/,
    ],
  ];
  it('keeps a host path volume in the ECS model (valid on EC2, other readers such as the diagram see it); only wharf dev refuses it', () => {
    const app = resolved([{ Name: 'logs', Host: { SourcePath: '/var/log' } }], [{ Name: 'app' }]);
    expect(resolveEcsServices(app)[0]?.taskDefinition.volumes).toEqual([
      {
        kind: 'unsupported',
        name: 'logs',
        propertyPath: 'Volumes.0.Host.SourcePath',
        reason: expect.stringContaining('not supported on Fargate'),
      },
    ]);
    expect(() => buildLocalModel(app)).toThrow(TemplateError);
  });

  it.each(cases)('rejects %s', (_what, volumes, containers, resources, message) => {
    const error = failure(() => model(volumes, containers, resources));
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/t\d+\.json/);
  });
});

describe('efsDirectory', () => {
  it.each([
    ['/', '/'],
    ['/data/', '/data'],
    ['//a//b', '/a/b'],
  ])('normalizes %j to %j', (input, path) => {
    expect(efsDirectory(input)).toEqual({ path });
  });
  it.each(['data', '/a/./b', '/a/..', '/a\u0000b'])('refuses %j', (input) => {
    expect(efsDirectory(input)).toHaveProperty('error');
  });
});
