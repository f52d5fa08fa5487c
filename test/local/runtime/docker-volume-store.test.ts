/**
 * Task volumes on a real Docker daemon (mandatory in CI): a task-scoped volume (`Host: {}`) is
 * shared by the task's containers and removed with the task; leftover volumes of dead runs are
 * removed at start, kept ones and live runs' ones are not. Images are built locally from a
 * static busybox; nothing is pulled.
 */

import { spawnSync } from 'node:child_process';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src/local/runtime/docker.js';
import { DockerVolumes } from '../../../src/local/runtime/docker-volume-store.js';
import { taskVolumeName } from '../../../src/local/runtime/docker-volumes.js';
import { buildBusyboxImage, docker, requireDocker, testRunId } from '../../support/docker.js';
import { containerConfig, RecordingEvents, taskSpec, waitUntil } from './support.js';

const hasDocker = await requireDocker();

async function volumeExists(name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasDocker)('Docker task volumes', () => {
  const runId = testRunId();
  let image: string;
  let runtime: DockerRuntime;

  beforeAll(async () => {
    image = await buildBusyboxImage();
    runtime = new DockerRuntime({ runId });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it("shares a Host: {} volume between the task's containers, and removes it when the task stops", async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(
      runId,
      [
        containerConfig({
          name: 'writer',
          image,
          command: ['sh', '-c', 'echo from-writer > /scratch/note && exec sleep 60'],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false }],
          stopTimeoutSeconds: 2,
        }),
        containerConfig({
          name: 'reader',
          image,
          command: ['sh', '-c', 'while [ ! -f /in/note ]; do sleep 0.1; done; cat /in/note; exec sleep 60'],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/in', readOnly: true }],
          stopTimeoutSeconds: 2,
        }),
      ],
      { volumes: [{ kind: 'task', name: 'scratch' }] },
    );
    const task = await runtime.start(spec, events);
    const name = taskVolumeName(spec, 'scratch');
    await waitUntil('the reader to print the note', () =>
      events.logs.some((l) => l.container === 'reader' && l.line === 'from-writer'),
    );
    const labels = (await docker.getVolume(name).inspect()).Labels;
    expect(labels).toMatchObject({ 'wharf.run': runId, 'wharf.task': spec.taskId, 'wharf.volume': 'task' });
    await task.stop();
    expect(await volumeExists(name)).toBe(false);
  }, 30_000);

  it('removeLeftovers removes volumes of dead runs, and leaves kept volumes, live runs and unlabelled volumes alone (listing narrowed to this test’s volumes)', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    const scope = testRunId();
    const make = async (suffix: string, labels: Record<string, string>) => {
      const name = `${scope}-${suffix}`;
      await docker.createVolume({ Name: name, Labels: { 'wharf.test-scope': scope, ...labels } });
      return name;
    };
    const orphan = await make('orphan', {
      'wharf.run': 'gone',
      'wharf.pid': String(dead),
      'wharf.volume': 'efs',
    });
    const kept = await make('kept', {
      'wharf.run': 'gone',
      'wharf.pid': String(dead),
      'wharf.volume': 'efs',
      'wharf.keep': 'true',
    });
    const live = await make('live', {
      'wharf.run': 'other',
      'wharf.pid': String(process.pid),
      'wharf.volume': 'efs',
    });
    const foreign = await make('foreign', { 'wharf.run': 'gone', 'wharf.pid': String(dead) });
    // The real daemon, with the listing narrowed to this test's volumes so that no other
    // process's volumes on a shared daemon are touched.
    const scoped = Object.create(docker, {
      listVolumes: {
        value: (options: { filters: { label: string[] } }) =>
          docker.listVolumes({ filters: { label: [...options.filters.label, `wharf.test-scope=${scope}`] } }),
      },
    }) as Docker;
    try {
      const alive = (pid: number) => pid === process.pid;
      expect(await new DockerVolumes(scoped, { runId: testRunId() }).removeLeftovers(alive)).toBe(1);
      expect(await volumeExists(orphan)).toBe(false);
      for (const name of [kept, live, foreign]) expect(await volumeExists(name)).toBe(true);
    } finally {
      for (const name of [orphan, kept, live, foreign])
        await docker
          .getVolume(name)
          .remove()
          .catch(() => {});
    }
  });
});
