/**
 * The Docker runtime against a real daemon (mandatory in CI). Images are built locally from a
 * static busybox; nothing is pulled. Sections cited are from aws-behavior.md.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { containerLogFile } from '../../../src/local/runtime/container-logs.js';
import { DockerRuntime } from '../../../src/local/runtime/docker.js';
import type { RunningTask } from '../../../src/local/runtime/types.js';
import { tempDir } from '../../support/cli.js';
import {
  buildBusyboxImage,
  containersWithLabel,
  docker,
  removeContainersWithLabel,
  requireDocker,
  testRunId,
} from '../../support/docker.js';
import { containerConfig, getText, RecordingEvents, taskSpec, waitUntil } from './support.js';

const hasDocker = await requireDocker();

const HTTPD = 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www';

describe.skipIf(!hasDocker)('DockerRuntime', () => {
  const runId = testRunId();
  const logDir = tempDir('wharf-runtime-logs-');
  let image: string;
  let runtime: DockerRuntime;

  beforeAll(async () => {
    image = await buildBusyboxImage();
    runtime = new DockerRuntime({ runId });
  });

  afterAll(async () => {
    await runtime?.close();
    await removeContainersWithLabel('wharf.run', runId);
    rmSync(logDir, { recursive: true, force: true });
  });

  /** Starts a task and remembers it for cleanup. */
  async function start(...args: Parameters<DockerRuntime['start']>): Promise<RunningTask> {
    const task = await runtime.start(...args);
    return task;
  }

  it('runs one container per definition; its port answers on 127.0.0.1 through the reported endpoint', async () => {
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image, command: ['sh', '-c', HTTPD], containerPorts: [8080] }),
    ]);
    const task = await start(spec, new RecordingEvents());
    const endpoint = task.endpoints.get(8080);
    expect(endpoint?.host).toBe('127.0.0.1');
    expect(endpoint?.port).toBeGreaterThan(0);
    const response = await getText('127.0.0.1', endpoint?.port ?? 0, '/index.html');
    expect(response).toEqual({ status: 200, body: 'ok\n' });
    expect(task.handles).toHaveLength(1);
  });

  it('names and labels containers after the run, task, service, container and process', async () => {
    const spec = taskSpec(runId, [containerConfig({ name: 'app', image, command: ['sleep', '60'] })], {
      serviceName: 'orders svc',
    });
    const task = await start(spec, new RecordingEvents());
    const info = await docker.getContainer(task.handles[0] ?? '').inspect();
    expect(info.Name).toBe(`/wharf-${runId}-orders-svc-${spec.taskId.slice(0, 8)}-app`);
    expect(info.Config.Labels).toMatchObject({
      'wharf.run': runId,
      'wharf.task': spec.taskId,
      'wharf.service': 'orders svc',
      'wharf.container': 'app',
      'wharf.pid': String(process.pid),
    });
    expect(info.HostConfig.Init).toBe(true);
  });

  it('passes command, entry point, container and task environment, and PORT = the first container port', async () => {
    const serve =
      'mkdir -p /www && echo "$GREETING $SHARED $PORT $(pwd)" > /www/index.html && exec httpd -f -p 8080 -h /www';
    const spec = taskSpec(
      runId,
      [
        containerConfig({
          name: 'web',
          image,
          entryPoint: ['sh', '-c'],
          command: [serve],
          environment: { GREETING: 'hello' },
          containerPorts: [8080],
          workingDirectory: '/tmp',
        }),
      ],
      { environment: { SHARED: 'from-task' } },
    );
    const task = await start(spec, new RecordingEvents());
    const response = await getText('127.0.0.1', task.endpoints.get(8080)?.port ?? 0, '/index.html');
    expect(response.body).toBe('hello from-task 8080 /tmp\n');
  });

  it('publishes ports on 127.0.0.1 only, never on all interfaces', async () => {
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image, command: ['sh', '-c', HTTPD], containerPorts: [8080, 9090] }),
    ]);
    const task = await start(spec, new RecordingEvents());
    const info = await docker.getContainer(task.handles[0] ?? '').inspect();
    const bindings = Object.values(info.NetworkSettings.Ports ?? {}).flatMap((list) => list ?? []);
    expect(bindings).toHaveLength(2);
    for (const binding of bindings) expect(binding.HostIp).toBe('127.0.0.1');
    expect([...task.endpoints.keys()].sort()).toEqual([8080, 9090]);
  });

  it('lets containers of one task reach each other on localhost (awsvpc shared network namespace)', async () => {
    const events = new RecordingEvents();
    const probe = 'while true; do wget -q -O - http://127.0.0.1:8080/index.html; sleep 1; done';
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image, command: ['sh', '-c', HTTPD], containerPorts: [8080] }),
      containerConfig({ name: 'sidecar', image, command: ['sh', '-c', probe], essential: false }),
    ]);
    const task = await start(spec, events);
    expect(task.handles).toHaveLength(2);
    await waitUntil('the sidecar logs the page served by web', () =>
      events.logs.some((log) => log.container === 'sidecar' && log.line === 'ok'),
    );
  });

  it('reports HEALTHY once the container health check passes (§3.2)', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(runId, [
      containerConfig({
        name: 'web',
        image,
        command: ['sh', '-c', HTTPD],
        containerPorts: [8080],
        healthCheck: {
          command: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8080/index.html || exit 1'],
          intervalSeconds: 1,
          timeoutSeconds: 2,
          retries: 2,
          startPeriodSeconds: 0,
        },
      }),
    ]);
    const task = await start(spec, events);
    await waitUntil('HEALTHY', () => events.health.some((h) => h.health === 'HEALTHY'));
    expect(events.health[0]).toEqual({ container: 'web', health: 'HEALTHY' });
    const info = await docker.getContainer(task.handles[0] ?? '').inspect();
    expect(info.Config.Healthcheck).toMatchObject({ Interval: 1e9, Timeout: 2e9, Retries: 2 });
  });

  it('reports UNHEALTHY after `retries` consecutive failures (§3.2)', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(runId, [
      containerConfig({
        name: 'web',
        image,
        command: ['sleep', '600'],
        healthCheck: {
          command: ['CMD', 'false'],
          intervalSeconds: 1,
          timeoutSeconds: 2,
          retries: 2,
          startPeriodSeconds: 0,
        },
      }),
    ]);
    await start(spec, events);
    await waitUntil('UNHEALTHY', () => events.health.some((h) => h.health === 'UNHEALTHY'));
    expect(events.health.map((h) => h.health)).not.toContain('HEALTHY');
  });

  it('reports each output line with its stream, writes it to the awslogs-named file, then the exit code', async () => {
    const events = new RecordingEvents();
    const container = containerConfig({
      name: 'job',
      image,
      command: ['sh', '-c', 'echo first line; echo "to stderr" >&2; printf "no newline"; exit 3'],
      log: { logGroupName: '/ecs/api', streamPrefix: 'api' },
    });
    const spec = taskSpec(runId, [container], { logDir });
    await start(spec, events);
    await waitUntil('the exit', () => events.exits.length > 0);
    expect(events.logs).toEqual(
      expect.arrayContaining([
        { container: 'job', line: 'first line', stream: 'stdout' },
        { container: 'job', line: 'to stderr', stream: 'stderr' },
        { container: 'job', line: 'no newline', stream: 'stdout' },
      ]),
    );
    expect(events.exits).toEqual([{ container: 'job', exitCode: 3, reason: 'Exited with code 3' }]);
    const file = containerLogFile(logDir, container, spec.taskId) ?? '';
    expect(file).toBe(`${logDir}/ecs_api/api/job/${spec.taskId}.log`);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8').split('\n').sort()).toEqual([
      '',
      'first line',
      'no newline',
      'to stderr',
    ]);
  });

  it('stops a container that ignores SIGTERM with SIGKILL after stopTimeout, then removes it (§3.5)', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(runId, [
      containerConfig({
        name: 'stubborn',
        image,
        command: ['sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 1; done'],
        stopTimeoutSeconds: 2,
      }),
    ]);
    const task = await start(spec, events);
    await waitUntil('ready', () => events.logs.some((log) => log.line === 'ready'));
    await task.stop();
    expect(events.exits).toHaveLength(1);
    expect(events.exits[0]?.exitCode).toBe(137);
    expect(events.exits[0]?.reason).toMatch(/within 2 s of SIGTERM, killed with SIGKILL/);
    await expect(docker.getContainer(task.handles[0] ?? '').inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    await task.stop(); // idempotent
    expect(events.exits).toHaveLength(1);
  });

  it('stops a container that exits on SIGTERM without waiting for the timeout', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image, command: ['sh', '-c', HTTPD], containerPorts: [8080] }),
    ]);
    const task = await start(spec, events);
    await task.stop();
    expect(events.exits).toEqual([
      { container: 'web', exitCode: 143, reason: 'Stopped: exited after SIGTERM' },
    ]);
  });

  it('rejects with WHARF_IMAGE_UNAVAILABLE for an image that is absent and cannot be pulled, leaving nothing', async () => {
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image: 'wharf-test/does-not-exist:0', command: ['true'] }),
    ]);
    const error = await runtime.start(spec, new RecordingEvents()).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_IMAGE_UNAVAILABLE');
    expect(String((error as Error).message)).toMatch(
      /Image 'wharf-test\/does-not-exist:0' of container 'web' .*could not be pulled.*docker build -t/,
    );
    expect(await containersWithLabel('wharf.task', spec.taskId)).toEqual([]);
  });

  it('removes what it created when a later container of the task fails to start', async () => {
    const spec = taskSpec(runId, [
      containerConfig({ name: 'web', image, command: ['sleep', '60'] }),
      containerConfig({ name: 'broken', image, command: ['true'], user: 'no-such-user' }),
    ]);
    const error = await runtime.start(spec, new RecordingEvents()).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_CONTAINER_START_FAILED');
    expect(String((error as Error).message)).toMatch(/container 'broken'/);
    expect(await containersWithLabel('wharf.task', spec.taskId)).toEqual([]);
  });

  it('removeLeftovers removes containers whose creating process is gone, and strays of its own run, but not its running tasks', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    const otherRun = testRunId();
    const make = (name: string, run: string, pid: number) =>
      docker.createContainer({
        name: `${otherRun}-${name}`,
        Image: image,
        Cmd: ['sleep', '60'],
        Labels: { 'wharf.run': run, 'wharf.pid': String(pid) },
      });
    const running = await start(
      taskSpec(runId, [containerConfig({ name: 'app', image, command: ['sleep', '60'] })]),
      new RecordingEvents(),
    );
    const orphan = await make('orphan', otherRun, dead);
    const stray = await make('stray', runId, process.pid);
    const alive = await make('alive', otherRun, process.pid);
    try {
      // Another Wharf process may remove the orphan first; the stray of this run only we remove.
      expect(await runtime.removeLeftovers()).toBeGreaterThanOrEqual(1);
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(stray.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await alive.inspect()).Id).toBe(alive.id);
      expect((await docker.getContainer(running.handles[0] ?? '').inspect()).State.Running).toBe(true);
    } finally {
      await removeContainersWithLabel('wharf.run', otherRun);
    }
  });

  it('close() stops every task of the runtime and leaves no container of the run', async () => {
    await start(
      taskSpec(runId, [
        containerConfig({ name: 'web', image, command: ['sh', '-c', HTTPD], containerPorts: [8080] }),
      ]),
      new RecordingEvents(),
    );
    expect((await containersWithLabel('wharf.run', runId)).length).toBeGreaterThan(0);
    await runtime.close();
    expect(await containersWithLabel('wharf.run', runId)).toEqual([]);
  });
});
