/** Task volumes → Docker volume names, labels, mounts and the ownership archive (no daemon needed). */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EfsVolumeConfig } from '../../../src/local/ecs/types.js';
import { dockerCreateOptions } from '../../../src/local/runtime/docker-container-config.js';
import {
  directoryTar,
  dockerMounts,
  efsVolumeLabels,
  efsVolumeName,
  mountedVolumes,
  taskVolumeName,
} from '../../../src/local/runtime/docker-volumes.js';
import { containerConfig, taskSpec } from './support.js';

const root: EfsVolumeConfig = {
  kind: 'efs',
  name: 'data',
  fileSystemId: 'fs-0123abcd',
  path: '/',
  transitEncryption: false,
};
const appData: EfsVolumeConfig = { ...root, name: 'app', path: '/app-data' };

describe('efsVolumeName', () => {
  it("names a file system's root after the run and the file system, and a directory with its hash", () => {
    expect(efsVolumeName('1a2b', root, false)).toBe('wharf-1a2b-fs-0123abcd');
    expect(efsVolumeName('1a2b', appData, false)).toMatch(/^wharf-1a2b-fs-0123abcd-[0-9a-f]{8}$/);
    expect(efsVolumeName('1a2b', appData, false)).not.toBe(
      efsVolumeName('1a2b', { ...appData, path: '/other' }, false),
    );
  });

  it('drops the run id under --keep-volumes, so the next run with the flag finds the same volume', () => {
    expect(efsVolumeName('1a2b', root, true)).toBe('wharf-kept-fs-0123abcd');
    expect(efsVolumeName('ffff', appData, true)).toBe(efsVolumeName('1a2b', appData, true));
  });

  it('keeps ids that need sanitising apart (the exact id is hashed in)', () => {
    const a = efsVolumeName('r', { ...root, fileSystemId: 'stack/fs:1' }, false);
    const b = efsVolumeName('r', { ...root, fileSystemId: 'stack-fs-1' }, false);
    expect(a).toMatch(/^wharf-r-stack-fs-1-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('labels the volume as Wharf’s, with the run, the creating process and, when kept, wharf.keep', () => {
    expect(efsVolumeLabels('1a2b', root, false, 42)).toEqual({
      'wharf.run': '1a2b',
      'wharf.pid': '42',
      'wharf.volume': 'efs',
      'wharf.file-system': 'fs-0123abcd',
    });
    expect(efsVolumeLabels('1a2b', root, true, 42)['wharf.keep']).toBe('true');
  });
});

describe('dockerMounts', () => {
  const app = containerConfig({
    name: 'app',
    image: 'x',
    mountPoints: [
      { sourceVolume: 'data', containerPath: '/data', readOnly: true },
      { sourceVolume: 'scratch', containerPath: '/tmp/scratch', readOnly: false },
    ],
  });
  const spec = taskSpec('run1', [app], { volumes: [root, { kind: 'task', name: 'scratch' }] });

  it('mounts the EFS volume of the run and the task-scoped volume of this task, NoCopy, ReadOnly kept', () => {
    expect(dockerMounts(spec, app, false)).toEqual([
      {
        Type: 'volume',
        Source: 'wharf-run1-fs-0123abcd',
        Target: '/data',
        ReadOnly: true,
        VolumeOptions: { NoCopy: true },
      },
      {
        Type: 'volume',
        Source: taskVolumeName(spec, 'scratch'),
        Target: '/tmp/scratch',
        ReadOnly: false,
        VolumeOptions: { NoCopy: true },
      },
    ]);
    expect(taskVolumeName(spec, 'scratch')).toBe(`wharf-run1-api-${spec.taskId.slice(0, 8)}-scratch`);
  });

  it('puts the mounts in the container create options, and none for a container without mount points', () => {
    expect(dockerCreateOptions(spec, app, { owner: true, ports: [] }).HostConfig?.Mounts).toHaveLength(2);
    const plain = containerConfig({ name: 'plain', image: 'x' });
    expect(dockerCreateOptions(spec, plain, { owner: true, ports: [] }).HostConfig?.Mounts).toBeUndefined();
  });

  it('creates only the volumes some container mounts', () => {
    const unused = taskSpec('run1', [containerConfig({ name: 'plain', image: 'x' })], { volumes: [root] });
    expect(mountedVolumes(unused)).toEqual([]);
    expect(mountedVolumes(spec).map((v) => v.name)).toEqual(['data', 'scratch']);
  });
});

describe('directoryTar', () => {
  it('is one ustar directory entry with the owner and mode given, as tar reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-tar-'));
    try {
      const file = join(dir, 'a.tar');
      writeFileSync(file, directoryTar('root', { uid: 1000, gid: 1001, mode: 0o750 }, 0));
      const listing = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' });
      expect(listing).toMatch(/^drwxr-x--- 1000\/1001\s+0 1970-01-01 00:00 root\/\n$/);
      // An id above the 7 octal digits of the field is written base-256, which tar reads back.
      writeFileSync(file, directoryTar('root', { uid: 4_294_967_294, gid: 0, mode: 0o755 }, 0));
      expect(execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' })).toMatch(
        /^drwxr-xr-x 4294967294\/0 /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a name it was not written for', () => {
    expect(() => directoryTar('../x', { uid: 0, gid: 0, mode: 0o755 })).toThrow(/unsupported directory name/);
  });
});
