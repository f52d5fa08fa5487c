/**
 * `wharf dev` with EFS storage on Docker (aws-behavior-2.md, "Task storage on Fargate"), on our fixture
 * `test/fixtures/volumes/efs-shared.yml`: two writer tasks (uid 1000, which only the access
 * point's CreationInfo lets write) and a reader mounting the same access point ReadOnly behind an
 * ALB. The file system is one Docker volume for the run, shared by all tasks, kept while a task is
 * replaced, labelled as Wharf's and removed at the end (unless --keep-volumes); a Host.SourcePath
 * is refused as on Fargate.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { runWharfAsync } from '../../support/cli.js';
import { buildBusyboxImage, containersWithLabel, docker, requireDocker } from '../../support/docker.js';
import { runMain } from '../../support/in-process-cli.js';
import { buildTestImages } from '../../support/web-image.js';
import { eventually, get, ingressUrl, startCloud } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/volumes/efs-shared.yml');
const hasDocker = await requireDocker();

async function volumesWithLabel(label: string): Promise<Docker.VolumeInspectInfo[]> {
  return (await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? [];
}

/** Runs a one-off busybox command with `volume` mounted read-only at /v; resolves its output. */
async function inspectVolume(volume: string, script: string): Promise<string> {
  const image = await buildBusyboxImage();
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', script],
    Labels: { 'wharf.test': 'efs-volumes' },
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/v', ReadOnly: true }] },
  });
  try {
    await container.start();
    await container.wait();
    const output = await container.logs({ stdout: true, stderr: true });
    // Multiplexed stream: drop each frame's 8-byte header.
    let text = '';
    for (let at = 0; at + 8 <= output.length; ) {
      const size = output.readUInt32BE(at + 4);
      text += output.subarray(at + 8, at + 8 + size).toString('utf8');
      at += 8 + size;
    }
    return text;
  } finally {
    await container.remove({ force: true });
  }
}

describe.skipIf(!hasDocker)('wharf dev: an EFS file system shared by two services (Docker)', () => {
  // The fixture's file system id, as the template evaluator gives it (the kept volume's label).
  const fileSystemId = String(resolveApp(loadTemplateFile(FIXTURE)).root.resources.get('FileSystem')?.ref);
  const keptVolumes = () =>
    volumesWithLabel('wharf.keep=true').then((list) =>
      list.filter((v) => v.Labels?.['wharf.file-system'] === fileSystemId),
    );
  const removeKept = async () => {
    for (const volume of await keptVolumes()) await docker.getVolume(volume.Name).remove();
  };

  beforeAll(async () => {
    buildTestImages();
    // A kept volume of an earlier, interrupted run of this test (this fixture's file system only).
    await removeKept();
  });
  afterAll(removeKept);

  it('shares the files between tasks and services, refuses writes on ReadOnly, keeps them across a task replacement and, with keepVolumes, after the run', async () => {
    const { cloud, io } = await startCloud({ template: FIXTURE, runtime: 'docker', keepVolumes: true });
    let volumeName: string;
    try {
      await cloud.waitUntilReady(60_000);
      const body = (await get(`${ingressUrl(cloud, 'load-balancer')}/`)).body;
      // What a writer task wrote, read by the reader task, whose own write was refused.
      expect(body).toMatch(/^written by [0-9a-f]{12}\n/);
      expect(body).toMatch(/\nread-only: yes\n$/);

      // One labelled volume for the file system, for the whole run (three tasks mount it).
      const volumes = await volumesWithLabel(`wharf.run=${cloud.runId}`);
      expect(volumes.map((v) => v.Labels)).toEqual([
        {
          'wharf.run': cloud.runId,
          'wharf.pid': String(process.pid),
          'wharf.volume': 'efs',
          'wharf.file-system': fileSystemId,
          'wharf.keep': 'true',
        },
      ]);
      volumeName = String(volumes[0]?.Name);
      const [reader] = await containersWithLabel('wharf.container', 'reader').then((list) =>
        list.filter((c) => c.Labels['wharf.run'] === cloud.runId),
      );
      expect(reader?.Mounts).toEqual([
        expect.objectContaining({ Type: 'volume', Name: volumeName, Destination: '/srv/shared', RW: false }),
      ]);

      // A writer task is replaced: its successor appends to the same file.
      const writer = cloud.services.get('writer');
      const first = writer?.describe().tasks.find((t) => t.lastStatus === 'RUNNING');
      expect(writer?.stopTask(String(first?.taskId))).toBe(true);
      const wrote = () => io.withCode('WHARF_DEV_LOG').filter((m) => /^writer\/\w+ wrote$/.test(m.message));
      await eventually('the replacement writer to write', () => wrote().length >= 3, 30_000);
    } finally {
      await cloud.stop();
    }
    expect(await containersWithLabel('wharf.run', cloud.runId)).toEqual([]);

    // Kept: the three lines (three tasks), in the access point's directory owned as CreationInfo says.
    const seen = await inspectVolume(volumeName, 'stat -c "%u:%g %a" /v; cat /v/log.txt');
    const [owner, ...lines] = seen.trim().split('\n');
    expect(owner).toBe('1000:1000 755');
    expect(lines).toHaveLength(3);
    expect(new Set(lines).size).toBe(3);
    expect(io.withCode('WHARF_VOLUMES_KEPT')[0]?.message).toContain(`docker volume rm ${volumeName}`);
  }, 90_000);

  it('wharf dev --template efs-shared.yml --once exits 0, and leaves no volume or container behind', async () => {
    const logs = mkdtempSync(join(tmpdir(), 'wharf-efs-logs-'));
    try {
      const result = await runWharfAsync(
        ['dev', '--template', FIXTURE, '--runtime', 'docker', '--once', '--log-dir', logs, '--timeout', '60'],
        { timeoutMs: 90_000 },
      );
      expect(result.stdout).toMatch(/→ 200 written by [0-9a-f]{12}/);
      expect(result.code).toBe(0);
      const runId = /Local cloud (\w+)/.exec(result.stdout)?.[1];
      expect(runId).toBeDefined();
      expect(await volumesWithLabel(`wharf.run=${runId}`)).toEqual([]);
      expect(await containersWithLabel('wharf.run', String(runId))).toEqual([]);
      expect(result.stderr).not.toContain('still in use');
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('wharf dev: a host path volume', () => {
  it('exits 2 naming the file, resource and property: sourcePath is not supported on Fargate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-host-path-'));
    try {
      const file = join(dir, 'host-path.yml');
      writeFileSync(
        file,
        readFileSync(FIXTURE, 'utf8').replace(
          /(ReaderTask:[\s\S]*?Volumes:\n)/,
          '$1        - Name: logs\n          Host:\n            SourcePath: /var/log\n',
        ),
      );
      const result = await runMain(['dev', '--template', file, '--runtime', 'docker', '--once']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'host-path.yml: ReaderTask.Properties.Volumes.0.Host.SourcePath: a host path is not supported on Fargate',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wharf dev --runtime process: task volumes', () => {
  it('says, once per task definition and volume, that the process runtime mounts nothing', async () => {
    const { cloud, io } = await startCloud({
      template: FIXTURE,
      runtime: 'process',
      overrides: { commands: { writer: 'sleep 30', reader: 'sleep 30' } },
    });
    await cloud.stop();
    const warnings = io
      .withCode('WHARF_DEV_NOT_EMULATED')
      .map((m) => m.message)
      .filter((m) => m.includes('process runtime'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /efs-shared\.yml: WriterTask: volume 'shared' \(mounted by 'writer' at \/mnt\/shared\) is not mounted by the process runtime/,
      ),
      expect.stringMatching(
        /efs-shared\.yml: ReaderTask: volume 'shared' \(mounted by 'reader' at \/srv\/shared\) is not mounted by the process runtime/,
      ),
    ]);
  });
});
