/**
 * Offline stand-in base images: made from this machine's files under the real image's name, never
 * replacing an image of that name that Wharf did not make unless forced.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureStandInBaseImage, STAND_IN_LABEL } from '../../../src/local/runtime/stand-in-image.js';
import { parseLdd } from '../../../src/local/runtime/stand-in-rootfs.js';
import { buildBusyboxImage, docker, requireDocker } from '../../support/docker.js';
import { ensureTestBaseImages } from '../../support/stand-in.js';

const hasDocker = await requireDocker();

describe('parseLdd', () => {
  it('lists the library files, the loader included, and not the virtual vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f8b)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f8a)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f8c)',
    ].join('\n');
    expect(parseLdd(output)).toEqual([
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });
});

describe.skipIf(!hasDocker)('ensureStandInBaseImage', () => {
  const name = `busybox:wharf-test-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await docker
      .getImage(name)
      .remove({ force: true })
      .catch(() => {});
  });

  it('rejects an image it has no recipe for, naming what it can make', async () => {
    await expect(ensureStandInBaseImage('python:3.12')).rejects.toThrow(/node:<tag>.*busybox:<tag>/);
  });

  it('keeps an image of that name that Wharf did not make, and replaces it only with force', async () => {
    const real = await buildBusyboxImage();
    await docker.getImage(real).tag({ repo: name.split(':')[0], tag: name.split(':')[1] });
    const before = (await docker.getImage(name).inspect()).Id;
    expect((await ensureStandInBaseImage(name)).action).toBe('kept-real');
    expect((await docker.getImage(name).inspect()).Id).toBe(before);
    expect((await ensureStandInBaseImage(name, { force: true })).action).toBe('built');
    const info = await docker.getImage(name).inspect();
    expect(info.Config.Labels?.[STAND_IN_LABEL]).toBe(name);
    expect((await ensureStandInBaseImage(name)).action).toBe('current');
  }, 60_000);

  it('makes node:22-alpine run node, npm and sh, as a Dockerfile FROM it expects', async () => {
    await ensureTestBaseImages();
    const output = execFileSync(
      'docker',
      [
        'run',
        '--rm',
        '--label',
        'wharf.test=stand-in',
        'node:22-alpine',
        'sh',
        '-c',
        'node -p process.version && npm --version && id -un node',
      ],
      { encoding: 'utf8' },
    );
    expect(output.trim().split('\n')).toEqual([
      process.version,
      expect.stringMatching(/^\d+\.\d+\.\d+$/),
      'node',
    ]);
  }, 120_000);
});
